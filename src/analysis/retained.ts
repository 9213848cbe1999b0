import { NO_NODE, type HeapModel } from '../heap/types';
import type { Dominators, DominatorSearch } from './dominators';
import { takeSpare, type SpareArrays } from './spare-arrays';
import { largeArray } from '../heap/array-memory';

/**
 * Retained bytes per node, exact: in 4 bytes per node when every node's shallow size together is
 * below 2^32 (no retained size can then exceed it; the incident's 18.6 M objects are 2.5 GB), else
 * in 8 (a Float64 is exact to 2^53 bytes). Read it as numbers, whichever it is.
 */
export type RetainedSizes = Uint32Array | Float64Array;

/** Whether `retainedSizes` takes a node-sized spare (4 bytes per node), rather than making 8. */
export function retainedSizesTakeSpare(heap: HeapModel): boolean {
  return heap.nodes.size.total() < 2 ** 32;
}

/**
 * Retained size of every node: its shallow size plus the shallow sizes of all the nodes it
 * dominates (what freeing it would free). One bottom-up pass over the dominator tree, by walking
 * the DFS preorder backwards (a node comes after all its dominators): O(n), no recursion.
 * The heap root's retained size is the total size of the reachable nodes; each top of an
 * unreachable part retains that part (see dominators.ts for the virtual root).
 * Sizes are the stored shallow sizes (a sampled dump's multipliers are not applied).
 */
export function retainedSizes(heap: HeapModel, dominators: DominatorSearch, spares?: SpareArrays): RetainedSizes {
  const { idom, preorder } = dominators;
  const shallow = heap.nodes.size;
  const count = heap.nodes.count;
  // Every entry is overwritten with the shallow size: a spare array's contents do no harm.
  const retained = retainedSizesTakeSpare(heap) ? takeSpare(spares, count) : largeArray(Float64Array, count);
  shallow.copyTo(retained);
  for (let i = preorder.length - 1; i >= 0; i--) {
    const node = preorder[i];
    const dominator = idom[node];
    if (dominator !== NO_NODE) retained[dominator] += retained[node];
  }
  return retained;
}

/**
 * Where each node's row of children starts in a CSR column, in about 1.3 bytes per node rather than
 * the 4 of a row-start column: each node's child count in a byte (a count of 255 or more is kept in
 * a map: rows that long are few) and the start of every 16th node's row. A row starts where its
 * block's first row does, plus the counts of the nodes before it in the block (15 bytes at most).
 */
export class ChildRows {
  /** Start of the row of node 16·b, for each block b. */
  private readonly blockStart: Uint32Array;
  /** Children in all rows. */
  readonly total: number;

  constructor(
    /** Per node: its child count, or LONG_ROW when `longRows` holds it. */
    readonly counts: Uint8Array,
    /** The child counts of LONG_ROW or more, by node. */
    readonly longRows: ReadonlyMap<number, number>,
  ) {
    const n = counts.length;
    this.blockStart = new Uint32Array((n >>> ROW_BLOCK_SHIFT) + 1);
    let running = 0;
    for (let node = 0; node < n; node++) {
      if ((node & ROW_BLOCK_MASK) === 0) this.blockStart[node >>> ROW_BLOCK_SHIFT] = running;
      running += this.count(node);
    }
    this.total = running;
  }

  count(node: number): number {
    const c = this.counts[node];
    return c === LONG_ROW ? this.longRows.get(node)! : c;
  }

  start(node: number): number {
    let start = this.blockStart[node >>> ROW_BLOCK_SHIFT];
    for (let q = node - (node & ROW_BLOCK_MASK); q < node; q++) start += this.count(q);
    return start;
  }

  /** Every node's row start as a column of nodeCount+1 (for a check; 4 bytes per node). */
  startColumn(): Uint32Array {
    const n = this.counts.length;
    const column = new Uint32Array(n + 1);
    for (let node = 0; node < n; node++) column[node + 1] = column[node] + this.count(node);
    return column;
  }
}

