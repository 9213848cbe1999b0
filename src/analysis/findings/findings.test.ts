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
import { severityOf } from './leak-suspects';
import { isReached } from '../bfs';

function findingsOf(heap: HeapModel) {
  return computeFindings(analyzeHeap(heap));
}

async function readSample(path: string) {
  const bytes = new Uint8Array(readFileSync(join(PROJECT_ROOT, path)));
  return (await readGcdump(byteSourceFromBytes(bytes, path))).heap;
}

/** Requests registered on a reload token, each keeping its buffer (.NET Core 3.x layout). */
const core31 = (bufferBytes: number) => `
  root -> [static vars] -> [static var App.Configuration] -> config:Microsoft.Extensions.Configuration.ConfigurationRoot
  config -> token:Microsoft.Extensions.Configuration.ConfigurationReloadToken -> cts:System.Threading.CancellationTokenSource
  cts -> parts:System.Threading.CancellationTokenSource+CallbackPartition[] -> part:System.Threading.CancellationTokenSource+CallbackPartition -> cts
  part -> n1:System.Threading.CancellationTokenSource+CallbackNode -> n2:System.Threading.CancellationTokenSource+CallbackNode -> n3:System.Threading.CancellationTokenSource+CallbackNode
  n2 -> n1; n3 -> n2; n1 -> part; n2 -> part; n3 -> part
  n1 -> ec1:System.Threading.ExecutionContext -> ctx1:AspNetTraceContext -> stream1:FileBufferingReadStream -> buf1:System.Byte[]:${bufferBytes}
  n2 -> ec2:System.Threading.ExecutionContext -> ctx2:AspNetTraceContext -> stream2:FileBufferingReadStream -> buf2:System.Byte[]:${bufferBytes}
  n3 -> ec3:System.Threading.ExecutionContext -> ctx3:AspNetTraceContext -> stream3:FileBufferingReadStream -> buf3:System.Byte[]:${bufferBytes}
  n1 -> config; n2 -> config; n3 -> config
`;

/** `count` members named `${prefix}k`, each made by `member(k)` (DSL lines). */
function members(count: number, member: (k: number) => string): string {
  return Array.from({ length: count }, (_, k) => member(k + 1)).join('\n');
}

