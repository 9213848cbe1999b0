import { describe, expect, it } from 'vitest';
import { NO_NODE } from '../heap/types';
import { mulberry32 } from '../test-support/prng';
import { topDownChunks } from './top-down';

/** The order as one list; each chunk is copied, as its buffer is reused for the next. */
function order(idom: Uint32Array): number[] {
  const nodes: number[] = [];
  for (const chunk of topDownChunks(idom)) nodes.push(...chunk);
  return nodes;
}

/** A random forest on n nodes: each node's dominator any other node of a random earlier rank. */
function randomForest(n: number, random: () => number): Uint32Array {
  const rank = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
  const idom = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const node = rank[k];
    idom[node] = k === 0 || random() < 0.05 ? NO_NODE : rank[Math.floor(random() * k)];
  }
  return idom;
}

describe('topDownChunks', () => {
  it('gives every node once, each after its dominator, on random forests', () => {
    const random = mulberry32(7);
    for (const n of [1, 2, 17, 1000, 70_000, 140_001]) {
      const idom = randomForest(n, random);
      const nodes = order(idom);
      expect(nodes.length).toBe(n);
      const position = new Int32Array(n).fill(-1);
      nodes.forEach((node, k) => (position[node] = k));
      expect(position.every((p) => p >= 0)).toBe(true);
      let before = 0;
      for (let node = 0; node < n; node++)
        if (idom[node] === NO_NODE || position[idom[node]] < position[node]) before++;
      expect(before).toBe(n);
    }
  });

  it('walks a chain dominated backwards (the deepest node first in NodeIndex order) top-down', () => {
    // Node k is dominated by node k + 1: the first node brings its whole chain of 100,000 before it.
    const n = 100_000;
    const idom = Uint32Array.from({ length: n }, (_, k) => (k === n - 1 ? NO_NODE : k + 1));
    expect(order(idom)).toEqual(Array.from({ length: n }, (_, k) => n - 1 - k));
  });

  it('gives every node once when the idom column holds a cycle or a node out of range', () => {
    const idom = Uint32Array.from([1, 2, 0, 99, NO_NODE]);
    expect(order(idom).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives nothing for no nodes', () => {
    expect(order(new Uint32Array(0))).toEqual([]);
  });
});
