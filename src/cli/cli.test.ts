/** Runs the real CLI (bin/heapscope.mjs) as a user would and checks it against the fixture facts. */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fixturePath, PROJECT_ROOT } from '../test-support/fixtures';
import { HeapBuilder } from '../heap/heap-builder';
import { NodeFlag } from '../heap/types';
import { writeGcdump } from '../formats/gcdump/gcdump-writer';

const BIN = join(PROJECT_ROOT, 'bin', 'heapscope.mjs');

function heapscope(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT });
}

function statJson(fixture: string, ...extra: string[]) {
  const out = execFileSync(process.execPath, [BIN, 'stat', fixturePath('gcdump', fixture), '--json', ...extra], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as {
    format: string;
    nodes: number;
    objects: number;
    bytes: number;
    types: { name: string; count: number; bytes: number }[];
  };
}

describe('heapscope stat', () => {
  it('maui fixture: --json agrees with the fixture facts', () => {
    const stat = statJson('gcdump-analyze-test1-maui-winui-coreclr9.gcdump');
    expect(stat.format).toBe('gcdump');
    expect(stat.nodes).toBe(46645);
    // One never-defined node is excluded from the rows; every defined node (pseudo-nodes too) counts.
    expect(stat.objects).toBe(46644);
    expect(stat.bytes).toBe(3339490);
    const byName = new Map(stat.types.map((t) => [t.name, t]));
    expect(byName.get('System.String')).toEqual({ name: 'System.String', count: 6913, bytes: 518562 });
    expect(byName.get('System.Object')).toEqual({ name: 'System.Object', count: 6375, bytes: 153000 });
    expect(byName.get('System.Int32[] (Bytes > 10K)')).toEqual({
      name: 'System.Int32[] (Bytes > 10K)',
      count: 1,
      bytes: 98352,
    });
    expect(byName.get('MauiApp3.LeakyPage')).toEqual({ name: 'MauiApp3.LeakyPage', count: 4, bytes: 3072 });
    expect(stat.types.reduce((s, t) => s + t.count, 0)).toBe(stat.objects);
  });

  it.each([
    ['perfview-test1-jsheap-ie-2015.gcdump', 6482, 1009270],
    ['perfview-test2-wpf-netfx45-x86-2014.gcdump', 140391, 4147128],
    ['heapview-sample-monovm-ios-2023-08-17.gcdump', 24062, 1309128],
  ])('%s: node count and total bytes', (fixture, nodes, bytes) => {
    const stat = statJson(fixture);
    expect(stat.nodes).toBe(nodes);
    expect(stat.bytes).toBe(bytes);
  });

  it('text output is ascending by size and ends with the Total line', () => {
    const result = heapscope(
      'stat',
      fixturePath('gcdump', 'gcdump-analyze-test1-maui-winui-coreclr9.gcdump'),
      '--top',
      '3',
    );
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'Statistics:',
      '    Count     TotalSize Class Name',
      '    6,375       153,000 System.Object',
      '    3,409       354,536 System.Reflection.RuntimeMethodInfo',
      '    6,913       518,562 System.String',
      'Total 46,644 objects, 3,339,490 bytes',
      '',
    ]);
  });

  it('--sort count --top 2 keeps the two most numerous names', () => {
    const stat = statJson('gcdump-analyze-test1-maui-winui-coreclr9.gcdump', '--sort', 'count', '--top', '2');
    expect(stat.types.map((t) => t.name)).toEqual(['System.Object', 'System.String']);
  });

  it('says what is wrong with a bad file or bad options, with exit status 2', () => {
    const missing = heapscope('stat', 'no-such.gcdump');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such file: no-such\.gcdump/);
    const badSort = heapscope('stat', fixturePath('gcdump', 'perfview-test1-jsheap-ie-2015.gcdump'), '--sort', 'size');
    expect(badSort.status).toBe(2);
    expect(badSort.stderr).toMatch(/--sort takes bytes, count or name/);
    const notADump = heapscope('stat', join(PROJECT_ROOT, 'bin', 'heapscope.mjs'), '--json');
    expect(notADump.status).toBe(2);
    expect(notADump.stdout).toBe('');
  });
});

