import { afterEach, describe, expect, it } from 'vitest';
import { largeArray, MIN_PROVIDED_BYTES, provideArrayMemory } from './array-memory';

describe('largeArray: where the large arrays are made', () => {
  afterEach(() => provideArrayMemory(null));

  it('is `new` when nothing is provided', () => {
    const array = largeArray(Uint32Array, MIN_PROVIDED_BYTES);
    expect(array).toBeInstanceOf(Uint32Array);
    expect(array.length).toBe(MIN_PROVIDED_BYTES);
    expect(array.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it("takes provided memory from MIN_PROVIDED_BYTES bytes on, of exactly the array's length", () => {
    const asked: number[] = [];
    provideArrayMemory((byteLength) => {
      asked.push(byteLength);
      return new SharedArrayBuffer(byteLength);
    });
    const small = largeArray(Uint16Array, MIN_PROVIDED_BYTES / 2 - 1);
    expect(small.buffer).toBeInstanceOf(ArrayBuffer);
    const large = largeArray(Uint16Array, MIN_PROVIDED_BYTES / 2 + 3);
    expect(large.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(large.length).toBe(MIN_PROVIDED_BYTES / 2 + 3);
    expect(asked).toEqual([MIN_PROVIDED_BYTES + 6]);
    expect(large.every((value) => value === 0)).toBe(true);
  });
});
