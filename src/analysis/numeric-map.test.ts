import { describe, expect, it } from 'vitest';
import { NumericMap } from './numeric-map';

describe('NumericMap', () => {
  it('agrees with a Map on keys up to 2^53, through growth and overwrites', () => {
    const map = new NumericMap(4);
    const reference = new Map<number, number>();
    let state = 12345;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 50_000; i++) {
      const key = i % 3 === 0 ? next() * 2 ** 20 + (next() % 2 ** 20) : next() % 5000;
      const value = next() & 0x7fffffff;
      map.set(key, value);
      reference.set(key, value);
    }
    expect(map.size).toBe(reference.size);
    for (const [key, value] of reference) expect(map.get(key)).toBe(value);
    expect(map.get(2 ** 52 + 7)).toBe(-1);
  });
});
