import type { InputFormat } from '../heap/types';

/** The 24-byte FastSerialization header every .gcdump starts with (gcdump spec §2.3). */
const FAST_SERIALIZATION_MAGIC = '!FastSerialization.1';

/**
 * Sniffs the format from the first bytes of a file (at least 64 are enough). Returns null for
 * anything heapscope does not read, so the caller can say what the file is not.
 */
export function detectFormat(head: Uint8Array): InputFormat | null {
  if (head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46)
    return 'elf-core';
  if (head.length >= 4 && head[0] === 0x4d && head[1] === 0x44 && head[2] === 0x4d && head[3] === 0x50)
    return 'minidump';
  if (head.length >= 24 && head[0] === 20 && head[1] === 0 && head[2] === 0 && head[3] === 0) {
    let magic = '';
    for (let i = 4; i < 24; i++) magic += String.fromCharCode(head[i]);
    if (magic === FAST_SERIALIZATION_MAGIC) return 'gcdump';
  }
  if (looksLikeText(head) || looksLikeUtf16Text(head)) return 'sos';
  return null;
}

/**
 * UTF-16 text with its byte-order mark (WinDbg `.logopen /u` writes transcripts so): the bytes after
 * the mark, taken as 16-bit units, must look like text (the importer decodes by the mark).
 */
function looksLikeUtf16Text(head: Uint8Array): boolean {
  const littleEndian = head[0] === 0xff && head[1] === 0xfe;
  if (head.length < 4 || !(littleEndian || (head[0] === 0xfe && head[1] === 0xff))) return false;
  let units = 0;
  let control = 0;
  for (let i = 2; i + 1 < head.length; i += 2) {
    const unit = littleEndian ? head[i] | (head[i + 1] << 8) : (head[i] << 8) | head[i + 1];
    if (unit === 0) return false;
    if (unit < 9 || (unit > 13 && unit < 32)) control++;
    units++;
  }
  return control <= units / 100;
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
