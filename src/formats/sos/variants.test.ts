/**
 * Variations catalogued in docs/specs/sos-transcripts.md that the fixtures do not all show,
 * written as short transcripts in the shapes the spec quotes, plus the streaming and model rules.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { typeHistogram } from '../../analysis/histogram';
import { NodeFlag } from '../../heap/types';
import { byteSourceFromBytes, FormatError } from '../byte-source';
import { loadHeap } from '../load';
import { ELIDED_LINKS_NAME } from './heap-from-transcript';
import { importSosTranscript, parseSosTranscript } from './index';
import { parseGroupedInt, parseHumanSize, parseSizePair, normalizeHex } from './numbers';
import { fixtureBytes, fixtureNames, importText } from './test-support';
import { renderTranscriptReport } from './transcript-report';
import { blocksOfKind, gcrootChains, wholeHeapStat } from './transcript-queries';

describe('numbers (spec §3)', () => {
  it('reads thousands separators of either kind, or none', () => {
    expect(parseGroupedInt('1,047,579,498')).toBe(1_047_579_498);
    expect(parseGroupedInt('9.993.265.315')).toBe(9_993_265_315);
    expect(parseGroupedInt('199.498')).toBe(199_498);
    expect(parseGroupedInt('1374086995')).toBe(1_374_086_995);
    expect(parseGroupedInt('0.5')).toBeNull();
    expect(parseGroupedInt('1,2')).toBeNull();
    expect(parseGroupedInt('12ab')).toBeNull();
  });

  it('normalises every hex spelling to one form', () => {
    expect(normalizeHex('00007F56405C1C18')).toBe('7f56405c1c18');
    expect(normalizeHex('0x79b94638')).toBe('79b94638');
    expect(normalizeHex('7ffe`d06bb000')).toBe('7ffed06bb000');
    expect(normalizeHex('0000000000000000')).toBe('0');
    expect(normalizeHex('xyz')).toBeNull();
    expect(normalizeHex('1'.repeat(17))).toBeNull();
  });

  it('reads size pairs in both orders and human sizes', () => {
    expect(parseSizePair('0x0001efbc(126908)')).toBe(126_908);
    expect(parseSizePair('0x15ec688 (22988424)')).toBe(22_988_424);
    expect(parseSizePair('80(0x50) bytes')).toBe(80);
    expect(parseSizePair('1073741848(0x40000018) bytes')).toBe(1_073_741_848);
    expect(parseSizePair('80(0x51)')).toBeNull(); // the halves disagree
    expect(parseHumanSize('2.39gb')).toBe(Math.round(2.39 * 1024 ** 3));
    expect(parseHumanSize('464.000 kB')).toBe(464 * 1024);
    expect(parseHumanSize('11.5MB')).toBe(Math.round(11.5 * 1024 ** 2));
  });
});

describe('dumpheap -stat variants (spec §2)', () => {
  it('reads the German-locale footer and rows', async () => {
    const { transcript } = await importText(
      [
        '> dumpheap -stat',
        'Statistics:',
        '          MT    Count     TotalSize Class Name',
        '7f1e2a3b4c50   12.345     1.234.567 System.String',
        '7f1e2a3b4c60  187.153 9.992.030.748 System.Byte[]',
        'Total 199.498 objects, 9.993.265.315 bytes',
      ].join('\n'),
    );
    expect(wholeHeapStat(transcript)).toMatchObject({
      totalObjects: 199_498,
      totalBytes: 9_993_265_315,
      elided: false,
    });
    expect(wholeHeapStat(transcript)!.rows[1]).toMatchObject({ count: 187_153, bytes: 9_992_030_748 });
  });

  it('rejoins class names that wrapped, including a name alone on the next line', async () => {
    const { transcript } = await importText(
      [
        '0:000> !dumpheap -stat',
        'Statistics:',
        '              MT    Count    TotalSize Class Name',
        '00007ffb0f6cec68        1           24',
        'System.Collections.Generic.GenericEqualityComparer`1[[System.Int32, System.Private.CoreLib]]',
        '00007ffb0f634158      158    251802384 System.Collections.Generic.Dictionary`2+Entry[[System.String, mscorlib],[System.Object,',
        ' mscorlib]][]',
        '00007ffb0f667be8    32554      2795084 System.String',
        'Total 32713 objects',
      ].join('\n'),
    );
    const stat = wholeHeapStat(transcript)!;
    expect(stat.rows.map((row) => row.name)).toEqual([
      'System.Collections.Generic.GenericEqualityComparer`1[[System.Int32, System.Private.CoreLib]]',
      'System.Collections.Generic.Dictionary`2+Entry[[System.String, mscorlib],[System.Object, mscorlib]][]',
      'System.String',
    ]);
    expect(stat.elided).toBe(false);
    expect(stat.totalBytes).toBe(24 + 251_802_384 + 2_795_084);
  });

  it('takes the LAST unfiltered table, skipping -type/-mt/-min tables and footerless excerpts', async () => {
    const { transcript } = await importText(
      [
        '0:000> !dumpheap -stat',
        'Statistics:',
        '      MT    Count    TotalSize Class Name',
        '79b94638       10          200 System.String',
        'Total 10 objects',
        '0:000> !dumpheap –stat', // typographic dash
        'Statistics:',
        '      MT    Count    TotalSize Class Name',
        '79b94638       20          400 System.String',
        'Total 20 objects',
        '0:000> !dumpheap -stat -type Foo',
        'Statistics:',
        '      MT    Count    TotalSize Class Name',
        '7a000000        1           12 Foo',
        'Total 1 objects',
        '0:000>!dumpheap -stat -min 1000',
        'Statistics:',
        '      MT    Count    TotalSize Class Name',
        '79b94638        2         2400 System.String',
        'Total 2 objects',
        'Here is the top of that table again:',
        '79b94638       20          400 System.String',
      ].join('\n'),
    );
    const stat = wholeHeapStat(transcript)!;
    expect(stat.totalObjects).toBe(20);
    expect(stat.line).toBe(7);
    expect(transcript.commands[1].args).toEqual(['-stat']);
    expect(blocksOfKind(transcript, 'dumpheap-stat').map((b) => b.filter.join(' '))).toEqual([
      '',
      '',
      '-type Foo',
      '-min 1000',
      '',
    ]);
  });

  it('reads new-style listings with Free rows and the new fragmented-blocks section', async () => {
    const { heap, transcript } = await importText(
      [
        '> dumpheap -type System.Byte[]',
        '         Address               MT           Size',
        '    7f1e9a000028     55f1d2d1e1c0             24 Free',
        '    7f1e9a000040     7f5d24e1a5e4         32,792',
        '    7f1e9a008058     7f5d24e1a5e4         32,792',
        '',
        'Statistics:',
        '          MT Count TotalSize Class Name',
        '55f1d2d1e1c0     1        24 Free',
        '7f5d24e1a5e4     2    65,584 System.Byte[]',
        'Total 3 objects, 65,608 bytes',
        '',
        'Fragmented blocks larger than 0.5 MB:',
        '         Address      Size Followed By',
        '    7f1e9a100000   958,008 7f1e9a1e9e38 System.Byte[]',
      ].join('\n'),
    );
    const listing = blocksOfKind(transcript, 'dumpheap-listing')[0];
    expect(listing.rows.count).toBe(3);
    expect(listing.freeRows).toBe(1);
    const stat = blocksOfKind(transcript, 'dumpheap-stat')[0];
    expect(stat.origin).toBe('listing');
    expect(stat.fragmented).toEqual([
      { address: '7f1e9a100000', bytes: 958_008, followedBy: '7f1e9a1e9e38', followedByType: 'System.Byte[]' },
    ]);
    // 3 listed objects; the -type table's rows are exact per-type totals
    expect(heap.nodes.count).toBe(3);
    expect(typeHistogram(heap).find((row) => row.name === 'System.Byte[]')).toMatchObject({ count: 2, bytes: 65_584 });
    expect(heap.capabilities).toMatchObject({ objects: true, edges: false, roots: false, memorySummary: false });
  });
});

describe('gcroot families (spec §6)', () => {
  it('reads the Thread/register form with (interior), a dependent handle and a wrapped type', async () => {
    const { heap, transcript } = await importText(
      [
        '0:000> !gcroot 0228bad4',
        'Note: Roots found on stacks may be false positives. Run "!help gcroot" for',
        'more info.',
        'Scan Thread 0 OSTHread 1b84',
        'Thread 1b84:',
        '    0013f29c 5d6e1f7c System.Windows.Forms.Application+ComponentManager.FPushMessageLoop(Int32, Int32,',
        'Int32)',
        '        esi:',
        '            ->  0228bad4 System.Windows.Forms.Application+ComponentManager',
        '        ebp+50: 0013f2e0',
        '            ->  022a1b48 System.Windows.Forms.Form',
        '            ->  022a2000 System.Byte[] (interior)',
        '        rbx:  (interior)',
        '            ->  022a3000 System.String',
        'HandleTable:',
        '    00c211f8 (dependent handle)',
        '    -> 022a4000 System.Object',
        '    -> 022a5000 System.Collections.Generic.List`1[[System.String,',
        'mscorlib]] (dependent handle)',
        '',
        "Found 4 unique roots (run '!GCRoot -all' to see all roots).",
      ].join('\n'),
    );
    const block = blocksOfKind(transcript, 'gcroot')[0];
    expect(block).toMatchObject({ family: 3, foundRoots: 4, target: '228bad4' });
    // What the text and the JSON show: the addresses as printed, leading zeros kept.
    expect(block.chains[1].steps.map((step) => step.addressText)).toEqual(['022a1b48', '022a2000']);
    expect(block.chains[0].root.frame).toBe(
      'System.Windows.Forms.Application+ComponentManager.FPushMessageLoop(Int32, Int32, Int32)',
    );
    const chains = gcrootChains(transcript);
    expect(chains.map((chain) => [chain.root.kind, chain.root.name, chain.steps.length])).toEqual([
      ['stack', 'esi', 1],
      ['stack', 'ebp+50', 2],
      ['stack', 'rbx', 1],
      ['dependent handle', '00c211f8', 2], // the handle as printed
    ]);
    expect(chains[0].root.thread).toBe('1b84');
    expect(chains[1].steps[1]).toEqual({
      address: '22a2000',
      addressText: '022a2000',
      type: 'System.Byte[]',
      interior: true,
    });
    expect(block.chains[2].root.interior).toBe(true);
    expect(chains[3].steps[1]).toEqual({
      address: '22a5000',
      addressText: '022a5000',
      type: 'System.Collections.Generic.List`1[[System.String, mscorlib]]',
      dependent: true,
    });
    // [Transcript Roots] → [Stack roots], [Dependent handles] → objects
    expect(heap.edges.count).toBe(2 + 1 + 2 + 1 + 2);
    expect(transcript.noiseLines).toBe(0);
  });

  it('reads a bare ancient chain without root as a chain whose root is missing', async () => {
    const { heap, transcript } = await importText(
      [
        '19010b78(DemoApp.FormDemoApp)->',
        '19011158(System.Windows.Forms.PropertyStore)->',
        '1c37b2ac(System.Double[]) (200 Bytes)',
      ].join('\n'),
    );
    const [chain] = gcrootChains(transcript);
    expect(chain.root.kind).toBe('unknown');
    expect(chain.elidedBefore).toBe(true);
    expect(chain.steps.map((step) => step.type)).toEqual([
      'DemoApp.FormDemoApp',
      'System.Windows.Forms.PropertyStore',
      'System.Double[]',
    ]);
    expect(blocksOfKind(transcript, 'gcroot')[0].chains[0].steps[2].note).toBe('200 Bytes');
    // the missing head is an explicit elision pseudo-node, not a false edge from a root
    const gapType = heap.types.names.indexOf(ELIDED_LINKS_NAME);
    expect(gapType).toBeGreaterThanOrEqual(0);
  });

  it('walks a chain of 17,812 CallbackNodes without touching the call stack', async () => {
    const lines = ['> gcroot 7f0000100000', 'HandleTable:', '    00007f7595db13e8 (strong handle)'];
    for (let i = 0; i < 17_812; i++) {
      lines.push(
        `          -> ${(0x7f0000000000 + i * 0x50).toString(16)}     System.Threading.CancellationTokenSource+CallbackNode`,
      );
    }
    lines.push('', 'Found 1 unique roots.');
    const { heap, transcript } = await importText(lines.join('\n'));
    expect(gcrootChains(transcript)[0].steps).toHaveLength(17_812);
    expect(heap.edges.count).toBe(17_812 + 1);
    expect(heap.nodes.count).toBe(17_812 + 2);
  });
});

describe('other outputs', () => {
  it('reads a dumpobj whose field name wrapped onto its own line', async () => {
    const { transcript } = await importText(
      [
        '0:000> !do 0000019419341038',
        'Name:        Foo.Bar',
        'MethodTable: 00007ffb0f632ca8',
        'EEClass:     00007ffb0edf2a00',
        'Tracked Type: false',
        'Size:        24(0x18) bytes',
        'File:        C:\\app\\Foo.dll',
        'Fields:',
        '              MT    Field   Offset                 Type VT     Attr            Value Name',
        '00007ffb0f667be8  4000001        8        System.String  0 instance 0000019419341050',
        '<AVeryLongAutoPropertyName>k__BackingField',
        '00007ffb0f63a0e8  4000002       10         System.Int32  1 instance               42 _count',
      ].join('\n'),
    );
    const obj = blocksOfKind(transcript, 'dumpobj')[0];
    expect(obj.fields.map((f) => [f.name, f.value])).toEqual([
      ['<AVeryLongAutoPropertyName>k__BackingField', '0000019419341050'],
      ['_count', '42'],
    ]);
    expect(obj).toMatchObject({ address: '19419341038', size: 24, file: 'C:\\app\\Foo.dll' });
  });

  it('reads a maddress table with the newer `Memory Kind` header, and lldb prompts', async () => {
    const { heap, transcript } = await importText(
      [
        '(lldb) sos maddress -summary',
        ' +-------------------------------------------------------------------------+',
        ' | Memory Kind            |        Count |         Size |   Size (bytes) |',
        ' +-------------------------------------------------------------------------+',
        ' | GCHeap                 |           14 |     3.02gb   |  3,238,002,688 |',
        ' | Image                  |          357 |   120.41mb   |    126,258,688 |',
        ' +-------------------------------------------------------------------------+',
        ' | [TOTAL]                |          371 |     3.14gb   |  3,364,261,376 |',
        ' +-------------------------------------------------------------------------+',
      ].join('\n'),
    );
    expect(transcript.dialect).toBe('lldb');
    expect(transcript.commands[0].name).toBe('maddress');
    expect(heap.memorySummary).toEqual([
      { kind: 'GCHeap', count: 14, bytes: 3_238_002_688 },
      { kind: 'Image', count: 357, bytes: 126_258_688 },
    ]);
    expect(heap.capabilities).toMatchObject({ memorySummary: true, objects: false, edges: false, roots: false });
    expect(blocksOfKind(transcript, 'memory-summary')[0].elided).toBe(false);
  });

  it('reads the .NET 5/6 multi-heap eeheap with committed sizes and the pinned object heap', async () => {
    const heap = (index: number, base: string) => [
      `Heap ${index} (000001E3A4F0B2D${index})`,
      `generation 0 starts at 0x${base}52B5FB8`,
      `generation 1 starts at 0x${base}51C1000`,
      `generation 2 starts at 0x${base}4F11000`,
      'ephemeral segment allocation context: none',
      '         segment             begin         allocated         committed    allocated size    committed size',
      `${base}4F10000  ${base}4F11000  ${base}52B5FB8  ${base}5A42000  0x3a4fb8(3821496)  0xb31000(11735040)`,
      `Large object heap starts at 0x${base}4F11000`,
      '         segment             begin         allocated         committed    allocated size    committed size',
      `${base}4F10000  ${base}4F11000  ${base}4F11018  ${base}4F12000  0x18(24)  0x1000(4096)`,
      `Pinned object heap starts at 0x${base}CF11000`,
      `${base}CF10000  ${base}CF11000  ${base}CF15020  ${base}CF1C000  0x4020(16416)  0xb000(45056)`,
      'Allocated Heap Size:       Size: 0x3a8ff0 (3837936) bytes.',
      'Committed Heap Size:       Size: 0xb3d000 (11784192) bytes.',
      '------------------------------',
    ];
    const { transcript } = await importText(
      [
        '0:000> !eeheap -gc',
        'Number of GC Heaps: 2',
        '------------------------------',
        ...heap(0, '000001E3A'),
        ...heap(1, '000001E3B'),
        'GC Allocated Heap Size:    Size: 0x751fe0 (7675872) bytes.',
        'GC Committed Heap Size:    Size: 0x167a000 (23568384) bytes.',
      ].join('\n'),
    );
    const eeheap = blocksOfKind(transcript, 'eeheap')[0];
    expect(transcript.blocks).toHaveLength(1);
    expect(eeheap).toMatchObject({ heapCount: 2, gcHeapSize: 7_675_872, gcCommittedSize: 23_568_384 });
    expect(eeheap.heaps.map((h) => [h.index, h.heapSize, h.committedSize])).toEqual([
      [0, 3_837_936, 11_784_192],
      [1, 3_837_936, 11_784_192],
    ]);
    expect(eeheap.heaps[1].segments.map((s) => [s.area, s.allocatedSize, s.committedSize])).toEqual([
      ['soh', 3_821_496, 11_735_040],
      ['loh', 24, 4096],
      ['poh', 16_416, 45_056],
    ]);
    expect(transcript.warnings).toEqual([]); // the segments add up to the GC heap size
  });

  it('reads the modern !address -summary Protect and Largest Region sections', async () => {
    const { transcript } = await importText(
      [
        '0:000> !address -summary',
        'Mapping file section regions...',
        '--- Usage Summary ---------------- RgnCount ----------- Total Size -------- %ofBusy %ofTotal',
        'Free                                     57          f852b000 (   3.880 GB)           97.00%',
        'Image                                   191           2eb9000 (  46.723 MB)  38.06%    1.14%',
        '',
        '--- Protect Summary (for commit) - RgnCount ----------- Total Size -------- %ofBusy %ofTotal',
        'PAGE_EXECUTE_READ                        32           25b2000 (  37.695 MB)  30.70%    0.92%',
        'PAGE_READWRITE | PAGE_GUARD               7             1c000 ( 112.000 kB)   0.09%    0.00%',
        '',
        '--- Largest Region by Usage ----------- Base Address -------- Region Size ----------',
        'Free                                     1ab`3c0e0000      7e50`f2a20000 ( 126.316 TB)',
      ].join('\n'),
    );
    const summary = blocksOfKind(transcript, 'address-summary')[0];
    expect(summary.sections.map((section) => section.title)).toEqual(['Usage', 'Protect', 'Largest Region']);
    expect(summary.sections[1].rows[1]).toEqual({ kind: 'PAGE_READWRITE | PAGE_GUARD', count: 7, bytes: 0x1c000 });
    expect(summary.sections[2].rows[0]).toEqual({ kind: 'Free', count: null, bytes: 0x7e50f2a20000 });
    expect(transcript.noiseLines).toBe(1); // `Mapping file section regions...`
  });

  it('counts commentary as noise without breaking the block around it', async () => {
    const { transcript } = await importText(
      [
        '0:000> !dumpheap -stat',
        '通过dumpheap stat得到如下结果',
        'Statistics:',
        '      MT    Count    TotalSize Class Name',
        '79b94638       10          200 System.String',
        '# ★ ここが多い',
        '7a000000        1         2000 Foo',
        'Total 11 objects',
      ].join('\n'),
    );
    expect(transcript.noiseLines).toBe(2);
    expect(transcript.blocks).toHaveLength(1);
    expect(wholeHeapStat(transcript)).toMatchObject({ totalObjects: 11, totalBytes: 2200, elided: false });
  });
});

describe('streaming', () => {
  it('gives the same result whatever the chunk size (UTF-8 and CRLF split across chunks)', async () => {
    for (const name of [
      'seed-incident-logistics-netcore31.txt',
      '05-luchigster-organization-objsize-x64.txt',
      '23-msdocs-gc-performance-fragments-no-prompts.txt',
    ]) {
      const bytes = fixtureBytes(name);
      const crlf = new TextEncoder().encode(new TextDecoder().decode(bytes).replaceAll('\n', '\r\n'));
      const reference = await parseSosTranscript(byteSourceFromBytes(bytes, name));
      for (const [input, chunkBytes] of [
        [bytes, 1],
        [bytes, 7],
        [crlf, 3],
        [crlf, 4096],
      ] as const) {
        const parsed = await parseSosTranscript(byteSourceFromBytes(input, name), { chunkBytes });
        expect(JSON.stringify(parsed, typedArraysAsLists), `${name} in ${chunkBytes}-byte chunks`).toBe(
          JSON.stringify(reference, typedArraysAsLists),
        );
      }
    }
  });

  it('reads UTF-16 transcripts (WinDbg .logopen /u) by their byte-order mark', async () => {
    const text = readFileSync('test-data/sos/11-avf2001-dotnet-dump-windows-nocommas.txt', 'utf8');
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16[0] = 0xff;
    utf16[1] = 0xfe;
    for (let i = 0; i < text.length; i++) {
      utf16[2 + 2 * i] = text.charCodeAt(i) & 0xff;
      utf16[3 + 2 * i] = text.charCodeAt(i) >> 8;
    }
    const { transcript } = await importSosTranscript(byteSourceFromBytes(utf16, 'utf16.txt'));
    expect(wholeHeapStat(transcript)?.totalBytes).toBe(1_374_086_995);
    const heap = await loadHeap(byteSourceFromBytes(utf16, 'utf16.txt'));
    expect(heap.format).toBe('sos');
  });

  it('imports a 300,000-row listing quickly into columns, one node per distinct address', async () => {
    const rows: string[] = ['> dumpheap -mt 7f563b0614c0', '         Address               MT           Size'];
    for (let i = 0; i < 300_000; i++)
      rows.push(`    ${(0x7f5500000000 + i * 0x8018).toString(16)}     7f563b0614c0         32,792`);
    rows.push(
      '',
      'Statistics:',
      '          MT  Count   TotalSize Class Name',
      '7f563b0614c0 300,000 9,837,600,000 System.Byte[]',
      'Total 300,000 objects, 9,837,600,000 bytes',
    );
    const started = performance.now();
    const { heap } = await importText(rows.join('\n'));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(heap.nodes.count).toBe(300_000);
    expect(heap.nodes.flags.every((flag) => flag === NodeFlag.Defined)).toBe(true);
    expect(typeHistogram(heap)[0]).toMatchObject({ name: 'System.Byte[]', count: 300_000, bytes: 9_837_600_000 });
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      importSosTranscript(byteSourceFromBytes(fixtureBytes(fixtureNames()[0]), 'x'), { signal: controller.signal }),
    ).rejects.toThrow();
  });
});

describe('loadHeap', () => {
  it('routes text to the transcript importer and reports non-transcripts as FormatError', async () => {
    await expect(
      loadHeap(byteSourceFromBytes(new TextEncoder().encode('hello\nworld\n'), 'notes.txt')),
    ).rejects.toBeInstanceOf(FormatError);
    const heap = await loadHeap(byteSourceFromBytes(fixtureBytes('09-weyer-static-root-netcore2.txt'), '09.txt'));
    expect(heap.format).toBe('sos');
    expect(heap.capabilities.roots).toBe(true);
  });

  it('renders every fixture without throwing', async () => {
    for (const name of fixtureNames()) {
      const imported = await importSosTranscript(byteSourceFromBytes(fixtureBytes(name), name)).catch(
        (error: unknown) => error,
      );
      if (imported instanceof FormatError) {
        // Only a session with no heap output is refused, and it says so with its commands.
        expect(imported.message, name).toMatch(/session with no heap output \(its commands: /);
        continue;
      }
      const { heap, transcript } = imported as Awaited<ReturnType<typeof importSosTranscript>>;
      expect(renderTranscriptReport(transcript, heap)).toContain(`transcript: ${name}`);
    }
  });
});

function typedArraysAsLists(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) ? Array.from(value as Uint32Array) : value;
}

describe('which stat table is the whole heap (issue: a listing’s Statistics taken for the heap)', () => {
  it('the Statistics closing a listing with no command echoed is never the whole heap', async () => {
    // Reduced from the shape reported: two whole-heap tables, then a `dumpheap -mt` listing pasted
    // without its command line, whose Statistics (59 objects) came last.
    const text = [
      '0:000> !dumpheap -stat',
      'Statistics:',
      '              MT    Count    TotalSize Class Name',
      '00007ff9d3c28308      100         4800 Contoso.Order',
      '00007ff9d3c28400      900        90000 System.String',
      'Total 1000 objects',
      '0:000> !dumpheap -stat',
      'Statistics:',
      '              MT    Count    TotalSize Class Name',
      '00007ff9d3c28308      150         7200 Contoso.Order',
      '00007ff9d3c28400      950        95000 System.String',
      'Total 1100 objects',
      '         Address               MT     Size',
      '000001d0a1b2c3d0 00007ff9d3c28308       48',
      '000001d0a1b2c400 00007ff9d3c28308       48',
      '',
      'Statistics:',
      '              MT    Count    TotalSize Class Name',
      '00007ff9d3c28308       59         2832 Contoso.Order',
      'Total 59 objects',
    ].join('\n');
    const transcript = await parseSosTranscript(byteSourceFromBytes(new TextEncoder().encode(text), 'mixed.txt'));
    const stats = blocksOfKind(transcript, 'dumpheap-stat');
    expect(stats.map((block) => [block.origin, block.totalObjects])).toEqual([
      ['stat', 1000],
      ['stat', 1100],
      ['listing', 59],
    ]);
    expect(wholeHeapStat(transcript)).toMatchObject({ totalObjects: 1100, line: 8 });
  });
});
