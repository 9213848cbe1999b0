import { describe, expect, it } from 'vitest';
import { NO_NODE } from '../heap/types';
import { computeDominators } from './dominators';
import { chainHeap, heapFromDsl, type DslHeap } from './graph-dsl';
import { computeRetainers } from './reverse-edges';
import { mulberry32 } from '../test-support/prng';
import {
  dominatedChildren,
  dominatorChildren,
  dominatorTree,
  LONG_ROW,
  retainedSizeByType,
  retainedSizes,
} from './retained';

function analyse(dsl: DslHeap) {
  const dominators = computeDominators(dsl.heap, computeRetainers(dsl.heap));
  const retained = retainedSizes(dsl.heap, dominators);
  const tree = dominatorTree(dominators, retained);
  return { dominators, retained, tree };
}

describe('retained sizes', () => {
  const dsl = heapFromDsl(`
    root -> [static vars] -> [static var Cache.instance] -> cache:Cache:100 -> shared:Buffer:50
    root -> [local vars] -> handler:Handler:10 -> shared
    cache -> own:Buffer:30
    garbage:Orphan:7 -> lost:Buffer:5
  `);
  const { retained, tree } = analyse(dsl);
  const retainedOf = (id: string) => retained[dsl.node(id)];

  it('counts what only an object keeps alive, not what it shares', () => {
    expect(retainedOf('cache')).toBe(130);
    expect(retainedOf('handler')).toBe(10);
    expect(retainedOf('shared')).toBe(50);
  });

  it('gives the root every reachable byte, and garbage its own', () => {
    expect(retainedOf('root')).toBe(100 + 50 + 10 + 30);
    expect(retainedOf('garbage')).toBe(12);
  });

  it('lists dominated children biggest first, in pages', () => {
    const ids = (nodes: Uint32Array) => Array.from(nodes, (n) => dsl.idOf(n));
    expect(ids(dominatedChildren(tree, NO_NODE))).toEqual(['root', 'garbage']);
    expect(ids(dominatedChildren(tree, dsl.node('root')))).toEqual(['[static vars]', 'shared', '[local vars]']);
    expect(ids(dominatedChildren(tree, dsl.node('root'), 1, 1))).toEqual(['shared']);
    expect(ids(dominatedChildren(tree, dsl.node('root'), 5, 10))).toEqual([]);
    expect(ids(dominatedChildren(tree, dsl.node('shared')))).toEqual([]);
  });

  it('keeps retained sizes in 4 bytes per node while the heap’s bytes fit, in 8 beyond, exact either way', () => {
    expect(retained).toBeInstanceOf(Uint32Array);
    // Three objects of 2 GB: the root retains 6 GB, past what a Uint32 holds.
    const big = heapFromDsl(`root -> a:Big:${2 ** 31} -> b:Big:${2 ** 31}; root -> c:Big:${2 ** 31}`);
    const { retained: bigRetained } = analyse(big);
    expect(bigRetained).toBeInstanceOf(Float64Array);
    expect(bigRetained[big.node('root')]).toBe(3 * 2 ** 31);
    expect(bigRetained[big.node('a')]).toBe(2 ** 32);
  });

  it('sums per type the way MAT does: nested objects of one type count once', () => {
    const nested = heapFromDsl(`
      root -> outer:Node:10 -> inner:Node:10 -> leaf:Leaf:5
      root -> other:Node:10
      garbage:Node:3
    `);
    const { retained: nestedRetained, tree: nestedTree } = analyse(nested);
    const byType = retainedSizeByType(nested.heap, nestedTree, nestedRetained);
    const typeIndex = (name: string) => nested.heap.types.names.indexOf(name);
    expect(byType[typeIndex('Node')]).toBe(25 + 10 + 3);
    expect(byType[typeIndex('Leaf')]).toBe(5);
  });

  it('merges type entries into groups when asked (e.g. one name, several entries)', () => {
    const two = heapFromDsl('root -> a:Small:10 -> b:Big:20; root -> c:Big:5');
    const { retained: r, tree: t } = analyse(two);
    const groupOfType = new Uint32Array(two.heap.types.count).map((_, type) => type);
    groupOfType[two.heap.types.names.indexOf('Big')] = two.heap.types.names.indexOf('Small');
    const byGroup = retainedSizeByType(two.heap, t, r, groupOfType);
    expect(byGroup[two.heap.types.names.indexOf('Small')]).toBe(30 + 5);
  });

  it('adds up a 1,000,000-long chain without recursion', () => {
    const chain = chainHeap(1_000_000);
    const { retained: chainRetained, tree: chainTree } = analyse(chain);
    const { first } = chain.chains[0];
    expect(chainRetained[first]).toBe(10 * 1_000_000);
    expect(chainRetained[chain.heap.rootIndex]).toBe(10 * 1_000_000);
    const byType = retainedSizeByType(chain.heap, chainTree, chainRetained);
    expect(byType[chain.heap.types.names.indexOf('Node')]).toBe(10 * 1_000_000);
  });
});

