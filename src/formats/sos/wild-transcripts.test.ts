/**
 * Twenty more published SOS transcripts (test-data/sos/101-…120-…, provenance in test-data/README.md),
 * asked through the real CLI as a user would: `stat --json`, `roots --json`, `show --json`. Every
 * number and name below was read off the transcript by hand, and written down before the importer
 * was first run on it (see test-data/README.md for the ones it first got wrong).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, PROJECT_ROOT } from '../../test-support/fixtures';

const BIN = join(PROJECT_ROOT, 'bin', 'heapscope.mjs');

function run(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT });
}

interface Row {
  name: string;
  count: number;
  bytes: number;
  mt: string | null;
}
interface Stat {
  objects: number;
  bytes: number;
  elided: boolean;
  filter: string | null;
  objectsLowerBound: boolean;
  bytesLowerBound: boolean;
  otherTables: { line: number; command: string; wholeHeap: boolean; objects: number | null }[];
  types: Row[];
}
interface Step {
  address: string;
  addressText: string;
  type: string;
  interior: boolean;
  dependent: boolean;
  elidedBefore: boolean;
}
interface Chain {
  root: { kind: string; name: string; thread: string | null; frame: string | null; interior: boolean };
  steps: Step[];
  rootMissing: boolean;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Block = Record<string, any> & { kind: string; line: number; command: string | null };
interface Shown {
  dialect: string;
  commands: { line: number; command: string }[];
  sessions: unknown[];
  blocks: Block[];
}

function stat(name: string): { status: number | null; json: Stat | null; stderr: string } {
  const result = run('stat', fixturePath('sos', name), '--json');
  return {
    status: result.status,
    json: result.status === 0 ? (JSON.parse(result.stdout) as Stat) : null,
    stderr: result.stderr,
  };
}

function show(name: string): Shown {
  const result = run('show', fixturePath('sos', name), '--json');
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Shown;
}

function blocks(shown: Shown, kind: string): Block[] {
  return shown.blocks.filter((block) => block.kind === kind);
}

function row(result: Stat, name: string): Row | undefined {
  return result.types.find((type) => type.name === name);
}

function chains(shown: Shown): Chain[] {
  return blocks(shown, 'gcroot').flatMap((block) => block.chains as Chain[]);
}

describe('published transcripts 101–120: facts read by hand, answered by the CLI', () => {
  it('101 (msdocs, dotnet-dump on Linux): elided whole-heap stat, a -mt listing with a stray MT, two gcroot roots', () => {
    const name = '101-msdocs-debug-memory-leak-dotnet-dump-linux.txt';
    const { json } = stat(name);
    expect(json!.filter).toBeNull();
    expect(json!.objects).toBe(428_516);
    expect(json!.bytesLowerBound).toBe(true); // the footer gives no bytes
    expect(json!.elided).toBe(true);
    expect(row(json!, 'System.String')).toMatchObject({ count: 206_770, bytes: 19_494_060 });
    expect(row(json!, 'testwebapi.Controllers.Customer')).toMatchObject({ count: 200_000, bytes: 4_800_000 });
    expect(row(json!, 'Free')).toMatchObject({ count: 3847, bytes: 116_080 });

    const shown = show(name);
    const [listing] = blocks(shown, 'dumpheap-listing');
    expect(listing.filter).toEqual(['-mt', '00007f6c1dc00f90']);
    expect(listing.elided).toBe(true);
    expect(listing.rows).toHaveLength(6);
    expect(listing.rows[0]).toEqual({ address: '00007f6ad09421f8', mt: '00007faddaa50f90', size: 94 });
    const listingStat = blocks(shown, 'dumpheap-stat').find((block) => block.origin === 'listing')!;
    expect(listingStat.totalObjects).toBe(206_770);
    expect(listingStat.rows[0]).toMatchObject({ count: 206_770, bytes: 19_494_060, name: 'System.String' });

    const [gcroot] = blocks(shown, 'gcroot');
    expect(gcroot.foundRoots).toBe(2);
    expect(gcroot.targetText).toBe('00007f6ad09421f8');
    const [stack, handle] = gcroot.chains as Chain[];
    expect(stack.root).toMatchObject({ kind: 'stack', name: 'rbx', thread: '3f68', interior: true });
    expect(stack.root.frame).toContain('System.Diagnostics.Tracing.CounterGroup.PollForValues()');
    expect(stack.steps).toHaveLength(7);
    expect(stack.steps.at(-1)).toMatchObject({ addressText: '00007F6AD09421F8', type: 'System.String' });
    expect(handle.root).toMatchObject({ kind: 'pinned handle', name: '00007F6C98BB15F8' });
    expect(handle.steps.map((step) => step.type)).toEqual(stack.steps.map((step) => step.type));
  });

  it('102 (32-bit, commands not shown): a stat tail with its footer, a dumpobj, a thread root on esi', () => {
    const name = '102-verbiest-azure-website-32bit-nhibernate.txt';
    const { json } = stat(name);
    expect(json!.objects).toBe(11_400_232);
    expect(json!.bytesLowerBound).toBe(true);
    expect(json!.elided).toBe(true); // 16 rows cannot hold 11.4 million objects: the top was cut
    expect(row(json!, 'System.String')).toEqual({
      name: 'System.String',
      count: 5_831_585,
      bytes: 505_948_476,
      mt: '061efd98',
    });
    expect(row(json!, 'Free')).toMatchObject({ count: 608_533, bytes: 87_955_734 });
    expect(row(json!, '<Unloaded Type>')).toMatchObject({ count: 56_181, bytes: 2_696_688 });

    const shown = show(name);
    const [table] = blocks(shown, 'dumpheap-stat');
    expect(table.fragmented).toHaveLength(4);
    expect(table.fragmented[0]).toMatchObject({ followedByType: 'System.Threading.OverlappedData' });
    const [object] = blocks(shown, 'dumpobj');
    expect(object).toMatchObject({
      name: 'hannibal.HBBusiness.Queries.AuteurTool.BeheerEKitContent.FicheOwnMaterialDto',
      methodTableText: '7984ec10',
      size: 68,
    });
    expect(object.fields).toHaveLength(9);
    expect(object.fields.find((f: { name: string }) => f.name === '<Naam>k__BackingField')).toMatchObject({
      type: 'System.String',
      value: 'ae09aaec',
    });
    const [chain] = chains(shown);
    expect(chain.root).toMatchObject({ kind: 'stack', name: 'esi', thread: '1b84' });
    expect(chain.steps.map((step) => step.addressText)).toEqual(['0884b810', '18aacb70', 'd260197c']);
    expect(chain.steps[2].type).toBe('hannibal.HBBusiness.Queries.AuteurTool.BeheerEKitContent.FicheOwnMaterialDto');
  });

  it('103 (dotnet-dump commands echoed without their output): no stat table, one handle chain', () => {
    const name = '103-guitarrapc-dotnet-dump-commands-without-output.txt';
    const result = stat(name);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('gcroot');
    const shown = show(name);
    expect(shown.commands.map((c) => c.command)).toEqual(
      expect.arrayContaining(['dumpheap -stat', 'dumpheap -mt 00007fada0ec0f90', 'gcroot 00007fab74010b78']),
    );
    const [chain] = chains(shown);
    expect(chain.root).toMatchObject({ kind: 'pinned handle', name: '00007FAE197F15F8' });
    expect(chain.steps).toHaveLength(7);
    expect(chain.steps.at(-1)).toMatchObject({ addressText: '00007FAB74010B78', type: 'System.String' });
  });

  it('104 (SOS 8+, thousands separators, bytes in the footer): totals from the footer, not the rows', () => {
    const name = '104-cn-notes-dotnet8-separators-bytes-footer.txt';
    const { json } = stat(name);
    expect(json!.objects).toBe(12_489_103);
    expect(json!.bytes).toBe(1_069_157_434);
    expect(json!.bytesLowerBound).toBe(false);
    expect(json!.elided).toBe(true);
    expect(row(json!, 'System.String')).toMatchObject({ count: 5_041_634, bytes: 273_120_470 });
    expect(
      row(
        json!,
        'System.Collections.Generic.Dictionary<Microsoft.Extensions.DependencyInjection.ServiceLookup.ServiceCacheKey, System.Object>+Entry[]',
      ),
    ).toMatchObject({ count: 3707, bytes: 29_200_288 });
    const [table] = blocks(show(name), 'dumpheap-stat');
    expect(table.fragmented).toEqual([
      {
        address: '7e80d1469a10',
        bytes: 958_008,
        followedBy: '7e80d1553848',
        followedByType: 'HAINAN.DTO.System.SysLogParam',
      },
    ]);
  });

  it('105 (32-bit, every long name wrapped): the -type table rejoined, dumpobj fields, three roots', () => {
    const name = '105-vsprojectsystem-project-lock-wrapped-32bit.txt';
    const { json } = stat(name);
    expect(json!.filter).toBe('-type ProjectLockService');
    expect(json!.objects).toBe(29);
    expect(json!.types).toHaveLength(13);
    expect(json!.types.reduce((sum, type) => sum + type.bytes, 0)).toBe(788);
    expect(
      row(
        json!,
        'System.Lazy`1+Boxed[[Microsoft.VisualStudio.ProjectSystem.IProjectLockServiceInternal, Microsoft.VisualStudio.ProjectSystem.V14Only]]',
      ),
    ).toMatchObject({ count: 1, bytes: 12, mt: '62d3963c' });
    expect(
      row(
        json!,
        'Microsoft.VisualStudio.ProjectSystem.ProjectLockService+<>c__DisplayClass4+<<Microsoft_VisualStudio_ProjectSystem_IProjectLockReleaser_OnCompleted>b__6>d__0',
      ),
    ).toMatchObject({ count: 5, bytes: 220 });

    const shown = show(name);
    const [listing] = blocks(shown, 'dumpheap-listing');
    expect(listing.rows).toEqual([{ address: '0bf21e20', mt: '62a04af0', size: 116 }]);
    const objects = blocks(shown, 'dumpobj');
    const service = objects.find((o) => o.name === 'Microsoft.VisualStudio.ProjectSystem.ProjectLockService')!;
    expect(service.size).toBe(116);
    expect(service.fields.find((f: { name: string }) => f.name === 'issuedUpgradeableReadLocks')).toMatchObject({
      value: '0bf228a8',
    });
    const set = objects.find((o) => o.methodTableText === '6d4d288c')!;
    expect(set.name).toBe(
      'System.Collections.Generic.HashSet`1[[Microsoft.VisualStudio.Threading.AsyncReaderWriterLock+Awaiter, Microsoft.VisualStudio.Threading]]',
    );
    expect(set.fields.find((f: { name: string }) => f.name === 'm_count')).toMatchObject({ value: '1' });
    const awaiter = objects.find((o) => o.name === 'Microsoft.VisualStudio.Threading.AsyncReaderWriterLock+Awaiter')!;
    expect(awaiter.fields.find((f: { name: string }) => f.name === 'lck')).toMatchObject({ value: '0bf21e20' });
    const array = blocks(shown, 'dumparray')[0] ?? objects.find((o) => o.array);
    expect(array.array).toMatchObject({ rank: 1, length: 7 });
    expect(array.elements).toHaveLength(7);

    const [gcroot] = blocks(shown, 'gcroot');
    expect(gcroot.foundRoots).toBe(3);
    const [first, second, third] = gcroot.chains as Chain[];
    expect(first.root).toMatchObject({ kind: 'stack', name: 'ebp+50', thread: '1594' });
    expect(first.steps[2]).toMatchObject({
      addressText: '0377c648',
      type: 'System.Collections.Generic.HashSet`1[[Microsoft.VisualStudio.Threading.JoinableTask, Microsoft.VisualStudio.Threading]]',
    });
    expect(first.steps.some((step) => step.elidedBefore)).toBe(true);
    expect(first.steps.at(-1)).toMatchObject({ addressText: '11b8cfb0', dependent: true });
    expect(second.root).toMatchObject({ kind: 'stack', name: 'ebp+a8', thread: '1344', interior: true });
    expect(second.steps.map((step) => step.addressText)).toEqual(['11b8d024', '11b8cfb0']);
    expect(third.root).toMatchObject({ name: 'ebp+44', thread: '1344' });
    expect(third.steps).toHaveLength(7);
    expect(third.steps.find((step) => step.addressText === '11be94ac')!.dependent).toBe(true);
    expect(third.steps.at(-1)!.dependent).toBe(false);
  });

  it('106 (x64, `…` elisions everywhere): only a -type table, listings and dumpobj values', () => {
    const name = '106-lowleveldesign-adonet-pool-ellipses-x64.txt';
    const { json } = stat(name);
    expect(json!.filter).toBe('-type System.Data.ProviderBase.DbConnectionPool');
    expect(row(json!, 'System.Data.ProviderBase.DbConnectionPool')).toMatchObject({ count: 1, bytes: 176 });
    const shown = show(name);
    const listings = blocks(shown, 'dumpheap-listing');
    expect(listings).toHaveLength(2);
    expect(listings[0].elided).toBe(true);
    expect(listings[0].rows).toHaveLength(3);
    expect(listings[1].rows).toEqual([{ address: '0000000002db24c0', mt: '000007fee3653dc0', size: 176 }]);
    const objects = blocks(shown, 'dumpobj');
    expect(objects).toHaveLength(5);
    expect(objects.find((o) => o.name === 'System.String')!.stringValue).toBe(
      'Data Source=<server>;Initial Catalog=<database>;Integrated Security=True; Max Pool Size=20; Connection Timeout=10',
    );
    const pool = objects.find((o) => o.name === 'System.Data.ProviderBase.DbConnectionPool')!;
    expect(pool.fields.find((f: { name: string }) => f.name === '_totalObjects')).toMatchObject({ value: '20' });
    expect(pool.fields.find((f: { name: string }) => f.name === '_cleanupWait')).toMatchObject({ value: '190000' });
    expect(chains(shown)).toHaveLength(0);
  });

  it('107 (two dumps, one !dumpheap -stat each): two sessions; the answer is the second dump’s 917 objects', () => {
    const name = '107-two-dumps-compared-net48-32bit.txt';
    const shown = show(name);
    expect(shown.sessions).toHaveLength(2);
    const { json } = stat(name);
    expect(json!.objects).toBe(917);
    expect(row(json!, 'MemoryLeakApplication.Customer')).toMatchObject({ count: 496, bytes: 11_904 });
    expect(row(json!, 'Free')).toMatchObject({ count: 12, bytes: 136 });
    const first = spawnSync(process.execPath, [BIN, 'stat', fixturePath('sos', name), '--json', '--session', '1'], {
      encoding: 'utf8',
      cwd: PROJECT_ROOT,
    });
    expect(first.status, first.stderr).toBe(0);
    const firstStat = JSON.parse(first.stdout) as Stat;
    expect(row(firstStat, 'MemoryLeakApplication.Customer')).toMatchObject({ count: 136, bytes: 3264 });
    expect(firstStat.objectsLowerBound).toBe(true); // its footer was not copied
  });

  it('108 (a whole WinDbg session): 296 objects in 32 rows, two listings, gcroot of an MT finds nothing', () => {
    const name = '108-jp-windbg-gc-staticroute-full-session.txt';
    const { json } = stat(name);
    expect(json!.filter).toBeNull();
    expect(json!.objects).toBe(296);
    expect(json!.types).toHaveLength(32);
    expect(json!.bytes).toBe(53_532);
    expect(json!.elided).toBe(false);
    expect(row(json!, 'GC_StaticRoute.Button')).toMatchObject({ count: 62, bytes: 1488 });
    expect(row(json!, 'System.EventHandler')).toMatchObject({ count: 123, bytes: 7872 });
    const shown = show(name);
    expect(shown.dialect).toBe('windbg');
    expect(shown.sessions).toHaveLength(1);
    const listings = blocks(shown, 'dumpheap-listing');
    expect(listings.map((listing) => listing.rows.length)).toEqual([10, 123]);
    expect(listings[1].rows[0]).toEqual({ address: '00000200155a2df0', mt: '00007ffc8b080e30', size: 64 });
    const gcroots = blocks(shown, 'gcroot');
    expect(gcroots.map((block) => [block.foundRoots, block.chains.length])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('109 (server GC, 12 heaps): a -live table is not the whole heap; the dead rows and the chain', () => {
    const name = '109-fabric-heapstat-live-dead-gcroot-all.txt';
    const { json } = stat(name);
    expect(json!.filter).toContain('-live');
    expect(json!.objects).toBe(65_529_511);
    expect(row(json!, 'Microsoft.Cis.Fabric.[XXX].Relationship')).toMatchObject({
      count: 11_034_288,
      bytes: 706_194_432,
    });
    const shown = show(name);
    const [chain] = chains(shown);
    expect(chain.root).toMatchObject({ kind: 'pinned handle', name: '000000265e6317d8' });
    expect(chain.steps.at(-1)).toMatchObject({
      addressText: '000000266063fbf0',
      type: 'Microsoft.Windows.[XXX].AllocatedVip',
    });
    expect(chain.steps.at(-1)!.elidedBefore).toBe(true);
  });

  it('110 (unloadability how-to): the -type listing’s statistics, three roots of the LoaderAllocator', () => {
    const name = '110-janvorli-unloadability-loaderallocator-roots.txt';
    const { json } = stat(name);
    expect(json!.filter).toBe('-type LoaderAllocator');
    expect(json!.types.map((type) => [type.name, type.count, type.bytes])).toEqual(
      expect.arrayContaining([
        ['System.Reflection.LoaderAllocatorScout', 1, 24],
        ['System.Reflection.LoaderAllocator', 1, 48],
      ]),
    );
    const shown = show(name);
    const [gcroot] = blocks(shown, 'gcroot');
    expect(gcroot.foundRoots).toBe(3);
    const roots = (gcroot.chains as Chain[]).map((chain) => [chain.root.kind, chain.root.name, chain.steps.length]);
    expect(roots).toEqual([
      ['stack', 'rbp-20', 4],
      ['strong handle', '000002b7f8a81198', 2],
      ['pinned handle', '000002b7f8a815f8', 6],
    ]);
    expect((gcroot.chains as Chain[])[0].root.thread).toBe('4ac');
    const paths = JSON.parse(run('roots', fixturePath('sos', name), '--json').stdout) as { paths: unknown[] };
    expect(paths.paths).toHaveLength(3);
  });

  it('111 (a question quoting gcroot): the quoted handle fragment and the full 8-step chain', () => {
    const name = '111-veruyandi-docs-issue-pinned-handle-question.txt';
    expect(stat(name).status).toBe(2);
    const all = chains(show(name));
    const full = all.find((chain) => chain.steps.length > 0)!;
    expect(full.root).toMatchObject({ kind: 'pinned handle', name: '0000003344471ff8' });
    expect(full.steps).toHaveLength(8);
    expect(full.steps.at(-1)).toMatchObject({ addressText: '000000322f1219b0', type: 'System.Byte[]' });
    expect(full.steps.map((step) => step.type)).toContain('SBUtils.TElByteArrayManager');
  });

  it('112 (a stat tail under a date caption): the footer’s 306,200 objects, the visible rows', () => {
    const name = '112-bio2hazard-aspnetcore-alpine-stat-tail-no-header.txt';
    const { json } = stat(name);
    expect(json!.objects).toBe(306_200);
    expect(json!.elided).toBe(true); // the ten rows hold 117,986
    expect(json!.types).toHaveLength(10);
    expect(row(json!, 'Free')).toMatchObject({ count: 4326, bytes: 5_751_492, mt: '0000560feeddc9e0' });
    expect(row(json!, 'System.Byte[]')).toMatchObject({ count: 10_643, bytes: 8_010_632 });
  });

  it('113 (stat rows alone: no header, no footer): totals are lower bounds', () => {
    const name = '113-kkhurin-roslyn-binder-stat-rows-only.txt';
    const { json } = stat(name);
    expect(json!.types).toHaveLength(9);
    expect(json!.objects).toBe(48_290);
    expect(json!.bytes).toBe(6_933_832);
    expect(json!.objectsLowerBound).toBe(true);
    expect(json!.bytesLowerBound).toBe(true);
    expect(
      row(
        json!,
        'Roslyn.Utilities.TextKeyedCache`1+SharedEntry[[Microsoft.CodeAnalysis.CSharp.Syntax.InternalSyntax.SyntaxToken, Microsoft.CodeAnalysis.CSharp]][]',
      ),
    ).toMatchObject({ count: 1, bytes: 1_048_600 });
  });

  it('114 (dotnet-dump with no heap command): every command says the session has no heap output, and which commands it ran', () => {
    const name = '114-ilkay-dotnet-dump-windows-no-heap-blocks.txt';
    for (const command of ['stat', 'show', 'roots']) {
      const result = run(command, fixturePath('sos', name));
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(
        'is a dotnet-dump session with no heap output (its commands: verifyheap, threadpool)',
      );
      expect(result.stderr).toContain('to line 15');
    }
  });

  it('115 (old eeheap -gc with the author’s // notes): two heaps and the GC heap size', () => {
    const name = '115-cn-learn-notes-eeheap-gc-annotated-two-heaps.txt';
    const [eeheap] = blocks(show(name), 'eeheap');
    expect(eeheap.heapCount).toBe(2);
    expect(eeheap.gcHeapSize).toBe(7_942_864);
    expect(eeheap.heaps.map((heap: { heapSize: number | null }) => heap.heapSize)).toEqual([6_077_536, 1_865_328]);
    expect(eeheap.heaps.map((heap: { segments: unknown[] }) => heap.segments.length)).toEqual([4, 2]);
    // as printed: leading zeros and `0x` kept beside the normalised forms
    expect(eeheap.heaps[0].segments[0]).toMatchObject({
      addressTexts: ['001c92f0', '7a733370', '7a754b98'],
      addresses: ['1c92f0', '7a733370', '7a754b98'],
      allocatedSize: 137_256,
    });
    expect(eeheap.heaps[0].generationStarts[0]).toEqual({
      generation: 0,
      address: '310d288',
      addressText: '0x0310d288',
    });
  });

  it('116 (WinDbg with SOS for .NET 5, Japanese notes): stat, a canceled listing, dumparray, two gcroots, !address', () => {
    const name = '116-akira-windbg-dotnet5-leakobject-session.txt';
    const { json } = stat(name);
    expect(json!.filter).toBeNull();
    expect(json!.objects).toBe(3_124_273);
    expect(row(json!, 'System.Byte[]')).toMatchObject({ count: 1_000_006, bytes: 1_024_007_885 });
    expect(row(json!, 'ManagedMemoryLeak.LeakObject')).toMatchObject({ count: 1_000_000, bytes: 40_000_000 });
    const shown = show(name);
    const [listing] = blocks(shown, 'dumpheap-listing');
    expect(listing.rows).toHaveLength(4);
    expect(listing.elided).toBe(true);
    const array = blocks(shown, 'dumparray')[0];
    expect(array.array).toMatchObject({ length: 1000 });
    expect(array.elements.at(-1)).toEqual({ index: 999, address: '00000236cc3e925f' }); // as printed
    const gcroots = blocks(shown, 'gcroot');
    expect(gcroots.map((block) => block.foundRoots)).toEqual([1, 2]);
    expect((gcroots[0].chains as Chain[])[0].root).toMatchObject({ kind: 'stack', name: 'rbp-18', thread: '1a68' });
    expect((gcroots[1].chains as Chain[])[1].root).toMatchObject({ kind: 'strong handle', name: '00000236CA1F13E8' });
    const list = blocks(shown, 'dumpobj').find((o) => o.methodTableText === '00007ffb647e4b08')!;
    expect(list.fields.find((f: { name: string }) => f.name === '_size')).toMatchObject({ value: '1000000' });
    expect(blocks(shown, 'address-summary')).toHaveLength(1);
  });

  it('117 (whitespace collapsed): a one-row listing and an interior root on rbp-50', () => {
    const name = '117-kokosa-zh-interior-pointer-collapsed.txt';
    const shown = show(name);
    const [listing] = blocks(shown, 'dumpheap-listing');
    expect(listing.rows).toEqual([{ address: '0000027b00023d20', mt: '00007ffdace07220', size: 32 }]);
    const [chain] = chains(shown);
    expect(chain.root).toMatchObject({ kind: 'stack', name: 'rbp-50', thread: '3f48', interior: true });
    expect(chain.root.frame).toContain('CoreCLR.Unsafe.Program.Main(System.String[])');
    expect(chain.steps).toEqual([expect.objectContaining({ addressText: '0000027b00023d20', type: 'ArrayWrapper' })]);
  });

  it('118 (SOS output in a ClrMD pull request): three gcroots over two strong handles', () => {
    const name = '118-nextturn-clrmd-pr-sos-gcroot-handles.txt';
    const gcroots = blocks(show(name), 'gcroot');
    expect(gcroots.map((block) => [block.foundRoots, block.chains.length])).toEqual([
      [null, 2],
      [1, 1],
      [2, 2],
    ]);
    const last = gcroots[2].chains as Chain[];
    expect(last.map((chain) => chain.root.name)).toEqual(['00000266D5321388', '00000266D5321390']);
    expect(
      last.every((chain) => chain.root.kind === 'strong handle' && chain.steps.at(-1)!.type === 'IndirectTarget'),
    ).toBe(true);
  });

  it('119 (SOS help, !GCHandles): its Statistics are of handles, not a dumpheap table', () => {
    const name = '119-sosdocs-gchandles-statistics-not-dumpheap.txt';
    const result = stat(name);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('has no dumpheap -stat table (it has: gchandles Statistics)');
    const tables = blocks(show(name), 'dumpheap-stat');
    expect(tables).toHaveLength(1);
    expect(tables[0].command).toBe('gchandles');
    expect(tables[0].totalObjects).toBe(19);
  });

  it('120 (stat rows pasted with tabs, C#-style generic names): every row read', () => {
    const name = '120-doboczyakos-aspnetcore8-tab-separated-stat-rows.txt';
    const { json } = stat(name);
    expect(json!.types).toHaveLength(16);
    expect(row(json!, 'System.String')).toMatchObject({ count: 764_591, bytes: 72_146_418 });
    expect(row(json!, 'System.Type[][]')).toMatchObject({ count: 266_944, bytes: 12_167_680 });
    expect(row(json!, 'System.Collections.Generic.List<System.Type>')).toMatchObject({
      count: 521_671,
      bytes: 16_693_472,
    });
    expect(row(json!, 'Free')).toMatchObject({ count: 16_301, bytes: 29_831_240, mt: '556160c08a80' });
    expect(json!.objectsLowerBound).toBe(true);
  });
});

describe('stat, roots and show never exit 2 on a transcript that has what they answer from', () => {
  it('every transcript of the project: a dumpheap table → stat answers; a gcroot chain → roots answers; a block → show answers', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { readdirSync } = await import('node:fs');
    const { parseSosTranscript } = await import('./index');
    const { statBlocks, gcrootChains } = await import('./transcript-queries');
    const { byteSourceFromBytes } = await import('../byte-source');
    const { fixtureBytes } = await import('./test-support');
    const runAsync = promisify(execFile);
    const asks: [string, string][] = [];
    for (const name of readdirSync(join(PROJECT_ROOT, 'test-data/sos')).filter((n) => n.endsWith('.txt'))) {
      const transcript = await parseSosTranscript(byteSourceFromBytes(fixtureBytes(name), name)).catch(() => null);
      if (transcript === null) continue; // refused as a whole: 114, asserted above
      if (statBlocks(transcript).length > 0) asks.push(['stat', name]);
      if (gcrootChains(transcript).some((chain) => chain.steps.length > 0)) asks.push(['roots', name]);
      asks.push(['show', name]);
    }
    expect(asks.filter(([command]) => command === 'stat').length).toBeGreaterThan(25);
    expect(asks.filter(([command]) => command === 'roots').length).toBeGreaterThan(15);
    const failures: string[] = [];
    // Two at a time: the machine has two cores.
    for (let i = 0; i < asks.length; i += 2) {
      await Promise.all(
        asks
          .slice(i, i + 2)
          .map(([command, name]) =>
            runAsync(process.execPath, [BIN, command, fixturePath('sos', name)], { cwd: PROJECT_ROOT }).catch(
              (error: { code?: number; stderr?: string }) =>
                failures.push(`${command} ${name}: exit ${error.code} ${error.stderr}`),
            ),
          ),
      );
    }
    expect(failures).toEqual([]);
  }, 240_000);
});