const LEAKY = join(PROJECT_ROOT, 'sample-dumps/leaky-service/runaway-cts.gcdump');
const CONTROL = join(PROJECT_ROOT, 'sample-dumps/leaky-service/control.gcdump');

function json<T>(...args: string[]): T {
  return JSON.parse(
    execFileSync(process.execPath, [BIN, ...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 }),
  ) as T;
}

interface FindingJson {
  kind: string;
  pattern: string;
  count: number;
  entryType: string;
  bytesKeptAlive: number | null;
  shareOfHeap: number | null;
  severity: string;
  accumulationPoint: { type: string; address: string };
  owner: { type: string; address: string; rootKind: string; label: string } | null;
  owners: string[];
  keptAlive: { type: string; count: number; bytes: number }[];
  explanation: string[];
  fix: string;
  rootPath: {
    root: { kind: string; name: string };
    steps: (
      { type: string; address: string } | { run: { type: string; count: number; first: string; last: string } }
    )[];
  };
}

describe('heapscope stat --filter', () => {
  const MAUI = fixturePath('gcdump', 'gcdump-analyze-test1-maui-winui-coreclr9.gcdump');
  it('a substring, an RE2 pattern, and a catastrophic pattern answered at once', () => {
    expect(statJson('gcdump-analyze-test1-maui-winui-coreclr9.gcdump', '--filter', 'LeakyPage').types).toEqual([
      { name: 'MauiApp3.LeakyPage', count: 4, bytes: 3072 },
    ]);
    expect(
      statJson(
        'gcdump-analyze-test1-maui-winui-coreclr9.gcdump',
        '--filter',
        '^System\\.Int32\\[\\]',
        '--regex',
      ).types.map((t) => t.name),
    ).toEqual(['System.Int32[] (Bytes > 1K)', 'System.Int32[]', 'System.Int32[] (Bytes > 10K)']);
    const started = Date.now();
    const result = heapscope('stat', MAUI, '--filter', '^(.+)+Q$', '--regex', '--json');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).types).toEqual([]);
    expect(Date.now() - started).toBeLessThan(15_000);
    const refused = heapscope('stat', MAUI, '--filter', '(a)\\1', '--regex');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/RE2 syntax/);
  });
});

