import { describe, expect, it } from 'vitest';
import { analyzeHeap } from './analyze-heap';
import { breadthFirstFromRoot } from './bfs';
import { computeDominators } from './dominators';
import { heapFromDsl } from './graph-dsl';
import { retainedSizes } from './retained';
import { computeRetainers } from './reverse-edges';
import { takeSpare, type SpareArrays } from './spare-arrays';

const dsl = heapFromDsl('root -> A -> B -> C -> D; root -> C; A -> E -> B; E -> E; X -> B; X -> Y -> X');
const n = dsl.heap.nodes.count;
/** Spare arrays full of left-over values, as a stage leaves them. */
const garbage = (count: number, length = n + 1): SpareArrays =>
  Array.from({ length: count }, (_, k) => new Uint32Array(length).fill(0xdead_beef - k));

describe('spare arrays', () => {
  it('give the same BFS and retained sizes as new arrays, whatever they held', () => {
    const retainers = computeRetainers(dsl.heap);
    const dominators = computeDominators(dsl.heap, retainers);
    const spares = garbage(3);
    const withSpares = breadthFirstFromRoot(dsl.heap, { spares, keepOrder: false });
    const plain = breadthFirstFromRoot(dsl.heap);
    expect(Array.from(withSpares.parent)).toEqual(Array.from(plain.parent));
    expect(Array.from(withSpares.distance)).toEqual(Array.from(plain.distance));
    expect(withSpares.order.length).toBe(0);
    // Two taken, the queue given back: two left for the retained sizes.
    expect(spares.length).toBe(2);
    expect(Array.from(retainedSizes(dsl.heap, dominators, spares))).toEqual(
      Array.from(retainedSizes(dsl.heap, dominators)),
    );
    expect(spares.length).toBe(1);
  });

  it('are the dominators’ three scratch arrays, and the analyses answer the same with them', () => {
    const spares: SpareArrays = [];
    computeDominators(dsl.heap, computeRetainers(dsl.heap), { spares });
    expect(spares.map((spare) => spare.length)).toEqual([n + 1, n + 1, n + 1]);
    const context = analyzeHeap(dsl.heap);
    const retainers = computeRetainers(dsl.heap);
    const dominators = computeDominators(dsl.heap, retainers);
    expect(Array.from(context.dominators!.idom)).toEqual(Array.from(dominators.idom));
    expect(Array.from(context.retained!)).toEqual(Array.from(retainedSizes(dsl.heap, dominators)));
    expect(Array.from(context.bfs.parent)).toEqual(Array.from(breadthFirstFromRoot(dsl.heap).parent));
  });

  it('are taken only when as long as asked for or a few entries longer', () => {
    const long = new Uint32Array(100).fill(7);
    const spares = [long, new Uint32Array(10)];
    // Too long for 50: a new array; 99 takes the 100-long one, as a view of it.
    expect(takeSpare(spares, 50).buffer).not.toBe(long.buffer);
    expect(spares.length).toBe(2);
    const taken = takeSpare(spares, 99);
    expect(taken.buffer).toBe(long.buffer);
    expect(taken.length).toBe(99);
    expect(spares.map((spare) => spare.length)).toEqual([10]);
    expect(takeSpare(undefined, 5).length).toBe(5);
  });
});
