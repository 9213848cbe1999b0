/**
 * The hostile-input campaign: mutated real files (the samples in test-data/ and sample-dumps/) fed to
 * the importers, the analyses and every finding rule, each input in a worker thread with a time and a
 * memory limit. Every input ends as one of
 *   ok       parsed (and analysed, findings computed)
 *   refused  a FormatError whose message names an offset or a line
 *   unnamed  a FormatError that names neither (a defect: the user is not told where)
 *   crash    any other error (a RangeError, a TypeError …)
 *   hang     the time limit passed
 *   blow-up  the worker ran out of its memory limit
 * Inputs are made by a seeded PRNG, so a run is repeatable from its seed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { mulberry32 } from '../../src/test-support/prng';

export type FuzzFormat = 'gcdump' | 'sos' | 'elf' | 'minidump';
export const FUZZ_FORMATS: readonly FuzzFormat[] = ['gcdump', 'sos', 'elf', 'minidump'];
export type Outcome = 'ok' | 'refused' | 'unnamed' | 'crash' | 'hang' | 'blow-up';
export const OUTCOMES: readonly Outcome[] = ['ok', 'refused', 'unnamed', 'crash', 'hang', 'blow-up'];

const ROOT = resolve(import.meta.dirname, '../..');

/** The real files each format's mutations start from (small ones: a run makes thousands of copies). */
const SEEDS: Record<FuzzFormat, readonly { dir: string; suffix: string; maxBytes: number }[]> = {
  gcdump: [
    { dir: 'test-data/gcdump', suffix: '.gcdump', maxBytes: 2_000_000 },
    { dir: 'sample-dumps/leaks', suffix: '.gcdump', maxBytes: 1_200_000 },
  ],
  sos: [
    { dir: 'test-data/sos', suffix: '.txt', maxBytes: 300_000 },
    { dir: 'sample-dumps/leaks', suffix: '.sos.txt', maxBytes: 300_000 },
  ],
  elf: [
    { dir: 'sample-dumps/cores', suffix: '.core', maxBytes: 3_000_000 },
    { dir: 'sample-dumps/heap-cores', suffix: '.core', maxBytes: 3_000_000 },
  ],
  minidump: [{ dir: 'sample-dumps/minidumps', suffix: '.dmp', maxBytes: 2_000_000 }],
};

export function seedFiles(format: FuzzFormat): { name: string; bytes: Uint8Array }[] {
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (const { dir, suffix, maxBytes } of SEEDS[format]) {
    const folder = join(ROOT, dir);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).sort()) {
      if (!name.endsWith(suffix)) continue;
      const bytes = new Uint8Array(readFileSync(join(folder, name)));
      if (bytes.length <= maxBytes) files.push({ name: `${dir}/${name}`, bytes });
    }
  }
  if (files.length === 0) throw new Error(`fuzz: no seed files for ${format}`);
  return files;
}

