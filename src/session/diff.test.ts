/**
 * `heapscope diff` on a real pair: one LeakyService process dumped by dotnet-gcdump after 5,000 and
 * after 17,812 leaking requests (sample-dumps/diff/, tools/capture-diff-pair.sh), and a control pair
 * of a process with the leak off after the same traffic.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { byteSourceFromBytes } from '../formats/byte-source';
import { openHeap } from './open-heap';
import { diffHeaps, diffSideOf, growthPasses, parseGrowthThreshold, type DiffSide } from './diff';
import { PROJECT_ROOT } from '../test-support/fixtures';

async function side(name: string): Promise<DiffSide> {
  const bytes = new Uint8Array(readFileSync(join(PROJECT_ROOT, 'sample-dumps/diff', name)));
  const opened = await openHeap(byteSourceFromBytes(bytes, name));
  await opened.session.analyze();
  return diffSideOf(name, opened);
}

describe('diff of two dumps of one process', () => {
  it('the leaky pair: +12,812 CallbackNodes, growing in the reload token’s registrations; the finding grew', async () => {
    const diff = diffHeaps(await side('before.gcdump'), await side('after.gcdump'));
    const callbackNodes = diff.types.find((row) => row.name === 'CallbackNode')!;
    expect(callbackNodes.countDelta).toBe(12_812);
    const buffers = diff.types.find((row) => row.name === 'System.Byte[] (Bytes > 10K)')!;
    expect(buffers).toMatchObject({ countDelta: 12_812, bytesDelta: 12_812 * 32_792 });
    // The biggest growth: the registrations, through the ConfigurationReloadToken's CancellationTokenSource.
    const growth = diff.growth[0];
    expect(growth).toMatchObject({ type: 'CallbackNode', accumulationPoint: 'Registrations', countDelta: 12_812 });
    expect(growth.path.slice(-5)).toEqual([
      'Microsoft.Extensions.Configuration.ConfigurationManager',
      'Microsoft.Extensions.Configuration.ConfigurationReloadToken',
      'System.Threading.CancellationTokenSource',
      'Registrations',
      'CallbackNode',
    ]);
    expect(growth.retainedDelta).toBeGreaterThan(12_812 * 32_792);
    // The static event's handlers grew too (79 → 279), under the static that holds them.
    const handlers = diff.growth.find(
      (entry) => entry.type === 'System.EventHandler<LeakyService.PriceChangedEventArgs>',
    )!;
    expect(handlers).toMatchObject({ countBefore: 79, countAfter: 279, countDelta: 200 });
    expect(handlers.owner).toBe('[static var System.EventHandler<LeakyService.PriceChangedEventArgs>.PriceChanged]');
    // Findings: the registrations grew on the same owner; the event's 279 handlers are now a finding.
    expect(diff.findings).toContainEqual(
      expect.objectContaining({ status: 'grown', pattern: 'change-token-callback', countAfter: 17_818 }),
    );
    const grown = diff.findings.find((f) => f.status === 'grown')!;
    expect(grown.countAfter! - grown.countBefore!).toBe(12_812);
    expect(diff.findings).toContainEqual(
      expect.objectContaining({ status: 'new', pattern: 'event-subscription', countAfter: 279 }),
    );
    expect(growthPasses(diff, parseGrowthThreshold('10MB')!)).toBe(true);
  });

  it('before the current dump is analysed: the same types by count and bytes, marked pending, no finding called gone', async () => {
    const before = await side('before.gcdump');
    const bytes = new Uint8Array(readFileSync(join(PROJECT_ROOT, 'sample-dumps/diff', 'after.gcdump')));
    const opened = await openHeap(byteSourceFromBytes(bytes, 'after.gcdump'));
    const early = diffHeaps(before, diffSideOf('after.gcdump', opened));
    expect(early.pending).toBe(true);
    expect(early.growth).toEqual([]);
    expect(early.findings).toEqual([]);
    expect(early.growthNote).toMatch(/once the dominators of after\.gcdump are known/);
    // Between the analysis stages (where the worker answers the page): the growth paths come as soon
    // as the dominators are known, before retained sizes and findings; they are the final ones.
    const between: ReturnType<typeof diffHeaps>[] = [];
    await opened.session.analyze(undefined, undefined, async () => {
      if (!opened.session.analyzed) between.push(diffHeaps(before, diffSideOf('after.gcdump', opened)));
    });
    const withGrowth = between.filter((diff) => diff.growth.length > 0);
    expect(withGrowth.length).toBeGreaterThan(0);
    expect(between.length - withGrowth.length).toBe(1); // after reverse edges: no dominators yet (they come before the BFS)
    expect(withGrowth.every((diff) => diff.pending && diff.findings.length === 0)).toBe(true);
    const full = diffHeaps(before, diffSideOf('after.gcdump', opened));
    // The same growth; once the findings are in, an entry's path and holder are told as its finding's story.
    const grown = (diff: ReturnType<typeof diffHeaps>) =>
      diff.growth.map(({ type, countDelta, retainedDelta }) => ({ type, countDelta, retainedDelta }));
    expect(grown(withGrowth[0])).toEqual(grown(full));
    expect(full.pending).toBe(false);
    const counts = (rows: typeof full.types) =>
      rows.map(({ name, countDelta, bytesDelta, status }) => ({ name, countDelta, bytesDelta, status }));
    expect(counts(early.types)).toEqual(counts(full.types));
    expect(early.types.every((row) => row.retainedDelta === null)).toBe(true);
  });

  it('the control pair: no finding, new or grown, and no growth of a megabyte', async () => {
    const diff = diffHeaps(await side('control-before.gcdump'), await side('control-after.gcdump'));
    expect(diff.findings).toEqual([]);
    expect(diff.growth.every((entry) => entry.retainedDelta < 1_000_000)).toBe(true);
    expect(growthPasses(diff, parseGrowthThreshold('1MB')!)).toBe(false);
  });

  it('a dump compared with itself: no growth, no changed type, findings the same', async () => {
    const after = await side('after.gcdump');
    const diff = diffHeaps(after, after);
    expect(diff.growth).toEqual([]);
    expect(diff.types).toEqual([]);
    expect(diff.findings.every((f) => f.status === 'same')).toBe(true);
    expect(growthPasses(diff, parseGrowthThreshold('0.1%')!)).toBe(false);
  });

  it('two transcripts compare types and findings, and say why there are no growth paths; a mixed pair says it is one', async () => {
    const open = async (path: string) => {
      const opened = await openHeap(byteSourceFromBytes(new Uint8Array(readFileSync(join(PROJECT_ROOT, path))), path));
      await opened.session.analyze();
      return diffSideOf(path.split('/').pop()!, opened);
    };
    const linked = await open('sample-dumps/leaks/linked-token.sos.txt');
    const runaway = await open('sample-dumps/leaky-service/runaway-cts.sos.txt');
    const transcripts = diffHeaps(linked, runaway);
    expect(transcripts.growth).toEqual([]);
    expect(transcripts.growthNote).toBe(
      'they need a complete reference graph, which an SOS transcript does not have: types and findings only',
    );
    expect(transcripts.types.length).toBeGreaterThan(0);
    expect(transcripts.findings.map((f) => f.status).sort()).toEqual(['gone', 'new']);
    const mixed = diffHeaps(runaway, await side('after.gcdump'));
    expect(mixed.growth).toEqual([]);
    expect(mixed.growthNote).toMatch(/^a mixed pair \(an SOS transcript and a \.gcdump\) compares types only/);
  });

  it('thresholds: sizes and percentages', () => {
    expect(parseGrowthThreshold('10MB')).toEqual({ bytes: 10_000_000 });
    expect(parseGrowthThreshold('512kb')).toEqual({ bytes: 512_000 });
    expect(parseGrowthThreshold('1048576')).toEqual({ bytes: 1_048_576 });
    expect(parseGrowthThreshold('5%')).toEqual({ percent: 5 });
    expect(parseGrowthThreshold('lots')).toBeNull();
  });

  it('the CLI: exit 1 past --fail-on-growth, 0 for a dump against itself; JSON rows as specified', () => {
    const bin = join(PROJECT_ROOT, 'bin', 'heapscope.mjs');
    const dir = join(PROJECT_ROOT, 'sample-dumps/diff');
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'diff', ...args], { encoding: 'utf8' });
    const leaky = run(join(dir, 'before.gcdump'), join(dir, 'after.gcdump'), '--fail-on-growth', '10MB', '--json');
    expect(leaky.status).toBe(1);
    const json = JSON.parse(leaky.stdout) as { types: Record<string, unknown>[]; growth: Record<string, unknown>[] };
    expect(Object.keys(json.types[0]).sort()).toEqual(
      [
        'bytesAfter',
        'bytesBefore',
        'bytesDelta',
        'countAfter',
        'countBefore',
        'countDelta',
        'name',
        'retainedDelta',
        'status',
      ].sort(),
    );
    expect(json.growth[0]).toMatchObject({
      type: 'CallbackNode',
      accumulationPoint: 'Registrations',
      countDelta: 12_812,
    });
    const same = run(join(dir, 'after.gcdump'), join(dir, 'after.gcdump'), '--fail-on-growth', '1%');
    expect(same.status).toBe(0);
    expect(same.stdout).toContain('No growth: no path of the heap gained objects.');
  });
});
