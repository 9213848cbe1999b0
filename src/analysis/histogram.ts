import type { HeapModel } from '../heap/types';

/** One row of the type histogram (`dumpheap -stat`). */
export interface HistogramRow {
  readonly name: string;
  /** Objects of this type (scaled by the sampling multiplier when the dump is sampled). */
  readonly count: number;
  /** Total shallow bytes (scaled likewise). */
  readonly bytes: number;
  /** The type-table entries this row stands for (one unless merged by name). */
  readonly typeIndices: readonly number[];
}

/**
 * The type histogram, computed from the per-type aggregates of the model (O(types), not
 * O(objects)). `mergeByName` folds type entries that share a display name into one row, as
 * `dumpheap -stat` and TraceEvent-based tools do (gcdump spec §5.4: names repeat across entries).
 * Types with no objects are left out. Rows come in type-table order (first occurrence).
 */
export function typeHistogram(heap: HeapModel, mergeByName = true): HistogramRow[] {
  const { types } = heap;
  const multiplier = types.countMultiplier;
  const rows: { name: string; count: number; bytes: number; typeIndices: number[] }[] = [];
  const rowByName = new Map<string, number>();
  for (let t = 0; t < types.count; t++) {
    const count = types.objectCount[t];
    if (count === 0) continue;
    const scale = multiplier ? samplingScale(multiplier[t]) : 1;
    const name = types.names[t];
    const existing = mergeByName ? rowByName.get(name) : undefined;
    if (existing === undefined) {
      rowByName.set(name, rows.length);
      rows.push({ name, count: count * scale, bytes: types.bytes[t] * scale, typeIndices: [t] });
    } else {
      const row = rows[existing];
      row.count += count * scale;
      row.bytes += types.bytes[t] * scale;
      row.typeIndices.push(t);
    }
  }
  return rows;
}

/** PerfView's rule (gcdump spec §5.6): a multiplier ≤ 0 or NaN counts as 1. */
export function samplingScale(multiplier: number | undefined): number {
  return multiplier !== undefined && multiplier > 0 ? multiplier : 1;
}

export type HistogramSortKey = 'bytes' | 'count' | 'name';

/** Sorts rows in place, ascending (as `dumpheap -stat` prints), ties broken by name. */
export function sortHistogram(rows: HistogramRow[], key: HistogramSortKey): HistogramRow[] {
  const byName = (a: HistogramRow, b: HistogramRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  if (key === 'name') return rows.sort(byName);
  return rows.sort((a, b) => a[key] - b[key] || byName(a, b));
}