const ROW_BLOCK_SHIFT = 4;
const ROW_BLOCK_MASK = (1 << ROW_BLOCK_SHIFT) - 1;
/** A ChildRows count byte meaning "255 or more: see longRows". */
export const LONG_ROW = 0xff;

/**
 * The dominator tree, for a lazy, paged dominators view: the children of node p are
 * children[rows.start(p) … rows.start(p) + rows.count(p) − 1]; the virtual root's children (the
 * heap root and the tops of unreachable parts) are `topLevel`. Every row is sorted by retained
 * size, biggest first (ties by NodeIndex), so a page of the view is a subarray.
 */
export interface DominatorTree extends DominatorChildren {
  /** Children of the virtual root, biggest retained size first. */
  readonly topLevel: Uint32Array;
}

/** Children of each node in the dominator tree: `children[rows.start(v) …]`, `rows.count(v)` of them. */
export interface DominatorChildren {
  readonly rows: ChildRows;
  readonly children: Uint32Array;
}

/**
 * The dominator tree's rows, each in increasing NodeIndex order, and the virtual root's children
 * (`topLevel`): O(n), with no column of n row starts. Children are counted per node, dealt to their
 * parent's block of 16 nodes, then each block's share is put in parent order by a stable counting
 * sort of 16 keys (through a buffer as long as the largest block's share, and a byte per child).
 */
export function dominatorChildren(
  idom: Uint32Array,
  spares?: SpareArrays,
): DominatorChildren & { readonly topLevel: Uint32Array } {
  const n = idom.length;
  const counts = new Uint8Array(n);
  const longRows = new Map<number, number>();
  let topCount = 0;
  for (let node = 0; node < n; node++) {
    const dominator = idom[node];
    if (dominator === NO_NODE) {
      topCount++;
      continue;
    }
    const c = counts[dominator];
    if (c < LONG_ROW - 1) counts[dominator] = c + 1;
    else if (c === LONG_ROW - 1) {
      counts[dominator] = LONG_ROW;
      longRows.set(dominator, LONG_ROW);
    } else longRows.set(dominator, longRows.get(dominator)! + 1);
  }
  const rows = new ChildRows(counts, longRows);
  const blocks = (n >>> ROW_BLOCK_SHIFT) + 1;
  const blockCursor = new Uint32Array(blocks + 1);
  for (let b = 0; b < blocks; b++) {
    const first = b << ROW_BLOCK_SHIFT;
    blockCursor[b] = first < n ? rows.start(first) : rows.total;
  }
  blockCursor[blocks] = rows.total;
  const blockEnd = blockCursor.slice(1);
  let longestShare = 0;
  for (let b = 0; b < blocks; b++) longestShare = Math.max(longestShare, blockEnd[b] - blockCursor[b]);
  // A spare node-sized array when there is one (spare-arrays.ts); the top level's share of it stays unused.
  const children = spares ? takeSpare(spares, n).subarray(0, rows.total) : largeArray(Uint32Array, rows.total);
  // Beside each child, its parent's place in the block: the sort below reads it in order rather than
  // the parent's idom at random.
  const parentInBlock = new Uint8Array(rows.total);
  const topLevel = new Uint32Array(topCount);
  let top = 0;
  for (let node = 0; node < n; node++) {
    const dominator = idom[node];
    if (dominator === NO_NODE) topLevel[top++] = node;
    else {
      const at = blockCursor[dominator >>> ROW_BLOCK_SHIFT]++;
      children[at] = node;
      parentInBlock[at] = dominator & ROW_BLOCK_MASK;
    }
  }
  // Each block's share, in increasing NodeIndex order, into rows: stable by parent within the block.
  const buffer = new Uint32Array(longestShare);
  const slot = new Uint32Array(1 << ROW_BLOCK_SHIFT);
  for (let b = 0, shareStart = 0; b < blocks; b++) {
    const first = b << ROW_BLOCK_SHIFT;
    if (first >= n) break;
    const shareEnd = blockEnd[b];
    const share = shareEnd - shareStart;
    if (share >= 2) {
      let parentsWithChildren = 0;
      for (let q = first, at = 0; q < Math.min(n, first + (1 << ROW_BLOCK_SHIFT)); q++) {
        slot[q - first] = at;
        const c = rows.count(q);
        if (c > 0) parentsWithChildren++;
        at += c;
      }
      if (parentsWithChildren >= 2) {
        for (let k = shareStart; k < shareEnd; k++) buffer[slot[parentInBlock[k]]++] = children[k];
        for (let k = 0; k < share; k++) children[shareStart + k] = buffer[k];
      }
    }
    shareStart = shareEnd;
  }
  return { rows, children, topLevel };
}