describe('registrations on a CancellationTokenSource (the general analysis, with the API named)', () => {
  it('.NET Core 3.x layout: counts the list, names the owner, the reload token and what the callbacks keep', () => {
    const dsl = heapFromDsl(core31(400_000));
    const [finding, ...others] = findingsOf(dsl.heap);
    expect(others).toEqual([]);
    expect(finding.kind).toBe('runaway-cancellation-registrations');
    expect(finding.pattern).toBe('change-token-callback');
    expect(finding.count).toBe(3);
    expect(finding.accumulationPoint.node).toBe(dsl.node('part'));
    expect(finding.id).toBe(`runaway-cancellation-registrations@${finding.accumulationPoint.address}`);
    expect(finding.owner?.label).toBe('[static var App.Configuration]');
    expect(finding.owner?.node).toBe(dsl.node('config'));
    expect(finding.owners).toContain('ConfigurationReloadToken');
    expect(finding.keptAlive[0]).toEqual({ type: 'System.Byte[]', count: 3, bytes: 3 * 400_000 });
    expect(finding.keptAlive.map((r) => r.type)).toContain('FileBufferingReadStream');
    // Freed with the registrations: the 3 nodes and the 3 × 4 objects each holds alone.
    expect(finding.retainedBytes).toBe(3 * 400_000 + 3 * 10 + 3 * 3 * 10);
    // The path runs through the whole list (one run when long) to what the last one keeps.
    expect(Array.from(finding.rootPath!.objects, (node) => dsl.idOf(node))).toEqual([
      'config',
      'token',
      'cts',
      'parts',
      'part',
      'n1',
      'n2',
      'n3',
      'ec3',
      'ctx3',
      'stream3',
      'buf3',
    ]);
    expect(dsl.idOf(finding.pathTarget)).toBe('buf3');
    expect(finding.explanation.join(' ')).toMatch(/reload token/);
    expect(finding.explanation.join(' ')).toMatch(/ExecutionContext/);
  });

  it('stays silent when the registrations keep little (below 1 MB and 5% of the heap)', () => {
    expect(findingsOf(heapFromDsl(core31(32_792)).heap)).toEqual([]);
  });

  it(".NET 6+ layout (Registrations) in Mono's dotted spelling and CoreCLR's bare names: Token.Register", () => {
    for (const [registrations, node] of [
      [
        'System.Threading.CancellationTokenSource.Registrations',
        'System.Threading.CancellationTokenSource.CallbackNode',
      ],
      ['Registrations', 'CallbackNode'],
    ]) {
      const heap = heapFromDsl(`
        root -> [static vars] -> [static var Jobs.Stopping] -> cts:System.Threading.CancellationTokenSource -> regs:${registrations} -> n1:${node}
        regs -> cts
        ${members(4, (k) => `n${k} -> n${k + 1}:${node}; n${k + 1} -> n${k}`)}
        ${members(5, (k) => `n${k} -> a${k}:System.Action -> job${k}:JobState -> data${k}:System.Byte[]:300000`)}
      `).heap;
      const findings = findingsOf(heap);
      expect(findings.map((f) => [f.kind, f.pattern, f.count])).toEqual([
        ['runaway-cancellation-registrations', 'token-register', 5],
      ]);
      expect(findings[0].explanation.join(' ')).toMatch(/CancellationToken\.Register/);
    }
  });

  it('linked sources: CreateLinkedTokenSource named, one finding for the list (not one per linked source)', () => {
    const heap = heapFromDsl(`
      root -> [static vars] -> [static var Host.Stopping] -> cts:System.Threading.CancellationTokenSource -> regs:Registrations -> n1:CallbackNode
      ${members(7, (k) => `n${k} -> n${k + 1}:CallbackNode; n${k + 1} -> n${k}`)}
      ${members(8, (k) => `n${k} -> l${k}:Linked1CancellationTokenSource -> r${k}:Registrations -> c${k}:CallbackNode -> s${k}:RequestState -> b${k}:System.Byte[]:200000; l${k} -> n${k}`)}
    `).heap;
    const findings = findingsOf(heap);
    expect(findings.map((f) => [f.pattern, f.count])).toEqual([['linked-token-source', 8]]);
    expect(findings[0].title).toMatch(/CreateLinkedTokenSource/);
  });

  it('.NET Framework layout (SparselyPopulatedArray of CancellationCallbackInfo)', () => {
    const heap = heapFromDsl(`
      root -> [static vars] -> [static var App.Token] -> cts:System.Threading.CancellationTokenSource -> arrays:System.Threading.SparselyPopulatedArray<System.Threading.CancellationCallbackInfo>[]
      arrays -> spa:System.Threading.SparselyPopulatedArray<System.Threading.CancellationCallbackInfo> -> frag:System.Threading.SparselyPopulatedArrayFragment<System.Threading.CancellationCallbackInfo>
      frag -> infos:System.Threading.CancellationCallbackInfo[]
      ${members(3, (k) => `infos -> i${k}:System.Threading.CancellationCallbackInfo -> p${k}:Payload -> b${k}:System.Byte[]:500000; i${k} -> cts`)}
    `).heap;
    expect(findingsOf(heap).map((f) => [f.pattern, f.count])).toEqual([['token-register', 3]]);
  });
});

