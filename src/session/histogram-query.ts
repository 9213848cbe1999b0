/**
 * Sorting, filtering and paging of the type histogram, done in the worker so the UI only ever
 * receives the ~100 rows it draws. The histogram itself is per type (thousands to tens of
 * thousands of rows, never per object), so it is computed once per merge mode and cached; the
 * sorted order of the last query is cached too, so scrolling costs one slice per page.
 */
import { RE2JS } from 're2js';
import { typeHistogram, type HistogramRow } from '../analysis/histogram';
import { NodeFlag, type HeapModel, type TypeColumn } from '../heap/types';
import {
  MAX_HISTOGRAM_PAGE_ROWS,
  type HistogramPage,
  type HistogramPageRow,
  type HistogramQuery,
  type HistogramTotals,
} from './answers';

/** Longest filter accepted; a type name is rarely longer than a few hundred characters. */
const MAX_FILTER_LENGTH = 1000;

interface HistogramTable {
  readonly rows: readonly HistogramRow[];
  /** 1 for a row whose objects are all root pseudo-nodes. */
  readonly pseudo: Uint8Array;
  readonly all: HistogramTotals;
  /** MAT-style retained bytes per row, once the analysis has finished (see attachRetained). */
  retained: Float64Array | null;
}

interface SortedView {
  readonly key: string;
  /** Indices into the table's rows, in display order. */
  readonly order: Uint32Array;
  readonly matching: HistogramTotals;
  readonly filterError: string | null;
}

type RowPredicate = (name: string) => boolean;

/** The row filter of a query, or the message saying why it is not a valid filter. */
export function rowPredicate(filter: string, regex: boolean): RowPredicate | string {
  if (filter.length > MAX_FILTER_LENGTH) return `The filter is longer than ${MAX_FILTER_LENGTH} characters`;
  if (filter === '') return () => true;
  if (!regex) {
    const needle = filter.toLowerCase();
    return (name) => name.toLowerCase().includes(needle);
  }
  // A user's pattern runs on RE2's engine (re2js): matching is linear in the name's length whatever
  // the pattern, so a pattern such as ^(.+)+Q$ from a link cannot hang the worker. RE2 has no
  // backreferences or lookaround; such a pattern is refused with the reason.
  try {
    const pattern = RE2JS.compile(filter, RE2JS.CASE_INSENSITIVE);
    return (name) => pattern.matcher(name).find();
  } catch (error) {
    return `Invalid regular expression (RE2 syntax: no backreferences or lookaround): ${error instanceof Error ? error.message : String(error)}`;
  }
}

