/**
 * `heapscope maddress FILE`: the memory map of a full dump as SOS's `maddress -summary` prints it.
 * The file is an ELF core or a Windows minidump, told apart by its first four bytes (the ELF
 * identification `\x7fELF`, the minidump signature `MDMP`: docs/specs/core-dumps.md §1.1, §2).
 */
import { basename } from 'node:path';
import { FormatError, type LoadOptions } from '../formats/byte-source';
import { importElfCore } from '../formats/elf-core';
import { gcHeapFromCompanion } from '../formats/load';
import { importMinidump } from '../formats/minidump';
import { loadFile } from './analyzed-file';
import type { MemoryRegionSummary } from '../heap/types';
import { openFileByteSource } from './node-byte-source';

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

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46]; // \x7fELF
const MDMP_MAGIC = [0x4d, 0x44, 0x4d, 0x50]; // MDMP

/** Which full-dump format the first bytes announce, or null. */
export function fullDumpFormat(firstBytes: Uint8Array): FullDumpFormat | null {
  const startsWith = (magic: readonly number[]) => magic.every((byte, i) => firstBytes[i] === byte);
  return startsWith(ELF_MAGIC) ? 'elf-core' : startsWith(MDMP_MAGIC) ? 'minidump' : null;
}

/**
 * `gcFrom`: a transcript (eeheap -gc) or PerfView .gcdump (segments) of the same process, whose GC
 * ranges name the dump's GCHeap memory (heap/gc-heap-labels.ts).
 */
export async function maddressOf(path: string, gcFrom: string | null = null): Promise<MaddressResult> {
  const source = await openFileByteSource(path);
  try {
    const firstBytes = await source.read(0, 4);
    const format = fullDumpFormat(firstBytes);
    const common = { file: path, fileSize: source.size };
    const options: LoadOptions = {};
    if (format !== null && gcFrom !== null) {
      const companion = await loadFile(gcFrom);
      options.gcHeapFrom = gcHeapFromCompanion(companion, basename(gcFrom), basename(path));
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
  } finally {
    await source.close();
  }
}

/** The summary table: Memory Kind, Count, Size (human) and Size (bytes), then [TOTAL]. */
export function renderMaddress(result: MaddressResult): string {
  const total = result.rows.reduce((sum, r) => ({ count: sum.count + r.count, bytes: sum.bytes + r.bytes }), {
    count: 0,
    bytes: 0,
  });
  const rows = [
    ...result.rows.map((r) => [r.kind, r.count, r.bytes] as const),
    ['[TOTAL]', total.count, total.bytes] as const,
  ];
  const kindWidth = Math.max(11, ...rows.map(([k]) => k.length));
  const line = (a: string, b: string, c: string, d: string) =>
    `${a.padStart(kindWidth)} | ${b.padStart(5)} | ${c.padStart(10)} | ${d.padStart(15)}\n`;
  const what =
    result.format === 'minidump' ? 'Windows minidump' : `ELF core of ${result.processName ?? 'an unnamed process'}`;
  let text = `${what}: ${result.threads} threads, ${result.pointerSize}-byte pointers; read ${result.bytesRead} of ${result.fileSize} bytes\n`;
  text += line('Memory Kind', 'Count', 'Size', 'Size (bytes)');
  text += '-'.repeat(kindWidth + 39) + '\n';
  for (const [kind, count, bytes] of rows)
    text += line(kind, count.toLocaleString('en-US'), humanSize(bytes), bytes.toLocaleString('en-US'));
  for (const note of result.notes) text += `${note}\n`;
  return text;
}

function humanSize(bytes: number): string {
  const units = ['b', 'kb', 'mb', 'gb', 'tb'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 3)}${units[unit]}`;
}