describe('dominator tree rows', () => {
  /** The plain CSR the compact rows replace: a counting sort over idom, rows in NodeIndex order. */
  function plainRows(idom: Uint32Array) {
    const n = idom.length;
    const start = new Uint32Array(n + 1);
    for (const d of idom) if (d !== NO_NODE) start[d + 1]++;
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const fill = start.slice(0, n);
    const children = new Uint32Array(start[n]);
    const topLevel: number[] = [];
    idom.forEach((d, node) => (d === NO_NODE ? topLevel.push(node) : (children[fill[d]++] = node)));
    return { start, children, topLevel };
  }

  it('give every node its row, as a plain row-start column would, with long rows and any block layout', () => {
    const random = mulberry32(18);
    // Sizes around block edges (16) and rows past 255 children (a count byte's limit).
    for (const n of [0, 1, 15, 16, 17, 33, 300, 1000, 4099]) {
      for (const shape of ['random', 'star', 'two long rows']) {
        const idom = new Uint32Array(n).map((_, node) => {
          if (node === 0) return NO_NODE;
          if (shape === 'star') return 0;
          if (shape === 'two long rows') return node % 2 === 0 ? 1 : Math.min(n - 1, 17);
          return random() < 0.05 ? NO_NODE : Math.floor(random() * n);
        });
        const plain = plainRows(idom);
        const { rows, children, topLevel } = dominatorChildren(idom);
        expect(Array.from(rows.startColumn())).toEqual(Array.from(plain.start));
        expect(Array.from(children)).toEqual(Array.from(plain.children));
        expect(Array.from(topLevel)).toEqual(plain.topLevel);
        expect(rows.total).toBe(plain.children.length);
        for (let node = 0; node < n; node++) {
          expect(rows.start(node)).toBe(plain.start[node]);
          expect(rows.count(node)).toBe(plain.start[node + 1] - plain.start[node]);
        }
        if (shape === 'star' && n > LONG_ROW) expect(rows.longRows.get(0)).toBe(n - 1);
      }
    }
  });

  it('sort every row biggest retained size first, ties by NodeIndex: short and long rows, 4- and 8-byte sizes', () => {
    const random = mulberry32(7);
    // Rows of 1–4 children, one of about n/2 (long past 64 and past 255), sizes with many ties.
    for (const n of [40, 200, 700, 5000]) {
      const idom = new Uint32Array(n).map((_, node) =>
        node === 0 ? NO_NODE : node % 2 === 0 ? 0 : Math.max(1, node - 1 - Math.floor(random() * 4)),
      );
      // 8-byte sizes: all past 2^32, or mostly under it with a few at and past 2^32 − 1 (which the
      // long rows' keys cannot hold), with ties among those too.
      const past = [0xffff_fffe, 0xffff_ffff, 2 ** 32, 2 ** 33, 2 ** 33 + 1, 2 ** 40];
      for (const wide of [false, 'all past 2^32', 'some past 2^32']) {
        const retained =
          wide === 'all past 2^32'
            ? Float64Array.from({ length: n }, () => Math.floor(random() * 8) * 2 ** 33)
            : wide === 'some past 2^32'
              ? Float64Array.from({ length: n }, () =>
                  random() < 0.05 ? past[Math.floor(random() * past.length)] : Math.floor(random() * 8) * 1000,
                )
              : Uint32Array.from(
                  { length: n },
                  () => Math.floor(random() * 8) * 1000 + (random() < 0.1 ? 0xffff_0000 : 0),
                );
        const tree = dominatorTree({ idom, reachableCount: n }, retained);
        const plain = plainRows(idom);
        for (let node = 0; node < n; node++) {
          const row = Array.from(plain.children.subarray(plain.start[node], plain.start[node + 1]));
          row.sort((a, b) => retained[b] - retained[a] || a - b);
          expect(Array.from(dominatedChildren(tree, node))).toEqual(row);
        }
      }
    }
  });
});