function totalsOf(rows: readonly HistogramRow[], order?: Uint32Array): HistogramTotals {
  let count = 0;
  let bytes = 0;
  const length = order ? order.length : rows.length;
  for (let i = 0; i < length; i++) {
    const row = rows[order ? order[i] : i];
    count += row.count;
    bytes += row.bytes;
  }
  return { rows: length, count, bytes };
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Comparator for a sort key and direction; ties fall back to the name (always ascending), then to
 * type-table order, so every order is total and stable across requests.
 */
function rowComparator(
  rows: readonly HistogramRow[],
  key: HistogramQuery['sortKey'],
  descending: boolean,
  retained: Float64Array | null,
) {
  const direction = descending ? -1 : 1;
  const value = (index: number): number => {
    const row = rows[index];
    switch (key) {
      case 'count':
        return row.count;
      case 'averageSize':
        return row.count > 0 ? row.bytes / row.count : 0;
      case 'retained':
        // Before the analysis has finished there is nothing to sort by but the shallow size.
        return retained ? retained[index] : row.bytes;
      default:
        // 'percent' orders exactly as 'bytes'.
        return row.bytes;
    }
  };
  if (key === 'name') {
    return (a: number, b: number) => direction * compareNames(rows[a].name, rows[b].name) || a - b;
  }
  return (a: number, b: number) =>
    direction * (value(a) - value(b)) || compareNames(rows[a].name, rows[b].name) || a - b;
}

/** Nodes per call of countNodeKinds. */
const NODE_KINDS_BLOCK = 1 << 16;

/** What each node is, counted once per heap: per type, all nodes and root pseudo-nodes; in all, pseudo and undefined nodes. */
export interface NodeKinds {
  readonly nodesOfType: Uint32Array;
  readonly pseudoOfType: Uint32Array;
  /** Defined nodes flagged Pseudo (the root, its categories, CCWs …). */
  readonly pseudoNodes: number;
  /** Nodes referenced but never defined. */
  readonly undefinedNodes: number;
}

/**
 * One pass over the nodes, in blocks: a loop in a function called many times is optimized from its
 * first blocks on, where one loop over every node ran at about half the speed.
 */
export function countNodeKinds(heap: HeapModel): NodeKinds {
  const { nodes, types } = heap;
  const nodesOfType = new Uint32Array(types.count);
  const pseudoOfType = new Uint32Array(types.count);
  /** [pseudo nodes, undefined nodes], added to by each block. */
  const totals = new Float64Array(2);
  for (let from = 0; from < nodes.count; from += NODE_KINDS_BLOCK) {
    const to = Math.min(nodes.count, from + NODE_KINDS_BLOCK);
    countNodeKindsIn(nodes.type, nodes.flags, nodesOfType, pseudoOfType, totals, from, to);
  }
  return { nodesOfType, pseudoOfType, pseudoNodes: totals[0], undefinedNodes: totals[1] };
}

function countNodeKindsIn(
  type: TypeColumn,
  flags: Uint8Array,
  nodesOfType: Uint32Array,
  pseudoOfType: Uint32Array,
  totals: Float64Array,
  from: number,
  to: number,
): void {
  let pseudo = 0;
  let undefinedCount = 0;
  for (let node = from; node < to; node++) {
    const t = type[node];
    const f = flags[node];
    nodesOfType[t]++;
    if (f & NodeFlag.Pseudo) {
      pseudoOfType[t]++;
      if (f & NodeFlag.Defined) pseudo++;
    }
    if ((f & NodeFlag.Defined) === 0) undefinedCount++;
  }
  totals[0] += pseudo;
  totals[1] += undefinedCount;
}

export class HistogramIndex {
  private readonly tables = new Map<boolean, HistogramTable>();
  private sorted: SortedView | null = null;
  private pseudoTypeCache: Uint8Array | null = null;
  private nodeKindsCache: NodeKinds | null = null;
  private retainedOf: ((rows: readonly HistogramRow[]) => Float64Array | null) | null = null;

  constructor(private readonly heap: HeapModel) {}

  /** The histogram rows for a merge mode, computed once. */
  table(mergeByName: boolean): HistogramTable {
    let table = this.tables.get(mergeByName);
    if (!table) {
      const rows = typeHistogram(this.heap, mergeByName);
      const pseudoType = this.pseudoTypes();
      const pseudo = Uint8Array.from(rows, (row) => (row.typeIndices.every((t) => pseudoType[t]) ? 1 : 0));
      table = { rows, pseudo, all: totalsOf(rows), retained: null };
      this.tables.set(mergeByName, table);
    }
    if (table.retained === null && this.retainedOf) table.retained = this.retainedOf(table.rows);
    return table;
  }

  /** Types all of whose nodes are root pseudo-nodes: one pass over the nodes, once. */
  private pseudoTypes(): Uint8Array {
    if (this.pseudoTypeCache) return this.pseudoTypeCache;
    const { nodesOfType, pseudoOfType } = this.nodeKinds();
    this.pseudoTypeCache = Uint8Array.from(nodesOfType, (count, type) =>
      count > 0 && pseudoOfType[type] === count ? 1 : 0,
    );
    return this.pseudoTypeCache;
  }

  /** The nodes counted by kind (countNodeKinds), once: the Summary's counts come from it too. */
  nodeKinds(): NodeKinds {
    this.nodeKindsCache ??= countNodeKinds(this.heap);
    return this.nodeKindsCache;
  }

  /**
   * Gives the index a way to compute each row's retained bytes once dominators exist; the Types
   * view then shows (and sorts by) the column. Cached orders are dropped.
   */
  attachRetained(retainedOf: (rows: readonly HistogramRow[]) => Float64Array | null): void {
    this.retainedOf = retainedOf;
    for (const table of this.tables.values()) table.retained = null;
    this.sorted = null;
  }

  page(query: HistogramQuery): HistogramPage {
    const table = this.table(query.mergeByName);
    const view = this.sortedView(table, query);
    const offset = Math.max(0, Math.min(Math.floor(query.offset) || 0, view.order.length));
    const limit = Math.max(0, Math.min(Math.floor(query.limit) || 0, MAX_HISTOGRAM_PAGE_ROWS));
    const end = Math.min(view.order.length, offset + limit);
    const rows: HistogramPageRow[] = [];
    const allBytes = table.all.bytes;
    for (let rank = offset; rank < end; rank++) {
      const row = table.rows[view.order[rank]];
      rows.push({
        rank,
        name: row.name,
        count: row.count,
        bytes: row.bytes,
        averageSize: row.count > 0 ? row.bytes / row.count : 0,
        percent: allBytes > 0 ? (row.bytes / allBytes) * 100 : 0,
        typeEntries: row.typeIndices.length,
        retained: table.retained ? table.retained[view.order[rank]] : null,
      });
    }
    return {
      totalRows: view.order.length,
      offset,
      rows,
      totals: { matching: view.matching, all: table.all },
      filterError: view.filterError,
      pseudoRows: table.pseudo.reduce((sum, p) => sum + p, 0),
    };
  }

  private sortedView(table: HistogramTable, query: HistogramQuery): SortedView {
    const withPseudo = query.includePseudo !== false;
    const key = JSON.stringify([
      query.mergeByName,
      query.filter,
      query.regex,
      query.sortKey,
      query.descending,
      withPseudo,
    ]);
    if (this.sorted?.key === key) return this.sorted;
    const predicate = rowPredicate(query.filter, query.regex);
    let order: Uint32Array;
    let filterError: string | null = null;
    if (typeof predicate === 'string') {
      order = new Uint32Array(0);
      filterError = predicate;
    } else {
      const matching: number[] = [];
      for (let i = 0; i < table.rows.length; i++)
        if ((withPseudo || !table.pseudo[i]) && predicate(table.rows[i].name)) matching.push(i);
      matching.sort(rowComparator(table.rows, query.sortKey, query.descending, table.retained));
      order = Uint32Array.from(matching);
    }
    this.sorted = { key, order, matching: totalsOf(table.rows, order), filterError };
    return this.sorted;
  }
}
