/**
 * npm run bench [-- --sizes 1000000,5000000,18591667] [--runs 3] [--no-traceevent] [--record-outputs] [--no-huge-pages]
 *
 * For each size: makes bench/incident-<N>.gcdump with the generator if it is missing, loads it in
 * a fresh Node process through the same modules the worker uses (bench-load.ts), times
 * Microsoft's own GCHeapDump load of the same file (tools/dotnet/GcdumpTruth --time) when dotnet
 * is present, prints one table and writes bench/results.json. Each is run `--runs` times, one after
 * the other (heapscope, TraceEvent, heapscope, …), and every figure is the median of its runs: on
 * the virtual machines measured here one process can take half as long again as the next (its
 * first touch of memory, files paged out by the host between runs), for either tool. The Node process runs as the CLI
 * does, with glibc's huge-page tunable where Linux offers transparent huge pages (bin/huge-pages.mjs);
 * --no-huge-pages measures it without. Where it runs with them, each run also loads the file once
 * without them ("4 KB pages"): a browser tab cannot ask for huge pages, so that is the Node load
 * that meets the same cost of first touching memory as the tab (the browser bench divides by both).
 *
 * Same outputs (issue #18): each load's outputs, hashed (output-hashes.ts), are compared with
 * `tools/bench/same-outputs-generated.json`, recorded per file (by the file's SHA-256) from the
 * implementation before a change; a difference fails the bench (exit 1) after the table. A file not
 * recorded yet (another seed, a newer generator) is said so; `--record-outputs` records it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LoadMeasurement } from './bench-load';
import { hugePageEnv } from '../../bin/huge-pages.mjs';
import { cliBundleDir } from '../../bin/cli-bundle.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const BENCH_DIR = join(ROOT, 'bench');
const DEFAULT_SIZES = [1_000_000, 5_000_000, 18_591_667];

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    'no-traceevent': { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    'record-outputs': { type: 'boolean', default: false },
    'no-huge-pages': { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
  },
});
/** The environment of the measured process: the CLI's (bin/heapscope.mjs), unless --no-huge-pages. */
const loadEnv = values['no-huge-pages'] ? process.env : (hugePageEnv(process.env) ?? process.env);
const hugePages = /glibc\.malloc\.hugetlb=1/.test(loadEnv.GLIBC_TUNABLES ?? '');
const sizes = values.sizes ? values.sizes.split(',').map(Number) : DEFAULT_SIZES;
const runs = Math.max(1, Math.floor(Number(values.runs)) || 1);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The runs of one file as one measurement: each figure the median of the runs' (the outputs are the first run's). */
function medianOf(measurements: readonly LoadMeasurement[]): LoadMeasurement {
  const [first] = measurements;
  const of = (figure: (m: LoadMeasurement) => number) => median(measurements.map(figure));
  return {
    ...first,
    stages: first.stages.map(({ stage }, k) => ({ stage, seconds: of((m) => m.stages[k].seconds) })),
    totalSeconds: of((m) => m.totalSeconds),
    bytesPerObject: of((m) => m.bytesPerObject),
    peakResidentBytes: of((m) => m.peakResidentBytes),
    residentAfterBytes: of((m) => m.residentAfterBytes),
  };
}
mkdirSync(BENCH_DIR, { recursive: true });

/** The CLI's bundle (bin/cli-bundle.mjs), which the loads run from as the CLI does; null: through tsx. */
const bundle = cliBundleDir();

/** One measured load of `file` (bench-load.ts) in a fresh process: from the CLI's bundle, else through tsx. */
function benchLoad(file: string, env: NodeJS.ProcessEnv): string {
  if (!bundle) return tsx('tools/bench/bench-load.ts', [file], ['--expose-gc'], env);
  return node(['--expose-gc', join(bundle, 'bench-load.mjs'), file], env);
}

function tsx(script: string, args: string[], nodeFlags: string[] = [], env = process.env): string {
  return node([...nodeFlags, '--import', 'tsx', join(ROOT, script), ...args], env);
}

