import { NO_NODE, type HeapModel } from '../heap/types';
import { isTraversedEdge } from './edge-predicate';
import { takeSpare, type SpareArrays } from './spare-arrays';
import { largeArray, MIN_PROVIDED_BYTES } from '../heap/array-memory';
import { RowStarts } from '../heap/row-starts';

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
  // Every entry the search reads it has written first: the spares' old contents do no harm.
  const parent = takeSpare(spares, nodeCount);
  const queue = takeSpare(spares, nodeCount);
  const { reachableCount, distance } = searchFromRoot(heap.edges.start, heap.edges.target, heap.rootIndex, {
    parent,
    queue,
  });
  if (!keepOrder) spares?.push(queue);
  const order = keepOrder ? queue.subarray(0, reachableCount) : new Uint32Array(0);
  return { parent, distance, reachableCount, order };
}

/** The node-sized arrays a search writes: in shared memory when another thread runs it. */
export interface BreadthFirstArrays {
  /** Written whole (NO_NODE where no parent). */
  readonly parent: Uint32Array;
  /** Scratch: the visiting order, up to the reachable count. */
  readonly queue: Uint32Array;
}

/**
 * The BFS over CSR edges: the parents into `arrays.parent`, and the distances into a column of its
 * own, made here (on a helper thread, memory of that thread, handed back). The one search every
 * caller runs, on this thread or on a helper.
 */
function searchFromRoot(
  edgeStart: RowStarts,
  edgeTarget: Uint32Array,
  root: number,
  { parent, queue }: BreadthFirstArrays,
): { reachableCount: number; distance: DistanceColumn } {
  const nodeCount = parent.length;
  parent.fill(NO_NODE);
  const narrow = largeArray(Uint16Array, nodeCount).fill(0xffff);
  const search: SearchState = { head: 0, tail: 0 };
  if (root !== NO_NODE && root < nodeCount) {
    narrow[root] = 0;
    queue[search.tail++] = root;
  }
  if (searchLevels(edgeStart, edgeTarget, parent, narrow, queue, search))
    return { reachableCount: search.tail, distance: narrow };
  const wide = largeArray(Uint32Array, nodeCount);
  for (let node = 0; node < nodeCount; node++) wide[node] = narrow[node] === 0xffff ? 0xffff_ffff : narrow[node];
  searchLevels(edgeStart, edgeTarget, parent, wide, queue, search);
  return { reachableCount: search.tail, distance: wide };
}

/**
 * The BFS of `breadthFirstFromRoot` as a message for another thread (a helper worker of the page, so
 * that it runs while this one builds the dominator tree): the edge columns and the search's parents
 * and queue, which must be in shared memory (the helper writes them in place). An edge column not in
 * shared memory is copied with the message, up to MAX_COPIED_BYTES (a small heap's).
 */
export interface BreadthFirstJob {
  readonly root: number;
  readonly edgeLow: Uint16Array;
  readonly edgeBlock: Int32Array;
  readonly edgeWide: Uint32Array;
  readonly edgeTarget: Uint32Array;
  readonly arrays: BreadthFirstArrays;
}

/** What a helper answers: the reachable count and the distance column (its memory, moved back). */
export interface BreadthFirstJobDone {
  readonly reachableCount: number;
  readonly distance: DistanceColumn;
}

/** Runs BFS jobs elsewhere: a helper thread of the host (analyze-heap.ts, `provideBreadthFirstThread`). */
export interface BreadthFirstThread {
  /**
   * Called as the analyses begin, seconds before the job: a helper can start meanwhile (a page's
   * worker started from a worker does not start while its parent computes).
   */
  prepare(): void;
  /** Runs the job; rejects when the helper cannot. */
  run(job: BreadthFirstJob): Promise<BreadthFirstJobDone>;
}

/** An edge column not in shared memory is copied to a helper, up to this size. */
const MAX_COPIED_BYTES = 16 << 20;

function isShared(array: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer;
}

/**
 * Whether a helper thread can read the heap's edges: each column in shared memory, or small enough
 * to copy (a message copies a typed array's whole buffer, so the buffer is what is measured).
 */
function edgesShareable(heap: HeapModel): boolean {
  const { low, block, wide } = heap.edges.start;
  return [low, block, wide, heap.edges.target].every(
    (column) => isShared(column) || column.buffer.byteLength <= MAX_COPIED_BYTES,
  );
}

/**
 * Whether the analyses of `heap` will likely give a helper its BFS: its edges are in shared memory,
 * and its node-sized arrays are large enough to be (array-memory.ts), so a helper started ahead is
 * not left idle.
 */
export function breadthFirstJobLikely(heap: HeapModel): boolean {
  return isShared(heap.edges.target) && heap.nodes.count * Uint32Array.BYTES_PER_ELEMENT >= MIN_PROVIDED_BYTES;
}

/**
 * The job for the BFS of `heap`, with its parents and queue taken from `spares` (as
 * `breadthFirstFromRoot` takes them); null, taking nothing, when an array it needs is not in shared
 * memory (the CLI's, or a page that is not cross-origin isolated): the caller runs the BFS itself.
 */
export function breadthFirstJob(heap: HeapModel, spares?: SpareArrays): BreadthFirstJob | null {
  if (!edgesShareable(heap)) return null;
  const { low, block, wide } = heap.edges.start;
  const target = heap.edges.target;
  const nodeCount = heap.nodes.count;
  const parent = takeSpare(spares, nodeCount);
  const queue = takeSpare(spares, nodeCount);
  if (!isShared(parent) || !isShared(queue)) {
    spares?.push(queue, parent);
    return null;
  }
  return {
    root: heap.rootIndex,
    edgeLow: low,
    edgeBlock: block,
    edgeWide: wide,
    edgeTarget: target,
    arrays: { parent, queue },
  };
}

/** What a helper thread runs for a job: the same search as `breadthFirstFromRoot`. */
export function runBreadthFirstJob(job: BreadthFirstJob): BreadthFirstJobDone {
  const edgeStart = new RowStarts(job.edgeLow, job.edgeBlock, job.edgeWide);
  return searchFromRoot(edgeStart, job.edgeTarget, job.root, job.arrays);
}

/** The tree of a job its helper has done (the queue goes to `spares`, as with `keepOrder: false`). */
export function breadthFirstJobTree(
  job: BreadthFirstJob,
  done: BreadthFirstJobDone,
  spares?: SpareArrays,
): RootBreadthFirstTree {
  spares?.push(job.arrays.queue);
  return {
    parent: job.arrays.parent,
    distance: done.distance,
    reachableCount: done.reachableCount,
    order: new Uint32Array(0),
  };
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
  edgeStart: RowStarts,
  edgeTarget: Uint32Array,
  parent: Uint32Array,
  distance: DistanceColumn,
  queue: Uint32Array,
  search: SearchState,
): boolean {
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
