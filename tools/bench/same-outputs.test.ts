/**
 * Same outputs (issue #18): a faster or smaller load or analysis must give the same answers. For every
 * real .gcdump of the project and a generated incident heap, the SHA-256 of each column of the heap
 * model, of the dominators, the retained sizes, the dominator tree and the findings is compared with
 * `tools/bench/same-outputs.json`, recorded from the implementation before any such change.
 *
 * A change that alters a hash is a change of output: find out why before anything else. Only a fix
 * that is meant to change an answer (and says so in its commit, with its tests) may record the
 * hashes again: `UPDATE_OUTPUT_HASHES=1 npx vitest run tools/bench/same-outputs.test.ts`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeHeap } from '../../src/analysis/analyze-heap';
import { computeFindings } from '../../src/analysis/findings';
import { dominatorTree } from '../../src/analysis/retained';
import { byteSourceFromBytes } from '../../src/formats/byte-source';
import { loadHeap } from '../../src/formats/load';
import type { HeapModel } from '../../src/heap/types';
import { PROJECT_ROOT } from '../../src/test-support/fixtures';
import { buildIncidentHeap } from '../generate/incident-heap';

const RECORD = join(PROJECT_ROOT, 'tools/bench/same-outputs.json');
const UPDATE = process.env.UPDATE_OUTPUT_HASHES === '1';
const GENERATED = 250_000;

const GCDUMP_DIRS = ['test-data/gcdump', 'sample-dumps/leaky-service', 'sample-dumps/leaks', 'sample-dumps/diff'];

function gcdumps(): string[] {
  return GCDUMP_DIRS.flatMap((dir) =>
    readdirSync(join(PROJECT_ROOT, dir))
      .filter((name) => name.endsWith('.gcdump'))
      .sort()
      .map((name) => `${dir}/${name}`),
  );
}

function sha(...parts: (ArrayBufferView | string)[]): string {
  const hash = createHash('sha256');
  for (const part of parts)
    hash.update(typeof part === 'string' ? part : new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  return hash.digest('hex');
}

/** Each output of a load and its analyses, hashed. */
function outputs(heap: HeapModel): Record<string, string> {
  const { nodes, edges, types } = heap;
  const context = analyzeHeap(heap);
  const result: Record<string, string> = {
    'nodes.type': sha(nodes.type.subarray(0, nodes.count)),
    'nodes.size': sha(nodes.size.subarray(0, nodes.count)),
    'nodes.address': sha(nodes.addressLo.subarray(0, nodes.count), nodes.addressHi.subarray(0, nodes.count)),
    'nodes.flags': sha(nodes.flags.subarray(0, nodes.count)),
    'edges.start': sha(edges.start),
    'edges.target': sha(edges.target.subarray(0, edges.count)),
    'types.names': sha(types.names.join('\n')),
    root: String(heap.rootIndex),
  };
  if (context.dominators && context.retained) {
    const tree = dominatorTree(context.dominators, context.retained);
    result['dominators.idom'] = sha(context.dominators.idom);
    result.retained = sha(context.retained);
    result['tree.children'] = sha(tree.childStart, tree.children, tree.topLevel);
  }
  result.findings = sha(JSON.stringify(computeFindings(context)));
  return result;
}

const recorded: Record<string, Record<string, string>> = existsSync(RECORD)
  ? (JSON.parse(readFileSync(RECORD, 'utf8')) as Record<string, Record<string, string>>)
  : {};
const now: Record<string, Record<string, string>> = {};

describe('same outputs: the heap model, the dominator tree and the findings, hashed', () => {
  for (const path of gcdumps()) {
    it(`${path}`, async () => {
      const bytes = new Uint8Array(readFileSync(join(PROJECT_ROOT, path)));
      now[path] = outputs(await loadHeap(byteSourceFromBytes(bytes, path.split('/').pop()!)));
      if (!UPDATE) expect(now[path]).toEqual(recorded[path]);
    });
  }

  it(`a generated incident heap of ${GENERATED.toLocaleString('en-US')} objects (seed 1)`, () => {
    const key = `generated incident ${GENERATED} seed 1`;
    now[key] = outputs(buildIncidentHeap({ objects: GENERATED, seed: 1 }).heap);
    if (!UPDATE) expect(now[key]).toEqual(recorded[key]);
  });

  afterAll(() => {
    if (UPDATE) writeFileSync(RECORD, JSON.stringify(now, null, 2) + '\n');
  });
});
