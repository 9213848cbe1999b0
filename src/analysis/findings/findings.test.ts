import { describe, expect, it } from 'vitest';
import { heapFromDsl } from '../graph-dsl';
import { analyzeHeap } from '../analyze-heap';
import { computeFindings } from './index';
import { readGcdump } from '../../formats/gcdump/gcdump-reader';
import { byteSourceFromBytes } from '../../formats/byte-source';
import { readFixture } from '../../test-support/fixtures';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../test-support/fixtures';
import type { HeapModel } from '../../heap/types';
import { buildIncidentHeap } from '../../../tools/generate/incident-heap';

function findingsOf(heap: HeapModel, thresholds = {}) {
  return computeFindings(analyzeHeap(heap), thresholds);
}

async function readSample(path: string) {
  const bytes = new Uint8Array(readFileSync(join(PROJECT_ROOT, path)));
  return (await readGcdump(byteSourceFromBytes(bytes, path))).heap;
}

/** Three requests registered on a reload token, each keeping its 32 KB buffer (.NET Core 3.x layout). */
const CORE31 = `
  root -> [static vars] -> [static var App.Configuration] -> config:Microsoft.Extensions.Configuration.ConfigurationRoot
  config -> token:Microsoft.Extensions.Configuration.ConfigurationReloadToken -> cts:System.Threading.CancellationTokenSource
  cts -> parts:System.Threading.CancellationTokenSource+CallbackPartition[] -> part:System.Threading.CancellationTokenSource+CallbackPartition -> cts
  part -> n1:System.Threading.CancellationTokenSource+CallbackNode -> n2:System.Threading.CancellationTokenSource+CallbackNode -> n3:System.Threading.CancellationTokenSource+CallbackNode
  n2 -> n1; n3 -> n2; n1 -> part; n2 -> part; n3 -> part
  n1 -> ec1:System.Threading.ExecutionContext -> ctx1:AspNetTraceContext -> stream1:FileBufferingReadStream -> buf1:System.Byte[]:32792
  n2 -> ec2:System.Threading.ExecutionContext -> ctx2:AspNetTraceContext -> stream2:FileBufferingReadStream -> buf2:System.Byte[]:32792
  n3 -> ec3:System.Threading.ExecutionContext -> ctx3:AspNetTraceContext -> stream3:FileBufferingReadStream -> buf3:System.Byte[]:32792
  n1 -> config; n2 -> config; n3 -> config
`;

describe('runaway CancellationToken registrations', () => {
  it('.NET Core 3.x layout: counts registrations, names the owner and what the callbacks keep alive', () => {
    const dsl = heapFromDsl(CORE31);
    const [finding, ...others] = findingsOf(dsl.heap, { registrations: 3 });
    expect(others).toEqual([]);
    expect(finding.kind).toBe('runaway-cancellation-registrations');
    expect(finding.count).toBe(3);
    expect(finding.anchor.node).toBe(dsl.node('cts'));
    expect(finding.id).toBe(`runaway-cancellation-registrations@${finding.anchor.address}`);
    expect(finding.owners).toEqual([
      'Microsoft.Extensions.Configuration.ConfigurationReloadToken',
      'Microsoft.Extensions.Configuration.ConfigurationRoot',
    ]);
    expect(finding.keptAlive[0]).toEqual({ type: 'System.Byte[]', count: 3, bytes: 3 * 32792 });
    expect(finding.keptAlive.map((r) => r.type)).toContain('FileBufferingReadStream');
    // Freed with the registrations: the 3 nodes and the 3 × 4 objects each holds alone.
    expect(finding.retainedBytes).toBe(3 * 32792 + 3 * 10 + 3 * 3 * 10);
    expect(dsl.idOf(finding.pathTarget)).toMatch(/^buf[123]$/);
    expect(finding.explanation.join(' ')).toMatch(/ExecutionContext/);
    expect(finding.explanation.join(' ')).toMatch(/reload token/);
  });

  it('stays silent below the threshold', () => {
    expect(findingsOf(heapFromDsl(CORE31).heap, { registrations: 4 })).toEqual([]);
  });

  it(".NET 6+ layout (Registrations) in Mono's dotted spelling, and CoreCLR's bare nested names", () => {
    for (const [registrations, node] of [
      [
        'System.Threading.CancellationTokenSource.Registrations',
        'System.Threading.CancellationTokenSource.CallbackNode',
      ],
      ['Registrations', 'CallbackNode'],
    ]) {
      const heap = heapFromDsl(
        `root -> [local vars] -> cts:System.Threading.CancellationTokenSource -> regs:${registrations} -> ${node}**5; regs -> cts`,
      ).heap;
      const findings = findingsOf(heap, { registrations: 5 });
      expect(findings.map((f) => [f.kind, f.count])).toEqual([['runaway-cancellation-registrations', 5]]);
    }
  });

  it('.NET Framework layout (SparselyPopulatedArray of CancellationCallbackInfo)', () => {
    const heap = heapFromDsl(`
      root -> [local vars] -> cts:System.Threading.CancellationTokenSource -> arrays:System.Threading.SparselyPopulatedArray<System.Threading.CancellationCallbackInfo>[]
      arrays -> spa:System.Threading.SparselyPopulatedArray<System.Threading.CancellationCallbackInfo> -> frag:System.Threading.SparselyPopulatedArrayFragment<System.Threading.CancellationCallbackInfo>
      frag -> infos:System.Threading.CancellationCallbackInfo[] -> i1:System.Threading.CancellationCallbackInfo; infos -> i2:System.Threading.CancellationCallbackInfo
      infos -> i3:System.Threading.CancellationCallbackInfo; i1 -> cts; i2 -> cts; i3 -> cts`).heap;
    expect(findingsOf(heap, { registrations: 3 }).map((f) => f.count)).toEqual([3]);
  });
});