/** One mutation of `original`, chosen by the PRNG; returns the bytes and what was done. */
export function mutate(original: Uint8Array, random: () => number, text: boolean): { bytes: Uint8Array; how: string } {
  const at = () => Math.floor(random() * original.length);
  const kind = Math.floor(random() * (text ? 8 : 7));
  switch (kind) {
    case 0: {
      const cut = at();
      return { bytes: original.slice(0, cut), how: `truncated at ${cut}` };
    }
    case 1: {
      const bytes = original.slice();
      const flips = 1 + Math.floor(random() * 16);
      for (let f = 0; f < flips; f++) bytes[at()] = Math.floor(random() * 256);
      return { bytes, how: `${flips} bytes flipped` };
    }
    case 2: {
      // A chunk copied over another place (records out of order, a header repeated).
      const from = at();
      const length = Math.min(original.length - from, 1 + Math.floor(random() * 512));
      const to = at();
      const bytes = original.slice();
      bytes.set(original.subarray(from, from + length).subarray(0, Math.max(0, bytes.length - to)), to);
      return { bytes, how: `${length} bytes from ${from} copied to ${to}` };
    }
    case 3: {
      // Hostile counts and sizes: 32-bit words set to the values that break arithmetic.
      const bytes = original.slice();
      const values = [0xffffffff, 0x80000000, 0x7fffffff, 0x7ffffffd, 0x40000000, 0];
      const words = 1 + Math.floor(random() * 4);
      const view = new DataView(bytes.buffer);
      for (let w = 0; w < words; w++) {
        const offset = Math.floor(random() * Math.max(1, bytes.length - 4)) & ~3;
        if (offset + 4 <= bytes.length) view.setUint32(offset, values[Math.floor(random() * values.length)], true);
      }
      return { bytes, how: `${words} words set to hostile counts` };
    }
    case 4: {
      // A run of 0xFF: never-ending or negative varints, all-ones sizes.
      const bytes = original.slice();
      const start = at();
      bytes.fill(0xff, start, Math.min(bytes.length, start + 1 + Math.floor(random() * 16)));
      return { bytes, how: `0xFF run at ${start}` };
    }
    case 5: {
      // The right magic, then random bytes.
      const keep = Math.min(original.length, 32);
      const bytes = new Uint8Array(Math.max(keep, Math.floor(random() * original.length)));
      bytes.set(original.subarray(0, keep));
      for (let i = keep; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      return { bytes, how: `the first ${keep} bytes, then ${bytes.length - keep} random bytes` };
    }
    case 6: {
      // NUL bytes in the middle.
      const bytes = original.slice();
      const start = at();
      bytes.fill(0, start, Math.min(bytes.length, start + 1 + Math.floor(random() * 8)));
      return { bytes, how: `NUL bytes at ${start}` };
    }
    default: {
      // Text only: a huge line (200 KB without a newline) spliced in.
      const where = at();
      const line = new Uint8Array(200_000).fill(0x41);
      const bytes = new Uint8Array(original.length + line.length);
      bytes.set(original.subarray(0, where));
      bytes.set(line, where);
      bytes.set(original.subarray(where), where + line.length);
      return { bytes, how: `a 200,000-character line at ${where}` };
    }
  }
}

export interface CampaignOptions {
  readonly formats: readonly FuzzFormat[];
  readonly count: number;
  readonly seed: number;
  /** Per input, milliseconds. */
  readonly timeoutMs: number;
  /** Per worker, MB of V8 heap (typed arrays count against the worker's memory too). */
  readonly memoryMb: number;
  /** Where inputs that crashed, hung or blew up are written (with a line saying how to replay them). */
  readonly crashDir: string | null;
  readonly workers: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface CampaignResult {
  readonly table: Record<FuzzFormat, Record<Outcome, number>>;
  /** First messages of the defects found (crash, unnamed, hang, blow-up), for the report. */
  readonly defects: string[];
  readonly seconds: number;
}

interface Job {
  readonly format: FuzzFormat;
  readonly index: number;
  readonly seedName: string;
  readonly how: string;
  readonly bytes: Uint8Array;
}

const WORKER = join(import.meta.dirname, 'fuzz-worker.mjs');

class Runner {
  private worker: Worker;
  constructor(private readonly memoryMb: number) {
    this.worker = this.start();
  }
  private start(): Worker {
    return new Worker(WORKER, {
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb, maxYoungGenerationSizeMb: 64 },
    });
  }
  run(job: Job, timeoutMs: number): Promise<{ outcome: Outcome; message: string }> {
    return new Promise((done) => {
      let settled = false;
      const finish = (outcome: Outcome, message: string, restart: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.worker.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit');
        if (restart) {
          void this.worker.terminate();
          this.worker = this.start();
        }
        done({ outcome, message });
      };
      const timer = setTimeout(() => finish('hang', `no answer after ${timeoutMs} ms`, true), timeoutMs);
      this.worker.once('message', (answer: { outcome: Outcome; message: string }) =>
        finish(answer.outcome, answer.message, false),
      );
      this.worker.once('error', (error: Error & { code?: string }) =>
        finish(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'blow-up' : 'crash', String(error.message), true),
      );
      this.worker.once('exit', (code) => finish('blow-up', `worker exited with ${code}`, true));
      this.worker.postMessage({ format: job.format, name: `${job.seedName} #${job.index}`, bytes: job.bytes });
    });
  }
  close(): Promise<number> {
    return this.worker.terminate();
  }
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const started = performance.now();
  const random = mulberry32(options.seed);
  const jobs: Job[] = [];
  for (const format of options.formats) {
    const seeds = seedFiles(format);
    for (let index = 0; index < options.count; index++) {
      const seed = seeds[Math.floor(random() * seeds.length)];
      const { bytes, how } = mutate(seed.bytes, random, format === 'sos');
      jobs.push({ format, index, seedName: seed.name, how, bytes });
    }
  }
  const table = Object.fromEntries(
    options.formats.map((format) => [format, Object.fromEntries(OUTCOMES.map((o) => [o, 0]))]),
  ) as Record<FuzzFormat, Record<Outcome, number>>;
  const defects: string[] = [];
  const runners = Array.from({ length: options.workers }, () => new Runner(options.memoryMb));
  let next = 0;
  let done = 0;
  await Promise.all(
    runners.map(async (runner) => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const { outcome, message } = await runner.run(job, options.timeoutMs);
        table[job.format][outcome]++;
        if (outcome !== 'ok' && outcome !== 'refused') {
          const line = `${outcome} ${job.format} ${job.seedName} #${job.index} (${job.how}): ${message.slice(0, 300)}`;
          if (defects.length < 50) defects.push(line);
          if (options.crashDir) {
            mkdirSync(options.crashDir, { recursive: true });
            const file = join(options.crashDir, `${job.format}-${job.index}-${outcome}.bin`);
            writeFileSync(file, job.bytes);
            writeFileSync(`${file}.txt`, `${line}\nreplay: npx heapscope stat ${file}   (seed ${options.seed})\n`);
          }
        }
        options.onProgress?.(++done, jobs.length);
      }
    }),
  );
  await Promise.all(runners.map((runner) => runner.close()));
  return { table, defects, seconds: (performance.now() - started) / 1000 };
}

export function renderTable(result: CampaignResult): string {
  const header = ['format', ...OUTCOMES].map((cell) => cell.padStart(9)).join(' ');
  const rows = Object.entries(result.table).map(([format, counts]) =>
    [format, ...OUTCOMES.map((o) => String(counts[o as Outcome]))].map((cell) => cell.padStart(9)).join(' '),
  );
  return [header, ...rows].join('\n');
}
