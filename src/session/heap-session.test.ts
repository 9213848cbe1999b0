import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeapSession } from './heap-session';
import { HeapBuilder } from '../heap/heap-builder';
import { NodeFlag } from '../heap/types';
import { readGcdump } from '../formats/gcdump/gcdump-reader';
import { byteSourceFromBytes } from '../formats/byte-source';
import { PROJECT_ROOT } from '../test-support/fixtures';
import { typeHistogram } from '../analysis/histogram';
import { buildIncidentHeap } from '../../tools/generate/incident-heap';

async function session(path: string) {
  const bytes = new Uint8Array(readFileSync(join(PROJECT_ROOT, path)));
  const s = new HeapSession((await readGcdump(byteSourceFromBytes(bytes, path))).heap);
  await s.analyze();
  return s;
}

describe('HeapSession on the LeakyService sample', () => {
  it('findings → root path with a CallbackNode run → its members, paged', async () => {
    const s = await session('sample-dumps/leaky-service/runaway-cts.gcdump');
    const finding = s.findings().find((f) => f.kind === 'runaway-cancellation-registrations')!;
    expect(finding.pathTarget.type).toBe('System.Byte[] (Bytes > 10K)');
    const answer = s.rootPaths(finding.pathTarget.node);
    expect(answer.target.node).toBe(finding.pathTarget.node);
    const pathIndex = answer.paths.findIndex((p) => p.steps.some((step) => 'run' in step));
    expect(pathIndex).toBeGreaterThanOrEqual(0);
    const run = answer.paths[pathIndex].steps.find((step) => 'run' in step)!;
    if (!('run' in run)) throw new Error('no run');
    expect(run.run.type).toBe('CallbackNode');
    const first = s.runMembers(pathIndex, run.run.firstNode, run.run.lastNode, 0, 5);
    expect(first.total).toBe(run.run.count);
    expect(first.rows.map((r) => r.type)).toEqual(Array(5).fill('CallbackNode'));
    expect(first.rows[0].node).toBe(run.run.firstNode);
    const last = s.runMembers(pathIndex, run.run.firstNode, run.run.lastNode, run.run.count - 1, 5);
    expect(last.rows.map((r) => r.node)).toEqual([run.run.lastNode]);
  });

  it('a run is searched by member number and by address fragment', async () => {
    const s = await session('sample-dumps/leaky-service/runaway-cts.gcdump');
    const finding = s.findings().find((f) => f.kind === 'runaway-cancellation-registrations')!;
    const answer = s.rootPaths(finding.pathTarget.node);
    const pathIndex = answer.paths.findIndex((p) => p.steps.some((step) => 'run' in step));
    const step = answer.paths[pathIndex].steps.find((st) => 'run' in st)!;
    if (!('run' in step)) throw new Error('no run');
    const { firstNode, lastNode, count } = step.run;
    const all = { rows: [] as { node: number; address: string }[] };
    for (let offset = 0; offset < count; offset += 1000)
      all.rows.push(...s.runMembers(pathIndex, firstNode, lastNode, offset, 1000).rows);
    expect(all.rows).toHaveLength(count);
    // #N jumps to member N (1-based); a bare number too; past the end, the last.
    const jump = s.runMembers(pathIndex, firstNode, lastNode, 0, 3, { text: '#8906' });
    expect(jump.offset).toBe(8905);
    expect(jump.rows.map((r) => r.node)).toEqual(all.rows.slice(8905, 8908).map((r) => r.node));
    expect(s.runMembers(pathIndex, firstNode, lastNode, 0, 1, { text: '99999999' }).rows[0].node).toBe(lastNode);
    // An address, whole or in part: the members that contain it, with their places in the run.
    const member = all.rows[12_345];
    const exact = s.runMembers(pathIndex, firstNode, lastNode, 0, 10, { text: member.address });
    expect(exact.rows.map((r) => r.node)).toEqual([member.node]);
    expect(exact.positions).toEqual([12_346]);
    const part = member.address.slice(-5);
    const partial = s.runMembers(pathIndex, firstNode, lastNode, 0, 1000, { text: `0x${part}` });
    const expected = all.rows.flatMap((r, i) => (r.address.includes(part) ? [i + 1] : []));
    expect(partial.total).toBe(expected.length);
    expect(partial.positions).toEqual(expected.slice(0, 1000));
    expect(s.runMembers(pathIndex, firstNode, lastNode, 0, 10, { text: 'not hex!' }).total).toBe(0);
  });

  it("the inspector says why the finding's CancellationTokenSource retains so little, and a member too", async () => {
    const s = await session('sample-dumps/leaky-service/runaway-cts.gcdump');
    const finding = s.findings().find((f) => f.kind === 'runaway-cancellation-registrations')!;
    const path = s.rootPaths(finding.pathTarget.node).paths[0];
    const plain = path.steps.filter((step) => !('run' in step)) as { node: number; type: string }[];
    const cts = plain.find((step) => step.type === 'System.Threading.CancellationTokenSource')!;
    const details = s.object(cts.node)!;
    expect(details.retained).toBeLessThan(1000);
    expect(details.ownershipNote).toMatch(
      /^Retains \d+ bytes by itself, while the finding "17,818 change-token callbacks never disposed .*" frees 595\.7 MB: the 17,818 × CallbackNode it leads to are also reached through other references/,
    );
    const run = path.steps.find((step) => 'run' in step)!;
    if (!('run' in run)) throw new Error('no run');
    expect(s.object(run.run.firstNode)!.ownershipNote).toMatch(
      /^One of the 17,818 × CallbackNode of the finding .*: each keeps little alone .*; together they keep 595\.7 MB alive\.$/,
    );
    // An object off the story has no note.
    expect(s.object(finding.pathTarget.node)!.ownershipNote).toBeNull();
  });

  it('instances: the 32,792-byte buffers, largest retained first, with statistics and size bins', async () => {
    const s = await session('sample-dumps/leaky-service/runaway-cts.gcdump');
    const query = {
      typeName: 'System.Byte[]',
      includeSizeVariants: true,
      minSize: 0x8018,
      maxSize: 0x8018,
      liveness: 'all',
      sortKey: 'retained',
      descending: true,
      offset: 0,
      limit: 50,
    } as const;
    const page = s.instances(query);
    expect(page.matching.count).toBeGreaterThanOrEqual(17_812);
    expect(page.matching.bytes).toBe(page.matching.count * 32_792);
    expect(page.rows).toHaveLength(50);
    expect(page.rows.every((r) => r.size === 32_792 && r.distance !== null)).toBe(true);
    expect(page.sizeBins).toEqual([{ from: 32768, to: 65535, count: page.matching.count }]);
    // The buffer farthest from the roots hangs at the end of the chain, held by its request's trace context.
    const farthest = s.instances({ ...query, sortKey: 'distance', descending: true, offset: 0, limit: 1 }).rows[0];
    const details = s.object(farthest.node)!;
    expect(details.referencesIn).toBe(1);
    expect(s.references(details.node, 'in', 0, 10).rows.map((r) => r.type)).toEqual([
      'LeakyService.RequestTraceContext',
    ]);
  });

  it('per-type retained bytes: CallbackNode retains the buffers', async () => {
    const s = await session('sample-dumps/leaky-service/runaway-cts.gcdump');
    const rows = typeHistogram(s.heap);
    const retained = s.retainedByRow(rows)!;
    const callbackNode = rows.findIndex((r) => r.name === 'CallbackNode');
    expect(retained[callbackNode]).toBeGreaterThan(17_812 * 32_792);
    rows.forEach((row, i) => expect(retained[i]).toBeGreaterThanOrEqual(row.bytes));
  });
});

