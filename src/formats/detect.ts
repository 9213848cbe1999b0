import type { InputFormat } from '../heap/types';

/** The 24-byte FastSerialization header every .gcdump starts with (gcdump spec §2.3). */
const FAST_SERIALIZATION_MAGIC = '!FastSerialization.1';

/**
 * Sniffs the format from the first bytes of a file (at least 64 are enough). Returns null for
 * anything heapscope does not read, so the caller can say what the file is not.
 */
export function detectFormat(head: Uint8Array): InputFormat | null {
  if (head.length >= 24 && head[0] === 20 && head[1] === 0 && head[2] === 0 && head[3] === 0) {
    let magic = '';
    for (let i = 4; i < 24; i++) magic += String.fromCharCode(head[i]);
    if (magic === FAST_SERIALIZATION_MAGIC) return 'gcdump';
  }
  if (looksLikeText(head)) return 'sos';
  return null;
}

/** True when the bytes decode as text (no NULs, few control characters). */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return control <= head.length / 100;
}
