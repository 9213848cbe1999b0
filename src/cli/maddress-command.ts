/** `heapscope maddress FILE`: the memory map of a full dump as SOS's `maddress -summary` prints it. */
import { importElfCore } from '../formats/elf-core';
import type { MemoryRegionSummary } from '../heap/types';
import { openFileByteSource } from './node-byte-source';

export interface MaddressResult {
  readonly file: string;
  readonly processName: string | null;
  readonly threads: number;
  readonly pointerSize: number;
  readonly bytesRead: number;
  readonly fileSize: number;
  readonly rows: readonly MemoryRegionSummary[];
}

export async function maddressOf(path: string): Promise<MaddressResult> {
  const source = await openFileByteSource(path);
  try {
    const { core, heap } = await importElfCore(source);
    return {
      file: path,
      processName: core.processName,
      threads: core.threads.length,
      pointerSize: core.pointerSize,
      bytesRead: core.bytesRead,
      fileSize: source.size,
      rows: heap.memorySummary,
    };
  } finally {
    await source.close();
  }
}

/** The summary table: Memory Kind, Count, Size (human) and Size (bytes), then [TOTAL]. */
export function renderMaddress(result: MaddressResult): string {
  const total = result.rows.reduce((sum, r) => ({ count: sum.count + r.count, bytes: sum.bytes + r.bytes }), { count: 0, bytes: 0 });
  const rows = [...result.rows.map((r) => [r.kind, r.count, r.bytes] as const), ['[TOTAL]', total.count, total.bytes] as const];
  const kindWidth = Math.max(11, ...rows.map(([k]) => k.length));
  const line = (a: string, b: string, c: string, d: string) => `${a.padStart(kindWidth)} | ${b.padStart(5)} | ${c.padStart(10)} | ${d.padStart(15)}\n`;
  let text = `${result.processName ?? '?'}: ${result.threads} threads, ${result.pointerSize}-byte pointers; read ${result.bytesRead} of ${result.fileSize} bytes\n`;
  text += line('Memory Kind', 'Count', 'Size', 'Size (bytes)');
  text += '-'.repeat(kindWidth + 39) + '\n';
  for (const [kind, count, bytes] of rows) text += line(kind, count.toLocaleString('en-US'), humanSize(bytes), bytes.toLocaleString('en-US'));
  text += 'The GC heap and loader heaps stay under their protection rows: a .gcdump or SOS transcript of the same process can name them.\n';
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