describe('the general analysis: a shape no recognizer knows', () => {
  it('a 1,200-long linked list under a static: one finding in general words, with its owner and path', () => {
    const dsl = heapFromDsl(
      'root -> [static vars] -> [static var Work.Pending] -> queue:WorkQueue -> WorkItem:1000*1200',
    );
    const findings = findingsOf(dsl.heap);
    expect(findings.map((f) => [f.kind, f.pattern, f.count, f.entryType])).toEqual([
      ['accumulation', 'general', 1200, 'WorkItem'],
    ]);
    expect(findings[0].accumulationPoint.node).toBe(dsl.node('queue'));
    expect(findings[0].owner?.label).toBe('[static var Work.Pending]');
    expect(findings[0].explanation[0]).toMatch(
      /^1,200 × WorkItem accumulate in a WorkQueue held by the static field Work\.Pending\./,
    );
    expect(findings[0].pathTarget).toBe(dsl.chains[0].first + 1199);
  });

  it('an array of many same-typed records under a static, among unrelated objects: one finding', () => {
    const dsl = heapFromDsl(`
      root -> [static vars] -> [static var Audit.Log] -> log:AuditLog -> items:AuditRecord[]
      ${members(50, (k) => `items -> r${k}:AuditRecord -> d${k}:System.Byte[]:100000`)}
      root -> [local vars] -> misc:Settings -> s:System.String:200
    `);
    const findings = findingsOf(dsl.heap);
    expect(findings.map((f) => [f.pattern, f.count, f.accumulationPoint.type])).toEqual([
      ['general', 50, 'AuditRecord[]'],
    ]);
  });

  it('does not report a registration list twice (list and chain)', () => {
    const heap = heapFromDsl(
      'root -> [static vars] -> [static var App.Stopping] -> cts:System.Threading.CancellationTokenSource -> regs:Registrations -> CallbackNode:1000**1500',
    ).heap;
    expect(findingsOf(heap).map((f) => [f.kind, f.count])).toEqual([['runaway-cancellation-registrations', 1500]]);
  });

  it('prefers the static that holds the accumulation over a stack local that also reaches it', () => {
    const dsl = heapFromDsl(`
      root -> [static vars] -> [static var Registry.All] -> registry:Registry -> list:System.Collections.Generic.List<Item> -> arr:Item[]
      root -> [local vars] -> frame:RequestFrame -> list
      ${members(20, (k) => `arr -> i${k}:Item -> p${k}:System.Byte[]:200000`)}
    `);
    const [finding] = findingsOf(dsl.heap);
    expect(finding.owner?.label).toBe('[static var Registry.All]');
    expect(finding.pattern).toBe('growing-static-collection');
  });
});

describe('event handler lists', () => {
  it('hundreds of handlers of a static event: one finding, however little each keeps', () => {
    const lines = [
      'root -> [static vars] -> [static var Prices.Changed] -> multicast:System.EventHandler -> list:System.Object[]',
    ];
    for (let k = 0; k < 150; k++) lines.push(`list -> h${k}:System.EventHandler -> w${k}:QuoteWatcher`);
    const findings = findingsOf(heapFromDsl(lines.join('\n')).heap);
    expect(findings.map((f) => [f.kind, f.pattern, f.count])).toEqual([
      ['growing-event-handler-list', 'event-subscription', 150],
    ]);
    expect(findings[0].keptAlive.map((row) => [row.type, row.count])).toContainEqual(['QuoteWatcher', 150]);
    expect(findings[0].owner?.label).toBe('[static var Prices.Changed]');
    expect(findings[0].severity).toBe('warning');
  });

  it('a few views kept by an event of a long-lived object: found, since each keeps its whole tree', () => {
    const lines = [
      'root -> [static vars] -> [static var Shell.Current] -> shell:AppShell -> multicast:System.EventHandler -> list:System.Object[]',
    ];
    for (let k = 0; k < 3; k++)
      lines.push(`list -> h${k}:System.EventHandler -> p${k}:OrdersPage -> tree${k}:System.Byte[]:20000`);
    const findings = findingsOf(heapFromDsl(lines.join('\n')).heap);
    expect(findings.map((f) => [f.pattern, f.count])).toEqual([['page-kept-by-event', 3]]);
    expect(findings[0].title).toMatch(/views kept alive by an event/);
  });
});

describe('severity follows the bytes kept alive', () => {
  it('a small leak is a warning, a large one critical (SEVERITY_RULE)', () => {
    expect(severityOf(1.3e6, 0.6)).toBe('warning');
    expect(severityOf(89.5e6, 0.2)).toBe('critical');
    expect(severityOf(12e6, 0.3)).toBe('critical');
  });
});

