/**
 * The node tables are read in slices, the blob's in the order the decoder asks for them, and
 * records are decoded as they arrive (gcdump-reader.ts, node-record-decoder.ts). Real files only
 * cross a slice boundary when they are tens of megabytes; here tiny slices make every fixture do
 * it: the heap, and the error a damaged file gets, must not depend on the slice size.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readGcdump } from './gcdump-reader';
import { byteSourceFromBytes } from '../byte-source';
import { listFixtures, readFixture } from '../../test-support/fixtures';
import { mulberry32 as prng } from '../../test-support/prng';
import type { HeapModel } from '../../heap/types';

const FIXTURES = listFixtures('gcdump', '.gcdump');
/** Odd sizes too: an offset-table slice then ends inside an offset. */
const SLICE_SIZES = [61, 4096, 65_537];
const DAMAGED_COPIES = 12;

/** SHA-256 of every node and edge column (comparing the arrays themselves is slow in expect). */
function columnsDigest(heap: HeapModel): string {
  const { type, size, addressLo, addressHi, flags } = heap.nodes;
  const hash = createHash('sha256');
  for (const column of [
    type,
    size.toUint32Array(),
    addressLo,
    addressHi,
    flags,
    heap.edges.start.toUint32Array(),
    heap.edges.target,
  ])
    hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  return `${heap.nodes.count} nodes, ${heap.edges.count} edges, columns ${hash.digest('hex')}`;
}

/** The heap's digest, or the error. */
async function outcome(bytes: Uint8Array, sliceBytes?: number): Promise<string> {
  try {
    return columnsDigest((await readGcdump(byteSourceFromBytes(bytes, 'x'), { sliceBytes })).heap);
  } catch (error) {
    return String(error);
  }
}

describe('gcdump reader, node tables read in small slices', () => {
  it.each(FIXTURES)('%s: the same heap whatever the slice size', async (name) => {
    const bytes = readFixture('gcdump', name);
    const expected = await outcome(bytes);
    expect(expected).toMatch(/^\d+ nodes/);
    for (const sliceBytes of SLICE_SIZES) expect(await outcome(bytes, sliceBytes), `${sliceBytes}`).toEqual(expected);
  });

  it.each(FIXTURES)('%s damaged in its node records: the same error whatever the slice size', async (name) => {
    const original = readFixture('gcdump', name);
    const random = prng(0x51ce);
    let rejected = 0;
    for (let k = 0; k < DAMAGED_COPIES; k++) {
      const damaged = original.slice();
      // The second half of a gcdump is mostly the blob and the addresses.
      const at = Math.floor(original.length / 2 + random() * (original.length / 2 - 64));
      for (let f = 0; f < 3; f++) damaged[at + f * 7] = Math.floor(random() * 256);
      const expected = await outcome(damaged);
      if (!/^\d+ nodes/.test(expected)) rejected++;
      for (const sliceBytes of [61, 4096])
        expect(await outcome(damaged, sliceBytes), `copy ${k}, ${sliceBytes}`).toEqual(expected);
    }
    expect(rejected).toBeGreaterThan(0);
  });
});
