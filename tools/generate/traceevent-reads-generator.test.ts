/**
 * The generator's files are real .gcdump files: a 1,000,000-object incident dump, written by
 * `writeGcdumpTo`, is read by Microsoft's own GCHeapDump/MemoryGraph classes (tools/dotnet/GcdumpTruth)
 * and by our reader, and both must give the same canonical facts (src/test-support/gcdump-truth.ts,
 * the same comparison as src/formats/gcdump/truth.test.ts makes against the committed truth files).
 *
 * Runs only where `dotnet` is on PATH; it prints which case ran. GcdumpTruth is built once
 * (`dotnet build` is incremental); the whole test takes a few seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIncidentHeap } from './incident-heap';
import { writeGcdumpTo } from '../../src/formats/gcdump/gcdump-writer';
import { readGcdump } from '../../src/formats/gcdump/gcdump-reader';
import { byteSourceFromBytes } from '../../src/formats/byte-source';
import {
  buildGcdumpTruth,
  dotnetAvailable,
  heapFacts,
  nodesSha256,
  rowDifferences,
  runGcdumpTruth,
  truthFacts,
  typeRowsByName,
  type Truth,
} from '../../src/test-support/gcdump-truth';

const OBJECTS = 1_000_000;
const SEED = 7;
const FILE_NAME = `incident-${OBJECTS}.gcdump`;

const hasDotnet = dotnetAvailable();
console.info(
  hasDotnet
    ? `traceevent-reads-generator: dotnet found; checking a generated ${OBJECTS.toLocaleString('en-US')}-object dump against GcdumpTruth`
    : 'traceevent-reads-generator: dotnet is not on PATH; skipping the live TraceEvent check of the generator',
);

describe.runIf(hasDotnet)('TraceEvent reads a generated incident dump as our reader does', () => {
  let dir = '';
  let path = '';
  let truth: Truth;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'heapscope-truth-'));
    path = join(dir, FILE_NAME);
    const { heap } = buildIncidentHeap({ objects: OBJECTS, seed: SEED });
    const fd = openSync(path, 'w');
    try {
      writeGcdumpTo({ heap }, (chunk) => {
        writeSync(fd, chunk);
      });
    } finally {
      closeSync(fd);
    }
    truth = runGcdumpTruth(buildGcdumpTruth(), path);
  }, 60_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it(`agrees on counts, type rows and every node line of ${FILE_NAME}`, async () => {
    console.info(`traceevent-reads-generator: ran the live check on ${FILE_NAME} (seed ${SEED})`);
    const { heap } = await readGcdump(byteSourceFromBytes(new Uint8Array(readFileSync(path)), FILE_NAME));

    expect(truth.file).toBe(FILE_NAME);
    expect(truth.nodeCount).toBe(OBJECTS);
    expect(heapFacts(heap)).toEqual(truthFacts(truth));

    const ours = typeRowsByName(heap);
    expect(rowDifferences(truth.types, ours), 'type-name rows (count / bytes) that differ').toEqual([]);
    expect(ours).toEqual(truth.types);
    expect(nodesSha256(heap), 'per-node lines differ (GcdumpTruth --nodes-out prints them)').toBe(truth.nodesSha256);
  });
});
