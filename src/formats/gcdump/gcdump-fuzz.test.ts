/**
 * Bad input: truncations at many bytes, flipped bytes, random data, an empty file and files of
 * other formats. Each must give a clean parse or a FormatError naming an offset (or node) and
 * what was expected — never a RangeError, a hang or an allocation sized by a corrupt count.
 */
import { describe, expect, it } from 'vitest';
import { readGcdump } from './gcdump-reader';
import { byteSourceFromBytes, FormatError } from '../byte-source';
import { loadHeap } from '../load';
import { readFixture } from '../../test-support/fixtures';
import { mulberry32 as prng } from '../../test-support/prng';

const FUZZED = ['perfview-test1-jsheap-ie-2015.gcdump', 'heapview-sample-monovm-ios-2023-08-17.gcdump'];
const CUTS = 150;
const FLIPS = 200;

async function outcome(bytes: Uint8Array, label: string): Promise<'parsed' | 'rejected'> {
  try {
    await readGcdump(byteSourceFromBytes(bytes, label));
    return 'parsed';
  } catch (error) {
    if (!(error instanceof FormatError)) throw new Error(`${label}: not a FormatError: ${String(error)}`);
    expect(error.message, label).toMatch(/offset 0x[0-9a-f]+|node [\d,]+/);
    return 'rejected';
  }
}

