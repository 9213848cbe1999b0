/**
 * Node-sized Uint32 arrays one analysis stage is done with, handed to the next stage so that it
 * reuses their memory rather than asking for new. New memory costs a page fault per 4 KB page the
 * first time it is written: on the virtual machines measured here about 11 µs, so 0.2 s for each
 * 74 MB array at the incident's 18.6 M objects, and as much again in a tab (analyze-heap.ts: the
 * reverse edges' row cursors become a scratch array of the dominators; of their three, one becomes
 * the retained sizes and one, or the search's preorder, the BFS's parents; the other or, where a
 * helper thread runs the BFS beside the tree, the preorder, the dominator tree's children; what is
 * left is let go before a pause where a host may collect it).
 */
import { largeArray } from '../heap/array-memory';
export type SpareArrays = Uint32Array[];

/**
 * An array of `length` entries: a spare one when one is as long or a few entries longer (node
 * arrays and node + 1 arrays), its old contents left in it for the caller to overwrite; else a new
 * zeroed one.
 */
export function takeSpare(spares: SpareArrays | undefined, length: number): Uint32Array {
  if (spares) {
    for (let k = spares.length - 1; k >= 0; k--) {
      const spare = spares[k];
      if (spare.length >= length && spare.length <= length + MAX_SPARE_SLACK) {
        spares.splice(k, 1);
        return spare.length === length ? spare : spare.subarray(0, length);
      }
    }
  }
  return largeArray(Uint32Array, length);
}

/**
 * Keeps the `keep` most recently given spares and lets the others go: a spare no stage will take
 * only holds its memory (at 60 M objects, 240 MB each).
 */
export function keepSpares(spares: SpareArrays | undefined, keep: number): void {
  if (spares && spares.length > keep) spares.splice(0, spares.length - keep);
}

/** A spare may be this many entries longer than asked for (the slack stays unused with it). */
const MAX_SPARE_SLACK = 16;