describe('HeapSession on the generated incident', () => {
  it('the CancellationTokenSource that owns the chain is among the top retainers and retains the buffers', async () => {
    const { heap, facts } = buildIncidentHeap({ objects: 150_000, seed: 3 });
    const s = new HeapSession(heap);
    await s.analyze();
    // Walk down the biggest retainers: the CTS appears within the first levels.
    const seen: number[] = [];
    let level = s.dominatorChildren(null, 0, 10).rows;
    for (let depth = 0; depth < 12 && level.length > 0; depth++) {
      seen.push(...level.map((r) => r.node));
      level = s.dominatorChildren(level[0].node, 0, 10).rows;
    }
    expect(seen).toContain(facts.cancellationTokenSource);
    const cts = s.object(facts.cancellationTokenSource)!;
    expect(cts.retained).toBeGreaterThan(facts.chainLength * 32_792);
    expect(s.nodeAtAddress(cts.address)).toBe(facts.cancellationTokenSource);
  });
});

describe('unreachable objects', () => {
  it('counts defined, non-pseudo objects no root reaches, and their bytes', async () => {
    const builder = new HeapBuilder('gcdump');
    const roots = builder.addType('[.NET Roots]');
    const label = builder.addType('[orphan label]');
    const order = builder.addType('Contoso.Order');
    const root = builder.addNode(roots, 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
    const live = builder.addNode(order, 64, 0x1000, 0, NodeFlag.Defined);
    builder.addNode(order, 100, 0x2000, 0, NodeFlag.Defined);
    builder.addNode(order, 28, 0x3000, 0, NodeFlag.Defined);
    // A pseudo-node no root reaches is not an object: not counted.
    builder.addNode(label, 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
    builder.addEdge(root, live);
    builder.setRoot(root);
    const s = new HeapSession(builder.build());
    expect(s.unreachable()).toBeNull();
    await s.analyze();
    expect(s.unreachable()).toEqual({ count: 2, bytes: 128 });
  });

  it("on PerfView's WPF fixture, the dead objects it carries", async () => {
    const s = await session('test-data/gcdump/perfview-test2-wpf-netfx45-x86-2014.gcdump');
    const dead = s.unreachable()!;
    expect(dead.count).toBeGreaterThan(0);
    // Independently: every defined object minus those the instances view calls live.
    const page = s.instances({
      typeName: '',
      match: 'substring',
      includeSizeVariants: true,
      minSize: null,
      maxSize: null,
      liveness: 'dead',
      sortKey: 'size',
      descending: true,
      offset: 0,
      limit: 1,
    });
    expect(page.matching).toEqual(dead);
  });
});
