/**
 * A dump's fingerprint hashed on a worker of its own, started by the page (fingerprint.worker.ts).
 * Not on the heap worker, nor on a worker it starts: there, a Blob's stream reads wait for the heap
 * worker's thread, which the analyses keep busy for seconds at a time (the generated 18.6 M-object
 * dump, 332 MB, took 10–11 s to hash so while the analyses ran). Measured in a page on that dump,
 * when SHA-256 ran in JavaScript (about 60 MB/s in Chromium here): 5.2–5.5 s on this worker with
 * nothing else running, 6–7 s beside the analyses, which it then slowed by 1–2 s on 2 cores: so
 * the page asks for it once the analyses are done. It now runs in WebAssembly where the page's
 * policy allows it (fingerprint.ts), 4–5× faster.
 */
import type { Fingerprinter } from './fingerprint';
import type { DumpFingerprint } from './url-state';

export interface FingerprintRequest {
  readonly blob: Blob;
  readonly name: string;
}

export type FingerprintReply =
  | { readonly fingerprint: DumpFingerprint; readonly hashedBy: Fingerprinter['implementation'] }
  | { readonly error: string };

/**
 * Hashes `blob` on a new worker, which stops once it answers. Rejects where no worker can start or
 * the hashing fails (the caller then hashes it another way).
 */
export function fingerprintInWorker(blob: Blob, name: string): Promise<DumpFingerprint> {
  return new Promise<DumpFingerprint>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./fingerprint.worker.ts', import.meta.url), {
        type: 'module',
        name: 'heapscope-fingerprint',
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const settle = (outcome: () => void) => {
      worker.terminate();
      outcome();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      settle(() => reject(new Error(`the fingerprint worker failed: ${event.message || 'it did not start'}`)));
    };
    worker.onmessageerror = () => settle(() => reject(new Error('the fingerprint worker sent what could not be read')));
    worker.onmessage = (event: MessageEvent<FingerprintReply>) => {
      const reply = event.data;
      settle(() => ('fingerprint' in reply ? resolve(reply.fingerprint) : reject(new Error(reply.error))));
    };
    worker.postMessage({ blob, name } satisfies FingerprintRequest);
  });
}
