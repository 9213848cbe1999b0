import { describe, expect, it } from 'vitest';
import { heapFromDsl } from './graph-dsl';
import { HeapBuilder } from '../heap/heap-builder';
import { NodeFlag } from '../heap/types';
import { computeRetainers, retainerCount, retainersOf } from './reverse-edges';

describe('retainers', () => {
  const dsl = heapFromDsl('root -> A -> C; root -> B -> C; A -> C; C -> C; B -> A; D');
  const retainers = computeRetainers(dsl.heap);
  const ids = (id: string) => Array.from(retainersOf(retainers, dsl.node(id)), (n) => dsl.idOf(n));

  it('lists every referrer, in NodeIndex order, duplicates side by side', () => {
    expect(ids('C')).toEqual(['A', 'A', 'B']);
    expect(ids('A')).toEqual(['root', 'B']);
    expect(ids('B')).toEqual(['root']);
  });

  it('leaves out self-edges and gives unreferenced nodes none', () => {
    expect(ids('C')).not.toContain('C');
    expect(retainerCount(retainers, dsl.node('D'))).toBe(0);
    expect(retainerCount(retainers, dsl.node('root'))).toBe(0);
  });

  it('has one entry per traversed forward edge', () => {
    expect(retainers.retainerSource.length).toBe(dsl.heap.edges.count - 1); // minus C -> C
    expect(retainers.retainerStart.get(dsl.heap.nodes.count)).toBe(retainers.retainerSource.length);
  });
});

describe('retainers of a node referenced 70,000 times', () => {
  it('keep its long row exact (its block of rows kept aside), and the rows before it', () => {
    // A hub referenced by 70,000 holders, and each holder referenced by the root: the hub's row is
    // longer than a compact row block takes, and the holders' rows come before it.
    const builder = new HeapBuilder('gcdump');
    const type = builder.internType('T');
    const root = builder.addNode(type, 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
    builder.setRoot(root);
    const holders = Array.from({ length: 70_000 }, (_, i) =>
      builder.addNode(type, 24, 0x1000 + 32 * i, 0, NodeFlag.Defined),
    );
    const hub = builder.addNode(type, 24, 0x100, 0, NodeFlag.Defined);
    for (const holder of holders) {
      builder.addEdge(root, holder);
      builder.addEdge(holder, hub);
    }
    const retainers = computeRetainers(builder.build());
    expect(retainerCount(retainers, hub)).toBe(70_000);
    expect(retainersOf(retainers, hub)[69_999]).toBe(holders[69_999]);
    for (const holder of [holders[0], holders[64], holders[69_999]])
      expect(Array.from(retainersOf(retainers, holder))).toEqual([root]);
    expect(retainers.retainerStart.get(hub + 1)).toBe(retainers.retainerSource.length);
  });
});
