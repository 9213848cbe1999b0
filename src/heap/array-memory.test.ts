import { afterEach, describe, expect, it } from 'vitest';
import {
  dropReleasedArrays,
  releaseProvidedArray,
  largeArray,
  MIN_PROVIDED_BYTES,
  provideArrayMemory,
  releaseLargeArray,
} from './array-memory';

describe('largeArray: where the large arrays are made', () => {
  afterEach(() => {
    provideArrayMemory(null);
    dropReleasedArrays();
  });

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

  it('reuses memory given back, zeroed, for an array it holds within the slack; the smallest that fits', () => {
    const big = new Uint8Array(3 * MIN_PROVIDED_BYTES).fill(7);
    const fitting = new Uint32Array(MIN_PROVIDED_BYTES / 4 + 8).fill(9);
    releaseLargeArray(big);
    releaseLargeArray(fitting);
    // Three times as large as asked: beyond the slack, so the fitting one is taken.
    const first = largeArray(Uint32Array, MIN_PROVIDED_BYTES / 4);
    expect(first.buffer).toBe(fitting.buffer);
    expect(first.every((value) => value === 0)).toBe(true);
    // The big one holds this within the slack, as another type.
    const second = largeArray(Uint16Array, MIN_PROVIDED_BYTES);
    expect(second.buffer).toBe(big.buffer);
    expect(second.length).toBe(MIN_PROVIDED_BYTES);
    expect(second.every((value) => value === 0)).toBe(true);
    // Nothing is left to reuse.
    expect(largeArray(Uint16Array, MIN_PROVIDED_BYTES).buffer).not.toBe(big.buffer);
  });

  it('never reuses memory misaligned for the type, nor small arrays, and lets go of what is dropped', () => {
    const odd = new Uint8Array(2 * MIN_PROVIDED_BYTES + 1).subarray(1);
    releaseLargeArray(odd);
    expect(largeArray(Uint32Array, MIN_PROVIDED_BYTES / 2).buffer).not.toBe(odd.buffer);
    expect(largeArray(Uint8Array, 2 * MIN_PROVIDED_BYTES).buffer).toBe(odd.buffer);
    const small = new Uint8Array(MIN_PROVIDED_BYTES - 1);
    releaseLargeArray(small);
    expect(largeArray(Uint8Array, MIN_PROVIDED_BYTES - 1).buffer).not.toBe(small.buffer);
    const dropped = new Uint8Array(MIN_PROVIDED_BYTES);
    releaseLargeArray(dropped);
    dropReleasedArrays();
    expect(largeArray(Uint8Array, MIN_PROVIDED_BYTES).buffer).not.toBe(dropped.buffer);
  });

  it('gives back only provided memory when asked to (releaseProvidedArray)', () => {
    const plain = largeArray(Uint8Array, MIN_PROVIDED_BYTES);
    releaseProvidedArray(plain);
    expect(largeArray(Uint8Array, MIN_PROVIDED_BYTES).buffer).not.toBe(plain.buffer);
    provideArrayMemory((byteLength) => new SharedArrayBuffer(byteLength));
    const shared = largeArray(Uint8Array, MIN_PROVIDED_BYTES);
    releaseProvidedArray(shared);
    expect(largeArray(Uint8Array, MIN_PROVIDED_BYTES).buffer).toBe(shared.buffer);
  });
});
