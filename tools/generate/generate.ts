/**
 * npm run generate -- [--objects N] [--seed S] [--chain N] [--out FILE]
 * Writes a .gcdump with the incident's shape (see incident-heap.ts), streamed to disk.
 * `--objects 18591667` reproduces the incident's scale; the default is small.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeGcdumpTo } from '../../src/formats/gcdump/gcdump-writer';
import { buildIncidentHeap } from './incident-heap';

const DEFAULT_OBJECTS = 200_000;

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: String(DEFAULT_OBJECTS) },
    seed: { type: 'string', default: '1' },
    chain: { type: 'string' },
    out: { type: 'string' },
  },
});
const objects = Number(values.objects);
const seed = Number(values.seed);
if (!Number.isInteger(objects) || objects < 50_000)
  throw new Error(`--objects takes a whole number ≥ 50,000, not ${values.objects}`);
const out = resolve(values.out ?? `sample-dumps/generated/incident-${objects}.gcdump`);

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
const chainLength = values.chain === undefined ? undefined : Number(values.chain);
if (chainLength !== undefined && !(Number.isInteger(chainLength) && chainLength > 0))
  throw new Error(`--chain takes a positive whole number, not ${values.chain}`);
const { heap, facts } = buildIncidentHeap({
  objects,
  seed,
  chainLength,
  onProgress: (message) => process.stderr.write(`[${elapsed()}] ${message}\n`),
});
process.stderr.write(`[${elapsed()}] writing ${out}\n`);
mkdirSync(dirname(out), { recursive: true });
const fd = openSync(out, 'w');
let written = 0;
try {
  written = writeGcdumpTo({ heap }, (chunk) => {
    writeSync(fd, chunk);
  });
} finally {
  closeSync(fd);
}
process.stdout.write(
  JSON.stringify({
    out,
    seed,
    nodes: heap.nodes.count,
    edges: heap.edges.count,
    bytes: heap.totalSize,
    fileBytes: written,
    chainLength: facts.chainLength,
    requestBuffers: facts.requestBuffers,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  }) + '\n',
);
