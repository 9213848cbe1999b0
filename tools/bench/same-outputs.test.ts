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
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { analyzeHeap, provideAnalysisHelper } from '../../src/analysis/analyze-heap';
import type { BreadthFirstJob } from '../../src/analysis/bfs';
import { helperJobTransfers, type HelperJob } from '../../src/analysis/helper-jobs';
import { analysisHelperThread } from '../../src/cli/analysis-helper';
import { computeFindings } from '../../src/analysis/findings';
import { dominatorTree } from '../../src/analysis/retained';
import { byteSourceFromBytes } from '../../src/formats/byte-source';
import { loadHeap } from '../../src/formats/load';
import { writeGcdump } from '../../src/formats/gcdump';
import { provideArrayMemory, provideHelperMemory } from '../../src/heap/array-memory';
import type { HeapModel } from '../../src/heap/types';
import { HeapSession } from '../../src/session/heap-session';
import { PROJECT_ROOT } from '../../src/test-support/fixtures';
import { buildIncidentHeap } from '../generate/incident-heap';
import { outputHashes, type OutputHashes } from './output-hashes';

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

/** Each output of a load and its analyses, hashed. */
function outputs(heap: HeapModel): OutputHashes {
  const context = analyzeHeap(heap);
  const tree = context.dominators && context.retained ? dominatorTree(context.dominators, context.retained) : null;
  return outputHashes(heap, context, tree, computeFindings(context));
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

describe("same outputs with the large arrays in shared memory (the page's, worker/page-toucher.ts)", () => {
  afterEach(() => provideArrayMemory(null));

  it('the generated incident heap, written as a .gcdump and read back with every large array in a SharedArrayBuffer', async () => {
    // Enough objects for a Uint32 node column to pass MIN_PROVIDED_BYTES.
    const bytes = writeGcdump({ heap: buildIncidentHeap({ objects: 2 * GENERATED, seed: 1 }).heap });
    const plain = outputs(await loadHeap(byteSourceFromBytes(bytes, 'generated.gcdump')));
    let provided = 0;
    provideArrayMemory((byteLength) => {
      provided += byteLength;
      return new SharedArrayBuffer(byteLength);
    });
    const heap = await loadHeap(byteSourceFromBytes(bytes, 'generated.gcdump'));
    expect(heap.edges.target.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(heap.nodes.addressLo.buffer).toBeInstanceOf(SharedArrayBuffer);
    const loadedIn = provided;
    const shared = outputs(heap);
    // The analyses took shared memory too, and every output is the same.
    expect(provided).toBeGreaterThan(loadedIn);
    expect(shared).toEqual(plain);
  });
});

describe("same outputs with the reverse edges and the BFS on a helper thread (the CLI's, cli/analysis-helper.ts; the page's runs the same jobs)", () => {
  afterEach(() => {
    provideArrayMemory(null);
    provideHelperMemory(null);
    provideAnalysisHelper(null);
  });

  /** The CLI's worker thread, provided, with the jobs it is given. */
  function provideRecordedThread(): { jobs: HelperJob[]; prepared: () => number; ended: () => number } {
    const thread = analysisHelperThread();
    const jobs: HelperJob[] = [];
    let prepared = 0;
    let ended = 0;
    provideAnalysisHelper({
      prepare: () => {
        prepared++;
        thread.prepare();
      },
      run: (job) => {
        jobs.push(job);
        return thread.run(job);
      },
      end: () => {
        ended++;
        thread.end();
      },
    });
    return { jobs, prepared: () => prepared, ended: () => ended };
  }

  async function analyzedSession(bytes: Uint8Array): Promise<HeapSession> {
    const session = new HeapSession(await loadHeap(byteSourceFromBytes(bytes, 'generated.gcdump')));
    await session.analyze();
    return session;
  }

  const bfsJob = (jobs: HelperJob[]) => jobs.find((job): job is BreadthFirstJob => job.kind === 'bfs')!;

  it("the CLI's: only the edges in shared memory, the parents' array moved to the thread and back", async () => {
    const bytes = writeGcdump({ heap: buildIncidentHeap({ objects: 2 * GENERATED, seed: 1 }).heap });
    const plain = outputs(await loadHeap(byteSourceFromBytes(bytes, 'generated.gcdump')));
    provideHelperMemory((byteLength) => new SharedArrayBuffer(byteLength));
    const { jobs, prepared, ended } = provideRecordedThread();
    const session = await analyzedSession(bytes);
    const { heap } = session;
    expect(heap.edges.target.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(heap.nodes.addressLo.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect([prepared(), ended()]).toEqual([1, 1]);
    expect(jobs.map((job) => job.kind)).toEqual(['retainers', 'bfs']);
    // The spare given with the BFS left this thread (detached), and the parents kept came back.
    expect(bfsJob(jobs).parent.length).toBe(0);
    const { context, tree, findings } = session.computed()!;
    expect(context.bfs.parent.length).toBe(heap.nodes.count);
    expect(context.bfs.parent.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    // The retainers are the thread's, moved here.
    expect(context.retainers.retainerSource.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(outputHashes(heap, context, tree, findings)).toEqual(plain);
  });

  it("the page's: every large array in shared memory, the parents written in place", async () => {
    const bytes = writeGcdump({ heap: buildIncidentHeap({ objects: 2 * GENERATED, seed: 2 }).heap });
    const plain = outputs(await loadHeap(byteSourceFromBytes(bytes, 'generated.gcdump')));
    provideArrayMemory((byteLength) => new SharedArrayBuffer(byteLength));
    const { jobs } = provideRecordedThread();
    const session = await analyzedSession(bytes);
    expect(jobs.map((job) => job.kind)).toEqual(['retainers', 'bfs']);
    const { context, tree, findings } = session.computed()!;
    expect(outputHashes(session.heap, context, tree, findings)).toEqual(plain);
    // What the session keeps is the memory the thread wrote: a write to the job's array shows there.
    const { parent } = context.bfs;
    expect(parent.buffer).toBeInstanceOf(SharedArrayBuffer);
    const node = parent.length - 1;
    const was = parent[node];
    bfsJob(jobs).parent[node] = (was ^ 1) >>> 0;
    expect(parent[node]).toBe((was ^ 1) >>> 0);
  });

  it('a thread that takes the parents and fails leaves the work to the analyses, with the same outputs', async () => {
    const bytes = writeGcdump({ heap: buildIncidentHeap({ objects: 2 * GENERATED, seed: 3 }).heap });
    const plain = outputs(await loadHeap(byteSourceFromBytes(bytes, 'generated.gcdump')));
    provideHelperMemory((byteLength) => new SharedArrayBuffer(byteLength));
    const jobs: HelperJob[] = [];
    provideAnalysisHelper({
      prepare: () => {},
      run: async (job) => {
        jobs.push(job);
        // The message moves what the job names, and the thread dies before it answers.
        structuredClone(job, { transfer: helperJobTransfers(job) });
        throw new Error('the thread died');
      },
      end: () => {},
    });
    const session = await analyzedSession(bytes);
    expect(jobs.map((job) => job.kind)).toEqual(['retainers', 'bfs']);
    expect(bfsJob(jobs).parent.length).toBe(0);
    const { context, tree, findings } = session.computed()!;
    expect(outputHashes(session.heap, context, tree, findings)).toEqual(plain);
  });
});
