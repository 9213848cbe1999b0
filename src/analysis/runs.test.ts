import { describe, expect, it } from 'vitest';
import { HeapBuilder } from '../heap/heap-builder';
import { RowStarts } from '../heap/row-starts';
import { ELIDED_LINKS_TYPE_NAME, NO_NODE, NodeFlag, type HeapModel, type NodeIndex } from '../heap/types';
import { breadthFirstFromRoot } from './bfs';
import { computeDominators } from './dominators';
import { chainHeap, heapFromDsl } from './graph-dsl';
import { retainedSizes } from './retained';
import { computeRetainers } from './reverse-edges';
import { shortestRootPath } from './root-paths';
import { collapseRuns, typeIdentityByName } from './runs';
import { findHomogeneousChains } from './chain-scan';
import { mulberry32 as seededRandom } from '../test-support/prng';

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
        span: 17_812,
        elided: false,
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

  it('joins objects of one type around a transcript elision into one run, however few are shown', () => {
    // cts -> A -> A -> [elided] -> A -> Context -> [elided] -> Buffer: the first gap sits inside a
    // run of A; the second has different types on either side and stays a step of its own.
    const builder = new HeapBuilder('sos');
    const a = builder.internType('CallbackNode');
    const gap = builder.internType(ELIDED_LINKS_TYPE_NAME);
    const other = builder.internType('ExecutionContext');
    const buffer = builder.internType('System.Byte[]');
    const node = (type: number, i: number) => builder.addNode(type as never, 48, 0x1000 * (i + 1), 0, NodeFlag.Defined);
    const path = [
      node(other, 0),
      node(a, 1),
      node(a, 2),
      node(gap, 3),
      node(a, 4),
      node(other, 5),
      node(gap, 6),
      node(buffer, 7),
    ];
    const heap = builder.build();
    expect(collapseRuns(heap, path)).toEqual([
      { kind: 'node', node: path[0], startIndex: 0 },
      { kind: 'run', type: a, count: 3, first: path[1], last: path[4], startIndex: 1, span: 4, elided: true },
      { kind: 'node', node: path[5], startIndex: 5 },
      { kind: 'node', node: path[6], startIndex: 6 },
      { kind: 'node', node: path[7], startIndex: 7 },
    ]);
    // Without an elision, three in a row stay single steps; a gap at either end is not absorbed.
    expect(collapseRuns(heap, [path[1], path[2], path[4]]).every((s) => s.kind === 'node')).toBe(true);
    expect(collapseRuns(heap, [path[3], path[1], path[3]]).every((s) => s.kind === 'node')).toBe(true);
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

  it('finds a doubly-linked list that outside objects also point into, oriented from its owner', () => {
    // As in the real LeakyService dump: CallbackNodes link Prev and Next, and a registration also
    // holds one in the middle, so the members before it are not dominated by their predecessors.
    const dsl = heapFromDsl(`
      root -> [static vars] -> [static var Config.token] -> cts:CancellationTokenSource -> CallbackNode:48**17812
      root -> [local vars] -> registration:CancellationTokenRegistration
    `);
    const middle = dsl.chains[0].first + 9_000;
    const heap = withExtraEdge(dsl.heap, dsl.node('registration'), middle);
    const retainers = computeRetainers(heap);
    const dominators = computeDominators(heap, retainers);
    expect(dominators.idom[middle - 1]).not.toBe(middle - 2);
    const retained = retainedSizes(heap, dominators);
    const [chain, ...others] = findHomogeneousChains(heap, retainers, { dominators, retained });
    expect(others).toEqual([]);
    expect(chain).toMatchObject({
      length: 17_812,
      memberCount: 17_812,
      head: dsl.chains[0].first,
      tail: dsl.chains[0].first + 17_811,
      headRetainer: dsl.node('cts'),
      bytes: 48 * 17_812,
      retainedBytes: retained[dsl.chains[0].first],
    });
    expect(findHomogeneousChains(heap, retainers, { structure: 'singleRetainer' })).toEqual([]);
  });

  it('orients a doubly-linked list by its owner even without dominators', () => {
    const dsl = heapFromDsl('root -> owner -> Entry**50');
    const [chain] = findHomogeneousChains(dsl.heap, computeRetainers(dsl.heap), { minLength: 10 });
    expect(chain).toMatchObject({ head: dsl.chains[0].first, length: 50, headRetainer: dsl.node('owner') });
  });

  it('breaks lists where a member links to three others of its type', () => {
    const dsl = heapFromDsl('root -> a:Node -> b:Node -> c:Node -> d:Node; b -> x:Node -> y:Node -> z:Node');
    const chains = findHomogeneousChains(dsl.heap, computeRetainers(dsl.heap), { minLength: 2 });
    expect(chains.map((c) => [dsl.idOf(c.head), dsl.idOf(c.tail), c.length])).toEqual([
      ['x', 'z', 3],
      ['c', 'd', 2],
    ]);
  });

  it('in single-retainer mode, stops a chain where a member has another owner', () => {
    const dsl = heapFromDsl('root -> a:Node -> b:Node -> c:Node -> d:Node -> e:Node; root -> d');
    const retainers = computeRetainers(dsl.heap);
    const chains = findHomogeneousChains(dsl.heap, retainers, { minLength: 2, structure: 'singleRetainer' });
    expect(chains.map((c) => [dsl.idOf(c.head), dsl.idOf(c.tail), c.length])).toEqual([
      ['a', 'c', 3],
      ['d', 'e', 2],
    ]);
    expect(chains[0].headRetainer).toBe(dsl.node('root'));
    const [list] = findHomogeneousChains(dsl.heap, retainers, { minLength: 2 });
    expect([dsl.idOf(list.head), dsl.idOf(list.tail), list.length]).toEqual(['a', 'e', 5]);
  });

  it('in single-retainer mode, measures a branching structure by its longest walk', () => {
    const dsl = heapFromDsl('root -> t1:Tree -> t2:Tree -> t3:Tree -> t4:Tree; t1 -> u2:Tree; u2 -> u3:Tree; t1 -> t1');
    const [chain] = findHomogeneousChains(dsl.heap, computeRetainers(dsl.heap), {
      minLength: 2,
      structure: 'singleRetainer',
    });
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

  it('reports a ring as a list headed by the member its owner holds', () => {
    const builder = new HeapBuilder('gcdump');
    const ring = builder.internType('Ring');
    const owner = builder.addNode(builder.internType('LinkedList'), 10, 0x100, 0, NodeFlag.Defined);
    for (let i = 1; i <= 4; i++) builder.addNode(ring, 10, 0x1000 * i, 0, NodeFlag.Defined);
    for (let i = 1; i <= 4; i++) builder.addEdge(i as NodeIndex, ((i % 4) + 1) as NodeIndex);
    builder.addEdge(owner, 3 as NodeIndex);
    builder.setRoot(owner);
    const heap = builder.build();
    expect(findHomogeneousChains(heap, computeRetainers(heap), { minLength: 2 })).toMatchObject([
      { head: 3, tail: 2, length: 4, memberCount: 4, headRetainer: owner, bytes: 40 },
    ]);
  });

  it('in single-retainer mode, ignores a ring that nothing references (garbage), without looping', () => {
    const builder = new HeapBuilder('gcdump');
    const type = builder.internType('Ring');
    for (let i = 0; i < 4; i++) builder.addNode(type, 10, 0x1000 * (i + 1), 0, NodeFlag.Defined);
    for (let i = 0; i < 4; i++) builder.addEdge(i as NodeIndex, ((i + 1) % 4) as NodeIndex);
    const heap = builder.build();
    expect(heap.rootIndex).toBe(NO_NODE);
    const retainers = computeRetainers(heap);
    expect(findHomogeneousChains(heap, retainers, { minLength: 2, structure: 'singleRetainer' })).toEqual([]);
    expect(findHomogeneousChains(heap, retainers, { minLength: 2 })).toMatchObject([{ head: 0, length: 4 }]);
  });
});

/** A copy of the heap with one more edge (the DSL cannot name chain members). */
function withExtraEdge(heap: HeapModel, source: number, target: number): HeapModel {
  const { start, target: targets } = heap.edges;
  const newStart = start.toUint32Array();
  for (let i = source + 1; i < newStart.length; i++) newStart[i]++;
  const at = start.get(source + 1);
  const newTargets = new Uint32Array(targets.length + 1);
  newTargets.set(targets.subarray(0, at));
  newTargets[at] = target;
  newTargets.set(targets.subarray(at), at + 1);
  return { ...heap, edges: { count: newTargets.length, start: RowStarts.of(newStart), target: newTargets } };
}

describe('linked lists on random heaps', () => {
  it('finds every list exactly, whatever outside objects point into it', () => {
    const random = seededRandom(4_242);
    for (let heapNumber = 0; heapNumber < 100; heapNumber++) {
      const builder = new HeapBuilder('gcdump');
      const root = builder.addNode(builder.internType('[.NET Roots]'), 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
      builder.setRoot(root);
      const listCount = 1 + Math.floor(random() * 5);
      /** A singly-linked list has a known head; a doubly-linked one is checked by its two ends. */
      const expected: { type: string; ends: number[]; length: number }[] = [];
      let nextNode = 1;
      for (let list = 0; list < listCount; list++) {
        const type = `Node${list}`;
        const owner = builder.addNode(builder.internType(`Owner${list}`), 10, 0, 0, NodeFlag.Defined);
        builder.addEdge(root, owner);
        nextNode++;
        const length = 2 + Math.floor(random() * 60);
        const doubly = random() < 0.5;
        const reversed = random() < 0.5; // the head is the member with the highest NodeIndex
        const lowest = nextNode;
        for (let k = 0; k < length; k++) builder.addNode(builder.internType(type), 10, 0, 0, NodeFlag.Defined);
        nextNode += length;
        const member = (k: number) => (reversed ? lowest + length - 1 - k : lowest + k) as NodeIndex;
        for (let k = 1; k < length; k++) {
          builder.addEdge(member(k - 1), member(k));
          if (doubly) builder.addEdge(member(k), member(k - 1));
        }
        builder.addEdge(owner, member(0));
        // Outside holders of random members (registrations, iterators…), some of them twice.
        const holders = Math.floor(random() * 4);
        for (let h = 0; h < holders; h++) {
          const holder = builder.addNode(builder.internType('Holder'), 10, 0, 0, NodeFlag.Defined);
          nextNode++;
          builder.addEdge(root, holder);
          const held = member(Math.floor(random() * length));
          builder.addEdge(holder, held);
          if (random() < 0.3) builder.addEdge(holder, held);
        }
        const ends = [member(0), member(length - 1)];
        expected.push({ type, ends: doubly ? ends.sort((a, b) => a - b) : ends, length });
      }
      const heap = builder.build();
      const found = findHomogeneousChains(heap, computeRetainers(heap), { minLength: 2, maxChains: Infinity });
      const rendered = found
        .map((c) => {
          const doubly =
            heap.edges.target.subarray(heap.edges.start.get(c.tail), heap.edges.start.get(c.tail + 1)).length > 0;
          const ends = [c.head, c.tail];
          return { type: heap.types.names[c.type], ends: doubly ? ends.sort((a, b) => a - b) : ends, length: c.length };
        })
        .sort((a, b) => (a.type < b.type ? -1 : 1));
      expect({ heapNumber, lists: rendered }).toEqual({ heapNumber, lists: expected });
    }
  });
});
