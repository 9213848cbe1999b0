import { describe, expect, it } from 'vitest';
import { heapFromDsl } from './graph-dsl';
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
