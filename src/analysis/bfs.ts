import { NO_NODE, type HeapModel } from '../heap/types';
import { isTraversedEdge } from './edge-predicate';
import { takeSpare, type SpareArrays } from './spare-arrays';
import { largeArray } from '../heap/array-memory';

/**
 * The BFS distance column: 2 bytes per node while every distance is below 0xffff (real heaps are a
 * few hundred to a few tens of thousands of references deep), else 4. Its largest value
 * (`unreachableIn`) marks a node the root does not reach: read it through `isReached` or
 * `rootDistance`, never against a constant.
 */
export type DistanceColumn = Uint16Array | Uint32Array;

/** A breadth-first tree from the heap's root: shortest paths (in edges) to every reachable node. */
export interface RootBreadthFirstTree {
  /** The node through which BFS first reached each node; NO_NODE for the root and unreachable nodes. */
  readonly parent: Uint32Array;
  /** Edges on a shortest path from the root (root: 0); `unreachableIn(distance)` when no path exists. */
  readonly distance: DistanceColumn;
  /** Nodes reached from the root, the root included (0 when the model has no root). */
  readonly reachableCount: number;
  /** The reachable nodes in BFS order, root first: distances never decrease along it. */
  readonly order: Uint32Array;
}

/** The value a distance column holds for a node the root does not reach: its largest. */
export function unreachableIn(distance: DistanceColumn): number {
  return distance instanceof Uint16Array ? 0xffff : 0xffff_ffff;
}

/** Whether the root reaches `node`. */
export function isReached(tree: Pick<RootBreadthFirstTree, 'distance'>, node: number): boolean {
  return tree.distance[node] !== unreachableIn(tree.distance);
}

/** Edges on a shortest path from the root to `node`, or null when the root does not reach it. */
export function rootDistance(tree: Pick<RootBreadthFirstTree, 'distance'>, node: number): number | null {
  const distance = tree.distance[node];
  return distance === unreachableIn(tree.distance) ? null : distance;
}

/**
 * BFS from `heap.rootIndex` over the forward edges: O(nodes + edges), iterative (the queue is a
 * typed array of nodeCount entries). A model without a root (NO_NODE) reaches nothing. Distances
 * start in 2 bytes per node; the search widens them to 4 (one copy) before it would store the first
 * distance of 0xffff, so the result is the same either way.
 *
 * With `spares`, the parents and the queue reuse node-sized arrays from there; and with
 * `keepOrder: false`, the queue goes back to them and `order` is empty.
 */
export function breadthFirstFromRoot(
  heap: HeapModel,
  { spares, keepOrder = true }: { readonly spares?: SpareArrays; readonly keepOrder?: boolean } = {},
): RootBreadthFirstTree {
  const nodeCount = heap.nodes.count;
  const parent = takeSpare(spares, nodeCount).fill(NO_NODE);
  const narrow = largeArray(Uint16Array, nodeCount).fill(0xffff);
  // Every entry the search reads it has written first: left-over contents do no harm.
  const queue = takeSpare(spares, nodeCount);
  const search: SearchState = { head: 0, tail: 0 };
  const root = heap.rootIndex;
  if (root !== NO_NODE && root < nodeCount) {
    narrow[root] = 0;
    queue[search.tail++] = root;
  }
  let distance: DistanceColumn = narrow;
  if (!searchLevels(heap, parent, narrow, queue, search)) {
    const wide = largeArray(Uint32Array, nodeCount);
    for (let node = 0; node < nodeCount; node++) wide[node] = narrow[node] === 0xffff ? 0xffff_ffff : narrow[node];
    distance = wide;
    searchLevels(heap, parent, wide, queue, search);
  }
  if (!keepOrder) spares?.push(queue);
  const order = keepOrder ? queue.subarray(0, search.tail) : new Uint32Array(0);
  return { parent, distance, reachableCount: search.tail, order };
}

interface SearchState {
  /** The next node of the queue to expand. */
  head: number;
  /** One past the last node queued. */
  tail: number;
}

/**
 * Expands the queue from `search.head` on. Returns false, with `search` where it stopped, before
 * expanding a node whose children's distance the column cannot hold (it would be its unreachable
 * value); true when the queue is empty.
 */
function searchLevels(
  heap: HeapModel,
  parent: Uint32Array,
  distance: DistanceColumn,
  queue: Uint32Array,
  search: SearchState,
): boolean {
  const { start: edgeStart, target: edgeTarget } = heap.edges;
  const unreachable = unreachableIn(distance);
  let { head, tail } = search;
  for (; head < tail; head++) {
    const source = queue[head];
    const nextDistance = distance[source] + 1;
    if (nextDistance === unreachable) {
      search.head = head;
      search.tail = tail;
      return false;
    }
    for (let e = edgeStart.get(source), end = edgeStart.get(source + 1); e < end; e++) {
      const target = edgeTarget[e];
      if (distance[target] !== unreachable || !isTraversedEdge(source, target)) continue;
      distance[target] = nextDistance;
      parent[target] = source;
      queue[tail++] = target;
    }
  }
  search.head = head;
  search.tail = tail;
  return true;
}
