import { describe, expect, it } from 'vitest';
import { ObjectSizes } from './object-sizes';
import { mulberry32 } from '../test-support/prng';

describe('object sizes', () => {
  it('keeps sizes below 65,535 in 2 bytes and larger ones aside, every one read back exactly', () => {
    const random = mulberry32(7);
    const sizes = new Uint32Array(100_000);
    for (let node = 0; node < sizes.length; node++) sizes[node] = 24 + 8 * Math.floor(random() * 40);
    // The edges of the narrow range, and large objects up to 2 GB.
    const large = [
      [10, 0xfffe],
      [11, 0xffff],
      [12, 0x1_0000],
      [500, 85_000],
      [99_999, 2_147_483_647],
    ];
    for (const [node, size] of large) sizes[node] = size;
    const column = ObjectSizes.of(sizes);
    expect(column.values).toBeInstanceOf(Uint16Array);
    expect(Array.from(column.largeNodes)).toEqual([11, 12, 500, 99_999]);
    let wrong = 0;
    for (let node = 0; node < sizes.length; node++) if (column.get(node) !== sizes[node]) wrong++;
    expect(wrong).toBe(0);
    expect(column.toUint32Array()).toEqual(sizes);
    expect(ObjectSizes.wellFormed(column.values, column.largeNodes, column.largeSizes)).toBe(true);
  });

  it('keeps every size in 4 bytes when more than one node in 32 is large', () => {
    const sizes = Uint32Array.from({ length: 64 }, (_, node) => (node < 3 ? 100_000 + node : 24));
    expect(ObjectSizes.of(sizes).values).toBeInstanceOf(Uint32Array);
    expect(ObjectSizes.of(sizes).get(2)).toBe(100_002);
    sizes[2] = 24;
    const narrow = ObjectSizes.of(sizes);
    expect(narrow.values).toBeInstanceOf(Uint16Array);
    expect([narrow.get(0), narrow.get(1), narrow.get(2)]).toEqual([100_000, 100_001, 24]);
    // The first `count` only.
    expect(ObjectSizes.of(sizes, 10).length).toBe(10);
  });

  it('refuses stored parts that do not say the same as what was written', () => {
    const sizes = new Uint32Array(64).fill(24);
    sizes[1] = 70_000;
    sizes[3] = 90_000;
    const column = ObjectSizes.of(sizes);
    const { values, largeNodes, largeSizes } = column;
    expect(values).toBeInstanceOf(Uint16Array);
    expect(ObjectSizes.wellFormed(values, largeNodes, largeSizes)).toBe(true);
    // A large node not marked, a mark without its node, out of order, a "large" size that is small.
    expect(ObjectSizes.wellFormed(values, Uint32Array.of(0, 3), largeSizes)).toBe(false);
    expect(ObjectSizes.wellFormed(values, Uint32Array.of(1), Uint32Array.of(70_000))).toBe(false);
    expect(ObjectSizes.wellFormed(values, Uint32Array.of(3, 1), largeSizes)).toBe(false);
    expect(ObjectSizes.wellFormed(values, largeNodes, Uint32Array.of(70_000, 12))).toBe(false);
    expect(ObjectSizes.wellFormed(new Uint32Array(64), largeNodes, largeSizes)).toBe(false);
    expect(ObjectSizes.wellFormed(values, largeNodes, Uint32Array.of(1))).toBe(false);
  });
});
