/**
 * The CLI's bundle (bin/cli-bundle.mjs): made again when a source changes, the same answers as the
 * sources run through tsx, and its analysis thread answers a job as this thread does.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleStamp, cliBundleDir } from '../bin/cli-bundle.mjs';
import { runBreadthFirstJob, type BreadthFirstJob, type BreadthFirstJobDone } from '../src/analysis/bfs';
import { byteSourceFromBytes } from '../src/formats/byte-source';
import { loadHeap } from '../src/formats/load';
import { PROJECT_ROOT, fixturePath } from '../src/test-support/fixtures';

const BIN = join(PROJECT_ROOT, 'bin', 'heapscope.mjs');

function heapscope(fromSource: boolean, ...args: string[]): string {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd: PROJECT_ROOT,
    env: { ...process.env, HEAPSCOPE_CLI_FROM_SOURCE: fromSource ? '1' : '0' },
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('the stamp of the sources', () => {
  const root = mkdtempSync(join(tmpdir(), 'heapscope-stamp-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  mkdirSync(join(root, 'tools', 'bench'), { recursive: true });
  writeFileSync(join(root, 'src', 'cli', 'main.ts'), 'export {};\n');
  writeFileSync(join(root, 'tools', 'bench', 'bench-load.ts'), 'export {};\n');
  writeFileSync(join(root, 'package-lock.json'), '{}\n');

  it('stays while nothing changes, and changes with a source touched, edited or added', () => {
    const first = bundleStamp(root);
    expect(bundleStamp(root)).toBe(first);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src', 'cli', 'main.ts'), later, later);
    const touched = bundleStamp(root);
    expect(touched).not.toBe(first);
    writeFileSync(join(root, 'tools', 'bench', 'bench-load.ts'), 'export const x = 1;\n');
    const edited = bundleStamp(root);
    expect(edited).not.toBe(touched);
    writeFileSync(join(root, 'src', 'cli', 'new.ts'), 'export {};\n');
    expect(bundleStamp(root)).not.toBe(edited);
  });
});

describe('the CLI from its bundle', () => {
  const bundle = cliBundleDir();

  it('is made here, with its three entries', () => {
    expect(bundle).not.toBeNull();
    for (const entry of ['main.mjs', 'helper-thread.mjs', 'bench-load.mjs'])
      expect(readFileSync(join(bundle!, entry), 'utf8').length).toBeGreaterThan(0);
  });

  it('answers as the sources do', () => {
    const dump = join(PROJECT_ROOT, 'sample-dumps', 'leaks', 'linked-token.gcdump');
    const findings = heapscope(false, 'findings', dump, '--json');
    expect((JSON.parse(findings) as unknown[]).length).toBeGreaterThan(0);
    expect(findings).toBe(heapscope(true, 'findings', dump, '--json'));
    const transcript = fixturePath('sos', '105-vsprojectsystem-project-lock-wrapped-32bit.txt');
    expect(heapscope(false, 'stat', transcript)).toBe(heapscope(true, 'stat', transcript));
  });

  it("runs the analyses' thread: a BFS job answered as this thread answers it", async () => {
    const dump = readFileSync(join(PROJECT_ROOT, 'sample-dumps', 'leaks', 'linked-token.gcdump'));
    const heap = await loadHeap(byteSourceFromBytes(new Uint8Array(dump), 'linked-token.gcdump'));
    const { low, block, wide } = heap.edges.start;
    const job = (): BreadthFirstJob => ({
      kind: 'bfs',
      edges: { nodeCount: heap.nodes.count, low, block, wide, target: heap.edges.target },
      root: heap.rootIndex,
      parent: new Uint32Array(heap.nodes.count),
    });
    const here = runBreadthFirstJob(job());
    const thread = new Worker(pathToFileURL(join(bundle!, 'helper-thread.mjs')));
    try {
      const answer = await new Promise<BreadthFirstJobDone>((resolve, reject) => {
        thread.once('message', resolve);
        thread.once('error', reject);
        thread.postMessage(job());
      });
      expect(answer.reachableCount).toBeGreaterThan(1000);
      expect(answer.reachableCount).toBe(here.reachableCount);
      expect(Array.from(answer.parent)).toEqual(Array.from(here.parent));
      expect(Array.from(answer.distance)).toEqual(Array.from(here.distance));
    } finally {
      await thread.terminate();
    }
  });
});
