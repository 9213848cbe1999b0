import type { HeapModel } from '../heap/types';
import { FormatError, type ByteSource, type LoadOptions } from './byte-source';
import { detectFormat } from './detect';
import { importElfCore } from './elf-core';
import { readGcdump } from './gcdump';
import { importMinidump } from './minidump';
import { importSosTranscript } from './sos';

/** How many leading bytes `detectFormat` looks at. */
const SNIFF_BYTES = 4096;

/** Reads any supported input into a HeapModel: the one entry point for the worker and the CLI. */
export async function loadHeap(source: ByteSource, options: LoadOptions = {}): Promise<HeapModel> {
  if (source.size === 0) throw new FormatError('input', `${source.name} is empty (0 bytes)`, 0);
  const head = await source.read(0, Math.min(SNIFF_BYTES, source.size));
  const format = detectFormat(head);
  switch (format) {
    case 'gcdump':
      return (await readGcdump(source, options)).heap;
    case 'sos':
      return (await importSosTranscript(source, options)).heap;
    case 'elf-core':
      return (await importElfCore(source, options)).heap;
    case 'minidump':
      return (await importMinidump(source, options)).heap;
    default:
      throw new FormatError(
        'input',
        `${source.name} is neither a .gcdump (it does not start with the 24-byte "!FastSerialization.1" header) nor a text transcript`,
        0,
      );
  }
}
