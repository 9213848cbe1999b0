/**
 * One answer per question: the page (the worker opens a Blob with openHeap and asks its HeapSession)
 * and the CLI (a separate `heapscope` process) must give identical answers on the real samples —
 * the histogram page, instances with size filters, root paths, findings with their paths.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fixturePath, PROJECT_ROOT } from '../test-support/fixtures';
import { analyzeOpened, byteSourceFromBlob, openHeap, type OpenedHeap } from './open-heap';
import { findingsJson, rootsJson } from './answer-text';
import type { HistogramPageRow } from './answers';

const BIN = join(PROJECT_ROOT, 'bin', 'heapscope.mjs');

function cli<T>(...args: string[]): T {
  const result = spawnSync(process.execPath, [BIN, ...args, '--json'], {
    encoding: 'utf8',
    cwd: PROJECT_ROOT,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`heapscope ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** What the worker does with a dropped file: a Blob read by slices, opened and analysed. */
async function openAsThePageDoes(path: string): Promise<OpenedHeap> {
  const opened = await openHeap(byteSourceFromBlob(new Blob([readFileSync(path)]), basename(path)));
  await analyzeOpened(opened);
  return opened;
}

/** Every row of the Types view (merged by name), paged as the view pages it. */
function allHistogramRows(opened: OpenedHeap): HistogramPageRow[] {
  const rows: HistogramPageRow[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = opened.histogram.page({
      sortKey: 'bytes',
      descending: true,
      filter: '',
      regex: false,
      mergeByName: true,
      offset,
      limit: 1000,
    });
    rows.push(...page.rows);
    if (offset + 1000 >= page.totalRows) return rows;
  }
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const SAMPLES = [
  {
    file: join(PROJECT_ROOT, 'sample-dumps/leaky-service/runaway-cts.gcdump'),
    // The Instances view of the `System.Byte[]` row with its size variants (` (Bytes > 10K)`), from
    // 0x8018 to 0x8018 bytes; no other type's name contains `System.Byte[]` in these files.
    instances: { typeName: 'System.Byte[]', min: 0x8018, max: 0x8018 },
  },
  {
    file: fixturePath('gcdump', 'gcdump-analyze-test1-maui-winui-coreclr9.gcdump'),
    instances: { typeName: 'System.Byte[]', min: 0, max: 100_000 },
  },
];

describe.each(SAMPLES)('page and CLI agree on $file', ({ file, instances }) => {
  let opened: OpenedHeap;

  it('the histogram, with retained bytes', async () => {
    opened = await openAsThePageDoes(file);
    const page = allHistogramRows(opened).map((row) => ({
      name: row.name,
      count: row.count,
      bytes: row.bytes,
      retained: row.retained,
    }));
    const stat = cli<{ types: { name: string; count: number; bytes: number; retained: number }[] }>(
      'stat',
      file,
      '--retained',
    );
    expect(page.length).toBeGreaterThan(100);
    expect(stat.types.slice().sort(byName)).toEqual(page.slice().sort(byName));
  });

  let largest = '';

  it('instances with size filters (the Instances view and dumpheap -type -min -max)', () => {
    const rows = [];
    for (let offset = 0; ; offset += 1000) {
      const answer = opened.session.instances({
        typeName: instances.typeName,
        includeSizeVariants: true,
        minSize: instances.min,
        maxSize: instances.max,
        liveness: 'all',
        sortKey: 'address',
        descending: false,
        offset,
        limit: 1000,
      });
      rows.push(...answer.rows);
      if (offset + 1000 >= answer.totalRows) break;
    }
    const dumpheap = cli<{ objects: { address: string; type: string; size: number; retained: number | null }[] }>(
      'dumpheap',
      file,
      '--type',
      instances.typeName,
      '--min',
      String(instances.min),
      '--max',
      String(instances.max),
    );
    expect(rows.length).toBeGreaterThan(10);
    largest = rows.reduce((a, b) => (b.size > a.size ? b : a)).address;
    expect(dumpheap.objects.map((o) => [o.address, o.type, o.size, o.retained])).toEqual(
      rows.map((row) => [row.address, row.type, row.size, row.retained]),
    );
  });

  it('findings, each with its root path, and the root paths of a finding target', () => {
    const findings = opened.session.findings();
    const page = findingsJson(findings.map((finding) => ({ finding, path: opened.session.findingPath(finding.id) })));
    expect(cli('findings', file)).toEqual(page);
    // gcroot of a finding's target, else of the largest instance above (the Roots view's question).
    const address = findings.find((finding) => finding.pathTarget.address !== '')?.pathTarget.address ?? largest;
    const roots = rootsJson(opened.session.rootPaths(opened.session.nodeAtAddress(address)!));
    expect(roots.paths.length).toBeGreaterThan(0);
    expect(cli('roots', file, '--address', address)).toEqual(roots);
  });
});