describe('heapscope findings', () => {
  it("LeakyService: the reload token's registrations, with the buffers they keep and a collapsed path", () => {
    const findings = json<FindingJson[]>('findings', LEAKY);
    const cts = findings.find((f) => f.kind === 'runaway-cancellation-registrations')!;
    expect(cts).toMatchObject({
      pattern: 'change-token-callback',
      count: 17_818,
      entryType: 'CallbackNode',
      severity: 'critical',
      accumulationPoint: { type: 'Registrations' },
      // The owner is whose reload token it is — the configuration — not the framework static that
      // the shortest path from a root happens to start at (a socket registry, here).
      owner: { rootKind: 'staticVariable', type: 'Microsoft.Extensions.Configuration.ConfigurationManager' },
    });
    expect(cts.owner!.label).toMatch(/^\[static var /);
    expect(cts.explanation[0]).toMatch(
      /are registered on the ConfigurationReloadToken of Microsoft\.Extensions\.Configuration\.ConfigurationManager, reached from the static field /,
    );
    expect(cts.owners).toContain('ConfigurationReloadToken');
    expect(cts.bytesKeptAlive).toBeGreaterThan(17_812 * 32_792);
    expect(cts.shareOfHeap).toBeGreaterThan(0.9);
    expect(cts.fix).toMatch(/Dispose the returned IDisposable/);
    expect(cts.keptAlive.find((r) => r.type === 'System.Byte[] (Bytes > 10K)')?.count).toBe(17_812);
    // root → … → ConfigurationReloadToken → its CancellationTokenSource → the list as one run → one request's buffer.
    const types = cts.rootPath.steps.map((s) => ('run' in s ? `${s.run.count} × ${s.run.type}` : s.type));
    const at = types.indexOf('Microsoft.Extensions.Configuration.ConfigurationReloadToken');
    expect(types[at - 1]).toBe('Microsoft.Extensions.Configuration.ConfigurationManager');
    expect(types.slice(at, at + 4)).toEqual([
      'Microsoft.Extensions.Configuration.ConfigurationReloadToken',
      'System.Threading.CancellationTokenSource',
      'Registrations',
      '17,812 × CallbackNode'.replace('17,812', '17812'),
    ]);
    expect(cts.rootPath.steps.at(-1)).toMatchObject({ type: 'System.Byte[] (Bytes > 10K)' });
  });

  it('--fail-on: exit 1 on the leaky sample, 0 on the control', () => {
    expect(heapscope('findings', LEAKY, '--fail-on', 'runaway-cancellation-registrations').status).toBe(1);
    const control = heapscope('findings', CONTROL, '--fail-on', 'runaway-cancellation-registrations');
    expect(control.status).toBe(0);
    expect(heapscope('findings', CONTROL, '--fail-on', 'nonsense').status).toBe(2);
  });
});

describe('heapscope roots and dumpheap', () => {
  it('dumpheap -min 0x8018 -max 0x8018 finds the 32,792-byte buffers; roots of the deepest shows the run', () => {
    const listing = json<{
      objects: { address: string; size: number; live: boolean }[];
      statistics: { objects: number; bytes: number };
    }>('dumpheap', LEAKY, '--type', 'System.Byte[]', '--min', '0x8018', '--max', '0x8018');
    expect(listing.statistics.objects).toBeGreaterThanOrEqual(17_812);
    expect(listing.statistics.bytes).toBe(listing.statistics.objects * 32_792);
    expect(listing.objects.every((o) => o.size === 32_792)).toBe(true);

    const findings = json<FindingJson[]>('findings', LEAKY);
    const deepest = findings[0].rootPath.steps.at(-1) as { address: string };
    const roots = json<{ target: { address: string }; paths: FindingJson['rootPath'][] }>(
      'roots',
      LEAKY,
      '--address',
      deepest.address,
    );
    expect(roots.target.address).toBe(deepest.address);
    expect(roots.paths.length).toBeGreaterThan(0);
    expect(roots.paths.some((p) => p.steps.some((s) => 'run' in s && s.run.type === 'CallbackNode'))).toBe(true);
    const text = heapscope('roots', LEAKY, '--address', deepest.address).stdout;
    expect(text).toMatch(/-> [\d,]+ × CallbackNode \(0x[0-9a-f]+ … 0x[0-9a-f]+\)/);
    expect(text).toMatch(/Found \d+ unique roots?\./);
  });

  it('stat --retained: the CallbackNodes retain the leaked buffers', () => {
    const stat = json<{ types: { name: string; bytes: number; retained: number }[] }>('stat', LEAKY, '--retained');
    const nodes = stat.types.find((t) => t.name === 'CallbackNode')!;
    const buffers = stat.types.find((t) => t.name === 'System.Byte[] (Bytes > 10K)')!;
    expect(nodes.retained).toBeGreaterThan(buffers.bytes);
    for (const row of stat.types) expect(row.retained).toBeGreaterThanOrEqual(row.bytes);
  });

  it('roots of an address that is not in the dump says so', () => {
    const result = heapscope('roots', LEAKY, '--address', '0x1234');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/no object at 0x1234/);
  });
});

