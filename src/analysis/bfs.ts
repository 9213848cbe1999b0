import { NO_NODE, type HeapModel } from '../heap/types';
import { isTraversedEdge } from './edge-predicate';
import { takeSpare, type SpareArrays } from './spare-arrays';
import { largeArray } from '../heap/array-memory';
import type { RowStarts } from '../heap/row-starts';
import { edgeStartOf, helperEdges, type EdgeColumns } from './helper-edges';

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
 * BFS from `heap.rootIndex` over the forward edges: O(nodes + edges), iterative. A model without a
 * root (NO_NODE) reaches nothing. Distances start in 2 bytes per node; the search widens them to 4
 * (one copy) before it would store the first distance of 0xffff, so the result is the same either way.
 * The queue is a ring of the search's own that grows with the widest frontier (a heap's is a small
 * part of its nodes), so the search needs no node-sized queue.
 *
 * With `spares`, the parents reuse a node-sized array from there; with `keepOrder: false`, `order`
 * is empty (else it is a node-sized array of its own).
 */
export function breadthFirstFromRoot(
  heap: HeapModel,
  { spares, keepOrder = true }: { readonly spares?: SpareArrays; readonly keepOrder?: boolean } = {},
): RootBreadthFirstTree {
  const nodeCount = heap.nodes.count;
  // Every entry the search reads it has written first: the spare's old contents do no harm.
  const parent = takeSpare(spares, nodeCount);
  const order = keepOrder ? new Uint32Array(nodeCount) : null;
  const { reachableCount, distance } = searchFromRoot(
    heap.edges.start,
    heap.edges.target,
    heap.rootIndex,
    parent,
    order,
  );
  return { parent, distance, reachableCount, order: order ? order.subarray(0, reachableCount) : new Uint32Array(0) };
}

/**
 * The BFS over CSR edges: the parents into `parent`, the visiting order into `order` when asked,
 * and the distances into a column of its own, made here (on a helper thread, memory of that
 * thread, handed back). The one search every caller runs, on this thread or on a helper.
 */
function searchFromRoot(
  edgeStart: RowStarts,
  edgeTarget: Uint32Array,
  root: number,
  parent: Uint32Array,
  order: Uint32Array | null,
): { reachableCount: number; distance: DistanceColumn } {
  const nodeCount = parent.length;
  parent.fill(NO_NODE);
  const narrow = largeArray(Uint16Array, nodeCount).fill(0xffff);
  const search: SearchState = { head: 0, tail: 0, ring: new Uint32Array(firstRingLength(nodeCount)) };
  if (root !== NO_NODE && root < nodeCount) {
    narrow[root] = 0;
    search.ring[search.tail++] = root;
  }
  if (searchLevels(edgeStart, edgeTarget, parent, narrow, order, search))
    return { reachableCount: search.tail, distance: narrow };
  const wide = largeArray(Uint32Array, nodeCount);
  for (let node = 0; node < nodeCount; node++) wide[node] = narrow[node] === 0xffff ? 0xffff_ffff : narrow[node];
  searchLevels(edgeStart, edgeTarget, parent, wide, order, search);
  return { reachableCount: search.tail, distance: wide };
}

/**
 * The BFS of `breadthFirstFromRoot` as a job for a helper thread (helper-jobs.ts), so that it runs
 * while this one builds the dominator tree: the heap's edges, and the parents' array, a spare: in
 * shared memory (the page's) the helper writes it in place; else the message moves it to the helper
 * and the answer moves it back, so that no thread makes a node-sized array for the search.
 */
export interface BreadthFirstJob {
  readonly kind: 'bfs';
  readonly edges: EdgeColumns;
  readonly root: number;
  readonly parent: Uint32Array;
}

/** What a helper answers: the reachable count, the distance column (its memory) and the parents. */
export interface BreadthFirstJobDone {
  readonly kind: 'bfs';
  readonly reachableCount: number;
  readonly distance: DistanceColumn;
  readonly parent: Uint32Array;
}

/**
 * The job for the BFS of `heap`, with its parents' array taken from `spares` (as
 * `breadthFirstFromRoot` takes it); null, taking nothing, when a helper cannot have it
 * (helper-edges.ts, `helperEdges`): the caller runs the BFS itself.
 */
