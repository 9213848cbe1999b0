import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../test-support/prng';
import { RowStarts, RowStartsWriter } from './row-starts';

/** A row-start column from row lengths. */
function column(lengths: number[]): Uint32Array {
  const starts = new Uint32Array(lengths.length + 1);
  lengths.forEach((length, i) => (starts[i + 1] = starts[i] + length));
  return starts;
}

/** Blocks of 64 entries whose first start does not fit an Int32 or whose starts span more than 0xffff. */
function expectedAsideBlocks(plain: Uint32Array): number {
  let aside = 0;
  for (let first = 0; first < plain.length; first += 64) {
    const last = Math.min(plain.length, first + 64) - 1;
    if (plain[first] > 0x7fffffff || plain[last] - plain[first] > 0xffff) aside++;
  }
  return aside;
}

function expectSame(starts: RowStarts, plain: Uint32Array) {
  expect(starts.length).toBe(plain.length);
  for (let i = 0; i < plain.length; i++)
    if (starts.get(i) !== plain[i]) expect([i, starts.get(i)]).toEqual([i, plain[i]]);
  expect(starts.total).toBe(plain[plain.length - 1]);
  expect(Array.from(starts.toUint32Array())).toEqual(Array.from(plain));
}

describe('RowStarts', () => {
  it('gives back every start of short rows, in 2 bytes per entry and 4 per 64', () => {
    const random = mulberry32(3);
    const plain = column(Array.from({ length: 10_000 }, () => Math.floor(random() * 5)));
    const starts = RowStarts.of(plain);
    expectSame(starts, plain);
    expect(starts.wide.length).toBe(0);
    expect(starts.byteLength).toBe(2 * 10_001 + 4 * Math.ceil(10_001 / 64));
  });

  it('keeps aside the blocks of rows 65,535 long and more, exactly at the edges of the bound', () => {
    // Rows of 0xffff and 0x10000 entries at the start, middle and end of blocks, and in the last one.
    const lengths = Array.from({ length: 1000 }, (_, i) => i % 3);
    lengths[0] = 0xffff; // a block spanning exactly 0xffff + its small rows: aside
    lengths[100] = 0xfffe - 100; // block 1 (entries 64…127) spans just below the bound with its neighbours
    lengths[200] = 0x10000;
    lengths[999] = 0x10000; // the last row: ends the column
    const plain = column(lengths);
    const starts = RowStarts.of(plain);
    expectSame(starts, plain);
    expect(starts.wide.length % 64).toBe(0);
    expect(starts.wide.length).toBeGreaterThan(0);
  });

  it('keeps aside a block whose first start is past 2^31 (an Int32 base), and gives it back exactly', () => {
    const plain = column([2 ** 31 - 5, 3, 7, 0, ...Array.from({ length: 200 }, () => 1), 2 ** 30, 1]);
    const starts = RowStarts.of(plain);
    expectSame(starts, plain);
    expect(starts.get(plain.length - 1)).toBe(2 ** 31 + 2 ** 30 + 6 + 200);
    expect(starts.wide.length).toBe(64 * expectedAsideBlocks(plain));
  });

  it('keeps aside exactly the blocks that need it, long rows anywhere in a block', () => {
    const random = mulberry32(11);
    for (const longAt of [[], [0], [63], [64, 65], [130, 700, 701, 1999], [2000]]) {
      const lengths = Array.from({ length: 2000 }, () => Math.floor(random() * 9));
      for (const at of longAt) if (at < lengths.length) lengths[at] = 0x10000 + Math.floor(random() * 10);
      const plain = column(lengths);
      const starts = RowStarts.of(plain);
      expectSame(starts, plain);
      expect(RowStarts.wellFormed(starts.low, starts.block, starts.wide, plain[plain.length - 1])).toBe(true);
      expect(starts.wide.length).toBe(64 * expectedAsideBlocks(plain));
    }
  });

  it('are the same written entry by entry as made from the column', () => {
    const plain = column([3, 0x10000, 2, ...Array.from({ length: 100 }, (_, i) => i % 4)]);
    const writer = new RowStartsWriter(plain.length);
    plain.forEach((start, i) => writer.set(i, start));
    expectSame(writer.finish(), plain);
  });

  it('holds no rows, or one', () => {
    expectSame(RowStarts.of(column([])), column([]));
    expectSame(RowStarts.of(column([5])), column([5]));
  });

  it('checks columns read from outside: start at 0, never decrease, end at the total, point inside', () => {
    const plain = column([3, 0xffff + 1, 2, 0, 1]);
    const good = RowStarts.of(plain);
    const total = plain[plain.length - 1];
    expect(RowStarts.wellFormed(good.low, good.block, good.wide, total)).toBe(true);
    expect(RowStarts.wellFormed(good.low, good.block, good.wide, total + 1)).toBe(false);
    const decreasing = good.wide.slice();
    decreasing[3] = 1;
    expect(RowStarts.wellFormed(good.low, good.block, decreasing, total)).toBe(false);
    const outside = Int32Array.from(good.block, (base) => (base < 0 ? -1 - 64 * 5 : base));
    expect(RowStarts.wellFormed(good.low, outside, good.wide, total)).toBe(false);
    const narrow = RowStarts.of(column([1, 2, 3]));
    const notAtZero = Int32Array.from(narrow.block, () => 4);
    expect(RowStarts.wellFormed(narrow.low, notAtZero, narrow.wide, 10)).toBe(false);
    expect(RowStarts.wellFormed(narrow.low, new Int32Array(0), narrow.wide, 6)).toBe(false);
  });
});
