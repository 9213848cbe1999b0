import { NO_NODE, type HeapModel } from '../heap/types';
import type { Dominators } from './dominators';

/**
 * Retained bytes per node, exact: in 4 bytes per node when every node's shallow size together is
 * below 2^32 (no retained size can then exceed it; the incident's 18.6 M objects are 2.5 GB), else
 * in 8 (a Float64 is exact to 2^53 bytes). Read it as numbers, whichever it is.
 */
export type RetainedSizes = Uint32Array | Float64Array;

/**
 * Retained size of every node: its shallow size plus the shallow sizes of all the nodes it
 * dominates (what freeing it would free). One bottom-up pass over the dominator tree, by walking
 * the DFS preorder backwards (a node comes after all its dominators): O(n), no recursion.
 * The heap root's retained size is the total size of the reachable nodes; each top of an
 * unreachable part retains that part (see dominators.ts for the virtual root).
 * Sizes are the stored shallow sizes (a sampled dump's multipliers are not applied).
 */
export function retainedSizes(heap: HeapModel, dominators: Dominators): RetainedSizes {
  const { idom, preorder } = dominators;
  const shallow = heap.nodes.size;
  let total = 0;
  for (let node = 0; node < shallow.length; node++) total += shallow[node];
  const retained = total < 2 ** 32 ? new Uint32Array(heap.nodes.count) : new Float64Array(heap.nodes.count);
  for (let node = 0; node < retained.length; node++) retained[node] = shallow[node];
  for (let i = preorder.length - 1; i >= 0; i--) {
    const node = preorder[i];
    const dominator = idom[node];
    if (dominator !== NO_NODE) retained[dominator] += retained[node];
  }
  return retained;
}

/**
 * The dominator tree as CSR, for a lazy, paged dominators view: the children of node p are
 * children[childStart[p] … childStart[p+1]-1]; the virtual root's children (the heap root and the
 * tops of unreachable parts) are `topLevel`. Every row is sorted by retained size, biggest first
 * (ties by NodeIndex), so a page of the view is a subarray.
 */
export interface DominatorTree {
  /** Length nodeCount+1. */
  readonly childStart: Uint32Array;
  readonly children: Uint32Array;
  /** Children of the virtual root, biggest retained size first. */
  readonly topLevel: Uint32Array;
}

/** Builds the CSR with a counting sort over idom, then sorts each row: O(n log(row length)). */
export function dominatorTree(dominators: Dominators, retained: RetainedSizes): DominatorTree {
  const { idom } = dominators;
  const nodeCount = idom.length;
  const childStart = new Uint32Array(nodeCount + 1);
  let topCount = 0;
  for (let node = 0; node < nodeCount; node++) {
    if (idom[node] === NO_NODE) topCount++;
    else childStart[idom[node]]++;
  }
  let running = 0;
  for (let node = 0; node < nodeCount; node++) {
    running += childStart[node];
    childStart[node] = running;
  }
  childStart[nodeCount] = running;
  const children = new Uint32Array(running);
  const topLevel = new Uint32Array(topCount);
  for (let node = nodeCount - 1; node >= 0; node--) {
    const dominator = idom[node];
    if (dominator === NO_NODE) topLevel[--topCount] = node;
    else children[--childStart[dominator]] = node;
  }
  const biggestFirst = (a: number, b: number) => retained[b] - retained[a] || a - b;
  topLevel.sort(biggestFirst);
  for (let node = 0; node < nodeCount; node++) {
    const start = childStart[node];
    const end = childStart[node + 1];
    if (end - start > SMALL_ROW) children.subarray(start, end).sort(biggestFirst);
    else if (end - start > 1) insertionSortRow(children, start, end, retained);
  }
  return { childStart, children, topLevel };
}

/** Rows up to this long are sorted in place by insertion sort (most rows have a few children). */
const SMALL_ROW = 64;

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
  const row =
    parent === NO_NODE ? tree.topLevel : tree.children.subarray(tree.childStart[parent], tree.childStart[parent + 1]);
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
  const { childStart, children, topLevel } = tree;
  const stackNode = new Uint32Array(heap.nodes.count);
  const stackCursor = new Uint32Array(heap.nodes.count);
  const enter = (node: number) => {
    const group = groupOf(node);
    if (onPath[group] === 0) result[group] += retained[node];
    onPath[group]++;
  };
  for (let t = 0; t < topLevel.length; t++) {
    let top = 0;
    stackNode[0] = topLevel[t];
    stackCursor[0] = childStart[topLevel[t]];
    enter(topLevel[t]);
    while (top >= 0) {
      const node = stackNode[top];
      const cursor = stackCursor[top];
      if (cursor === childStart[node + 1]) {
        onPath[groupOf(node)]--;
        top--;
        continue;
      }
      stackCursor[top] = cursor + 1;
      const child = children[cursor];
      enter(child);
      top++;
      stackNode[top] = child;
      stackCursor[top] = childStart[child];
    }
  }
  return result;
}
