/**
 * `dumpheap -stat` as an answer: the per-name histogram of a heap, or a transcript's own stat table
 * with its footer totals. `heapscope stat` prints it (answer-text.ts renderStat).
 */
import { sortHistogram, type HistogramRow, type HistogramSortKey } from '../analysis/histogram';
import type { OpenedHeap } from './open-heap';
import { rowPredicate } from './histogram-query';

/** `stat --sort`: ascending by bytes, count or name, as `dumpheap -stat` prints. */
export type StatSortKey = HistogramSortKey;

export interface StatOptions {
  readonly sort: HistogramSortKey;
  readonly top: number | null;
  /** Only the rows whose name matches (substring, or with `regex` an RE2 pattern), as the Types view filters. */
  readonly filter?: string;
  readonly regex?: boolean;
  /** With `--retained`: MAT-style retained bytes per row of the histogram (HeapSession.retainedByRow). */
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
/** The rows a filter keeps, or the reason it cannot be applied (the Types view's own predicate). */
function filtered<T extends { name: string }>(rows: T[], options: StatOptions): T[] {
  if (!options.filter) return rows;
  const predicate = rowPredicate(options.filter, options.regex ?? false);
  if (typeof predicate === 'string') throw new StatFilterError(predicate);
  return rows.filter((row) => predicate(row.name));
}

/** The filter of a `stat` query cannot be applied (an invalid pattern); the message says why. */
export class StatFilterError extends Error {}

export function statOf(opened: OpenedHeap, options: StatOptions): StatResult {
  const { heap } = opened;
  // The page's histogram (merged by name), so `stat` and the Types view count the same rows.
  const table = [...opened.histogram.table(true).rows];
  const retainedOf = new Map<HistogramRow, number>();
  if (options.retainedByRow) table.forEach((row, i) => retainedOf.set(row, options.retainedByRow![i]));
  const all = filtered(table, options);
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

/**
 * `heapscope stat FILE.txt`: the transcript's whole-heap `dumpheap -stat` as printed (its own
 * footer totals, which stay right when the author cut rows: `elided`).
 */
/** Which of the transcript's stat tables a `stat` answer comes from, and its other tables. */
export interface TranscriptTableSource {
  readonly line: number;
  readonly command: string;
  readonly filter: string | null;
  readonly others: readonly {
    line: number;
    command: string;
    wholeHeap: boolean;
    objects: number | null;
    bytes: number | null;
  }[];
}

export interface TranscriptStatResult extends StatResult {
  readonly elided: boolean;
  /** The filter the answered table was printed for (`-type X`, `-mt M`, `-min N`, a range); null: the whole heap. */
  readonly filter: string | null;
  /** The table answered: its line and command as echoed. */
  readonly table: { readonly line: number; readonly command: string } | null;
  /** The objects or bytes are the rows' sums because the footer gives none: the heap holds at least that. */
  readonly objectsLowerBound: boolean;
  readonly bytesLowerBound: boolean;
  readonly otherTables: TranscriptTableSource['others'];
}

export function statOfTranscript(
  stat: {
    rows: readonly { mt: string | null; count: number; bytes: number; name: string }[];
    totalObjects: number | null;
    totalBytes: number | null;
    elided: boolean;
  },
  options: StatOptions,
  source: TranscriptTableSource | null = null,
): TranscriptStatResult {
  const mtOf = new Map<HistogramRow, string | null>();
  const rows: HistogramRow[] = filtered([...stat.rows], options).map((row) => {
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
    objects: (options.filter ? null : stat.totalObjects) ?? rows.reduce((sum, row) => sum + row.count, 0),
    bytes: (options.filter ? null : stat.totalBytes) ?? rows.reduce((sum, row) => sum + row.bytes, 0),
    sampled: false,
    elided: stat.elided,
    filter: source?.filter ?? null,
    table: source ? { line: source.line, command: source.command } : null,
    objectsLowerBound: !options.filter && stat.totalObjects === null,
    bytesLowerBound: !options.filter && stat.totalBytes === null,
    otherTables: source?.others ?? [],
    types: sorted.map((row) => ({ name: row.name, count: row.count, bytes: row.bytes, mt: mtOf.get(row) ?? null })),
  };
}
