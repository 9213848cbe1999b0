/**
 * Hostile and damaged input: random cuts, line shuffles, duplicated and dropped lines of the real
 * transcripts (seeded, so a failure reproduces), binary data and overlong lines. The importer may
 * only ever succeed or throw a FormatError (for input that is not a transcript at all), and must
 * finish in bounded time.
 */
import { describe, expect, it } from 'vitest';
import { FormatError } from '../byte-source';
import { fixtureBytes, fixtureNames, importBytes, importText } from './test-support';
import { mulberry32 as prng } from '../../test-support/prng';

type Mutation = (bytes: Uint8Array, random: () => number) => Uint8Array;

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const lines = (bytes: Uint8Array) => decoder.decode(bytes).split('\n');
const join = (parts: string[]) => encoder.encode(parts.join('\n'));
const pick = (random: () => number, n: number) => Math.floor(random() * n);

const MUTATIONS: Record<string, Mutation> = {
  /** A random byte range (may split a UTF-8 sequence or a line). */
  cut: (bytes, random) => {
    const from = pick(random, bytes.length);
    return bytes.slice(from, from + 1 + pick(random, bytes.length - from));
  },
  /** The lines in random order. */
  shuffle: (bytes, random) => {
    const all = lines(bytes);
    for (let i = all.length - 1; i > 0; i--) {
      const j = pick(random, i + 1);
      [all[i], all[j]] = [all[j], all[i]];
    }
    return join(all);
  },
  /** A few lines moved elsewhere (outputs interleaved). */
  swapBlocks: (bytes, random) => {
    const all = lines(bytes);
    for (let k = 0; k < 5; k++) {
      const from = pick(random, all.length);
      const moved = all.splice(from, 1 + pick(random, 10));
      all.splice(pick(random, all.length + 1), 0, ...moved);
    }
    return join(all);
  },
  /** Lines dropped and duplicated. */
  dropAndRepeat: (bytes, random) => {
    const out: string[] = [];
    for (const line of lines(bytes)) {
      const r = random();
      if (r < 0.15) continue;
      out.push(line);
      if (r > 0.9) out.push(line, line);
    }
    return join(out);
  },
  /** Each line cut at a random column (terminal wrapping gone wrong). */
  truncateLines: (bytes, random) => join(lines(bytes).map((line) => line.slice(0, pick(random, line.length + 1)))),
  /** Lines wrapped at a random width, as a narrow console would. */
  wrap: (bytes, random) => {
    const width = 20 + pick(random, 60);
    const out: string[] = [];
    for (const line of lines(bytes))
      for (let i = 0; i < Math.max(1, line.length); i += width) out.push(line.slice(i, i + width));
    return join(out);
  },
  /** Random bytes flipped. */
  flip: (bytes, random) => {
    const copy = bytes.slice();
    for (let k = 0; k < 20; k++) copy[pick(random, copy.length)] = 32 + pick(random, 95);
    return copy;
  },
};

/** Mutated inputs per fixture and mutation: 15 fixtures × 7 mutations × 4 = 420 imports. */
const ROUNDS = 4;
/** A mutated transcript of a few KB must import well within this. */
const MAX_MS_PER_IMPORT = 500;

async function importNeverThrowsUnexpectedly(bytes: Uint8Array, label: string): Promise<void> {
  const started = performance.now();
  try {
    const { heap, transcript } = await importBytes(bytes, label);
    expect(transcript.blocks.length).toBeGreaterThan(0);
    expect(heap.edges.start.length).toBe(heap.nodes.count + 1);
  } catch (error) {
    if (!(error instanceof FormatError)) throw new Error(`${label}: ${String(error)}`, { cause: error });
  }
  expect(performance.now() - started, label).toBeLessThan(MAX_MS_PER_IMPORT);
}

describe('SOS importer robustness', () => {
  for (const name of fixtureNames()) {
    it(`survives cut, shuffled, wrapped and damaged versions of ${name}`, async () => {
      const original = fixtureBytes(name);
      let seed = 1;
      for (const [mutationName, mutate] of Object.entries(MUTATIONS)) {
        for (let round = 0; round < ROUNDS; round++, seed++) {
          const random = prng(seed * 7919 + name.length);
          await importNeverThrowsUnexpectedly(mutate(original, random), `${name} ${mutationName} seed ${seed}`);
        }
      }
    });
  }

  it('rejects binary data with a FormatError naming the line', async () => {
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131) & 0xff;
    await expect(importBytes(bytes, 'random.bin')).rejects.toThrow(/sos: line \d+ contains a NUL character/);
  });

  it('rejects text with no SOS output with a FormatError naming the line', async () => {
    const error = await importText('\n\nDear diary,\ntoday I looked at a heap.\n', 'diary.txt').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toMatch(
      /diary\.txt is not an SOS transcript: from line 3 \("Dear diary,"\) to line 4/,
    );
    expect((error as FormatError).offset).toBe(3);
  });

  it('cuts lines over 64 KB with a warning and keeps going', async () => {
    const hostile = 'x'.repeat(200_000) + '(' + '['.repeat(100_000);
    const text = `0:000> !dumpheap -stat\nStatistics:\n      MT    Count    TotalSize Class Name\n${hostile}\n79b94638 5 100 System.String\nTotal 5 objects\n`;
    const started = performance.now();
    const { transcript } = await importText(text);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(transcript.warnings.some((w) => w.startsWith('line 4 is longer than 65536 characters'))).toBe(true);
    expect(transcript.blocks[0]).toMatchObject({ kind: 'dumpheap-stat', totalObjects: 5 });
  });

  it('handles pathological lines for every recogniser quickly', async () => {
    const nasty = [
      '->' + ' '.repeat(60_000) + 'x',
      '0'.repeat(60_000),
      'Total ' + '1,'.repeat(30_000),
      'sizeof(' + '('.repeat(60_000),
      '| '.repeat(30_000),
      '-'.repeat(60_000),
      'DOMAIN(' + ':Root:'.repeat(10_000),
      '00000000(' + '('.repeat(60_000),
      'Name: ' + 'a '.repeat(30_000),
      'generation 0 starts at ' + 'f'.repeat(60_000),
      '0x1 ' + '0x2(3) '.repeat(8000),
    ];
    const started = performance.now();
    for (const line of nasty) {
      await importText(`0:000> !gcroot 1234\n${line}\n${line}\n`).catch((error: unknown) => {
        if (!(error instanceof FormatError)) throw error;
      });
    }
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