describe('heapscope on SOS transcripts', () => {
  const INCIDENT = fixturePath('sos', 'seed-incident-logistics-netcore31.txt');

  it('stat gives the whole-heap dumpheap -stat with its own totals, flagged elided', () => {
    const stat = json<{
      format: string;
      objects: number;
      bytes: number;
      elided: boolean;
      types: { name: string; count: number; bytes: number; mt: string }[];
    }>('stat', INCIDENT);
    expect(stat).toMatchObject({ format: 'sos', objects: 18_591_667, bytes: 2_539_831_376, elided: true });
    expect(stat.types.find((t) => t.name === 'System.Byte[]')).toEqual({
      name: 'System.Byte[]',
      count: 101_757,
      bytes: 1_047_579_498,
      mt: '7f563b0614c0',
    });
    const text = heapscope('stat', INCIDENT).stdout;
    expect(text).toContain('Total 18,591,667 objects, 2,539,831,376 bytes');
    expect(text).toContain('rows were cut');
  });

  it('stat on the LeakyService transcript agrees with its gcdump on the leaked types', () => {
    const sos = json<{ types: { name: string; count: number }[] }>(
      'stat',
      join(PROJECT_ROOT, 'sample-dumps/leaky-service/runaway-cts.sos.txt'),
    );
    const gcdump = json<{ types: { name: string; count: number }[] }>('stat', LEAKY);
    const count = (rows: { name: string; count: number }[], pattern: RegExp) =>
      rows.filter((r) => pattern.test(r.name)).reduce((s, r) => s + r.count, 0);
    const sosNodes = count(sos.types, /CallbackNode$/);
    expect(sosNodes).toBe(count(gcdump.types, /^CallbackNode$/));
  });

  it("roots without an address prints the transcript's gcroot chains, elisions explicit", () => {
    const { paths } = json<{ paths: { root: { kind: string; name: string }; steps: Record<string, unknown>[] }[] }>(
      'roots',
      INCIDENT,
    );
    expect(paths).toHaveLength(1);
    expect(paths[0].root.name).toBe('r15');
    const types = paths[0].steps.map((s) => (s.type as string) ?? ('elided' in s ? '…' : 'run'));
    const token = types.indexOf('Microsoft.Extensions.Configuration.ConfigurationReloadToken');
    expect(types.slice(token, token + 6)).toEqual([
      'Microsoft.Extensions.Configuration.ConfigurationReloadToken',
      'System.Threading.CancellationTokenSource',
      'System.Threading.CancellationTokenSource+CallbackPartition[]',
      'System.Threading.CancellationTokenSource+CallbackPartition',
      'run',
      'System.Threading.ExecutionContext',
    ]);
    // The three CallbackNodes printed around a `...` are one run that says the transcript cut it.
    expect(paths[0].steps[token + 4]).toEqual({
      run: {
        type: 'System.Threading.CancellationTokenSource+CallbackNode',
        count: 3,
        first: '7f55cfe26900',
        last: '7f55a59b4848',
        elided: true,
      },
    });
    expect(types.slice(-2)).toEqual(['Microsoft.AspNetCore.WebUtilities.FileBufferingReadStream', 'System.Byte[]']);
    // The other two elisions stay explicit steps: different types on either side.
    expect(types.filter((t) => t === '…')).toHaveLength(2);
    const text = heapscope('roots', INCIDENT).stdout;
    expect(text).toContain(
      '-> ≥ 3 × System.Threading.CancellationTokenSource+CallbackNode (7f55cfe26900 … 7f55a59b4848) (the transcript elides some)',
    );
  });

  it('a transcript with only filtered stat tables is answered from one, marked with its filter', () => {
    // 21: `!dumpheap -stat 023e1000 033db630`, the large object heap's range only (3 rows, 133 objects).
    const range = json<{ filter: string; objects: number; table: { line: number; command: string } }>(
      'stat',
      fixturePath('sos', '21-msdocs-loh-eeheap-net20-old-address.txt'),
      '--json',
    );
    expect(range).toMatchObject({ filter: '023e1000 033db630', objects: 133, table: { line: 20 } });
    // 03: two `dumpheap -stat -type …` tables and two -mt listings: the last -stat table, the others listed.
    const result = heapscope('stat', fixturePath('sos', '03-gosse-invalidprogramexception-dotnet-dump-linux.txt'));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      '(not the whole heap: the transcript has no whole-heap table; this is `dumpheap -stat -type PostgresDatabaseInfo` at line 46, filter -type PostgresDatabaseInfo)',
    );
    expect(result.stdout).toContain('  also at line 3: `dumpheap -stat -type InvalidProgramException`, 3 objects');
    // The MT as printed, leading zeros kept.
    const typed = json<{ types: { name: string; mt: string }[] }>(
      'stat',
      fixturePath('sos', '03-gosse-invalidprogramexception-dotnet-dump-linux.txt'),
      '--json',
    );
    expect(typed.types.find((t) => t.name === 'Npgsql.PostgresDatabaseInfo')?.mt).toBe('00007fcf16256b10');
  });

  it("a footer with objects but no bytes: bytes are the rows' sum, flagged as a lower bound", () => {
    const stat = json<{ objects: number; bytes: number; bytesLowerBound: boolean; objectsLowerBound: boolean }>(
      'stat',
      fixturePath('sos', '05-luchigster-organization-objsize-x64.txt'),
      '--json',
    );
    expect(stat).toMatchObject({ objects: 2_030_264, bytesLowerBound: true, objectsLowerBound: false });
    expect(heapscope('stat', fixturePath('sos', '05-luchigster-organization-objsize-x64.txt')).stdout).toContain(
      'Total 2,030,264 objects, at least 0 bytes',
    );
  });

  it('a transcript with no stat table at all says what it has', () => {
    const result = heapscope('stat', fixturePath('sos', '19-organicprogrammer-address-summary-finalizequeue.txt'));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/has no dumpheap -stat table \(it has: address-summary, finalizequeue\)/);
  });
});

