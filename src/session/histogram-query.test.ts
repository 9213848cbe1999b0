import { describe, expect, it } from 'vitest';
import { HeapBuilder } from '../heap/heap-builder';
import { NodeFlag, type HeapModel } from '../heap/types';
import type { HistogramQuery } from './answers';
import { HistogramIndex, rowPredicate } from './histogram-query';

/** A heap from `name size` lines: one defined node per line; repeated names with `#2` get a second type entry. */
function heapOf(lines: string): HeapModel {
  const builder = new HeapBuilder('gcdump');
  const entries = new Map<string, number>();
  for (const line of lines.trim().split('\n')) {
    const [key, size] = line.trim().split(/\s+/);
    let type = entries.get(key);
    if (type === undefined) {
      type = builder.addType(key.replace(/#\d+$/, ''));
      entries.set(key, type);
    }
    builder.addNode(type as never, Number(size), 0x1000, 0, NodeFlag.Defined);
  }
  return builder.build();
}

const heap = heapOf(`
  System.String 30
  System.String 40
  System.String#2 1000
  System.Byte[] 500
  Contoso.Order 64
  Contoso.Order 64
  Contoso.Order 64
  Contoso.Cache 10
`);

const query = (change: Partial<HistogramQuery> = {}): HistogramQuery => ({
  sortKey: 'bytes',
  descending: true,
  filter: '',
  regex: false,
  mergeByName: true,
  offset: 0,
  limit: 100,
  ...change,
});

const names = (index: HistogramIndex, change: Partial<HistogramQuery> = {}) =>
  index.page(query(change)).rows.map((row) => row.name);

describe('HistogramIndex', () => {
  it('sorts by bytes, biggest first, with percent of all bytes', () => {
    const index = new HistogramIndex(heap);
    const page = index.page(query());
    expect(page.rows.map((row) => [row.name, row.count, row.bytes, row.typeEntries])).toEqual([
      ['System.String', 3, 1070, 2],
      ['System.Byte[]', 1, 500, 1],
      ['Contoso.Order', 3, 192, 1],
      ['Contoso.Cache', 1, 10, 1],
    ]);
    expect(page.rows[0].percent).toBeCloseTo((1070 / 1772) * 100, 10);
    expect(page.rows[0].averageSize).toBeCloseTo(1070 / 3, 10);
    expect(page.totals.all).toEqual({ rows: 4, count: 8, bytes: 1772 });
  });

  it('sorts on every key, both directions; ties fall back to the name', () => {
    const index = new HistogramIndex(heap);
    expect(names(index, { sortKey: 'name', descending: false })).toEqual([
      'Contoso.Cache',
      'Contoso.Order',
      'System.Byte[]',
      'System.String',
    ]);
    expect(names(index, { sortKey: 'name', descending: true })[0]).toBe('System.String');
    // Count: String and Order both have 3; the name breaks the tie, ascending in both directions.
    expect(names(index, { sortKey: 'count', descending: true })).toEqual([
      'Contoso.Order',
      'System.String',
      'Contoso.Cache',
      'System.Byte[]',
    ]);
    expect(names(index, { sortKey: 'count', descending: false })).toEqual([
      'Contoso.Cache',
      'System.Byte[]',
      'Contoso.Order',
      'System.String',
    ]);
    expect(names(index, { sortKey: 'averageSize', descending: true })).toEqual([
      'System.Byte[]',
      'System.String',
      'Contoso.Order',
      'Contoso.Cache',
    ]);
    expect(names(index, { sortKey: 'percent', descending: false })).toEqual(
      names(index, { sortKey: 'bytes', descending: false }),
    );
  });

  it('splits entries that share a name when asked', () => {
    const index = new HistogramIndex(heap);
    const page = index.page(query({ mergeByName: false }));
    expect(page.totalRows).toBe(5);
    expect(page.rows.map((row) => [row.name, row.bytes])).toEqual([
      ['System.String', 1000],
      ['System.Byte[]', 500],
      ['Contoso.Order', 192],
      ['System.String', 70],
      ['Contoso.Cache', 10],
    ]);
    expect(page.totals.all.bytes).toBe(1772);
  });

  it('filters by case-insensitive substring and by regular expression', () => {
    const index = new HistogramIndex(heap);
    expect(names(index, { filter: 'contoso' })).toEqual(['Contoso.Order', 'Contoso.Cache']);
    expect(index.page(query({ filter: 'contoso' })).totals.matching).toEqual({ rows: 2, count: 4, bytes: 202 });
    expect(names(index, { filter: '\\[\\]$', regex: true })).toEqual(['System.Byte[]']);
    // The same text as a substring is taken literally.
    expect(names(index, { filter: '\\[\\]$' })).toEqual([]);
  });

  it('reports an invalid regular expression instead of throwing', () => {
    const index = new HistogramIndex(heap);
    const page = index.page(query({ filter: 'System.(String', regex: true }));
    expect(page.filterError).toMatch(/^Invalid regular expression/);
    expect(page.totalRows).toBe(0);
    expect(page.rows).toEqual([]);
    expect(typeof rowPredicate('(', true)).toBe('string');
  });

  it('pages: offset and limit are clamped, ranks are positions in the sorted view', () => {
    const index = new HistogramIndex(heap);
    const second = index.page(query({ offset: 1, limit: 2 }));
    expect(second.rows.map((row) => [row.rank, row.name])).toEqual([
      [1, 'System.Byte[]'],
      [2, 'Contoso.Order'],
    ]);
    expect(index.page(query({ offset: 99, limit: 2 })).rows).toEqual([]);
    expect(index.page(query({ offset: -5, limit: 1 })).rows[0].rank).toBe(0);
    expect(index.page(query({ limit: 1e9 })).rows.length).toBe(4);
  });

  it('leaves out types without objects', () => {
    const builder = new HeapBuilder('gcdump');
    builder.addType('UNDEFINED');
    const used = builder.addType('Used');
    builder.addNode(used, 24, 0, 0, NodeFlag.Defined);
    const index = new HistogramIndex(builder.build());
    expect(names(index)).toEqual(['Used']);
  });
});

describe('user regular expressions cannot hang the worker', () => {
  it('a catastrophic pattern from a link answers at once on long names, and the next query is answered', () => {
    // 4,000 type names of 2,000 characters: a backtracking engine needs longer than the age of the
    // universe for ^(.+)+Q$ on one of them; RE2's is linear.
    const names = Array.from({ length: 4000 }, (_, k) => `Type${k}.${'a'.repeat(2000)}`);
    const index = new HistogramIndex(heapOf(names.map((name) => `${name} 24`).join('\n')));
    const query: HistogramQuery = {
      sortKey: 'bytes',
      descending: true,
      filter: '^(.+)+Q$',
      regex: true,
      mergeByName: true,
      offset: 0,
      limit: 100,
    };
    const started = performance.now();
    const page = index.page(query);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(page.totalRows).toBe(0);
    expect(page.filterError).toBeNull();
    expect(index.page({ ...query, filter: 'Type12\\.', regex: true }).totalRows).toBe(1);
  });

  it('a pattern RE2 cannot run (a backreference) is refused with the reason', () => {
    expect(rowPredicate('(a)\\1', true)).toMatch(
      /^Invalid regular expression \(RE2 syntax: no backreferences or lookaround\)/,
    );
  });
});

describe('root pseudo-node rows', () => {
  it('are left out when the query says so, counted in pseudoRows, and kept by default', () => {
    const builder = new HeapBuilder('gcdump');
    const roots = builder.addType('[.NET Roots]');
    const statics = builder.addType('[static var Contoso.Cache.s_items]');
    const closure = builder.addType('[]c__DisplayClass0_0');
    const order = builder.addType('Contoso.Order');
    const root = builder.addNode(roots, 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
    const label = builder.addNode(statics, 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
    // A type name that starts with "[" is not a pseudo-node: only the flag says so.
    builder.addNode(closure, 24, 0x1000, 0, NodeFlag.Defined);
    builder.addNode(order, 64, 0x1100, 0, NodeFlag.Defined);
    builder.addEdge(root, label);
    builder.setRoot(root);
    const index = new HistogramIndex(builder.build());
    const all = index.page(query());
    expect(all.rows.map((r) => r.name).sort()).toEqual(
      ['Contoso.Order', '[.NET Roots]', '[]c__DisplayClass0_0', '[static var Contoso.Cache.s_items]'].sort(),
    );
    expect(all.pseudoRows).toBe(2);
    const objectsOnly = index.page(query({ includePseudo: false }));
    expect(objectsOnly.rows.map((r) => r.name)).toEqual(['Contoso.Order', '[]c__DisplayClass0_0']);
    expect(objectsOnly.totals.matching).toEqual({ rows: 2, count: 2, bytes: 88 });
    expect(objectsOnly.pseudoRows).toBe(2);
  });
});
