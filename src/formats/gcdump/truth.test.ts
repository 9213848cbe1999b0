/**
 * Our gcdump reader against the referee: for every `tools/dotnet/truth/<file>.truth.json` (written
 * by tools/dotnet/GcdumpTruth, which reads the file with Microsoft's own GCHeapDump/MemoryGraph
 * classes), read the same .gcdump with `readGcdump` and compute the same canonical facts
 * (src/test-support/gcdump-truth.ts): counts, per-type-name rows over defined nodes, and a SHA-256
 * over one text line per node, as defined in tools/dotnet/GcdumpTruth/README.md.
 *
 * `npm run truth` regenerates the JSON (needs dotnet); this test needs only Node.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { readGcdump } from './gcdump-reader';
import { byteSourceFromBytes } from '../byte-source';
import { PROJECT_ROOT, fixturePath } from '../../test-support/fixtures';
import {
  heapFacts,
  nodesSha256,
  rowDifferences,
  truthFacts,
  typeRowsByName,
  type Truth,
} from '../../test-support/gcdump-truth';

const TRUTH_DIR = join(PROJECT_ROOT, 'tools/dotnet/truth');
const TRUTH_SUFFIX = '.truth.json';
const SAMPLE_DUMPS = join(PROJECT_ROOT, 'sample-dumps');
const FIXTURE_GCDUMPS = fixturePath('gcdump');

/** Every .gcdump the truth must cover: test-data/ and sample-dumps/ (recursively). */
function gcdumpPaths(): string[] {
  const fixtures = existsSync(FIXTURE_GCDUMPS)
    ? readdirSync(FIXTURE_GCDUMPS)
        .filter((name) => name.endsWith('.gcdump'))
        .map((name) => join(FIXTURE_GCDUMPS, name))
    : [];
  const samples = existsSync(SAMPLE_DUMPS)
    ? readdirSync(SAMPLE_DUMPS, { recursive: true, encoding: 'utf8' })
        .filter((path) => path.endsWith('.gcdump'))
        .map((path) => join(SAMPLE_DUMPS, path))
    : [];
  return [...fixtures, ...samples].sort();
}

function truthFiles(): string[] {
  return existsSync(TRUTH_DIR)
    ? readdirSync(TRUTH_DIR)
        .filter((name) => name.endsWith(TRUTH_SUFFIX))
        .sort()
    : [];
}

const gcdumps = gcdumpPaths();
const truths = truthFiles();

describe('gcdump reader agrees with TraceEvent (tools/dotnet/truth)', () => {
  it('has a truth file for every .gcdump in test-data/gcdump and sample-dumps', () => {
    const missing = gcdumps
      .filter((path) => !truths.includes(basename(path) + TRUTH_SUFFIX))
      .map((path) => relative(PROJECT_ROOT, path));
    expect(missing, 'run `npm run truth` (needs dotnet) and commit tools/dotnet/truth/').toEqual([]);
  });

  it('finds the .gcdump of every truth file', () => {
    const orphans = truths.filter((truth) => !gcdumps.some((path) => basename(path) + TRUTH_SUFFIX === truth));
    expect(orphans, 'truth files whose .gcdump is gone').toEqual([]);
  });

  for (const truthName of truths) {
    const gcdumpName = truthName.slice(0, -TRUTH_SUFFIX.length);
    const path = gcdumps.find((candidate) => basename(candidate) === gcdumpName);

    it.runIf(path !== undefined)(`reads ${gcdumpName} as TraceEvent does`, async () => {
      const truth = JSON.parse(readFileSync(join(TRUTH_DIR, truthName), 'utf8')) as Truth;
      const bytes = new Uint8Array(readFileSync(path!));
      const { heap } = await readGcdump(byteSourceFromBytes(bytes, gcdumpName));

      expect(truth.file).toBe(gcdumpName);
      expect(heapFacts(heap)).toEqual(truthFacts(truth));

      const ours = typeRowsByName(heap);
      expect(rowDifferences(truth.types, ours), 'type-name rows (count / bytes) that differ').toEqual([]);
      expect(ours).toEqual(truth.types);

      expect(
        nodesSha256(heap),
        `per-node lines differ; compare with: dotnet run --project tools/dotnet/GcdumpTruth -c Release -- ${relative(PROJECT_ROOT, path!)} --nodes-out /tmp/truth-nodes.txt`,
      ).toBe(truth.nodesSha256);
    });
  }
});
