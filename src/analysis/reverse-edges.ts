import type { HeapModel } from '../heap/types';
import { RowStarts, RowStartsWriter } from '../heap/row-starts';
import { edgeStartOf, type EdgeColumns } from './helper-edges';
import { isTraversedEdge } from './edge-predicate';
import type { SpareArrays } from './spare-arrays';
import { largeArray } from '../heap/array-memory';

/**
 * Incoming edges ("retainers") as CSR: the retainers of node i are
 * retainerSource[retainerStart.get(i) … retainerStart.get(i+1)-1], in increasing NodeIndex order, one
 * entry per traversed forward edge (see edge-predicate.ts), so a node referenced twice by the same
 * object lists that object twice, next to each other.
 */
export interface Retainers {
  /** nodeCount+1 entries; `retainerStart.get(nodeCount) === retainerSource.length`. */
  readonly retainerStart: RowStarts;
  /** Length = number of traversed edges. */
  readonly retainerSource: Uint32Array;
}

/**
 * Reverses the forward CSR with a counting sort: O(nodes + edges) time (this is how Chrome DevTools'
 * heap snapshot worker builds its retainers). The row starts are kept in their compact form
 * (row-starts.ts), written as the counts are summed; the rows are filled from their ends through a
 * plain column of cursors, which then goes to `spares` for the dominators' scratch arrays
 * (spare-arrays.ts).
 */
export function computeRetainers(heap: HeapModel, spares?: SpareArrays): Retainers {
  const { retainers, rowCursors } = reverseEdges(heap.nodes.count, heap.edges.start, heap.edges.target);
  spares?.push(rowCursors);
  return retainers;
}

/** The counting sort of `computeRetainers`, with the row cursors it leaves. */
function reverseEdges(
  nodeCount: number,
  edgeStart: RowStarts,
  edgeTarget: Uint32Array,
): { retainers: Retainers; rowCursors: Uint32Array } {
  const rowStart = largeArray(Uint32Array, nodeCount + 1);
  let traversedCount = 0;
  for (let source = 0, first = 0; source < nodeCount; source++) {
    const end = edgeStart.get(source + 1);
    for (let e = first; e < end; e++) {
      const target = edgeTarget[e];
      if (!isTraversedEdge(source, target)) continue;
      rowStart[target]++;
      traversedCount++;
    }
    first = end;
  }
  // Turn counts into row ends: rowStart[i] = one past the last slot of row i. The row starts are
  // written compact on the way (each row starts where the one before ends).
  const starts = new RowStartsWriter(nodeCount + 1);
  let running = 0;
  for (let i = 0; i < nodeCount; i++) {
    starts.set(i, running);
    running += rowStart[i];
    rowStart[i] = running;
  }
  starts.set(nodeCount, running);
  rowStart[nodeCount] = running;
  // Fill each row from its end, visiting sources in decreasing order so rows come out increasing;
  // afterwards rowStart[i] has moved down to the first slot of row i.
  const retainerSource = largeArray(Uint32Array, traversedCount);
  for (let source = nodeCount - 1, end = edgeStart.get(nodeCount); source >= 0; source--) {
    const first = edgeStart.get(source);
    for (let e = end - 1; e >= first; e--) {
      const target = edgeTarget[e];
      if (!isTraversedEdge(source, target)) continue;
      retainerSource[--rowStart[target]] = source;
    }
    end = first;
  }
  return { retainers: { retainerStart: starts.finish(), retainerSource }, rowCursors: rowStart };
}

/**
 * The reverse edges as a job for a helper thread (helper-jobs.ts), so that they are computed while
 * this thread numbers the nodes depth-first for the dominators (dominators.ts, `numberFromRoot`):
 * the heap's edges go with it, and every array of the answer is the helper's, moved back.
 */
export interface RetainersJob {
  readonly kind: 'retainers';
  readonly edges: EdgeColumns;
}

/** The reverse edges a helper computed: the row starts' columns, the sources and the row cursors. */
export interface RetainersJobDone {
  readonly kind: 'retainers';
  readonly startLow: Uint16Array;
  readonly startBlock: Int32Array;
  readonly startWide: Uint32Array;
  readonly source: Uint32Array;
  readonly rowCursors: Uint32Array;
}

/** What a thread runs for a job: `computeRetainers` over the job's edges. */
export function runRetainersJob(job: RetainersJob): RetainersJobDone {
  const { retainers, rowCursors } = reverseEdges(job.edges.nodeCount, edgeStartOf(job.edges), job.edges.target);
  const { low, block, wide } = retainers.retainerStart;
  return {
    kind: 'retainers',
    startLow: low,
    startBlock: block,
    startWide: wide,
    source: retainers.retainerSource,
    rowCursors,
  };
}

/** The retainers of a job its helper has done; its row cursors go to `spares`, as `computeRetainers` leaves them. */
export function retainersOfJob(done: RetainersJobDone, spares?: SpareArrays): Retainers {
  spares?.push(done.rowCursors);
  return { retainerStart: new RowStarts(done.startLow, done.startBlock, done.startWide), retainerSource: done.source };
}

/** Number of retainer entries of a node (duplicates counted). */
export function retainerCount(retainers: Retainers, node: number): number {
  return retainers.retainerStart.count(node);
}

/** The retainers of a node, as a view (no copy) into the CSR. */
export function retainersOf(retainers: Retainers, node: number): Uint32Array {
  const { retainerStart } = retainers;
  return retainers.retainerSource.subarray(retainerStart.get(node), retainerStart.get(node + 1));
}
