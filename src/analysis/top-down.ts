import { NO_NODE } from '../heap/types';

/** Nodes per chunk of `topDownChunks`: big enough that the generator costs nothing per node. */
const CHUNK_NODES = 1 << 16;

/**
 * Every node once, each after its immediate dominator (`idom`, NO_NODE for the virtual root's
 * children): a top-down order of the dominator tree, from the idom column alone, so that no
 * node-sized order column needs keeping. Nodes come in NodeIndex order, except that a node whose
 * dominator has not come yet brings the chain of its dominators not come yet before it.
 *
 * Yields the order in chunks, each a view of one reused buffer, valid until the next chunk is asked
 * for. Transient memory: a bit per node and a stack as deep as the longest chain of dominators not
 * come yet (grown on demand). O(n). A malformed idom (a cycle, as a damaged image could hold)
 * still yields every node once: a node is marked as it is stacked, and a chain stops at a marked one.
 */
export function* topDownChunks(idom: Uint32Array): Generator<Uint32Array, void, undefined> {
  const n = idom.length;
  const seen = new Uint8Array((n + 7) >>> 3);
  const chunk = new Uint32Array(Math.min(CHUNK_NODES, Math.max(1, n)));
  let filled = 0;
  let stack = new Uint32Array(64);
  for (let node = 0; node < n; node++) {
    if (seen[node >>> 3] & (1 << (node & 7))) continue;
    const dominator = idom[node];
    if (dominator === NO_NODE || dominator >= n || seen[dominator >>> 3] & (1 << (dominator & 7))) {
      // Its dominator has come (most nodes, as collectors number objects as they find them): no chain.
      seen[node >>> 3] |= 1 << (node & 7);
      chunk[filled++] = node;
      if (filled === chunk.length) {
        yield chunk;
        filled = 0;
      }
      continue;
    }
    // Up the chain of dominators not come yet, then down it.
    let depth = 0;
    let v = node;
    for (;;) {
      if (depth === stack.length) {
        const grown = new Uint32Array(2 * stack.length);
        grown.set(stack);
        stack = grown;
      }
      stack[depth++] = v;
      seen[v >>> 3] |= 1 << (v & 7);
      const up = idom[v];
      if (up === NO_NODE || up >= n || seen[up >>> 3] & (1 << (up & 7))) break;
      v = up;
    }
    while (depth > 0) {
      chunk[filled++] = stack[--depth];
      if (filled === chunk.length) {
        yield chunk;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield chunk.subarray(0, filled);
}
