import { describe, expect, it } from 'vitest';
import { NO_NODE, NodeFlag } from '../heap/types';
import { chainHeap, DSL_DEFAULT_SIZE, heapFromDsl } from './graph-dsl';

function childIds(dsl: ReturnType<typeof heapFromDsl>, id: string): string[] {
  const { start, target } = dsl.heap.edges;
  const node = dsl.node(id);
  return Array.from(target.subarray(start.get(node), start.get(node + 1)), (child) => dsl.idOf(child));
}

describe('graph DSL', () => {
  it('makes one node per id and one edge per arrow, rooted at `root`', () => {
    const dsl = heapFromDsl('A -> B; root -> A -> C; B -> B; A -> C');
    expect(dsl.heap.nodes.count).toBe(4);
    expect(dsl.heap.rootIndex).toBe(dsl.node('root'));
    expect(childIds(dsl, 'A')).toEqual(['B', 'C', 'C']);
    expect(childIds(dsl, 'B')).toEqual(['B']);
    expect(childIds(dsl, 'root')).toEqual(['A']);
  });

  it('roots the graph at the first node when none is called root', () => {
    const dsl = heapFromDsl('X -> Y\nY -> Z');
    expect(dsl.heap.rootIndex).toBe(dsl.node('X'));
  });

  it('reads types, sizes, pseudo-nodes and undefined nodes', () => {
    const dsl = heapFromDsl(
      'root -> [static vars] -> [static var Cache.instance] -> cache:Dictionary:64 -> missing:?; root -> [COM/WinRT Objects]; root -> [COM/WinRT Objects]#2; cache -> n',
    );
    const { heap } = dsl;
    const typeName = (id: string) => heap.types.names[heap.nodes.type[dsl.node(id)]];
    expect(typeName('root')).toBe('[.NET Roots]');
    expect(typeName('[static var Cache.instance]')).toBe('[static var Cache.instance]');
    expect(typeName('[COM/WinRT Objects]#2')).toBe('[COM/WinRT Objects]');
    expect(dsl.node('[COM/WinRT Objects]#2')).not.toBe(dsl.node('[COM/WinRT Objects]'));
    expect(typeName('cache')).toBe('Dictionary');
    expect(heap.nodes.size.get(dsl.node('cache'))).toBe(64);
    expect(typeName('n')).toBe('n');
    expect(heap.nodes.size.get(dsl.node('n'))).toBe(DSL_DEFAULT_SIZE);
    expect(heap.nodes.flags[dsl.node('[static vars]')]).toBe(NodeFlag.Defined | NodeFlag.Pseudo);
    expect(heap.nodes.addressLo[dsl.node('[static vars]')]).toBe(0);
    expect(heap.nodes.flags[dsl.node('missing')]).toBe(0);
    expect(heap.nodes.size.get(dsl.node('missing'))).toBe(0);
    expect(heap.nodes.addressLo[dsl.node('cache')]).not.toBe(0);
  });

  it('expands Type*N into a linked chain and Type**N into a doubly-linked one', () => {
    const dsl = heapFromDsl('root -> owner -> CallbackNode:48*5 -> buffer; root -> Entry**3');
    const [single, double] = dsl.chains;
    expect(single).toMatchObject({ type: 'CallbackNode', length: 5, doublyLinked: false });
    expect(childIds(dsl, 'owner')).toEqual(['CallbackNode*1']);
    expect(dsl.idOf(single.first + 4)).toBe('CallbackNode*5');
    expect(
      Array.from(
        dsl.heap.edges.target.subarray(
          dsl.heap.edges.start.get(single.first + 4),
          dsl.heap.edges.start.get(single.first + 5),
        ),
      ),
    ).toEqual([dsl.node('buffer')]);
    expect(dsl.heap.nodes.size.get(single.first + 2)).toBe(48);
    const { start, target } = dsl.heap.edges;
    const middle = double.first + 1;
    expect(Array.from(target.subarray(start.get(middle), start.get(middle + 1))).sort((a, b) => a - b)).toEqual([
      double.first,
      double.first + 2,
    ]);
  });

  it('rejects a node redeclared with another type, and unknown ids', () => {
    expect(() => heapFromDsl('A:Foo -> B; A:Bar')).toThrow(/redeclares "A"/);
    expect(() => heapFromDsl('A -> B; A::20')).toThrow(/redeclares "A"/);
    expect(heapFromDsl('A:Foo:20 -> B; B -> A:Foo:20; A -> B').heap.edges.count).toBe(3);
    expect(() => heapFromDsl('A -> B').node('C')).toThrow(/no node "C"/);
  });

  it('builds a million-long chain without a million-character string', () => {
    const dsl = chainHeap(1_000_000, 'Node');
    expect(dsl.heap.nodes.count).toBe(1_000_003);
    expect(dsl.chains[0].length).toBe(1_000_000);
    expect(dsl.heap.edges.count).toBe(2 + 1_000_000);
    expect(dsl.heap.rootIndex).not.toBe(NO_NODE);
  });
});
