import { describe, expect, it } from 'vitest';
import { HeapBuilder } from '../heap/heap-builder';
import { NO_NODE, NodeFlag, type NodeIndex } from '../heap/types';
import { breadthFirstFromRoot } from './bfs';
import { computeDominators } from './dominators';
import { chainHeap, heapFromDsl } from './graph-dsl';
import { retainedSizes } from './retained';
import { computeRetainers } from './reverse-edges';
import { shortestRootPath } from './root-paths';
import { collapseRuns, findHomogeneousChains, typeIdentityByName } from './runs';

describe('runs in a path', () => {
  it('collapses the 17,812 callbacks between a token source and its leaked buffer into one run', () => {
    const dsl = heapFromDsl(
      'root -> [local vars] -> cts:CancellationTokenSource -> CallbackNode:48*17812 -> buffer:System.Byte[]:32792',
    );
    const path = shortestRootPath(dsl.heap, breadthFirstFromRoot(dsl.heap), dsl.node('buffer'))!;
    const steps = collapseRuns(dsl.heap, path.objects);
    const chain = dsl.chains[0];
    expect(steps).toEqual([
      { kind: 'node', node: dsl.node('cts'), startIndex: 0 },
      {
        kind: 'run',
        type: dsl.heap.nodes.type[chain.first],
        count: 17_812,
        first: chain.first,
        last: chain.first + 17_811,
        startIndex: 1,
      },
      { kind: 'node', node: dsl.node('buffer'), startIndex: 17_813 },
    ]);
  });

  it('collapses runs of at least the minimum length only', () => {
    const dsl = heapFromDsl('root -> Wrapper*7 -> Node*8 -> end');
    const path = shortestRootPath(dsl.heap, breadthFirstFromRoot(dsl.heap), dsl.node('end'))!;
    const kinds = collapseRuns(dsl.heap, path.chain).map((s) => (s.kind === 'run' ? `run×${s.count}` : 'node'));
    expect(kinds).toEqual(['node', ...Array(7).fill('node'), 'run×8', 'node']);
    expect(collapseRuns(dsl.heap, path.chain, 7).filter((s) => s.kind === 'run')).toHaveLength(2);
  });

  it('treats type entries that share a name as one type', () => {
    const builder = new HeapBuilder('gcdump');
    const first = builder.addType('Entry');
    const second = builder.addType('Entry');
    for (let i = 0; i < 8; i++) builder.addNode(i % 2 ? second : first, 10, 0x1000 * (i + 1), 0, NodeFlag.Defined);
    const heap = builder.build();
    expect(Array.from(typeIdentityByName(heap))).toEqual([0, 0]);
    expect(collapseRuns(heap, [0, 1, 2, 3, 4, 5, 6, 7])).toMatchObject([{ kind: 'run', count: 8, first: 0, last: 7 }]);
  });
});

describe('runaway chains in the whole heap', () => {
  it('finds a 1,000,000-long linked list exactly, with its owner and its bytes', () => {
    const dsl = chainHeap(1_000_000, 'CallbackNode');
    const retainers = computeRetainers(dsl.heap);
    const [chain, ...others] = findHomogeneousChains(dsl.heap, retainers);
    const { first, length } = dsl.chains[0];
    expect(others).toEqual([]);
    expect(chain).toEqual({
      type: dsl.heap.nodes.type[first],
      length: 1_000_000,
      memberCount: 1_000_000,
      head: first,
      tail: first + length - 1,
      headRetainer: dsl.node('[static var Holder.head]'),
      bytes: 10 * 1_000_000,
      retainedBytes: null,
    });
  });

  it('needs dominators to see a doubly-linked list, and then finds it exactly', () => {
    const dsl = heapFromDsl(
      'root -> [static vars] -> [static var Config.token] -> cts:CancellationTokenSource -> CallbackNode:48**17812',
    );
    const retainers = computeRetainers(dsl.heap);
    expect(findHomogeneousChains(dsl.heap, retainers)).toEqual([]);
    const dominators = computeDominators(dsl.heap, retainers);
    const retained = retainedSizes(dsl.heap, dominators);
    const [chain] = findHomogeneousChains(dsl.heap, retainers, { dominators, retained });
    expect(chain).toMatchObject({
      length: 17_812,
      head: dsl.chains[0].first,
      headRetainer: dsl.node('cts'),
      bytes: 48 * 17_812,
    });
    expect(chain.retainedBytes).toBe(48 * 17_812);
  });

  it('stops a chain where a member has another owner', () => {
    const dsl = heapFromDsl('root -> a:Node -> b:Node -> c:Node -> d:Node -> e:Node; root -> d');
    const chains = findHomogeneousChains(dsl.heap, computeRetainers(dsl.heap), { minLength: 2 });
    expect(chains.map((c) => [dsl.idOf(c.head), dsl.idOf(c.tail), c.length])).toEqual([
      ['a', 'c', 3],
      ['d', 'e', 2],
    ]);
    expect(chains[0].headRetainer).toBe(dsl.node('root'));
  });

  it('measures a branching same-type structure by its longest walk', () => {
    const dsl = heapFromDsl('root -> t1:Tree -> t2:Tree -> t3:Tree -> t4:Tree; t1 -> u2:Tree; u2 -> u3:Tree; t1 -> t1');
    const [chain] = findHomogeneousChains(dsl.heap, computeRetainers(dsl.heap), { minLength: 2 });
    expect(chain).toMatchObject({ head: dsl.node('t1'), tail: dsl.node('t4'), length: 4, memberCount: 6, bytes: 60 });
  });

  it('reports the longest chains first, up to the cap, and skips short ones', () => {
    const dsl = heapFromDsl('root -> A*5; root -> B*9; root -> C*2; root -> D*7');
    const retainers = computeRetainers(dsl.heap);
    const chains = findHomogeneousChains(dsl.heap, retainers, { minLength: 3, maxChains: 2 });
    expect(chains.map((c) => [dsl.heap.types.names[c.type], c.length])).toEqual([
      ['B', 9],
      ['D', 7],
    ]);
    expect(findHomogeneousChains(dsl.heap, retainers)).toEqual([]);
  });

  it('ignores a ring that nothing references (garbage), without looping', () => {
    const builder = new HeapBuilder('gcdump');
    const type = builder.internType('Ring');
    for (let i = 0; i < 4; i++) builder.addNode(type, 10, 0x1000 * (i + 1), 0, NodeFlag.Defined);
    for (let i = 0; i < 4; i++) builder.addEdge(i as NodeIndex, ((i + 1) % 4) as NodeIndex);
    const heap = builder.build();
    expect(heap.rootIndex).toBe(NO_NODE);
    expect(findHomogeneousChains(heap, computeRetainers(heap), { minLength: 2 })).toEqual([]);
  });
});