/** The tree of `dominatorChildren`, every row (and the top level) sorted biggest retained first: O(n log(row length)). */
export function dominatorTree(dominators: Dominators, retained: RetainedSizes, spares?: SpareArrays): DominatorTree {
  const { rows, children, topLevel } = dominatorChildren(dominators.idom, spares);
  const biggestFirst = (a: number, b: number) => retained[b] - retained[a] || a - b;
  topLevel.sort(biggestFirst);
  const n = rows.counts.length;
  // Long rows through 64-bit keys, made at the first long row.
  let keys: RowSortKeys | null = null;
  for (let node = 0, start = 0; node < n; node++) {
    const end = start + rows.count(node);
    if (end - start > SMALL_ROW)
      (keys ??= new RowSortKeys(retained, longestRow(rows), biggestFirst)).sortRow(children, start, end);
    else if (end - start > 1) insertionSortRow(children, start, end, retained);
    start = end;
  }
  return { rows, children, topLevel };
}

/** The most children a row has, or LONG_ROW when no row reaches it (rows of 65–254 children). */
function longestRow(rows: ChildRows): number {
  let longest = LONG_ROW;
  for (const count of rows.longRows.values()) longest = Math.max(longest, count);
  return longest;
}

/** Rows up to this long are sorted in place by insertion sort (most rows have a few children). */
const SMALL_ROW = 64;

/** Which Uint32 of a little- or big-endian 64-bit word holds its low half. */
const LOW_WORD = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * Sorts long rows biggest retained size first, ties by NodeIndex, without a comparator: each child
 * becomes one 64-bit key, its high half the retained size's complement and its low half its
 * NodeIndex, and the keys go through the engine's own numeric sort. Measured in Node on rows like
 * the incident's (1.4 M children in rows of 65 to 263,002): 114 ms against 290 ms for a typed
 * array's sort with a comparator, which also copies each row into the JavaScript heap.
 *
 * A retained size of 2^32 − 1 bytes or more (a heap past 4 GB, sizes of 8 bytes) does not fit the
 * high half: it is keyed as 2^32 − 1, so such children come first in NodeIndex order, and that
 * prefix is then sorted with the comparator. It is short: siblings retain disjoint sets of objects,
 * so a row holds at most one such child per 4 GB of heap.
 */
class RowSortKeys {
  private readonly keys: BigUint64Array;
  private readonly words: Uint32Array;

  /** `capacity`: the longest row's child count. */
  constructor(
    private readonly retained: RetainedSizes,
    capacity: number,
    private readonly biggestFirst: (a: number, b: number) => number,
  ) {
    this.keys = new BigUint64Array(capacity);
    this.words = new Uint32Array(this.keys.buffer);
  }

  sortRow(children: Uint32Array, start: number, end: number): void {
    const { words, retained } = this;
    const count = end - start;
    let saturated = 0;
    for (let i = 0, w = LOW_WORD; i < count; i++, w += 2) {
      const node = children[start + i];
      const size = retained[node];
      words[w] = node;
      if (size >= 0xffff_ffff) {
        words[w ^ 1] = 0;
        saturated++;
      } else words[w ^ 1] = 0xffff_ffff - size;
    }
    this.keys.subarray(0, count).sort();
    for (let i = 0, w = LOW_WORD; i < count; i++, w += 2) children[start + i] = words[w];
    if (saturated > 1) children.subarray(start, start + saturated).sort(this.biggestFirst);
  }
}