/** Runs Node with `args` in a process of its own; its standard output, or an error naming the command. */
function node(args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed with status ${result.status}`);
  return result.stdout;
}

function hasDotnet(): boolean {
  return spawnSync('dotnet', ['--version'], { stdio: 'ignore' }).status === 0;
}

let truthBuilt = false;
/** Seconds Microsoft's GCHeapDump takes to load the file, or null when .NET is not here. */
function traceEventSeconds(file: string): number | null {
  if (values['no-traceevent'] || !hasDotnet()) return null;
  const project = join(ROOT, 'tools/dotnet/GcdumpTruth');
  if (!truthBuilt) {
    execFileSync('dotnet', ['build', project, '-c', 'Release', '-nologo', '-v', 'q'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    truthBuilt = true;
  }
  const out = execFileSync(
    'dotnet',
    ['run', '--no-build', '--project', project, '-c', 'Release', '--', file, '--time'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  return (JSON.parse(out.trim().split('\n').pop()!) as { loadSeconds: number }).loadSeconds;
}

/** The figures of the same file loaded without the huge-page tunable (the median of the runs'). */
interface SmallPageFigures {
  readonly loadSeconds: number;
  readonly totalSeconds: number;
  readonly peakResidentBytes: number;
}

interface SizeResult extends LoadMeasurement {
  /** Read + decode (`loadSeconds`): the load the ratios divide by, kept for the browser bench. */
  readonly loadSeconds: number;
  readonly traceEventSeconds: number | null;
  /** Without huge pages, as a tab's memory is; null where the main runs had none either. */
  readonly smallPages: SmallPageFigures | null;
  /** 'same', 'DIFFERENT: …' or 'not recorded'. */
  readonly sameOutputs: string;
}

const OUTPUTS_RECORD = join(ROOT, 'tools/bench/same-outputs-generated.json');
const recordedOutputs = existsSync(OUTPUTS_RECORD)
  ? (JSON.parse(readFileSync(OUTPUTS_RECORD, 'utf8')) as Record<string, Record<string, string>>)
  : {};

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 8 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The file's name and SHA-256: what the outputs are recorded under. */
async function fileKey(file: string): Promise<string> {
  return `${file.split('/').pop()} sha256:${await fileSha256(file)}`;
}

/** Compares a load's hashed outputs with the record for this exact file (its `fileKey`). */
function sameOutputs(key: string, outputs: Record<string, string>): string {
  const recorded = recordedOutputs[key];
  if (values['record-outputs']) {
    recordedOutputs[key] = outputs;
    writeFileSync(OUTPUTS_RECORD, JSON.stringify(recordedOutputs, null, 2) + '\n');
    return recorded === undefined ? 'recorded' : 'recorded again';
  }
  if (recorded === undefined) return 'not recorded';
  const differing = Object.keys({ ...recorded, ...outputs }).filter((name) => recorded[name] !== outputs[name]);
  return differing.length === 0 ? 'same' : `DIFFERENT: ${differing.join(', ')}`;
}

/** Node's load: read + decode (the first two stages). */
function loadSeconds(r: LoadMeasurement): number {
  return r.stages.slice(0, 2).reduce((sum, s) => sum + s.seconds, 0);
}

const results: SizeResult[] = [];
for (const size of sizes) {
  const file = join(BENCH_DIR, `incident-${size}.gcdump`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file}\n`);
    tsx('tools/generate/generate.ts', ['--objects', String(size), '--seed', values.seed!, '--out', file]);
  }
  // Hashing the file first reads it whole, so both loads below (heapscope's, then TraceEvent's) find
  // it in the OS page cache: the same start for both, and a figure of the reading and decoding
  // alone. Without it the first load paid for the disk (this machine's proactive reclaim evicts
  // files idle for a while), the second did not.
  const key = await fileKey(file);
  const measurements: LoadMeasurement[] = [];
  const smallPageMeasurements: LoadMeasurement[] = [];
  const traceEvent: number[] = [];
  const verdicts = new Set<string>();
  for (let run = 1; run <= runs; run++) {
    process.stderr.write(`loading ${file} (run ${run} of ${runs})\n`);
    const measurement = JSON.parse(benchLoad(file, loadEnv)) as LoadMeasurement;
    measurements.push(measurement);
    // The first run's outputs against the record; every later run's against the first run's.
    if (run === 1) verdicts.add(sameOutputs(key, measurement.outputs));
    else {
      const differing = Object.keys(measurement.outputs).filter(
        (name) => measurement.outputs[name] !== measurements[0].outputs[name],
      );
      if (differing.length > 0) verdicts.add(`DIFFERENT between runs: ${differing.join(', ')}`);
    }
    if (hugePages) {
      process.stderr.write(`loading ${file} with 4 KB pages (run ${run} of ${runs})\n`);
      smallPageMeasurements.push(JSON.parse(benchLoad(file, process.env)) as LoadMeasurement);
    }
    process.stderr.write(`timing TraceEvent on ${file} (run ${run} of ${runs})\n`);
    const seconds = traceEventSeconds(file);
    if (seconds !== null) traceEvent.push(seconds);
  }
  const same = verdicts.size === 1 ? [...verdicts][0] : [...verdicts].join(' / ');
  const smallPages = smallPageMeasurements.length > 0 ? medianOf(smallPageMeasurements) : null;
  const measured = medianOf(measurements);
  results.push({
    ...measured,
    loadSeconds: loadSeconds(measured),
    smallPages: smallPages && {
      loadSeconds: loadSeconds(smallPages),
      totalSeconds: smallPages.totalSeconds,
      peakResidentBytes: smallPages.peakResidentBytes,
    },
    traceEventSeconds: traceEvent.length > 0 ? median(traceEvent) : null,
    sameOutputs: same,
  });
}

