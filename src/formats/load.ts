import type { HeapModel } from '../heap/types';
import { FormatError, type ByteSource, type LoadOptions } from './byte-source';
import { detectFormat } from './detect';
import { gcRangesFromLayout, gcRangesFromSegments } from '../heap/gc-heap-labels';
import { importElfCore } from './elf-core';
import { readGcdump } from './gcdump';
import { importMinidump } from './minidump';
import { importSosTranscript } from './sos';

/** How many leading bytes `detectFormat` looks at. */
export const SNIFF_BYTES = 4096;

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
        `${source.name} is not a file heapscope reads: it is neither a .gcdump (which starts with the 24-byte ` +
          `"!FastSerialization.1" header), an SOS transcript (text with dumpheap, gcroot, dumpobj or eeheap output), ` +
          `a Linux core (ELF, "\\x7fELF") nor a Windows minidump ("MDMP"); its first bytes are ${firstBytes(head)}`,
        0,
      );
  }
}

/**
 * A full dump opened with another input of the same process beside it (a transcript with eeheap -gc,
 * or a PerfView .gcdump with its segment table): the companion is read first, and the GC ranges it
 * knows name the dump's GCHeap memory. Either order of the two files works.
 */
export async function loadDumpWithCompanion(
  first: ByteSource,
  second: ByteSource,
  options: LoadOptions = {},
): Promise<HeapModel> {
  const [dump, companion] = (await isFullDump(first)) ? [first, second] : [second, first];
  if (!(await isFullDump(dump)))
    throw new FormatError(
      'input',
      `of ${first.name} and ${second.name}, neither is a core or minidump: open one file at a time`,
      0,
    );
  if (await isFullDump(companion))
    throw new FormatError('input', `${first.name} and ${second.name} are both full dumps: open one at a time`, 0);
  const other = await loadHeap(companion, { signal: options.signal, memoryBudgetBytes: options.memoryBudgetBytes });
  const gcHeapFrom = gcHeapFromCompanion(other, companion.name, dump.name);
  return loadHeap(dump, { ...options, gcHeapFrom });
}

/**
 * The GC ranges another input of the process knows (a transcript's eeheap -gc, PerfView's segment
 * table), for naming a full dump's GCHeap memory; a FormatError saying why when it knows none.
 */
export function gcHeapFromCompanion(
  companion: HeapModel,
  companionName: string,
  dumpName: string,
): NonNullable<LoadOptions['gcHeapFrom']> {
  const ranges = companion.gcHeapLayout
    ? gcRangesFromLayout(companion.gcHeapLayout)
    : companion.segments.length > 0
      ? gcRangesFromSegments(companion.segments)
      : null;
  if (!ranges || ranges.length === 0) {
    const what =
      companion.format === 'sos'
        ? 'has no eeheap -gc output'
        : 'carries no GC segment table (dotnet-gcdump writes none)';
    throw new FormatError('input', `${companionName} ${what}, so it cannot name the GC heap in ${dumpName}`, 0);
  }
  const from = `${companionName} (${companion.gcHeapLayout ? `eeheap -gc, line ${companion.gcHeapLayout.line}` : 'its GC segment table'})`;
  return { ranges, from };
}

async function isFullDump(source: ByteSource): Promise<boolean> {
  if (source.size === 0) return false;
  const format = detectFormat(await source.read(0, Math.min(SNIFF_BYTES, source.size)));
  return format === 'elf-core' || format === 'minidump';
}

/** The first bytes of a refused file, in hex, so a user can tell what it is (a zip, a PE, an .etl …). */
function firstBytes(head: Uint8Array): string {
  return Array.from(head.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}