export function breadthFirstJob(heap: HeapModel, spares?: SpareArrays): BreadthFirstJob | null {
  const edges = helperEdges(heap);
  if (!edges) return null;
  return { kind: 'bfs', edges, root: heap.rootIndex, parent: takeSpare(spares, edges.nodeCount) };
}

/**
 * What a thread runs for a job: the same search as `breadthFirstFromRoot`. A parents' array that a
 * failed helper took with it (detached: no entries left here) is made again.
 */
export function runBreadthFirstJob(job: BreadthFirstJob): BreadthFirstJobDone {
  const { edges } = job;
  const parent = job.parent.length === edges.nodeCount ? job.parent : largeArray(Uint32Array, edges.nodeCount);
  const { reachableCount, distance } = searchFromRoot(edgeStartOf(edges), edges.target, job.root, parent, null);
  return { kind: 'bfs', reachableCount, distance, parent };
}

/** The tree of a job its helper (or this thread) has done. */
export function breadthFirstJobTree(job: BreadthFirstJob, done: BreadthFirstJobDone): RootBreadthFirstTree {
  if (done.parent.length !== job.edges.nodeCount) throw new Error('the BFS helper answered without the parents');
  return {
    parent: done.parent,
    distance: done.distance,
    reachableCount: done.reachableCount,
    order: new Uint32Array(0),
  };
}

/** The queue's least first length (entries, a power of two); it doubles whenever it is full. */
const FIRST_RING_LENGTH = 1 << 14;

/**
 * The queue's first length for a heap of `nodeCount` nodes: the power of two at or above an eighth
 * of them (half a byte per node), so that it seldom has to grow. Each growth leaves the shorter rings
 * to the collector, and on a helper thread, whose memory the main thread cannot reuse, they kept
 * 10–20 MB more at the 18.6 M-object heap's peak. The ring grew to 4,194,304 entries there and to
 * 8,388,608 at 60 M, as long as this makes it from the start.
 */
function firstRingLength(nodeCount: number): number {
  let length = FIRST_RING_LENGTH;
  while (length < nodeCount / 8) length *= 2;
  return length;
}

interface SearchState {
  /** How many nodes have been expanded: the next one is `ring[head & (ring.length - 1)]`. */
  head: number;
  /** How many nodes have been queued. */
  tail: number;
  /** The queue: entries `head` to `tail` − 1, each at its index modulo the length (a power of two). */
  ring: Uint32Array;
}

/**
 * Expands the queue from `search.head` on. Returns false, with `search` where it stopped, before
 * expanding a node whose children's distance the column cannot hold (it would be its unreachable
 * value); true when the queue is empty.
 */
function searchLevels(
  edgeStart: RowStarts,
  edgeTarget: Uint32Array,
  parent: Uint32Array,
  distance: DistanceColumn,
  order: Uint32Array | null,
  search: SearchState,
): boolean {
  const unreachable = unreachableIn(distance);
  let { head, tail, ring } = search;
  let mask = ring.length - 1;
  for (; head < tail; head++) {
    const source = ring[head & mask];
    if (order) order[head] = source;
    const nextDistance = distance[source] + 1;
    if (nextDistance === unreachable) {
      Object.assign(search, { head, tail, ring });
      return false;
    }
    const first = edgeStart.get(source);
    const end = edgeStart.get(source + 1);
    // Room for every child before any is queued, so that the loop below only writes.
    if (tail - head + (end - first) > ring.length) {
      ring = grownRing(ring, head, tail, tail - head + (end - first));
      mask = ring.length - 1;
    }
    for (let e = first; e < end; e++) {
      const target = edgeTarget[e];
      if (distance[target] !== unreachable || !isTraversedEdge(source, target)) continue;
      distance[target] = nextDistance;
      parent[target] = source;
      ring[tail++ & mask] = target;
    }
  }
  Object.assign(search, { head, tail, ring });
  return true;
}

/** The queue's entries `head` to `tail` − 1 in a ring of at least `entries`, its length doubled until then. */
function grownRing(ring: Uint32Array, head: number, tail: number, entries: number): Uint32Array {
  let length = ring.length * 2;
  while (length < entries) length *= 2;
  const grown = new Uint32Array(length);
  const oldMask = ring.length - 1;
  const newMask = grown.length - 1;
  for (let k = head; k < tail; k++) grown[k & newMask] = ring[k & oldMask];
  return grown;
}