describe('findings on real and generated dumps', () => {
  it('LeakyService sample: the reload-token registrations and the static event, with the 32,792-byte buffers', async () => {
    const heap = await readSample('sample-dumps/leaky-service/runaway-cts.gcdump');
    const findings = findingsOf(heap);
    expect(findings.map((f) => f.pattern)).toEqual(['change-token-callback', 'event-subscription']);
    const cts = findings[0];
    // The list head's Id is 17,818 (sample-dumps/README.md): every registration on the list.
    expect(cts.count).toBe(17_818);
    expect(cts.owners).toContain('ConfigurationReloadToken');
    const buffers = cts.keptAlive.find((r) => r.type === 'System.Byte[] (Bytes > 10K)')!;
    expect(buffers.count).toBe(17_812);
    expect(buffers.bytes).toBe(buffers.count * 32_792);
    const event = findings[1];
    expect(event.count).toBe(279);
    expect(event.keptAlive.map((row) => row.type)).toContain('LeakyService.QuoteWatcher');
  });

  it('the audit-trail sample: a hand-written linked list is called one, its head the holder', async () => {
    const findings = findingsOf(await readSample('sample-dumps/leaks/audit-trail.gcdump'));
    expect(findings.map((f) => [f.pattern, f.count])).toEqual([['general', 6011]]);
    expect(findings[0].title).toBe('6,011 × AuditRecord in one linked list');
    expect(findings[0].explanation[0]).toMatch(/^6,011 × LeakZoo\.AuditRecord form one linked list, its head held by /);
  });

  it('LeakyService control sample: no findings', async () => {
    expect(findingsOf(await readSample('sample-dumps/leaky-service/control.gcdump'))).toEqual([]);
  });

  it('generated incident: the registration list with its exact length', () => {
    const { heap, facts } = buildIncidentHeap({ objects: 120_000, seed: 5 });
    const finding = findingsOf(heap).find((f) => f.kind === 'runaway-cancellation-registrations')!;
    expect(finding.count).toBe(facts.chainLength);
    expect(finding.pattern).toBe('change-token-callback');
    expect(finding.owners).toEqual(['CallbackPartition[]', 'CancellationTokenSource', 'ConfigurationReloadToken']);
  });

  it("PerfView's 2014 WPF sample: its 15,418 TimerQueueTimers are garbage no root reaches, so no finding", async () => {
    const name = 'perfview-test2-wpf-netfx45-x86-2014.gcdump';
    const { heap } = await readGcdump(byteSourceFromBytes(readFixture('gcdump', name), name));
    const context = analyzeHeap(heap);
    let timers = 0;
    for (let node = 0; node < heap.nodes.count; node++)
      if (heap.types.names[heap.nodes.type[node]] === 'System.Threading.TimerQueueTimer') {
        timers++;
        expect(isReached(context.bfs, node)).toBe(false);
      }
    expect(timers).toBe(15_418);
    expect(computeFindings(context)).toEqual([]);
  });

  /** The one finding of a MAUI fixture whose LeakyPages stay subscribed to Window.PropertyChanged. */
  async function leakyPagesOf(name: string, pages: number, root: string, invocationList: string) {
    const { heap } = await readGcdump(byteSourceFromBytes(readFixture('gcdump', name), name));
    const findings = findingsOf(heap);
    expect(findings.map((f) => [f.pattern, f.count, f.entryType])).toEqual([
      ['page-kept-by-event', pages, 'System.ComponentModel.PropertyChangedEventHandler'],
    ]);
    expect(findings[0].accumulationPoint.type).toBe(invocationList);
    expect(findings[0].explanation[0]).toContain(
      `${pages} LeakyPage objects are still subscribed (PropertyChangedEventHandler) to an event of Window, which lives longer than they do (reached from the static field ${root})`,
    );
    // The owner is the event's publisher, the Window, not the first object under the root.
    expect(findings[0].owner?.type).toBe('Microsoft.Maui.Controls.Window');
    return findings[0];
  }

  it("the MAUI WinUI sample's four LeakyPages, kept by the Window's PropertyChanged event", async () => {
    await leakyPagesOf(
      'gcdump-analyze-test1-maui-winui-coreclr9.gcdump',
      4,
      'Microsoft.Maui.ApplicationModel.WindowStateManagerImplementation.defaultImplementation',
      'System.Object[]',
    );
  });

  it("the Android MAUI sample's three LeakyPages, the same leak with Mono's Delegate[] invocation list", async () => {
    const finding = await leakyPagesOf(
      'gcdump-analyze-leakypage-maui-android-arm64.gcdump',
      3,
      'Microsoft.Maui.Controls.Application.<Current>k__BackingField',
      'System.Delegate[]',
    );
    expect(finding.keptAlive.map((row) => [row.type, row.count])).toContainEqual(['hellomauileak.LeakyPage', 3]);
  });
});
