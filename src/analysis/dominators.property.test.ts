/**
 * Property test: on hundreds of random small heaps (cycles, self and duplicate edges, unreachable
 * parts, sometimes no root), the fast analyses agree with brute-force definitions:
 *  - v dominates w  ⇔  w is not reachable from the virtual root once v is removed (in the graph
 *    dominators.ts defines: references from unreachable to reachable objects dropped);
 *  - retained(v) = shallow sizes of v and of every node it dominates;
 *  - per-type retained = Σ retained(v) over the type's nodes with no strict dominator of that type;
 *  - root paths are real chains of edges, and every reachable object has one.
 */
import { describe, expect, it } from 'vitest';
import { HeapBuilder } from '../heap/heap-builder';
import { NO_NODE, NodeFlag, type HeapModel, type NodeIndex } from '../heap/types';
import { breadthFirstFromRoot, unreachableIn } from './bfs';
import { computeDominators } from './dominators';
import { computeRetainers } from './reverse-edges';
import { dominatorTree, retainedSizeByType, retainedSizes } from './retained';
import { RootPathFinder } from './root-paths';
import { mulberry32 as seededRandom } from '../test-support/prng';

const GRAPH_COUNT = 400;
const TYPE_NAMES = ['A', 'B', 'C'];

function randomHeap(random: () => number): HeapModel {
  const builder = new HeapBuilder('gcdump');
  const types = TYPE_NAMES.map((name) => builder.internType(name));
  const pseudoType = builder.internType('[local vars]');
  const nodeCount = 1 + Math.floor(random() * 12);
  for (let i = 0; i < nodeCount; i++) {
    const pseudo = i > 0 && random() < 0.1;
    builder.addNode(
      pseudo ? pseudoType : types[Math.floor(random() * types.length)],
      pseudo ? 0 : 1 + Math.floor(random() * 100),
      pseudo ? 0 : 0x1000 * (i + 1),
      0,
      pseudo ? NodeFlag.Defined | NodeFlag.Pseudo : NodeFlag.Defined,
    );
  }
  const edgeCount = Math.floor(random() * nodeCount * 2.5);
  for (let e = 0; e < edgeCount; e++) {
    const source = Math.floor(random() * nodeCount);
    const target = random() < 0.08 ? source : Math.floor(random() * nodeCount);
    builder.addEdge(source as NodeIndex, target as NodeIndex);
    if (random() < 0.1) builder.addEdge(source as NodeIndex, target as NodeIndex);
  }
  if (random() < 0.95) builder.setRoot(Math.floor(random() * Math.min(nodeCount, 2)) as NodeIndex);
  return builder.build();
}

function successorLists(heap: HeapModel): number[][] {
  const lists: number[][] = [];
  for (let v = 0; v < heap.nodes.count; v++) {
    lists.push(Array.from(heap.edges.target.subarray(heap.edges.start.get(v), heap.edges.start.get(v + 1))));
  }
  return lists;
}

/** Nodes reachable from `starts` without passing through `removed` (a plain worklist). */
function reachableFrom(successors: number[][], starts: number[], removed = -1): boolean[] {
  const seen = successors.map(() => false);
  const work = starts.filter((s) => s !== removed);
  for (const s of work) seen[s] = true;
  while (work.length > 0) {
    const v = work.pop()!;
    for (const w of successors[v]) {
      if (w !== removed && !seen[w]) {
        seen[w] = true;
        work.push(w);
      }
    }
  }
  return seen;
}

/** The virtual root's children as dominators.ts defines them, from plain reachability. */
function virtualRootChildren(heap: HeapModel, successors: number[][]): number[] {
  const n = heap.nodes.count;
  const starts: number[] = heap.rootIndex === NO_NODE ? [] : [heap.rootIndex];
  const hasReferrer = successors.map(() => false);
  successors.forEach((targets, v) => targets.forEach((w) => w !== v && (hasReferrer[w] = true)));
  let reached = reachableFrom(successors, starts);
  for (let v = 0; v < n; v++) if (!reached[v] && !hasReferrer[v]) starts.push(v);
  reached = reachableFrom(successors, starts);
  for (let v = 0; v < n; v++) {
    if (!reached[v]) {
      starts.push(v);
      reached = reachableFrom(successors, starts);
    }
  }
  return starts;
}

/** dominates[v][w]: v strictly dominates w. */
function bruteForceDominance(heap: HeapModel, allSuccessors: number[][], starts: number[]): boolean[][] {
  const rootReach = heap.rootIndex === NO_NODE ? [] : reachableFrom(allSuccessors, [heap.rootIndex]);
  const successors = allSuccessors.map((targets, v) => (rootReach[v] ? targets : targets.filter((w) => !rootReach[w])));
  return successors.map((_, v) => {
    const reached = reachableFrom(successors, starts, v);
    return successors.map((__, w) => w !== v && !reached[w]);
  });
}