const stageNames = results[0].stages.map((s) => s.stage);
const mb = (bytes: number) => bytes / 1e6;
const header = [
  'objects',
  'file MB',
  ...stageNames.map((s) => `${s} s`),
  'total s',
  'load s',
  'MB/s',
  'B/object',
  'peak MB',
  'TraceEvent s',
  'TraceEvent ÷ load',
  'load s (4 KB pages)',
  'total s (4 KB pages)',
  'outputs',
];
const rows = results.map((r) => [
  r.objects.toLocaleString('en-US'),
  mb(r.fileBytes).toFixed(0),
  ...r.stages.map((s) => s.seconds.toFixed(2)),
  r.totalSeconds.toFixed(2),
  r.loadSeconds.toFixed(2),
  (mb(r.fileBytes) / r.loadSeconds).toFixed(0),
  r.bytesPerObject.toFixed(0),
  mb(r.peakResidentBytes).toFixed(0),
  r.traceEventSeconds === null ? 'n/a' : r.traceEventSeconds.toFixed(2),
  r.traceEventSeconds === null ? 'n/a' : `${(r.traceEventSeconds / r.loadSeconds).toFixed(2)}×`,
  r.smallPages === null ? 'n/a' : r.smallPages.loadSeconds.toFixed(2),
  r.smallPages === null ? 'n/a' : r.smallPages.totalSeconds.toFixed(2),
  r.sameOutputs,
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(
  [
    `Each figure: the median of ${runs} run${runs === 1 ? '' : 's'}, each tool in a fresh process.`,
    'read: until the last byte is in (records are decoded while the next slice is read); decode: what is left after it.',
    'load: read + decode. MB/s: file megabytes over load. TraceEvent ÷ load: above 1× means heapscope loads faster',
    "(GCHeapDump's load reads the tables and decodes records only when asked; ours decodes every record into CSR edges).",
    'outputs: every column, the per-type totals, the dominators, retained sizes, dominator tree and findings, hashed',
    'and compared with tools/bench/same-outputs-generated.json for this exact file.',
    hugePages
      ? 'Node ran with glibc.malloc.hugetlb=1, as the CLI does (transparent huge pages; --no-huge-pages: without);\n' +
        "4 KB pages: the same load without it, as a tab's memory is (each first touch of 4 KB costs a page fault)."
      : 'Node ran without the huge-page tunable (--no-huge-pages, or no transparent huge pages here).',
    bundle
      ? "Node ran the CLI's bundle (bin/cli-bundle.mjs), as the CLI does."
      : 'Node ran the sources through tsx (no bundle could be made: HEAPSCOPE_CLI_FROM_SOURCE=1, or no Vite).',
  ].join('\n'),
);

// The browser figures (npm run bench:browser) stay as they were.
const resultsPath = join(BENCH_DIR, 'results.json');
const previous = existsSync(resultsPath)
  ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as { browser?: unknown; browserDiff?: unknown })
  : {};
writeFileSync(
  resultsPath,
  JSON.stringify(
    {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version, hugePages },
      runs,
      date: new Date().toISOString(),
      results: results.map(({ outputs: _hashes, ...figures }) => figures),
      ...(previous.browser === undefined ? {} : { browser: previous.browser }),
      ...(previous.browserDiff === undefined ? {} : { browserDiff: previous.browserDiff }),
    },
    null,
    2,
  ) + '\n',
);

const different = results.filter((r) => r.sameOutputs.includes('DIFFERENT'));
if (different.length > 0) {
  console.error(`outputs changed for ${different.map((r) => r.file).join(', ')}`);
  process.exitCode = 1;
}
