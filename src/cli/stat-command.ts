import type { HeapModel } from '../heap/types';
import { sortHistogram, typeHistogram, type HistogramRow, type HistogramSortKey } from '../analysis/histogram';

export interface StatOptions {
  readonly sort: HistogramSortKey;
  readonly top: number | null;
  /** With `--retained`: MAT-style retained bytes per type, indexed like `typeHistogram(heap)` rows. */
  readonly retainedByRow?: Float64Array;
}

export interface StatResult {
  readonly format: string;
  readonly nodes: number;
  readonly objects: number;
  readonly bytes: number;
  readonly sampled: boolean;
  readonly types: readonly { name: string; count: number; bytes: number; retained?: number; mt?: string | null }[];
}

/**
 * `heapscope stat`: the per-name histogram. `objects`/`bytes` sum every row; `--top N` keeps the N
 * rows that rank highest by the sort key (first N by name), printed in ascending order as
 * `dumpheap -stat` does.
 */
export function statOf(heap: HeapModel, options: StatOptions): StatResult {
  const all = typeHistogram(heap);
  const retainedOf = new Map<HistogramRow, number>();
  if (options.retainedByRow) all.forEach((row, i) => retainedOf.set(row, options.retainedByRow![i]));
  const objects = all.reduce((sum, row) => sum + row.count, 0);
  const bytes = all.reduce((sum, row) => sum + row.bytes, 0);
  let rows: HistogramRow[] = sortHistogram(all, options.sort);
  if (options.top !== null)
    rows = options.sort === 'name' ? rows.slice(0, options.top) : rows.slice(Math.max(0, rows.length - options.top));
  return {
    format: heap.format,
    nodes: heap.nodes.count,
    objects,
    bytes,
    sampled: heap.capabilities.sampled,
    types: rows.map((row) => ({
      name: row.name,
      count: row.count,
      bytes: row.bytes,
      ...(options.retainedByRow ? { retained: retainedOf.get(row) ?? 0 } : {}),
    })),
  };
}

const number = (value: number) => Math.round(value).toLocaleString('en-US');

/** `dumpheap -stat`-style text: Count, TotalSize, Class Name, then the Total line. */
export function renderStat(result: StatResult): string {
  const countWidth = Math.max(9, ...result.types.map((row) => number(row.count).length));
  const bytesWidth = Math.max(13, ...result.types.map((row) => number(row.bytes).length));
  const withRetained = result.types.some((row) => row.retained !== undefined);
  const retainedColumn = (text: string) => (withRetained ? ` ${text.padStart(bytesWidth)}` : '');
  const lines = [
    'Statistics:',
    `${'Count'.padStart(countWidth)} ${'TotalSize'.padStart(bytesWidth)}${retainedColumn('Retained')} Class Name`,
  ];
  for (const row of result.types) {
    lines.push(
      `${number(row.count).padStart(countWidth)} ${number(row.bytes).padStart(bytesWidth)}${retainedColumn(number(row.retained ?? 0))} ${row.name}`,
    );
  }
  lines.push(
    `Total ${number(result.objects)} objects, ${number(result.bytes)} bytes${result.sampled ? ' (estimated: the dump was sampled)' : ''}`,
  );
  if ('elided' in result && result.elided)
    lines.push('(rows were cut in the transcript: the rows shown add up to less than the total)');
  return lines.join('\n') + '\n';
}

/**
 * `heapscope stat FILE.txt`: the transcript's whole-heap `dumpheap -stat` as printed (its own
 * footer totals, which stay right when the author cut rows: `elided`).
 */
export function statOfTranscript(
  stat: {
    rows: readonly { mt: string | null; count: number; bytes: number; name: string }[];
    totalObjects: number | null;
    totalBytes: number | null;
    elided: boolean;
  },
  options: StatOptions,
): StatResult & { elided: boolean } {
  const mtOf = new Map<HistogramRow, string | null>();
  const rows: HistogramRow[] = stat.rows.map((row) => {
    const histogramRow = { name: row.name, count: row.count, bytes: row.bytes, typeIndices: [] };
    mtOf.set(histogramRow, row.mt);
    return histogramRow;
  });
  let sorted = sortHistogram(rows, options.sort);
  if (options.top !== null)
    sorted =
      options.sort === 'name' ? sorted.slice(0, options.top) : sorted.slice(Math.max(0, sorted.length - options.top));
  return {
    format: 'sos',
    nodes: 0,
    objects: stat.totalObjects ?? rows.reduce((sum, row) => sum + row.count, 0),
    bytes: stat.totalBytes ?? rows.reduce((sum, row) => sum + row.bytes, 0),
    sampled: false,
    elided: stat.elided,
    types: sorted.map((row) => ({ name: row.name, count: row.count, bytes: row.bytes, mt: mtOf.get(row) ?? null })),
  };
}
