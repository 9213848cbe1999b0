import { describe, expect, it } from 'vitest';
import { NO_NODE } from '../heap/types';
import { breadthFirstFromRoot, isReached, rootDistance } from './bfs';
import { chainHeap, heapFromDsl } from './graph-dsl';
import { buildIncidentHeap } from '../../tools/generate/incident-heap';
import type { HeapModel } from '../heap/types';

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

  it('grows its ring while the queue has wrapped around it, keeping the order of a plain queue', () => {
    // A chain walks the queue around its ring many times; the two hubs at its end, queued together,
    // then need more room, twice: the second time with 20,000 entries queued, wrapped around.
    const leaves = Array.from({ length: 20_000 }, (_, k) => `H1 -> L${k}; H2 -> M${k}`);
    const dsl = heapFromDsl(`root -> Node*50000 -> X; X -> H1; X -> H2; ${leaves.join('; ')}`);
    const plain = plainBreadthFirst(dsl.heap);
    // The test's premise: the ring (an eighth of the nodes, at least 16,384) is outgrown.
    expect(plain.widestFrontier).toBeGreaterThan(2 * 16_384);
    expect(dsl.heap.nodes.count / 8).toBeLessThan(16_384);
    const tree = breadthFirstFromRoot(dsl.heap);
    expect(Array.from(tree.order)).toEqual(plain.order);
    expect(Array.from(tree.parent)).toEqual(plain.parent);
    expect(Array.from(tree.distance, (d) => (d === 0xffff ? -1 : d))).toEqual(plain.distance);
  });

  it('gives the order, parents and distances of a plain queue on the generated incident heap', () => {
    const { heap } = buildIncidentHeap({ objects: 250_000, seed: 1 });
    const plain = plainBreadthFirst(heap);
    const tree = breadthFirstFromRoot(heap);
    expect(Array.from(tree.order)).toEqual(plain.order);
    expect(Array.from(tree.parent)).toEqual(plain.parent);
    expect(Array.from(tree.distance, (d) => (d === 0xffff ? -1 : d))).toEqual(plain.distance);
  });

  it('makes room in the ring for every child of a node at once, past twice its length', () => {
    // root -> Hub -> 40,000 leaves, and a few leaves queued before the hub (the ring not empty).
    const leaves = Array.from({ length: 40_000 }, (_, k) => `Hub -> L${k}`);
    const dsl = heapFromDsl(`root -> L1; root -> L2; root -> Hub; ${leaves.join('; ')}`);
    const plain = plainBreadthFirst(dsl.heap);
    expect(plain.widestFrontier).toBeGreaterThan(2 * 16_384);
    const tree = breadthFirstFromRoot(dsl.heap);
    expect(Array.from(tree.order)).toEqual(plain.order);
    expect(Array.from(tree.parent)).toEqual(plain.parent);
  });
});

/** The textbook BFS, a JS array for its queue: the reference for the search's ring. */
function plainBreadthFirst(heap: HeapModel) {
  const n = heap.nodes.count;
  const parent = new Array<number>(n).fill(NO_NODE);
  const distance = new Array<number>(n).fill(-1);
  const order: number[] = [heap.rootIndex];
  distance[heap.rootIndex] = 0;
  let widestFrontier = 0;
  for (let head = 0; head < order.length; head++) {
    widestFrontier = Math.max(widestFrontier, order.length - head);
    const source = order[head];
    for (let e = heap.edges.start.get(source); e < heap.edges.start.get(source + 1); e++) {
      const target = heap.edges.target[e];
      if (target === source || distance[target] !== -1) continue;
      distance[target] = distance[source] + 1;
      parent[target] = source;
      order.push(target);
    }
  }
  return { parent, distance, order, widestFrontier };
}