describe('text from the dump in the CLI', () => {
  it("stat writes a name's right-to-left override out as <U+202E>; --json escapes it and parses to the name", () => {
    const name = 'Invoice\u202Egnp.exe';
    const b = new HeapBuilder('gcdump');
    b.addType('UNDEFINED');
    const rootType = b.addType('[.NET Roots]');
    const evil = b.addType(name, 'Evil.dll');
    const root = b.addNode(rootType, 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
    const object = b.addNode(evil, 24, 0x1000, 0x7f00, NodeFlag.Defined);
    b.addEdge(root, object);
    b.setRoot(root);
    const file = join(mkdtempSync(join(tmpdir(), 'heapscope-bidi-')), 'bidi.gcdump');
    writeFileSync(file, writeGcdump({ heap: b.build() }));

    const text = heapscope('stat', file);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Invoice<U+202E>gnp.exe');
    expect(text.stdout).not.toContain('\u202E');
    const json = heapscope('stat', file, '--json');
    expect(json.status).toBe(0);
    expect(json.stdout).not.toContain('\u202E');
    const rows = (JSON.parse(json.stdout) as { types: { name: string }[] }).types;
    expect(rows.map((row) => row.name)).toContain(name);
  });
});

describe('heapscope show', () => {
  const transcripts = [
    ...readdirSync(join(PROJECT_ROOT, 'test-data/sos'))
      // 114 has no heap output: show refuses it, saying so (wild-transcripts.test.ts)
      .filter((name) => !name.startsWith('114-'))
      .map((name) => join(PROJECT_ROOT, 'test-data/sos', name)),
    join(PROJECT_ROOT, 'sample-dumps/leaky-service/runaway-cts.sos.txt'),
  ];

  it.each(transcripts.map((path) => [path.split('/').pop()!, path]))(
    '%s: every block, in order, in text and JSON alike',
    (_, path) => {
      const text = heapscope('show', path);
      expect(text.status).toBe(0);
      const shown = json<{ blocks: { kind: string; line: number }[]; commands: unknown[] }>('show', path, '--json');
      // The text lists one line per block: "  L<start>-<end> <kind>".
      const listed = [...text.stdout.matchAll(/^ {2}L(\d+)-\d+ (\S+)/gm)].map((m) => [Number(m[1]), m[2]]);
      expect(shown.blocks.map((block) => [block.line, block.kind])).toEqual(listed);
      expect(shown.blocks.length).toBeGreaterThan(0);
    },
  );

  it('facts read by hand are reachable from --json: finalizequeue, objsize, dumpobj fields, listings', () => {
    type Blocks = { blocks: Record<string, unknown>[] };
    const finalize = json<Blocks>(
      'show',
      fixturePath('sos', '19-organicprogrammer-address-summary-finalizequeue.txt'),
      '--json',
    );
    expect(finalize.blocks.find((b) => b.kind === 'finalizequeue')).toMatchObject({
      generations: [
        { generation: 0, objects: 66 },
        { generation: 1, objects: 4 },
        { generation: 2, objects: 4372 },
      ],
      readyForFinalization: 0,
    });
    const objsize = json<Blocks>('show', fixturePath('sos', '05-luchigster-organization-objsize-x64.txt'), '--json');
    expect(objsize.blocks.filter((b) => b.kind === 'objsize')[0]).toMatchObject({
      results: [{ bytes: 824, type: 'CMP.Model.Organization' }],
    });
    const incident = json<Blocks>('show', fixturePath('sos', 'seed-incident-logistics-netcore31.txt'), '--json');
    const listing = incident.blocks.find((b) => b.kind === 'dumpheap-listing') as { rows: { size: number }[] };
    expect(listing.rows.length).toBeGreaterThan(0);
    expect(listing.rows.every((row) => row.size === 0x8018)).toBe(true);
    const dumpobj = incident.blocks.find((b) => b.kind === 'dumpobj') as { fields: { name: string }[] };
    expect(dumpobj.fields.length).toBeGreaterThan(0);
  });

  it('addresses, MTs and handles as printed: leading zeros, 0x and width kept in the text and the JSON', () => {
    type Blocks = { blocks: Record<string, unknown>[] };
    // `00007fce985a4358 00007fcf109e7428      128` (line 11): not 7fce985a4358.
    const linux = json<Blocks>(
      'show',
      fixturePath('sos', '03-gosse-invalidprogramexception-dotnet-dump-linux.txt'),
      '--json',
    );
    const listing = linux.blocks.find((b) => b.kind === 'dumpheap-listing') as {
      rows: { address: string; mt: string }[];
    };
    expect(listing.rows[0]).toMatchObject({ address: '00007fce985a4358', mt: '00007fcf109e7428' });
    // `0x79c489a0          1            12 System.Runtime.Remoting…` (WinDbg with 0x) and `095f9ed8` (32-bit, a leading zero).
    expect(heapscope('show', fixturePath('sos', '01-tess-dumpheap-stat-explained-net11.txt')).stdout).toMatch(
      /^\s+0x79c489a0\s+1\s+12\s+System\.Runtime\.Remoting\.Messaging\.ClientContextTerminatorSink$/m,
    );
    expect(heapscope('show', fixturePath('sos', '07-graversen-okanshi-32bit-noheader.txt')).stdout).toMatch(
      /^\s+095f9ed8\s+1,010\s+16,160\s+Microsoft\.CSharp/m,
    );
    // gcroot: the handle, the target and every step as printed; dumpobj's address and MT too.
    const leaky = json<Blocks>('show', join(PROJECT_ROOT, 'sample-dumps/leaky-service/runaway-cts.sos.txt'), '--json');
    const gcroot = leaky.blocks.find((b) => b.kind === 'gcroot') as {
      targetText: string;
      chains: { root: { name: string }; steps: { addressText: string }[] }[];
    };
    expect(gcroot.targetText).toBe('00007f3534c5f3b0');
    expect(gcroot.chains[0].root.name).toBe('00007f7595db13e8');
    expect(gcroot.chains[0].steps[0].addressText).toBe('7f3500000028');
    expect(leaky.blocks.find((b) => b.kind === 'dumpobj')).toMatchObject({
      addressText: '00007f3534c674a8',
      methodTableText: '00007f7517d5baf0',
    });
  });

  it('dumpheap on a transcript calls no object dead: reachability is unknown off the printed chains', () => {
    const incident = fixturePath('sos', 'seed-incident-logistics-netcore31.txt');
    const listed = heapscope('dumpheap', incident, '--type', 'System.Byte');
    expect(listed.status).toBe(0);
    expect(listed.stdout).not.toMatch(/\bdead\b/);
    expect(listed.stdout).toMatch(/^ +7f552fc394a0 +32,792 +\? +\? +System\.Byte\[\]$/m);
    expect(listed.stdout).toContain('reachability is not known');
    const objects = json<{ objects: { live: boolean | null }[] }>(
      'dumpheap',
      incident,
      '--type',
      'System.Byte',
    ).objects;
    expect(objects.every((o) => o.live === null)).toBe(true);
    const dead = heapscope('dumpheap', incident, '--type', 'System.Byte', '--dead');
    expect(dead.status).toBe(2);
    expect(dead.stderr).toMatch(/-dead needs the whole reference graph/);
  });

  it('a .gcdump is not a transcript: exit 2, saying what to use', () => {
    const result = heapscope('show', fixturePath('gcdump', 'perfview-test1-jsheap-ie-2015.gcdump'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('heapscope show reads SOS transcripts');
  });
});

describe('gcroot details from transcripts', () => {
  it("keeps each stack root's thread, in text and JSON", () => {
    const file = join(PROJECT_ROOT, 'sample-dumps/leaky-service/runaway-cts.sos.txt');
    expect(heapscope('roots', file).stdout).toMatch(/^r13 {2}— stack on thread 5806 \(transcript line 1877\)$/m);
    const paths = json<{ paths: { root: { name: string; thread?: string } }[] }>('roots', file, '--json').paths;
    expect(paths.find((p) => p.root.name === 'r13')?.root.thread).toBe('5806');
  });

  it('a chain pasted without its root says so, and invents no elision', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heapscope-fragment-'));
    const file = join(dir, 'fragment.txt');
    writeFileSync(
      file,
      [
        '0:000> !gcroot 00007f55a5b219b0',
        '          ->  00007F56140EA038 Microsoft.Extensions.DependencyInjection.ServiceLookup.DynamicServiceProviderEngine',
        '          ->  00007F55A5B219B0 System.Byte[]',
        '',
      ].join('\n'),
    );
    const text = heapscope('roots', file).stdout;
    // The address as printed (upper case, leading zeros).
    expect(text).toMatch(
      /^\[root not shown in the transcript\] \(chain at transcript line 2\)\n {4}-> +00007F56140EA038 /,
    );
    expect(text).not.toContain('elided');
    const paths = json<{ paths: { root: { shown: boolean }; steps: object[] }[] }>('roots', file, '--json').paths;
    expect(paths[0].root.shown).toBe(false);
    expect(paths[0].steps).toHaveLength(2);
  });
});

describe('heapscope runtime', () => {
  it('a .NET 10 core: the runtime, its descriptor and the globals, in text and JSON; exit 0', () => {
    const core = join(PROJECT_ROOT, 'sample-dumps/cores/app10-runtime.core');
    const text = heapscope('runtime', core);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('runtime: .NET 10.0.12 (libcoreclr.so 10.0.1226.42308 at 0x');
    expect(text.stdout).toMatch(/15 contracts: CodeVersions 1, .*RuntimeTypeSystem 1, .*Thread 1/);
    const result = JSON.parse(heapscope('runtime', core, '--json').stdout) as {
      status: string;
      types: { name: string; size: number | null; fields: { name: string; offset: number }[] }[];
      globals: { name: string; type: string | null; value: string | null; address: string | null }[];
    };
    expect(result.status).toBe('found');
    expect(result.types).toHaveLength(101);
    expect(result.types.find((t) => t.name === 'Object')).toEqual({
      name: 'Object',
      size: null,
      fields: [{ name: 'm_pMethTab', offset: 0, type: null }],
    });
    expect(result.globals).toHaveLength(67);
    expect(result.globals.find((g) => g.name === 'ObjectHeaderSize')).toMatchObject({ type: 'uint64', value: '0x8' });
    expect(result.globals.find((g) => g.name === 'StringMethodTable')).toMatchObject({ type: 'pointer', value: null });
  });

  it('a .NET 8 core, a core without .NET, and a .gcdump: exit 2, saying why', () => {
    const old = heapscope('runtime', join(PROJECT_ROOT, 'sample-dumps/cores/app8-runtime.core'));
    expect(old.status).toBe(2);
    expect(old.stdout).toContain('.NET 8.0.31 (libcoreclr.so 8.0.3126.42015 at 0x');
    expect(old.stdout).toContain('exports no DotNetRuntimeContractDescriptor');
    const none = heapscope('runtime', join(PROJECT_ROOT, 'sample-dumps/cores/gdb-sleep.core'));
    expect(none.status).toBe(2);
    expect(none.stdout).toContain('no .NET runtime in this core');
    const gcdump = heapscope('runtime', fixturePath('gcdump', 'perfview-test1-jsheap-ie-2015.gcdump'));
    expect(gcdump.status).toBe(2);
    expect(gcdump.stderr).toContain('not an ELF core');
  });
});

describe('heapscope stat, runtime and dumpobj on a .NET 10 core with its managed heap', () => {
  const core = join(PROJECT_ROOT, 'sample-dumps/heap-cores/app10-wks.core');
  // ClrMD's reading of the same full core (sample-dumps/heap-cores/README.md).
  const truth = JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'sample-dumps/heap-cores/app10-wks.heap.truth.json'), 'utf8'),
  ) as {
    objects: number;
    bytes: number;
    histogram: { name: string; count: number; bytes: number }[];
    sample: { address: string; type: string; string?: string; fields?: { name: string; value: string | null }[] }[];
  };

  it('stat: ClrMD totals; runtime: what the walk read, its references and roots; exit 0', () => {
    const stat = JSON.parse(heapscope('stat', core, '--json').stdout) as {
      types: { name: string; count: number; bytes: number }[];
    };
    // The objects' rows (the root pseudo-nodes, `[.NET Roots]` and one per kind, are rows of 0 bytes as in a gcdump).
    const objects = stat.types.filter((row) => !row.name.startsWith('['));
    expect(objects.reduce((sum, row) => sum + row.count, 0)).toBe(truth.objects);
    expect(objects.reduce((sum, row) => sum + row.bytes, 0)).toBe(truth.bytes);
    expect(stat.types.filter((row) => row.name.startsWith('[')).every((row) => row.bytes === 0)).toBe(true);
    // Every type's row is ClrMD's (ClrMD's rows are per MethodTable: summed by name).
    const clrmd = new Map<string, { count: number; bytes: number }>();
    for (const row of truth.histogram) {
      const known = clrmd.get(row.name) ?? { count: 0, bytes: 0 };
      clrmd.set(row.name, { count: known.count + row.count, bytes: known.bytes + row.bytes });
    }
    expect(Object.fromEntries(objects.map((row) => [row.name, { count: row.count, bytes: row.bytes }]))).toEqual(
      Object.fromEntries(clrmd),
    );
    const runtime = heapscope('runtime', core);
    expect(runtime.status, runtime.stderr).toBe(0);
    expect(runtime.stdout).toContain(`managed heap: ${truth.objects.toLocaleString('en-US')} objects`);
    expect(runtime.stdout).toMatch(
      /roots: \d+ strong handles?, \d+ pinning handles?, \d+ on thread stacks \(conservative\)/,
    );
  });

  it("dumpobj: a string's value and an object's fields as ClrMD reads them; a gcdump says it holds no values", () => {
    const sampled = truth.sample.find((s) => s.string !== undefined && s.string.length > 3)!;
    const text = heapscope('dumpobj', core, '--address', sampled.address);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain(`String:      ${sampled.string}`);
    const withFields = truth.sample.find((s) => (s.fields ?? []).some((f) => f.value !== null))!;
    const json = JSON.parse(heapscope('dumpobj', core, '--address', withFields.address, '--json').stdout) as {
      type: string;
      fields: { name: string; value: string | null }[];
    };
    expect(json.type).toBe(withFields.type);
    for (const field of withFields.fields!) {
      if (field.value !== null) expect(json.fields.find((f) => f.name === field.name)?.value).toBe(field.value);
    }
    const gcdump = heapscope(
      'dumpobj',
      join(PROJECT_ROOT, 'sample-dumps/heap-cores/leaky-service.gcdump'),
      '--address',
      '0x1',
    );
    expect(gcdump.status).toBe(2);
    expect(gcdump.stderr).toContain('no object at 0x1');
    const missing = heapscope('dumpobj', core);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('which object?');
  });
});