/**
 * Sorts children[start … end-1] biggest retained size first. Rows come out of the counting sort in
 * increasing NodeIndex, and insertion sort is stable, so ties stay by NodeIndex, as biggestFirst
 * orders them.
 */
function insertionSortRow(children: Uint32Array, start: number, end: number, retained: RetainedSizes): void {
  for (let i = start + 1; i < end; i++) {
    const node = children[i];
    const size = retained[node];
    let j = i - 1;
    while (j >= start && retained[children[j]] < size) {
      children[j + 1] = children[j];
      j--;
    }
    children[j + 1] = node;
  }
}

/**
 * One page of the nodes immediately dominated by `parent` (NO_NODE: the virtual root), biggest
 * retained size first. A view into the tree, not a copy.
 */
export function dominatedChildren(tree: DominatorTree, parent: number, offset = 0, limit = Infinity): Uint32Array {
  const rowStart = parent === NO_NODE ? 0 : tree.rows.start(parent);
  const row = parent === NO_NODE ? tree.topLevel : tree.children.subarray(rowStart, rowStart + tree.rows.count(parent));
  const start = Math.min(offset, row.length);
  return row.subarray(start, Math.min(row.length, start + limit));
}

/**
 * Retained size per type, the way Eclipse MAT computes it: the sum of the retained sizes of the
 * type's objects that are not dominated by another object of the same type (so nested objects of
 * one type are not counted twice). One top-down walk of the dominator tree with an explicit stack,
 * keeping per type the number of its objects on the current tree path: O(n + types).
 *
 * `groupOfType` (optional) maps each TypeIndex to a group (e.g. all type entries sharing a name, as
 * the histogram merges them); the result is then indexed by group. By default each type is its own
 * group. Unreachable parts are included (their trees hang under the virtual root).
 */
export function retainedSizeByType(
  heap: HeapModel,
  tree: DominatorTree,
  retained: RetainedSizes,
  groupOfType?: Uint32Array,
): Float64Array {
  const nodeType = heap.nodes.type;
  let groupCount = heap.types.count;
  if (groupOfType) {
    groupCount = 0;
    for (let t = 0; t < groupOfType.length; t++) groupCount = Math.max(groupCount, groupOfType[t] + 1);
  }
  const groupOf = (node: number) => (groupOfType ? groupOfType[nodeType[node]] : nodeType[node]);
  const result = new Float64Array(groupCount);
  const onPath = new Uint32Array(groupCount);
  const { rows, children, topLevel } = tree;
  // Per level of the walk, the next child's place and the row's end: only as deep as the tree is
  // tall is ever touched. A level's node is the child its parent level last took.
  const stackCursor = new Uint32Array(heap.nodes.count);
  const stackEnd = new Uint32Array(heap.nodes.count);
  const push = (at: number, node: number) => {
    const start = rows.start(node);
    stackCursor[at] = start;
    stackEnd[at] = start + rows.count(node);
  };
  const enter = (node: number) => {
    const group = groupOf(node);
    if (onPath[group] === 0) result[group] += retained[node];
    onPath[group]++;
  };
  for (let t = 0; t < topLevel.length; t++) {
    let top = 0;
    push(0, topLevel[t]);
    enter(topLevel[t]);
    while (top >= 0) {
      const cursor = stackCursor[top];
      if (cursor === stackEnd[top]) {
        const node = top === 0 ? topLevel[t] : children[stackCursor[top - 1] - 1];
        onPath[groupOf(node)]--;
        top--;
        continue;
      }
      stackCursor[top] = cursor + 1;
      const child = children[cursor];
      enter(child);
      top++;
      push(top, child);
    }
  }
  return result;
}
