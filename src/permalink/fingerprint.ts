/**
 * A dump's fingerprint: SHA-256 of its bytes (streamed, slice by slice, never the whole file at
 * once), with its size and name. Links name dumps by it; the cache keys dumps by it.
 */
import { createSHA256 } from 'hash-wasm';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { DumpFingerprint } from './url-state';
import { byobReaderOf, byteSourceFromBlob, fillFromStream } from '../formats/byte-source';

/** Bytes hashed per slice; between slices the caller may yield. */
export const FINGERPRINT_SLICE_BYTES = 8 << 20;

export interface Fingerprinter {
  /** Which SHA-256 hashes: WebAssembly where it may run, else JavaScript (the same digests). */
  readonly implementation: 'WebAssembly' | 'JavaScript';
  update(bytes: Uint8Array): void;
  /** The digest in lowercase hex. */
  digest(): string;
}

/**
 * A SHA-256 hasher: hash-wasm's WebAssembly one, which hashed 240–350 MB/s in Chromium here against
 * 60–70 MB/s for @noble/hashes' JavaScript (5.2–5.5 s for the 332 MB generated incident dump); or,
 * where WebAssembly may not be compiled (a host whose Content-Security-Policy lacks
 * 'wasm-unsafe-eval', `javaScript: true`), @noble/hashes'.
 */
export async function createFingerprinter({ javaScript = false } = {}): Promise<Fingerprinter> {
  if (!javaScript) {
    try {
      const hash = await createSHA256();
      hash.init();
      return {
        implementation: 'WebAssembly',
        update: (bytes) => void hash.update(bytes),
        digest: () => hash.digest('hex'),
      };
    } catch {
      // Refused (the page's policy) or not available: the JavaScript one gives the same digest.
    }
  }
  const hash = sha256.create();
  return {
    implementation: 'JavaScript',
    update: (bytes) => void hash.update(bytes),
    digest: () => bytesToHex(hash.digest()),
  };
}

/**
 * Hashes a source read by slices (`read(offset, length)`), calling `between` after each slice, with
 * `hasher` when the caller made one (to tell which implementation hashed), else a new one.
 */
export async function fingerprintOf(
  source: { readonly name: string; readonly size: number; read(offset: number, length: number): Promise<Uint8Array> },
  between: () => Promise<void> = async () => {},
  hasher?: Fingerprinter,
): Promise<DumpFingerprint> {
  hasher ??= await createFingerprinter();
  for (let offset = 0; offset < source.size; offset += FINGERPRINT_SLICE_BYTES) {
    hasher.update(await source.read(offset, Math.min(FINGERPRINT_SLICE_BYTES, source.size - offset)));
    await between();
  }
  return { sha256: hasher.digest(), size: source.size, name: source.name };
}

/**
 * `fingerprintOf` for a Blob (a dropped file): its stream read once, from start to end, through one
 * reused buffer filled FINGERPRINT_SLICE_BYTES at a time, so that hashing a 330 MB dump leaves no
 * 330 MB of slices behind for the collector (measured in a page on the generated 18.6 M-object
 * dump: +14 MB at the peak, against +178 MB by new 8 MB slices). One stream, not one per slice:
 * reading that dump in a worker took 0.4–0.5 s so, and 1.0–1.3 s by a stream per 8 MB slice.
 * `between` runs after each slice. In the app this runs on a worker of the page's own
 * (fingerprint-worker.ts): on the heap worker, each of the stream's reads waited for a slice of the
 * analyses.
 */
export async function fingerprintOfBlob(
  blob: Blob,
  name: string,
  between: () => Promise<void> = async () => {},
  hasher?: Fingerprinter,
): Promise<DumpFingerprint> {
  const reader = byobReaderOf(blob);
  if (!reader) return fingerprintOf(byteSourceFromBlob(blob, name), between, hasher);
  hasher ??= await createFingerprinter();
  let buffer = new ArrayBuffer(Math.min(FINGERPRINT_SLICE_BYTES, Math.max(1, blob.size)));
  let hashed = 0;
  try {
    while (hashed < blob.size) {
      const [bytes, read] = await fillFromStream(reader, buffer, Math.min(buffer.byteLength, blob.size - hashed));
      buffer = bytes;
      if (read === 0) throw new Error(`the file ended at ${hashed} of ${blob.size} bytes while it was hashed`);
      hasher.update(new Uint8Array(buffer, 0, read));
      hashed += read;
      await between();
    }
  } finally {
    reader.releaseLock();
  }
  return { sha256: hasher.digest(), size: blob.size, name };
}

export function sameDump(a: DumpFingerprint | null, b: DumpFingerprint | null): boolean {
  return a !== null && b !== null && a.sha256 === b.sha256 && a.size === b.size;
}
