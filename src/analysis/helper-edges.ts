import type { HeapModel } from '../heap/types';
import { MIN_PROVIDED_BYTES } from '../heap/array-memory';
import { RowStarts } from '../heap/row-starts';

/**
 * The heap's forward edges as a helper thread reads them (helper-jobs.ts): the columns of their row
 * starts and their targets, in shared memory, so that a job's message shares them rather than
 * copying them; a column that is not shared is copied with the message, up to MAX_COPIED_BYTES.
 */
export interface EdgeColumns {
  readonly nodeCount: number;
  readonly low: Uint16Array;
  readonly block: Int32Array;
  readonly wide: Uint32Array;
  readonly target: Uint32Array;
}

/** An edge column not in shared memory is copied to a helper, up to this size (a small heap's). */
const MAX_COPIED_BYTES = 16 << 20;

export function isShared(array: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer;
}

/**
 * Whether the analyses of `heap` give a helper thread work: its edges are in shared memory, and its
 * node-sized arrays are large enough (array-memory.ts's threshold) for work that pays for a thread.
 * A helper started ahead for such a heap is not left idle.
 */
export function helperLikely(heap: HeapModel): boolean {
  return isShared(heap.edges.target) && heap.nodes.count * Uint32Array.BYTES_PER_ELEMENT >= MIN_PROVIDED_BYTES;
}

/**
 * The edges for a helper's job; null when the heap is small or a column can be neither shared nor
 * copied (a message copies a typed array's whole buffer, so the buffer is what is measured).
 */
export function helperEdges(heap: HeapModel): EdgeColumns | null {
  if (!helperLikely(heap)) return null;
  const { low, block, wide } = heap.edges.start;
  const { target } = heap.edges;
  const shareable = [low, block, wide, target].every(
    (column) => isShared(column) || column.buffer.byteLength <= MAX_COPIED_BYTES,
  );
  return shareable ? { nodeCount: heap.nodes.count, low, block, wide, target } : null;
}

/** The row starts of edges a job names, as the analyses read them. */
export function edgeStartOf(edges: EdgeColumns): RowStarts {
  return new RowStarts(edges.low, edges.block, edges.wide);
}
