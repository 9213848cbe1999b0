import { NO_NODE, type HeapModel } from '../heap/types';
import { isTraversedEdge } from './edge-predicate';

/** `distance` of a node the root does not reach. */
export const UNREACHABLE = 0xffff_ffff;

/** A breadth-first tree from the heap's root: shortest paths (in edges) to every reachable node. */
export interface RootBreadthFirstTree {
  /** The node through which BFS first reached each node; NO_NODE for the root and unreachable nodes. */
  readonly parent: Uint32Array;
  /** Edges on a shortest path from the root (root: 0); UNREACHABLE when no path exists. */
  readonly distance: Uint32Array;
  /** Nodes reached from the root, the root included (0 when the model has no root). */
  readonly reachableCount: number;
  /** The reachable nodes in BFS order, root first: distances never decrease along it. */
  readonly order: Uint32Array;
}

/**
 * BFS from `heap.rootIndex` over the forward edges: O(nodes + edges), iterative (the queue is a
 * typed array of nodeCount entries). A model without a root (NO_NODE) reaches nothing.
 */
export function breadthFirstFromRoot(heap: HeapModel): RootBreadthFirstTree {
  const nodeCount = heap.nodes.count;
  const { start: edgeStart, target: edgeTarget } = heap.edges;
  const parent = new Uint32Array(nodeCount).fill(NO_NODE);
  const distance = new Uint32Array(nodeCount).fill(UNREACHABLE);
  const queue = new Uint32Array(nodeCount);
  let tail = 0;
  const root = heap.rootIndex;
  if (root !== NO_NODE && root < nodeCount) {
    distance[root] = 0;
    queue[tail++] = root;
  }
  for (let head = 0; head < tail; head++) {
    const source = queue[head];
    const nextDistance = distance[source] + 1;
    for (let e = edgeStart[source], end = edgeStart[source + 1]; e < end; e++) {
      const target = edgeTarget[e];
      if (distance[target] !== UNREACHABLE || !isTraversedEdge(source, target)) continue;
      distance[target] = nextDistance;
      parent[target] = source;
      queue[tail++] = target;
    }
  }
  return { parent, distance, reachableCount: tail, order: queue.subarray(0, tail) };
}