describe('gcdump reader on damaged input', () => {
  it.each([100, 5_000, 300_000, 1_517_000])(
    'a copy of the MAUI fixture cut at byte %i is called truncated, with where it ends and what ran out',
    async (cut) => {
      const original = readFixture('gcdump', 'gcdump-analyze-test1-maui-winui-coreclr9.gcdump');
      const error = await readGcdump(byteSourceFromBytes(original.subarray(0, cut), 'cut.gcdump')).catch((e) => e);
      expect(error).toBeInstanceOf(FormatError);
      expect(error.message).toContain(`the file is truncated: it ends at byte ${cut.toLocaleString('en-US')}`);
      expect(error.message).toMatch(/remain.*offset 0x[0-9a-f]+/);
    },
  );

  it('a corrupt count in a complete file (trailer intact) is not called truncated', async () => {
    const bytes = readFixture('gcdump', 'gcdump-analyze-test1-maui-winui-coreclr9.gcdump').slice();
    // The graph's type count (spec §4.4) at offset 0x60, raised past what the file holds.
    new DataView(bytes.buffer).setInt32(0x60, 0x7fffffff, true);
    const error = await readGcdump(byteSourceFromBytes(bytes, 'corrupt.gcdump')).catch((e) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect(error.message).not.toContain('truncated');
  });

  it.each(FUZZED)('%s cut at 150 places: a cut into the content is rejected with its offset', async (name) => {
    const original = readFixture('gcdump', name);
    const random = prng(0xc0ffee);
    const cuts = new Set<number>([0, 1, 23, 24, 25, original.length - 1, original.length - 8]);
    while (cuts.size < CUTS) cuts.add(Math.floor(random() * original.length));
    // The last 16 bytes are the forward table (one entry), the trailer and the suffix label
    // (spec §2.9); a cut there leaves the content whole, which parses with a warning.
    const contentEnd = original.length - 16;
    for (const cut of cuts) {
      const label = `${name} cut at ${cut}`;
      expect(await outcome(original.slice(0, cut), label), label).toBe(cut < contentEnd ? 'rejected' : 'parsed');
      if (cut >= contentEnd) {
        const { heap } = await readGcdump(byteSourceFromBytes(original.slice(0, cut), label));
        expect(heap.warnings.join(' ')).toMatch(/trailer .* damaged/);
      }
    }
  });

  it.each(FUZZED)('%s with flipped bytes: parsed or rejected, never crashed', async (name) => {
    const original = readFixture('gcdump', name);
    const random = prng(0xbad5eed);
    const counts = { parsed: 0, rejected: 0 };
    for (let k = 0; k < FLIPS; k++) {
      const damaged = original.slice();
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      counts[await outcome(damaged, `${name} flip set ${k}`)]++;
    }
    expect(counts.parsed + counts.rejected).toBe(FLIPS);
    expect(counts.rejected).toBeGreaterThan(0);
  });

  it('a huge node count in a small file is refused before anything is allocated', async () => {
    const bytes = readFixture('gcdump', 'perfview-test1-jsheap-ie-2015.gcdump').slice();
    const { details } = await readGcdump(byteSourceFromBytes(bytes, 'x'));
    // Find the node count (6482 = 0x1952) right after the type table and make it 2^31-1.
    const view = new DataView(bytes.buffer);
    let at = -1;
    for (let i = 24; i < bytes.length - 4; i++)
      if (view.getInt32(i, true) === 6482 && view.getUint32(i + 4, true) < 1 << 20) {
        at = i;
        break;
      }
    expect(at).toBeGreaterThan(0);
    expect(details.types.length).toBe(1994);
    view.setInt32(at, 0x7fffffff, true);
    await expect(readGcdump(byteSourceFromBytes(bytes, 'x'))).rejects.toThrow(
      /claims 2147483647 nodes but only \d+ bytes remain/,
    );
  });

  it('random bytes, an empty file and other formats get a clear message', async () => {
    const random = prng(7);
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
    await expect(loadHeap(byteSourceFromBytes(noise, 'noise.bin'))).rejects.toThrow(/neither a \.gcdump/);
    await expect(loadHeap(byteSourceFromBytes(new Uint8Array(0), 'empty.gcdump'))).rejects.toThrow(/empty/);
    await expect(readGcdump(byteSourceFromBytes(noise, 'noise.bin'))).rejects.toThrow(/FastSerialization/);
    const zip = new Uint8Array(64);
    zip.set([0x50, 0x4b, 0x03, 0x04]);
    await expect(loadHeap(byteSourceFromBytes(zip, 'dump.zip'))).rejects.toThrow(/neither a \.gcdump/);
    // The refusal names every format heapscope reads, and the file's first bytes (here a zip's "PK").
    await expect(loadHeap(byteSourceFromBytes(zip, 'dump.zip'))).rejects.toThrow(
      /\.gcdump .*SOS transcript .*Linux core \(ELF.*Windows minidump \("MDMP"\); its first bytes are 50 4b 03 04/,
    );
    // A FastSerialization file that is not a GCHeapDump (e.g. an .etlx) names what it holds.
    const etlx = new TextEncoder().encode('\u0014\u0000\u0000\u0000!FastSerialization.1');
    const other = new Uint8Array([
      ...etlx,
      0x04,
      0x04,
      0x01,
      1,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      8,
      0,
      0,
      0,
      ...new TextEncoder().encode('TraceLog'),
      0x06,
      0x06,
    ]);
    await expect(readGcdump(byteSourceFromBytes(other, 'trace.etlx'))).rejects.toThrow(
      /holds a "TraceLog", not a GCHeapDump/,
    );
  });
});

describe('gcdump reader memory budget', () => {
  it('refuses a heap too large for the budget before reading its nodes, and says why', async () => {
    const name = 'gcdump-analyze-test1-maui-winui-coreclr9.gcdump';
    const source = byteSourceFromBytes(readFixture('gcdump', name), name);
    let bytesAsked = 0;
    const counting = {
      ...source,
      read: (offset: number, length: number) => ((bytesAsked += length), source.read(offset, length)),
    };
    await expect(readGcdump(counting, { memoryBudgetBytes: 1_000_000 })).rejects.toThrow(
      /46,645 objects; analysing it needs about 0\.0 GB of memory, more than .* Use the command line/,
    );
    // Only the header, trailer and type table were read, not the node tables.
    expect(bytesAsked).toBeLessThan(source.size);
    await expect(readGcdump(source, { memoryBudgetBytes: 1e9 })).resolves.toBeDefined();
  });
});