describe('long homogeneous chains', () => {
  it('reports a 1,200-long list once, with its owner', () => {
    const dsl = heapFromDsl(
      'root -> [static vars] -> [static var Work.Pending] -> queue:WorkQueue -> WorkItem:40*1200',
    );
    const findings = findingsOf(dsl.heap);
    expect(findings.map((f) => [f.kind, f.count])).toEqual([['long-homogeneous-chain', 1200]]);
    expect(findings[0].owners).toEqual(['WorkQueue', '[static var Work.Pending]']);
    expect(findings[0].pathTarget).toBe(dsl.chains[0].first + 1199);
  });

  it('does not report a registration chain twice', () => {
    const heap = heapFromDsl(
      'root -> [local vars] -> cts:System.Threading.CancellationTokenSource -> regs:Registrations -> CallbackNode**1500',
    ).heap;
    expect(findingsOf(heap).map((f) => f.kind)).toEqual(['runaway-cancellation-registrations']);
  });
});

describe('event handler lists that only grow', () => {
  it('reports an invocation list of handlers and who subscribed', () => {
    const lines = [
      'root -> [static vars] -> [static var Prices.Changed] -> multicast:System.EventHandler -> list:System.Object[]',
    ];
    for (let k = 0; k < 4; k++)
      lines.push(
        `list -> h${k}:System.EventHandler -> w${k}:QuoteWatcher; h${k} -> m:System.Reflection.RuntimeMethodInfo`,
      );
    const findings = findingsOf(heapFromDsl(lines.join('\n')).heap, { handlers: 4 });
    expect(findings.map((f) => [f.kind, f.count])).toEqual([['growing-event-handler-list', 4]]);
    expect(findings[0].keptAlive).toEqual([{ type: 'QuoteWatcher', count: 4, bytes: 40 }]);
    expect(findings[0].owners).toEqual(['System.EventHandler', '[static var Prices.Changed]']);
  });
});

describe('findings on real and generated dumps', () => {
  it('LeakyService sample: the reload-token registrations and the static event, with the 32,792-byte buffers', async () => {
    const heap = await readSample('sample-dumps/leaky-service/runaway-cts.gcdump');
    const findings = findingsOf(heap);
    const cts = findings.find((f) => f.kind === 'runaway-cancellation-registrations')!;
    expect(cts.count).toBeGreaterThanOrEqual(17_812);
    expect(cts.owners[0]).toBe('Microsoft.Extensions.Configuration.ConfigurationReloadToken');
    const buffers = cts.keptAlive.find((r) => r.type === 'System.Byte[] (Bytes > 10K)')!;
    expect(buffers.count).toBeGreaterThanOrEqual(17_812);
    expect(buffers.bytes).toBe(buffers.count * 32_792);
    expect(heap.types.names[heap.nodes.type[cts.pathTarget]]).toBe('System.Byte[] (Bytes > 10K)');
    const event = findings.find((f) => f.kind === 'growing-event-handler-list')!;
    expect(event.count).toBe(279);
    expect(event.keptAlive[0].type).toBe('LeakyService.QuoteWatcher');
  });

  it('LeakyService control sample: no such findings', async () => {
    const findings = findingsOf(await readSample('sample-dumps/leaky-service/control.gcdump'));
    expect(findings.filter((f) => f.kind === 'runaway-cancellation-registrations')).toEqual([]);
  });

  it('generated incident: the chain with its exact length', () => {
    const { heap, facts } = buildIncidentHeap({ objects: 120_000, seed: 5 });
    const [finding] = findingsOf(heap);
    expect(finding.kind).toBe('runaway-cancellation-registrations');
    expect(finding.count).toBe(facts.chainLength);
    expect(finding.anchor.node).toBe(facts.cancellationTokenSource);
    expect(finding.owners).toEqual([
      'Microsoft.Extensions.Configuration.ConfigurationReloadToken',
      'Microsoft.Extensions.Configuration.ConfigurationRoot',
    ]);
  });

  it("PerfView's 2014 WPF sample: 15,381 TimerQueueTimers in one chain", async () => {
    const name = 'perfview-test2-wpf-netfx45-x86-2014.gcdump';
    const { heap } = await readGcdump(byteSourceFromBytes(readFixture('gcdump', name), name));
    const findings = findingsOf(heap);
    expect(findings.map((f) => [f.kind, f.count, f.anchor.type])).toEqual([
      ['long-homogeneous-chain', 15381, 'System.Threading.TimerQueueTimer'],
    ]);
  });
});
