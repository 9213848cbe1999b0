import { describe, expect, it } from 'vitest';
import { NO_NODE } from '../heap/types';
import { breadthFirstFromRoot, UNREACHABLE } from './bfs';
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
    expect(tree.distance[at('X')]).toBe(UNREACHABLE);
    expect(tree.parent[at('X')]).toBe(NO_NODE);
    expect(tree.reachableCount).toBe(5);
    expect(Array.from(tree.order, (n) => dsl.idOf(n))).toEqual(['root', 'A', 'C', 'B', 'D']);
  });

  it('reaches nothing in a model without a root', () => {
    const dsl = heapFromDsl('A -> B');
    const heap = { ...dsl.heap, rootIndex: NO_NODE };
    const tree = breadthFirstFromRoot(heap);
    expect(tree.reachableCount).toBe(0);
    expect(tree.distance[dsl.node('B')]).toBe(UNREACHABLE);
  });

  it('walks a 1,000,000-long chain without recursion', () => {
    const dsl = chainHeap(1_000_000);
    const tree = breadthFirstFromRoot(dsl.heap);
    const chain = dsl.chains[0];
    expect(tree.distance[chain.first + chain.length - 1]).toBe(2 + chain.length);
    expect(tree.reachableCount).toBe(dsl.heap.nodes.count);
  });
});
