/**
 * A dump's fingerprint: SHA-256 of its bytes (streamed, slice by slice, never the whole file at
 * once), with its size and name. Links name dumps by it; the cache keys dumps by it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { DumpFingerprint } from './url-state';

/** Bytes hashed per slice; between slices the caller may yield. */
export const FINGERPRINT_SLICE_BYTES = 8 << 20;

export function createFingerprinter() {
  const hash = sha256.create();
  return {
    update(bytes: Uint8Array): void {
      hash.update(bytes);
    },
    digest(): string {
      return bytesToHex(hash.digest());
    },
  };
}

/** Hashes a source read by slices (`read(offset, length)`), calling `between` after each slice. */
export async function fingerprintOf(
  source: { readonly name: string; readonly size: number; read(offset: number, length: number): Promise<Uint8Array> },
  between: () => Promise<void> = async () => {},
): Promise<DumpFingerprint> {
  const hasher = createFingerprinter();
  for (let offset = 0; offset < source.size; offset += FINGERPRINT_SLICE_BYTES) {
    hasher.update(await source.read(offset, Math.min(FINGERPRINT_SLICE_BYTES, source.size - offset)));
    await between();
  }
  return { sha256: hasher.digest(), size: source.size, name: source.name };
}

export function sameDump(a: DumpFingerprint | null, b: DumpFingerprint | null): boolean {
  return a !== null && b !== null && a.sha256 === b.sha256 && a.size === b.size;
}
