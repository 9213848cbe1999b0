/**
 * Facts read by hand from each real transcript in test-data/sos/ (and our own service's),
 * asserted against what the importer yields. Each number here was read off the file, not off the
 * importer's output.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { typeHistogram } from '../../analysis/histogram';
import { byteSourceFromBytes } from '../byte-source';
import { loadHeap } from '../load';
import { NodeFlag } from '../../heap/types';
import { TRANSCRIPT_ROOT_NAME } from './heap-from-transcript';
import { blocksOfKind, gcrootChains, wholeHeapStat } from './transcript-queries';
import { fixtureBytes, hasLeakyServiceTranscript, importBytes, LEAKY_SERVICE_TRANSCRIPT } from './test-support';
import type { DumpObjBlock, StatBlock } from './transcript-types';
import { analyzeHeap } from '../../analysis/analyze-heap';
import { computeFindings } from '../../analysis/findings';
import { parseAddress } from '../../heap/address';
import type { HeapModel } from '../../heap/types';

function nodeAt(heap: HeapModel, address: string): number {
  const { lo, hi } = parseAddress(address)!;
  for (let node = 0; node < heap.nodes.count; node++) {
    if (heap.nodes.addressLo[node] === lo && heap.nodes.addressHi[node] === hi) return node;
  }
  throw new Error(`no node at ${address}`);
}

async function load(name: string) {
  return importBytes(fixtureBytes(name), name);
}

const blocksOf = blocksOfKind;

function rowNamed(block: StatBlock, name: string) {
  return block.rows.find((row) => row.name === name);
}

function field(block: DumpObjBlock, name: string) {
  return block.fields.find((f) => f.name === name);
}

describe('seed incident transcript (seed-incident-logistics-netcore31.txt)', () => {
  const name = 'seed-incident-logistics-netcore31.txt';

  it('has 17 maddress memory rows summing to 3,186,194,432 bytes', async () => {
    const { heap } = await load(name);
    expect(heap.memorySummary).toHaveLength(17);
    expect(heap.memorySummary.reduce((sum, row) => sum + row.bytes, 0)).toBe(3_186_194_432);
    expect(heap.memorySummary[0]).toEqual({ kind: 'GCHeap', count: 12, bytes: 2_565_107_712 });
    expect(heap.capabilities.memorySummary).toBe(true);
  });

  it('takes the whole-heap dumpheap -stat: 18,591,667 objects, 2,539,831,376 bytes, System.Byte[] 101,757 / 1,047,579,498', async () => {
    const { heap, transcript } = await load(name);
    const stat = wholeHeapStat(transcript)!;
    expect(stat.totalObjects).toBe(18_591_667);
    expect(stat.totalBytes).toBe(2_539_831_376);
    expect(stat.elided).toBe(true); // `...` sits between the header and the rows
    expect(stat.rows.at(-1)).toEqual({
      mt: '7f563b0614c0',
      count: 101_757,
      bytes: 1_047_579_498,
      name: 'System.Byte[]',
    });
    expect(heap.totalSize).toBe(2_539_831_376);
    const byteArrays = typeHistogram(heap).find((row) => row.name === 'System.Byte[]')!;
    expect(byteArrays.count).toBe(101_757);
    expect(byteArrays.bytes).toBe(1_047_579_498);
  });

  it('reads the -min 0x8018 -max 0x8018 statistics: 28,563 / 936,637,896', async () => {
    const { transcript } = await load(name);
    const filtered = blocksOf(transcript, 'dumpheap-stat').find((block) => block.filter.includes('-min'))!;
    expect(filtered.origin).toBe('listing');
    expect(filtered.filter).toEqual(['-mt', '7f563b0614c0', '-min', '0x8018', '-max', '0x8018']);
    expect(filtered.totalObjects).toBe(28_563);
    expect(filtered.totalBytes).toBe(936_637_896);
    const listing = blocksOf(transcript, 'dumpheap-listing')[0];
    expect(listing.rows.count).toBe(12); // 8 rows, `...`, 4 rows
    expect(listing.elided).toBe(true);
    expect([...listing.rows.size.subarray(0, 12)].every((size) => size === 32_792)).toBe(true);
  });

  it('has the gcroot chain from r15 through the reload token and CallbackNode to FileBufferingReadStream → System.Byte[]', async () => {
    const { transcript } = await load(name);
    const chains = gcrootChains(transcript);
    expect(chains).toHaveLength(1);
    const chain = chains[0];
    expect(chain.root).toEqual({ kind: 'stack', name: 'r15' });
    expect(chain.steps).toHaveLength(28);
    const types = chain.steps.map((step) => step.type);
    const order = [
      'Microsoft.Extensions.Configuration.ConfigurationReloadToken',
      'System.Threading.CancellationTokenSource',
      'System.Threading.CancellationTokenSource+CallbackNode',
      'Microsoft.AspNetCore.WebUtilities.FileBufferingReadStream',
      'System.Byte[]',
    ].map((type) => types.indexOf(type));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(types.at(-2)).toBe('Microsoft.AspNetCore.WebUtilities.FileBufferingReadStream');
    expect(chain.steps.at(-1)).toEqual({ address: '7f55a5b219b0', addressText: '7f55a5b219b0', type: 'System.Byte[]' });
    // three `...` lines inside the chain
    expect(chain.steps.filter((step) => step.elidedBefore)).toHaveLength(3);
    expect(chain.steps[types.indexOf('System.Threading.CancellationTokenSource+CallbackNode')].address).toBe(
      '7f55cfe26900',
    );
  });

  it('reads the CallbackNode dumpobj field table: Id 17812, truncated types kept as printed', async () => {
    const { transcript } = await load(name);
    const node = blocksOf(transcript, 'dumpobj').find(
      (block) => block.name === 'System.Threading.CancellationTokenSource+CallbackNode',
    )!;
    expect(node.address).toBe('7f55cfe26900');
    expect(node.size).toBe(80);
    expect(node.methodTable).toBe('7f56405c1c18');
    expect(node.fields).toHaveLength(8);
    expect(field(node, 'Id')).toMatchObject({
      type: 'System.Int64',
      valueType: true,
      attr: 'instance',
      value: '17812',
    });
    expect(field(node, 'Next')).toMatchObject({ type: '...urce+CallbackNode', value: '00007f55cc695010' });
    expect(field(node, 'Callback')?.type).toBe('...Private.CoreLib]]');
  });

  it('reads the dumpdelegate target and turns the chain into root → kind → objects edges', async () => {
    const { heap, transcript } = await load(name);
    const delegate = blocksOf(transcript, 'dumpdelegate')[0];
    expect(delegate.targets).toHaveLength(1);
    expect(delegate.targets[0].name).toBe(
      'xxx.ConfigurationExtensions+<>c__DisplayClass18_0.<OnChange>g__Callback|0(System.Object)',
    );
    expect(heap.capabilities).toMatchObject({
      objects: true,
      edges: false, // only the printed chains: no dominators over them
      roots: true,
      memorySummary: true,
      sampled: false,
    });
    expect(heap.types.names[heap.nodes.type[heap.rootIndex]]).toBe(TRANSCRIPT_ROOT_NAME);
    // root, [Stack roots], three elision pseudo-nodes; 12 listed buffers + 28 chain objects
    let pseudo = 0;
    for (let i = 0; i < heap.nodes.count; i++) if (heap.nodes.flags[i] & NodeFlag.Pseudo) pseudo++;
    expect(pseudo).toBe(5);
    expect(heap.nodes.count - pseudo).toBe(40);
    expect(heap.edges.count).toBe(1 + 28 + 3);
  });

  it('keeps the CallbackNode dumpobj fields on its node for the inspector', async () => {
    const { heap } = await load(name);
    const node = nodeAt(heap, '0x7f55cfe26900');
    expect(heap.objectFields.get(node)?.find((f) => f.name === 'Id')).toEqual({
      name: 'Id',
      type: 'System.Int64',
      value: '17812',
      attr: 'instance',
    });
    expect(heap.objectFields.get(nodeAt(heap, '0x7f561406ef10'))?.map((f) => f.name)).toEqual([
      '_providers',
      '_changeToken',
    ]);
    expect(heap.objectFields.size).toBe(2); // the two dumpobj outputs
  });

  it('finds the runaway registrations: 17,812 from the head node Id, owned by the reload token, chain to the buffer', async () => {
    const { heap } = await load(name);
    const findings = computeFindings(analyzeHeap(heap));
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({
      kind: 'runaway-cancellation-registrations',
      count: 17_812,
      retainedBytes: null, // a transcript has no complete graph: no byte figure is invented
      keptAlive: [],
      anchor: { type: 'System.Threading.CancellationTokenSource', address: '0x7f561406ef48' },
      owners: [
        'Microsoft.Extensions.Configuration.ConfigurationReloadToken',
        'Microsoft.Extensions.Configuration.ConfigurationRoot',
      ],
    });
    expect(finding.pathTarget).toBe(nodeAt(heap, '0x7f55a5b219b0'));
    expect(finding.explanation.join(' ')).toContain(
      'the Id field 17,812 its dumpobj printed for the registration at 0x7f55cfe26900',
    );
    expect(finding.explanation.join(' ')).toContain('ExecutionContext → MultiElementAsyncLocalValueMap');
    expect(finding.explanation.join(' ')).toContain('FileBufferingReadStream → Byte[]');
  });

  it('loads through loadHeap as the sos format', async () => {
    const heap = await loadHeap(byteSourceFromBytes(fixtureBytes(name), name));
    expect(heap.format).toBe('sos');
    expect(heap.totalSize).toBe(2_539_831_376);
  });
});

describe('published transcripts: facts read by hand', () => {
  it('01 (.NET 1.1): headerless stat with `Total size:` footer, 1.1 dumpobj, old listing with Gen', async () => {
    const { transcript } = await load('01-tess-dumpheap-stat-explained-net11.txt');
    const stat = wholeHeapStat(transcript)!;
    expect(stat.totalObjects).toBe(9_712_896);
    expect(stat.totalBytes).toBe(1_032_127_612);
    expect(stat.rows).toHaveLength(31);
    expect(stat.rows.at(-1)).toEqual({ mt: '0x79b94638', count: 5_286_303, bytes: 697_441_440, name: 'System.String' });
    expect(stat.rows.find((row) => row.name === 'Free')).toEqual({
      mt: '0x0011cec0',
      count: 305,
      bytes: 6_240_720,
      name: 'Free',
    });
    expect(stat.elided).toBe(true); // <… cut to save space …>
    const dataSet = blocksOf(transcript, 'dumpobj')[0];
    expect(dataSet).toMatchObject({
      name: 'System.Data.DataSet',
      methodTable: '60bbd2c',
      size: 80,
      generation: 2,
      address: '3920ed4c',
    });
    expect(dataSet.fields).toHaveLength(26);
    expect(field(dataSet, 'EventDisposed')).toMatchObject({
      attr: 'shared static',
      value: null,
      type: 'CLASS',
      valueType: null,
    });
    expect(field(dataSet, 'EventDisposed')?.perDomainValues).toContain('0x044b7b28:0x1c357cb8');
    expect(field(dataSet, 'enforceConstraints')).toMatchObject({ type: 'System.Boolean', value: '1' });
    const listing = blocksOf(transcript, 'dumpheap-listing')[0];
    expect(listing.rows.count).toBe(3);
    expect(listing.mtNames).toEqual(['System.String']);
    const listingStat = blocksOf(transcript, 'dumpheap-stat')[1];
    expect(listingStat).toMatchObject({ origin: 'listing', totalObjects: 3, totalBytes: 260_312 });
  });

  it('03 (dotnet-dump, Linux): only filtered tables, so no whole-heap stat; Port 5432', async () => {
    const { heap, transcript } = await load('03-gosse-invalidprogramexception-dotnet-dump-linux.txt');
    expect(transcript.dialect).toBe('dotnet-dump');
    expect(wholeHeapStat(transcript)).toBeNull();
    const stats = blocksOf(transcript, 'dumpheap-stat');
    expect(stats.map((block) => block.totalObjects)).toEqual([3, 3, 3, 2]);
    expect(rowNamed(stats[2], 'Npgsql.PostgresDatabaseInfo')).toMatchObject({ count: 2, bytes: 256 });
    const info = blocksOf(transcript, 'dumpobj')[0];
    expect(info.fields).toHaveLength(20);
    expect(field(info, '<Port>k__BackingField')?.value).toBe('5432');
    expect(field(info, '_baseTypesMutable')?.type).toBe('...aseType, Npgsql]]');
    expect(field(info, 'Cache')).toMatchObject({ attr: 'static', value: '00007fce984ecc48' });
    // exact per-type totals from the -type/-mt tables; 3 + 2 listed objects
    const histogram = typeHistogram(heap);
    expect(histogram.find((row) => row.name === 'System.InvalidProgramException')).toMatchObject({
      count: 3,
      bytes: 384,
    });
    expect(heap.capabilities.edges).toBe(false);
    expect(heap.capabilities.roots).toBe(false);
    expect(heap.nodes.count).toBe(5);
  });

  it('05 (x64, Chinese elision): stat with only a footer, fragments, dumparray, objsize', async () => {
    const { transcript } = await load('05-luchigster-organization-objsize-x64.txt');
    const stat = wholeHeapStat(transcript)!;
    expect(stat).toMatchObject({ rows: [], totalObjects: 2_030_264, totalBytes: null, elided: true });
    const statBlock = blocksOf(transcript, 'dumpheap-stat')[0];
    expect(statBlock.fragmented).toHaveLength(7);
    expect(statBlock.fragmented[3].followedByType).toBe(
      'System.Collections.Generic.List`1[[CMP.Model.Organization, CMP.Ad]]',
    );
    const arrays = blocksOf(transcript, 'dumparray');
    expect(arrays).toHaveLength(3);
    expect(arrays[0].array).toEqual({ rank: 1, length: 16, elementKind: 'CLASS' });
    expect(arrays[0].elements.count).toBe(16);
    let nonNull = 0;
    for (let i = 0; i < 16; i++) if (arrays[0].elements.addressLo[i] !== 0) nonNull++;
    expect(nonNull).toBe(10);
    const sizes = blocksOf(transcript, 'objsize').flatMap((block) => block.results);
    expect(sizes).toEqual([
      { address: '24f77c060', bytes: 824, type: 'CMP.Model.Organization', line: 68 },
      { address: '24f77c0e0', bytes: 696, type: 'System.Collections.Specialized.NameValueCollection', line: 71 },
    ]);
    const strings = blocksOf(transcript, 'dumpobj').filter((block) => block.name === 'System.String');
    expect(strings.map((block) => block.stringValue)).toEqual(['provinceCode', '11']);
    expect(blocksOf(transcript, 'dumpobj').find((block) => block.name === 'CMP.Model.Organization')?.elided).toBe(true);
  });

  it('07 (32-bit, no header): the row counts fall short of the footer, so the table is marked elided', async () => {
    const { transcript } = await load('07-graversen-okanshi-32bit-noheader.txt');
    const stat = wholeHeapStat(transcript)!;
    expect(stat.rows).toHaveLength(31);
    expect(stat.totalObjects).toBe(42_751_500);
    expect(stat.totalBytes).toBeNull();
    expect(stat.elided).toBe(true);
    expect(stat.rows.at(-1)).toEqual({
      mt: '0505e61c',
      count: 20_606_519,
      bytes: 494_556_456,
      name: 'Okanshi.MonitorMessage+Time',
    });
    const listing = blocksOf(transcript, 'dumpheap-listing')[0];
    expect(listing.hasHeader).toBe(false);
    expect(listing.rows.count).toBe(19);
    expect(listing.elided).toBe(true);
    expect(blocksOf(transcript, 'dumpheap-stat')[1]).toMatchObject({ origin: 'listing', totalObjects: 470 });
    expect(rowNamed(blocksOf(transcript, 'dumpheap-stat')[1], 'System.Char[]')?.bytes).toBe(22_914);
  });

  it('09 (.NET Core 2): HandleTable chain of 3 steps ending at the Int32[]', async () => {
    const { transcript } = await load('09-weyer-static-root-netcore2.txt');
    expect(wholeHeapStat(transcript)).toMatchObject({ totalObjects: 137_415, elided: true });
    const gcroot = blocksOf(transcript, 'gcroot')[0];
    expect(gcroot.foundRoots).toBe(1);
    const [chain] = gcrootChains(transcript);
    expect(chain.root).toEqual({ kind: 'pinned handle', name: '00000190176115f8' }); // as printed;
    expect(chain.steps.map((step) => step.address)).toEqual(['19419341038', '19019412bf0', '1941c364e28']);
    expect(chain.steps[2].type).toBe('System.Int32[]');
    expect(blocksOf(transcript, 'dumpheap-stat')[1]).toMatchObject({
      totalObjects: 9,
      filter: ['-type', 'System.Int32[]', '-min', '1000'],
    });
    expect(blocksOf(transcript, 'dumpobj')[0]).toMatchObject({
      size: 8184,
      array: { rank: 1, length: 1020, elementKind: 'CLASS' },
    });
  });

  it('11 (dotnet-dump on Windows, no separators): totals and the strong-handle chain', async () => {
    const { transcript } = await load('11-avf2001-dotnet-dump-windows-nocommas.txt');
    const stat = wholeHeapStat(transcript)!;
    expect(stat).toMatchObject({ totalObjects: 122_945, totalBytes: 1_374_086_995 });
    expect(stat.rows.at(-1)).toEqual({
      mt: '7ff7e09f7a90',
      count: 67_866,
      bytes: 1_358_224_330,
      name: 'System.String',
    });
    const listing = blocksOf(transcript, 'dumpheap-listing')[0];
    expect(listing.command?.name).toBe('dumpheap'); // typed as `dumheap`
    expect(listing.rows.count).toBe(9);
    const [chain] = gcrootChains(transcript);
    expect(chain.root).toEqual({ kind: 'strong handle', name: '0000004ad40a13e8' }); // as printed;
    expect(chain.steps).toHaveLength(4);
    expect(blocksOf(transcript, 'gcroot')[0].family).toBe(4);
  });

  it('13: filtered -type tables and dumpobj with elided headers', async () => {
    const { transcript } = await load('13-quanmai-stackify-eventdispatcher.txt');
    expect(wholeHeapStat(transcript)).toBeNull();
    const first = blocksOf(transcript, 'dumpheap-stat')[0];
    expect(rowNamed(first, 'System.Diagnostics.Tracing.EventDispatcher')).toMatchObject({
      count: 177_825,
      bytes: 8_535_600,
    });
    const dispatcher = blocksOf(transcript, 'dumpobj')[0];
    expect(dispatcher.elided).toBe(true);
    expect(field(dispatcher, 'm_Next')?.value).toBe('000002473197b630');
  });

  it('15 (32-bit, output without its command): stat tail and a 32-step chain', async () => {
    const { transcript } = await load('15-4lowtherabbit-highmem-outputcache-32bit.txt');
    const stat = wholeHeapStat(transcript)!;
    expect(stat.totalObjects).toBe(3_097_304);
    expect(stat.rows.at(-1)).toEqual({ mt: '7205eb40', count: 842_563, bytes: 53_860_084, name: 'System.String' });
    const [chain] = gcrootChains(transcript);
    expect(chain.root).toEqual({ kind: 'strong handle', name: '06821108' }); // as printed;
    expect(chain.steps).toHaveLength(32);
    expect(chain.steps.at(-1)).toEqual({ address: '2b960fe0', addressText: '2b960fe0', type: 'System.String' });
  });

  it('17 (.NET 2.0): bold markers merged two rows; DOMAIN gcroot of 5 links', async () => {
    const { transcript } = await load('17-julmar-eventhandler-net20-gcroot-domain.txt');
    const stat = blocksOf(transcript, 'dumpheap-stat')[0];
    expect(stat.preliminaryTotal).toBe(36_955);
    expect(stat.totalObjects).toBe(110_069);
    expect(rowNamed(stat, 'ASP.default_aspx')).toMatchObject({
      mt: '548cbd4',
      mtText: '0548cbd4',
      count: 519,
      bytes: 197_220,
    });
    expect(rowNamed(stat, 'System.Collections.Hashtable+bucket[]')).toMatchObject({ count: 1_545, bytes: 297_960 });
    const listing = blocksOf(transcript, 'dumpheap-listing')[0];
    expect(listing.statedTotal).toBe(519);
    const gcroot = blocksOf(transcript, 'gcroot')[0];
    expect(gcroot.family).toBe(2);
    const [chain] = gcrootChains(transcript);
    expect(chain.root).toEqual({ kind: 'pinned handle', name: '12312f0' });
    expect(chain.steps.map((step) => step.type)).toEqual([
      'System.Object[]',
      'System.EventHandler',
      'System.Object[]',
      'System.EventHandler',
      'ASP.default_aspx',
    ]);
    expect(blocksOf(transcript, 'dumpobj')[0].file).toBe(
      'C:WINDOWSassemblyGAC_32mscorlib2.0.0.0__b77a5c561934e089mscorlib.dll',
    );
  });

  it('19: modern !address -summary and finalizequeue', async () => {
    const { heap, transcript } = await load('19-organicprogrammer-address-summary-finalizequeue.txt');
    const summary = blocksOf(transcript, 'address-summary')[0];
    expect(summary.layout).toBe('modern');
    expect(summary.sections.map((section) => section.title)).toEqual(['Usage', 'Type', 'State']);
    expect(summary.sections[0].rows).toHaveLength(8);
    expect(summary.sections[0].rows[1]).toEqual({ kind: '<unknown>', count: 4715, bytes: 0xfeb0f000 });
    expect(summary.sections[0].rows[0]).toEqual({ kind: 'Free', count: 338, bytes: 0x7ffed06bb000 });
    expect(heap.memorySummary).toHaveLength(8);
    const queue = blocksOf(transcript, 'finalizequeue')[0];
    expect(queue.generations.map((g) => g.objects)).toEqual([66, 4, 4372]);
    expect(queue.readyForFinalization).toBe(0);
    expect(queue.table.totalObjects).toBe(4442);
    expect(queue.table.rows.at(-1)).toMatchObject({
      name: 'System.Reflection.Emit.DynamicResolver',
      count: 3639,
      bytes: 262_008,
    });
    expect(queue.elided).toBe(true);
  });

  it('21 (.NET 2.0): eeheap -gc segments, a range-filtered stat, the old !address summary', async () => {
    const { heap, transcript } = await load('21-msdocs-loh-eeheap-net20-old-address.txt');
    const eeheap = blocksOf(transcript, 'eeheap')[0];
    expect(eeheap.heapCount).toBe(1);
    expect(eeheap.gcHeapSize).toBe(49_876_168);
    expect(eeheap.heaps[0].generationStarts.map((g) => g.generation)).toEqual([0, 1, 2]); // incl. the `sdgeneration` typo
    expect(eeheap.heaps[0].segments.map((s) => [s.area, s.allocatedSize])).toEqual([
      ['soh', 128_432],
      ['soh', 9_720],
      ['loh', 16_754_224],
      ['loh', 16_699_288],
      ['loh', 16_284_504],
    ]);
    const range = blocksOf(transcript, 'dumpheap-stat')[0];
    expect(range.filter).toEqual(['023e1000', '033db630']);
    expect(wholeHeapStat(transcript)).toBeNull();
    const old = blocksOf(transcript, 'address-summary')[0];
    expect(old.layout).toBe('old');
    expect(old.sections[0].rows.find((row) => row.kind === 'RegionUsageImage')?.bytes).toBe(0x1452000);
    expect(heap.memorySummary).toHaveLength(10);
    expect(heap.memorySummary.reduce((sum, row) => sum + row.bytes, 0)).toBe(0x7fff0000); // `Tot: 7fff0000 (2097088 KB)`
  });

  it('21: the eeheap -gc layout reaches the heap model for the Summary', async () => {
    const { heap } = await load('21-msdocs-loh-eeheap-net20-old-address.txt');
    const layout = heap.gcHeapLayout!;
    expect(layout).toMatchObject({ line: 3, heapCount: 1, totalSize: 49_876_168, totalCommitted: null });
    expect(layout.heaps[0].generationStarts).toEqual([
      { generation: 0, address: '13e35ec' },
      { generation: 1, address: '13e1b6c' },
      { generation: 2, address: '13e1000' },
    ]);
    expect(layout.heaps[0].segments[2]).toEqual({
      area: 'loh',
      addresses: ['23e0000', '23e1000', '33db630'],
      allocatedBytes: 16_754_224,
      committedBytes: null,
    });
  });

  it('23 (fragments without prompts): multi-heap eeheap, ancient chain with an elision, the last stat', async () => {
    const { heap, transcript } = await load('23-msdocs-gc-performance-fragments-no-prompts.txt');
    // The model keeps the last eeheap -gc of the two.
    expect(heap.gcHeapLayout?.heaps[0].segments).toHaveLength(5);
    expect(transcript.commands).toHaveLength(0);
    const [first, second] = blocksOf(transcript, 'eeheap');
    expect(first.heapCount).toBe(2);
    expect(first.heaps.map((heap) => heap.heapSize)).toEqual([135_676, 15_292]);
    expect(first.gcHeapSize).toBe(150_968);
    expect(second.heaps[0].segments).toHaveLength(5);
    const [chain] = gcrootChains(transcript);
    expect(chain.root).toEqual({ kind: 'stack', name: 'ebx' });
    expect(chain.steps).toHaveLength(10);
    expect(chain.steps[3].elidedBefore).toBe(true);
    expect(chain.steps.at(-1)?.type).toBe('System.Double[]');
    expect(wholeHeapStat(transcript)).toMatchObject({ totalObjects: 6_417_525, elided: true });
    const perHeap = blocksOf(transcript, 'dumpheap-stat').find((block) => block.heapSections.length > 0)!;
    expect(perHeap.heapSections).toEqual([
      { heap: 0, objects: 409 },
      { heap: 1, objects: 0 },
      { heap: 2, objects: 0 },
      { heap: 3, objects: 0 },
    ]);
  });

  it('25 (whitespace collapsed, SOS mismatch warnings): listing, fragments and an 11-step chain', async () => {
    const { transcript } = await load('25-larrynung-gcroot-collapsed-whitespace-sos-mismatch.txt');
    expect(blocksOf(transcript, 'dumpheap-listing')[0].rows.count).toBe(1);
    const stat = blocksOf(transcript, 'dumpheap-stat')[0];
    expect(stat.fragmented.map((f) => f.followedByType)).toEqual(['System.String', 'System.Threading.Overlapped']);
    const [chain] = gcrootChains(transcript);
    expect(chain.root).toEqual({ kind: 'pinned handle', name: '000000855e8d15e0' }); // as printed;
    expect(chain.steps).toHaveLength(11);
    expect(chain.steps.at(-1)?.type).toBe('AgileSlot.Core.GameMachine');
    expect(transcript.messages.map((m) => m.line)).toEqual([2, 19]);
  });

  it('27: the failed dumpheap on the minidump yields messages; the full dump gives the stat', async () => {
    const { heap, transcript } = await load('27-zbyline-netcore207-minidump-errors-then-full-dump.txt');
    expect(transcript.messages.map((m) => m.text)).toContain('Error requesting heap segment 0000028d417e0000');
    const stat = wholeHeapStat(transcript)!;
    expect(stat.line).toBe(14);
    expect(stat.totalObjects).toBe(356_948);
    expect(stat.rows.find((row) => row.name === 'Free')).toEqual({
      mt: '0000028d2fd88890',
      count: 25_244,
      bytes: 18_863_634,
      name: 'Free',
    });
    const request = blocksOf(transcript, 'dumpobj')[0];
    expect(field(request, '<BookDate>k__BackingField')).toMatchObject({ valueType: true, type: 'System.DateTime' });
    // the listed object and the dumpobj'd object are the same address: one node
    expect(heap.nodes.count).toBe(2);
  });
});

describe.runIf(hasLeakyServiceTranscript())(
  'LeakyService transcript (sample-dumps/leaky-service/runaway-cts.sos.txt, .NET 10)',
  () => {
    const read = () => importBytes(new Uint8Array(readFileSync(LEAKY_SERVICE_TRANSCRIPT)), 'runaway-cts.sos.txt');

    it('reads eeheap regions, the whole-heap stat and the 32,792-byte buffer count', async () => {
      const { transcript } = await read();
      const eeheap = blocksOf(transcript, 'eeheap')[0];
      expect(eeheap.gcHeapSize).toBe(704_232_424);
      expect(eeheap.gcCommittedSize).toBe(716_369_920);
      const areas = new Set(eeheap.heaps[0].segments.map((segment) => segment.area));
      expect([...areas].sort()).toEqual(['foh', 'gen0', 'gen1', 'gen2', 'loh', 'poh']);
      const stat = wholeHeapStat(transcript)!;
      expect(stat).toMatchObject({ totalObjects: 310_839, totalBytes: 704_152_089, elided: false });
      expect(stat.rows.at(-1)).toEqual({
        mt: '7f75181f95d8',
        count: 18_394,
        bytes: 584_393_829,
        name: 'System.Byte[]',
      });
      const sized = blocksOf(transcript, 'dumpheap-stat').find((block) => block.filter.includes('-min'))!;
      expect(sized).toMatchObject({ totalObjects: 17_817, totalBytes: 584_255_064 });
    });

    it('finds the runaway registrations from the Id the transcript printed (17,818: the 17,812 leaked and the framework’s)', async () => {
      const { heap } = await read();
      const [finding, ...others] = computeFindings(analyzeHeap(heap));
      expect(others).toEqual([]);
      expect(finding).toMatchObject({
        kind: 'runaway-cancellation-registrations',
        count: 17_818, // line 2231: `System.Int64  Yes instance  17818 Id`
        owners: [
          'Microsoft.Extensions.Configuration.ConfigurationReloadToken',
          'Microsoft.Extensions.Configuration.ConfigurationManager',
        ],
      });
      expect(heap.types.names[heap.nodes.type[finding.pathTarget]]).toBe('System.Byte[]');
    });

    it('agrees with the same service’s .gcdump (versions.txt) on CallbackNodes and 32,792-byte buffers', async () => {
      const { transcript } = await read();
      const versions = readFileSync('sample-dumps/leaky-service/versions.txt', 'utf8');
      const nodes = /runaway-cts\.gcdump: CallbackNode count\/bytes: (\d+) (\d+); 32,792-byte Byte\[\]: (\d+)/.exec(
        versions,
      );
      expect(nodes).not.toBeNull();
      const [gcdumpNodes, gcdumpNodeBytes, gcdumpBuffers] = nodes!.slice(1).map(Number);
      const stat = wholeHeapStat(transcript)!;
      const callbackNodes = stat.rows.find(
        (row) => row.name === 'System.Threading.CancellationTokenSource+CallbackNode',
      )!;
      // dumpheap also counts dead objects a gcdump leaves out: allow 1 %
      expect(Math.abs(callbackNodes.count - gcdumpNodes)).toBeLessThanOrEqual(gcdumpNodes / 100);
      expect(Math.abs(callbackNodes.bytes - gcdumpNodeBytes)).toBeLessThanOrEqual(gcdumpNodeBytes / 100);
      const sized = blocksOf(transcript, 'dumpheap-stat').find((block) => block.filter.includes('-min'))!;
      expect(Math.abs(sized.totalObjects! - gcdumpBuffers)).toBeLessThanOrEqual(gcdumpBuffers / 100);
    });

    it('has 10 roots, each chain ending at the rooted System.Byte[] through the reload token', async () => {
      const { heap, transcript } = await read();
      const chains = gcrootChains(transcript);
      expect(blocksOf(transcript, 'gcroot')[0].foundRoots).toBe(10);
      expect(chains).toHaveLength(10);
      expect(chains[0].root).toEqual({ kind: 'strong handle', name: '00007f7595db13e8' }); // as printed;
      expect(chains[1].root).toEqual({ kind: 'stack', name: 'r13', thread: '5806' });
      for (const chain of chains) {
        expect(chain.steps.at(-1)).toEqual({
          address: '7f3534c5f3b0',
          addressText: '7f3534c5f3b0',
          type: 'System.Byte[]',
        });
        const types = chain.steps.map((step) => step.type);
        expect(types.indexOf('System.Threading.CancellationTokenSource+CallbackNode')).toBeGreaterThan(
          types.indexOf('Microsoft.Extensions.Configuration.ConfigurationReloadToken'),
        );
      }
      expect(chains[0].steps[1]).toMatchObject({ type: 'System.Net.Sockets.SocketAsyncContext[]' });
      expect(heap.capabilities).toMatchObject({ objects: true, edges: false, roots: true });
    });

    it('reads the .NET 10 dumpobj dialect (Yes/No VT column): the head CallbackNode has Id 17818', async () => {
      const { transcript } = await read();
      const node = blocksOf(transcript, 'dumpobj')[0];
      expect(node.name).toBe('System.Threading.CancellationTokenSource+CallbackNode');
      expect(field(node, 'Id')).toMatchObject({ value: '17818', valueType: true });
      expect(field(node, 'Next')).toMatchObject({ value: '00007f3534c5dda0', valueType: false });
      expect(blocksOf(transcript, 'dumpdelegate')[0].targets[0].name).toBe(
        'LeakyService.ConfigurationTracingExtensions+<>c__DisplayClass0_0.<OnReloadAnnotate>g__Callback|0(System.Object)',
      );
    });
  },
);
