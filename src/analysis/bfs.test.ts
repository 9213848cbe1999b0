import { describe, expect, it } from 'vitest';
import { NO_NODE } from '../heap/types';
import { breadthFirstFromRoot, isReached, rootDistance } from './bfs';
import { chainHeap, heapFromDsl } from './graph-dsl';

describe('breadth-first tree from the root', () => {
  it('gives shortest distances and the first parent found', () => {
    const dsl = heapFromDsl('root -> A -> B -> C -> D; root -> C; B -> B; X -> D');
    const tree = breadthFirstFromRoot(dsl.heap);
    const at = (id: string) => dsl.node(id);
    expect(tree.distance[at('root')]).toBe(0);
    expect(tree.distance[at('C')]).toBe(1);
    expect(tree.distance[at('D')]).toBe(2);
    expect(tree.parent[at('D')]).toBe(at('C'));
    expect(tree.parent[at('root')]).toBe(NO_NODE);
    expect(isReached(tree, at('X'))).toBe(false);
    expect(tree.parent[at('X')]).toBe(NO_NODE);
    expect(tree.reachableCount).toBe(5);
    expect(Array.from(tree.order, (n) => dsl.idOf(n))).toEqual(['root', 'A', 'C', 'B', 'D']);
  });

  it('reaches nothing in a model without a root', () => {
    const dsl = heapFromDsl('A -> B');
    const heap = { ...dsl.heap, rootIndex: NO_NODE };
    const tree = breadthFirstFromRoot(heap);
    expect(tree.reachableCount).toBe(0);
    expect(isReached(tree, dsl.node('B'))).toBe(false);
  });

  it('walks a 1,000,000-long chain without recursion', () => {
    const dsl = chainHeap(1_000_000);
    const tree = breadthFirstFromRoot(dsl.heap);
    const chain = dsl.chains[0];
    expect(tree.distance[chain.first + chain.length - 1]).toBe(2 + chain.length);
    expect(tree.reachableCount).toBe(dsl.heap.nodes.count);
  });

  it('keeps distances in 2 bytes per node below 0xffff, and widens past it without changing one', () => {
    expect(breadthFirstFromRoot(heapFromDsl('root -> A -> B').heap).distance).toBeInstanceOf(Uint16Array);
    // Distances 0 … 70,002 along the chain, and X (retained by nothing) never reached.
    const dsl = heapFromDsl('root -> [static vars] -> [static var Holder.head] -> Node*70000; X -> Y');
    const tree = breadthFirstFromRoot(dsl.heap);
    expect(tree.distance).toBeInstanceOf(Uint32Array);
    const chain = dsl.chains[0];
    for (const k of [0, 65_531, 65_532, 65_533, 65_534, 69_999]) {
      expect(tree.distance[chain.first + k]).toBe(3 + k);
      expect(tree.parent[chain.first + k]).toBe(k === 0 ? dsl.node('[static var Holder.head]') : chain.first + k - 1);
    }
    expect(isReached(tree, dsl.node('X'))).toBe(false);
    expect(isReached(tree, dsl.node('Y'))).toBe(false);
    expect(rootDistance(tree, dsl.node('X'))).toBeNull();
    expect(tree.reachableCount).toBe(dsl.heap.nodes.count - 2);
  });
});
