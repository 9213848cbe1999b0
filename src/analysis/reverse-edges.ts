import type { HeapModel } from '../heap/types';
import { isTraversedEdge } from './edge-predicate';

/**
 * Incoming edges ("retainers") as CSR: the retainers of node i are
 * retainerSource[retainerStart[i] … retainerStart[i+1]-1], in increasing NodeIndex order, one entry
 * per traversed forward edge (see edge-predicate.ts), so a node referenced twice by the same object
 * lists that object twice, next to each other.
 */
export interface Retainers {
  /** Length nodeCount+1; retainerStart[nodeCount] === retainerSource.length. */
  readonly retainerStart: Uint32Array;
  /** Length = number of traversed edges. */
  readonly retainerSource: Uint32Array;
}

/**
 * Reverses the forward CSR with a counting sort: O(nodes + edges) time, and no memory besides the
 * result (the row cursors are the result's own start array, filled from the end). This is how
 * Chrome DevTools' heap snapshot worker builds its retainers.
 */
export function computeRetainers(heap: HeapModel): Retainers {
  const nodeCount = heap.nodes.count;
  const { start: edgeStart, target: edgeTarget } = heap.edges;
  const retainerStart = new Uint32Array(nodeCount + 1);
  let traversedCount = 0;
  for (let source = 0; source < nodeCount; source++) {
    for (let e = edgeStart[source], end = edgeStart[source + 1]; e < end; e++) {
      const target = edgeTarget[e];
      if (!isTraversedEdge(source, target)) continue;
      retainerStart[target]++;
      traversedCount++;
    }
  }
  // Turn counts into row ends: retainerStart[i] = one past the last slot of row i.
  let running = 0;
  for (let i = 0; i < nodeCount; i++) {
    running += retainerStart[i];
    retainerStart[i] = running;
  }
  retainerStart[nodeCount] = running;
  // Fill each row from its end, visiting sources in decreasing order so rows come out increasing;
  // afterwards retainerStart[i] has moved down to the first slot of row i.
  const retainerSource = new Uint32Array(traversedCount);
  for (let source = nodeCount - 1; source >= 0; source--) {
    for (let e = edgeStart[source + 1] - 1, first = edgeStart[source]; e >= first; e--) {
      const target = edgeTarget[e];
      if (!isTraversedEdge(source, target)) continue;
      retainerSource[--retainerStart[target]] = source;
    }
  }
  return { retainerStart, retainerSource };
}

/** Number of retainer entries of a node (duplicates counted). */
export function retainerCount(retainers: Retainers, node: number): number {
  return retainers.retainerStart[node + 1] - retainers.retainerStart[node];
}

/** The retainers of a node, as a view (no copy) into the CSR. */
export function retainersOf(retainers: Retainers, node: number): Uint32Array {
  return retainers.retainerSource.subarray(retainers.retainerStart[node], retainers.retainerStart[node + 1]);
}
