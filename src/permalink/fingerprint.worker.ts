/**
 * Hashes one Blob (fingerprint-worker.ts): a thread that does nothing else, started by the page.
 */
import { createFingerprinter, fingerprintOfBlob } from './fingerprint';
import type { FingerprintReply, FingerprintRequest } from './fingerprint-worker';

self.onmessage = async (event: MessageEvent<FingerprintRequest>) => {
  const { blob, name } = event.data;
  let reply: FingerprintReply;
  try {
    const hasher = await createFingerprinter();
    // Which SHA-256 hashed (the page's policy decides whether WebAssembly may): told, so a test can see it.
    reply = { fingerprint: await fingerprintOfBlob(blob, name, undefined, hasher), hashedBy: hasher.implementation };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  (self as unknown as Worker).postMessage(reply);
};
