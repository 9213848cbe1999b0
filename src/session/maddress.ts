/**
 * `heapscope maddress FILE`: the memory map of a full dump as SOS's `maddress -summary` prints it.
 * The file is an ELF core or a Windows minidump, told apart by its first four bytes (the ELF
 * identification `\x7fELF`, the minidump signature `MDMP`: docs/specs/core-dumps.md §1.1, §2).
 */
import { FormatError, type ByteSource, type LoadOptions } from '../formats/byte-source';
import { detectFormat } from '../formats/detect';
import { importElfCore } from '../formats/elf-core';
import { gcHeapFromCompanion, loadHeap } from '../formats/load';
import { importMinidump } from '../formats/minidump';
import type { MemoryRegionSummary } from '../heap/types';

export type FullDumpFormat = 'elf-core' | 'minidump';

export interface MaddressResult {
  readonly file: string;
  readonly format: FullDumpFormat;
  /** The process name (NT_PRPSINFO); null for a minidump, whose streams read here do not name it. */
  readonly processName: string | null;
  readonly threads: number;
  readonly pointerSize: number;
  readonly bytesRead: number;
  readonly fileSize: number;
  readonly rows: readonly MemoryRegionSummary[];
  /** What the summary leaves unnamed, or where its GCHeap row comes from. */
  readonly notes: readonly string[];
}

/**
 * `gcFrom`: a transcript (eeheap -gc) or PerfView .gcdump (segments) of the same process, whose GC
 * ranges name the dump's GCHeap memory (heap/gc-heap-labels.ts).
 */
export async function maddressOf(source: ByteSource, gcFrom: ByteSource | null = null): Promise<MaddressResult> {
  {
    const firstBytes = await source.read(0, Math.min(4, source.size));
    const sniffed = detectFormat(firstBytes);
    const format = sniffed === 'elf-core' || sniffed === 'minidump' ? sniffed : null;
    const path = source.name;
    const common = { file: path, fileSize: source.size };
    // The memory map needs the headers and notes, not the managed heap's objects.
    const options: LoadOptions = { managedHeap: false };
    if (format !== null && gcFrom !== null) {
      const companion = await loadHeap(gcFrom);
      options.gcHeapFrom = gcHeapFromCompanion(companion, gcFrom.name, source.name);
    }
    if (format === 'elf-core') {
      const { core, heap } = await importElfCore(source, options);
      return {
        ...common,
        format,
        processName: core.processName,
        threads: core.threads.length,
        pointerSize: core.pointerSize,
        bytesRead: core.bytesRead,
        rows: heap.memorySummary,
        notes: heap.warnings,
      };
    }
    if (format === 'minidump') {
      const { heap } = await importMinidump(source, options);
      const facts = heap.dumpFacts!;
      return {
        ...common,
        format,
        processName: null,
        threads: facts.threadCount,
        pointerSize: facts.pointerSize,
        bytesRead: facts.bytesRead,
        rows: heap.memorySummary,
        notes: heap.warnings,
      };
    }
    const shown = [...firstBytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
    throw new FormatError(
      'maddress',
      `${path} is neither an ELF core (starts with 7f 45 4c 46, "\\x7fELF") nor a Windows minidump (starts with "MDMP"); its first bytes are ${shown || 'absent (empty file)'}`,
      0,
    );
  }
}