describe('dominators, retained sizes and root paths on random heaps', () => {
  const random = seededRandom(20_261_128);
  const heaps = Array.from({ length: GRAPH_COUNT }, () => randomHeap(random));

  it('includes the hard cases', () => {
    const successors = heaps.map(successorLists);
    expect(successors.some((s) => s.some((targets, v) => targets.includes(v)))).toBe(true);
    expect(heaps.some((h) => h.rootIndex === NO_NODE)).toBe(true);
    expect(heaps.filter((h) => breadthFirstFromRoot(h).reachableCount < h.nodes.count).length).toBeGreaterThan(100);
  });

  it('computes the immediate dominators the brute-force definition gives', () => {
    heaps.forEach((heap, graph) => {
      const successors = successorLists(heap);
      const starts = virtualRootChildren(heap, successors);
      const dominates = bruteForceDominance(heap, successors, starts);
      const { idom, reachableCount, preorder } = computeDominators(heap, computeRetainers(heap));
      // The root reaches the first reachableCount of the preorder; the BFS reaches the same nodes.
      const reachable = new Set(preorder.subarray(0, reachableCount));
      const bfsDistance = breadthFirstFromRoot(heap).distance;
      const rootReach = heap.rootIndex === NO_NODE ? [] : reachableFrom(successors, [heap.rootIndex]);
      for (let w = 0; w < heap.nodes.count; w++) {
        const strictDominators = successors.map((_, v) => v).filter((v) => dominates[v][w]);
        const depth = (v: number) => successors.filter((_, u) => dominates[u][v]).length;
        const expected =
          strictDominators.length === 0 ? NO_NODE : strictDominators.reduce((a, b) => (depth(b) > depth(a) ? b : a));
        expect({ graph, node: w, idom: idom[w] }).toEqual({ graph, node: w, idom: expected });
        expect(reachable.has(w)).toBe(rootReach[w] === true);
        expect(bfsDistance[w] !== unreachableIn(bfsDistance)).toBe(rootReach[w] === true);
      }
      const position = new Map(Array.from(preorder, (node, i) => [node, i]));
      for (let w = 0; w < heap.nodes.count; w++) {
        if (idom[w] !== NO_NODE) expect(position.get(idom[w])!).toBeLessThan(position.get(w)!);
      }
    });
  });

  it('computes retained sizes, overall and per type (MAT), as brute force does', () => {
    heaps.forEach((heap, graph) => {
      const successors = successorLists(heap);
      const dominates = bruteForceDominance(heap, successors, virtualRootChildren(heap, successors));
      const dominators = computeDominators(heap, computeRetainers(heap));
      const retained = retainedSizes(heap, dominators);
      const size = heap.nodes.size;
      const expectedRetained = successors.map((_, v) =>
        successors.reduce((sum, __, w) => sum + (w === v || dominates[v][w] ? size.get(w) : 0), 0),
      );
      expect({ graph, retained: Array.from(retained) }).toEqual({ graph, retained: expectedRetained });

      const type = heap.nodes.type;
      const expectedByType = new Array<number>(heap.types.count).fill(0);
      successors.forEach((_, v) => {
        const nestedInSameType = successors.some((__, u) => dominates[u][v] && type[u] === type[v]);
        if (!nestedInSameType) expectedByType[type[v]] += expectedRetained[v];
      });
      const byType = retainedSizeByType(heap, dominatorTree(dominators, retained), retained);
      expect({ graph, byType: Array.from(byType) }).toEqual({ graph, byType: expectedByType });

      if (heap.rootIndex !== NO_NODE) {
        const reachableTotal = reachableFrom(successors, [heap.rootIndex]).reduce(
          (sum, r, v) => sum + (r ? size.get(v) : 0),
          0,
        );
        expect(retained[heap.rootIndex]).toBe(reachableTotal);
      }
    });
  });

  it('finds a real root path for every reachable object and none for the others', () => {
    heaps.forEach((heap) => {
      if (heap.rootIndex === NO_NODE) return;
      const successors = successorLists(heap);
      const tree = breadthFirstFromRoot(heap);
      const finder = new RootPathFinder(heap, tree, computeRetainers(heap));
      for (let target = 0; target < heap.nodes.count; target++) {
        const { paths } = finder.distinctRootPaths(target, { maxPathsPerKind: 3 });
        expect(paths.length > 0).toBe(tree.distance[target] !== unreachableIn(tree.distance));
        for (const path of paths) {
          expect(path.chain[0]).toBe(heap.rootIndex);
          expect(path.chain[path.chain.length - 1]).toBe(target);
          for (let i = 0; i + 1 < path.chain.length; i++)
            expect(successors[path.chain[i]]).toContain(path.chain[i + 1]);
        }
        expect(new Set(paths.map((p) => p.chain.join())).size).toBe(paths.length);
      }
    });
  });
});
