import { describe, expect, it } from 'vitest';
import { readGcdump } from './gcdump-reader';
import { writeGcdump, ByteWriter } from './gcdump-writer';
import type { GcdumpDetails } from './gcdump-details';
import { byteSourceFromBytes, FormatError } from '../byte-source';
import { HeapBuilder } from '../../heap/heap-builder';
import { NodeFlag, type HeapModel, type NodeIndex, type TypeIndex } from '../../heap/types';
import { typeHistogram } from '../../analysis/histogram';

/** The worked example of gcdump spec §4.5: 5 types, 5 nodes, records written 2, 3, 4, 1, 0. */
function workedExample(): HeapModel {
  const b = new HeapBuilder('gcdump');
  b.addType('UNDEFINED');
  b.addType('MyApp.Node', 'MyApp.dll');
  b.addType('System.Byte[] (Bytes > 10K)', 'System.Private.CoreLib.dll');
  b.addType('[.NET Roots]');
  b.addType('[local vars]');
  const nodes: [number, number, number, number][] = [
    [3, 0, 0, 0],
    [4, 0, 0, 0],
    [1, 24, 0x00001000, 0x7f00],
    [2, 100000, 0x00001018, 0x7f00],
    [1, 40, 0x000198b8, 0x7f00],
  ];
  for (const [type, size, lo, hi] of nodes) {
    b.addNode(type as never, size, lo, hi, NodeFlag.Defined | (lo === 0 ? NodeFlag.Pseudo : 0));
  }
  for (const [from, to] of [
    [0, 1],
    [1, 2],
    [2, 3],
    [2, 4],
    [4, 2],
  ])
    b.addEdge(from as NodeIndex, to as NodeIndex);
  b.setRoot(0 as NodeIndex);
  return b.build();
}

/** §4.5's byte listing, transcribed from the spec table. */
const WORKED_EXAMPLE_HEX = [
  '14000000 21466173745365726961 6c697a6174696f6e2e31',
  '04 04010a000000 08000000 0a000000 47434865617044756d70 06',
  '04 04010100000000000000 12000000 4772617068732e4d656d6f72794772617068 06',
  'e086010000000000 00000000 05000000',
  '09000000 554e444546494e4544 00000000 ffffffff',
  '0a000000 4d794170702e4e6f6465 18000000 09000000 4d794170702e646c6c',
  '1b000000 53797374656d2e427974655b5d20284279746573203e2031304b29 a0860100 1a000000 53797374656d2e507269766174652e436f72654c69622e646c6c',
  '0c000000 5b2e4e455420526f6f74735d 00000000 ffffffff',
  '0c000000 5b6c6f63616c20766172735d 00000000 ffffffff',
  '05000000 0f000000 0c000000 02000000 06000000 08000000',
  '12000000 0000 02020102 0400 0328017e 080101 060101',
  '05000000 0000000000000000 0000000000000000 001000000 07f0000 181000000 07f0000 b89801000 07f0000',
  '0801 06',
  '01 0000803f 0000803f 01 01 ffffffff 0000000000000000 ffffffff ffffffff 00000000 0000000000000000 0000000000000000 00000000',
  '0c 00000000 01',
  '0d 0d000000 646f746e65742d6763 64756d70',
  '06 06 01000000 a3010000 b7010000 bf010000',
]
  .join('')
  .replace(/\s+/g, '');

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

async function roundTrip(bytes: Uint8Array) {
  return readGcdump(byteSourceFromBytes(bytes, 'written.gcdump'), { keepLayout: true });
}

describe('gcdump writer', () => {
  it("writes the spec's worked example byte for byte (455 bytes, as dotnet-gcdump would)", () => {
    const heap = workedExample();
    const details = { creationTool: { present: true, value: 'dotnet-gcdump' } } as const;
    const written = writeGcdump({ heap, details: { ...defaultDetailsFor(heap), ...details } });
    expect(written.length).toBe(455);
    expect(hexOf(written)).toBe(WORKED_EXAMPLE_HEX);
  });

  it("encodes compressed integers as the spec's examples", () => {
    const cases: [number, string][] = [
      [0, '00'],
      [1, '01'],
      [-1, '7f'],
      [-2, '7e'],
      [63, '3f'],
      [64, '8040'],
      [-64, '40'],
      [-65, 'ff3f'],
      [8191, 'bf7f'],
      [8192, '80c000'],
      [100000, '868d20'],
      [2147483647, '87ffffff7f'],
      [-2147483648, 'f880808000'],
    ];
    for (const [value, hex] of cases) {
      const w = new ByteWriter();
      w.compressed(value);
      expect(hexOf(w.toBytes()), String(value)).toBe(hex);
    }
  });

  it('reads back a new file with 8-byte labels', async () => {
    const heap = workedExample();
    const written = writeGcdump({ heap, labelWidth: 8 });
    const { heap: back, details } = await roundTrip(written);
    expect(details.labelWidth).toBe(8);
    expect(details.trailerIntact).toBe(true);
    expect(details.creationTool).toEqual({ present: true, value: 'heapscope' });
    expectSameGraph(back, heap);
    expect(writeGcdump({ heap: back, details })).toEqual(written);
  });

  it('keeps type indices in 2 bytes per node up to 65,536 types and in 4 past them, read back alike', async () => {
    const small = workedExample();
    expect(small.nodes.type).toBeInstanceOf(Uint16Array);
    expect((await roundTrip(writeGcdump({ heap: small }))).heap.nodes.type).toBeInstanceOf(Uint16Array);
    // 70,000 type entries, the last ones used: an index past 65,535 must survive the load.
    const b = new HeapBuilder('gcdump');
    for (let t = 0; t < 70_000; t++) b.addType(t === 0 ? 'UNDEFINED' : `T${t}`, 'M.dll');
    const wide = rootHolding(b, 69_999, [
      [65_536, 24, 0x1000, 0x7f00],
      [1, 24, 0x1018, 0x7f00],
    ]);
    expect(wide.nodes.type).toBeInstanceOf(Uint32Array);
    const { heap: back } = await roundTrip(writeGcdump({ heap: wide }));
    expect(back.nodes.type).toBeInstanceOf(Uint32Array);
    expect(Array.from(back.nodes.type)).toEqual([69_999, 65_536, 1]);
    expectSameGraph(back, wide);
  });

  it('reads sizes into 2 bytes per node with the large ones aside, widening when more than 1 in 32 are large', async () => {
    const heapWith = (largeCount: number) => {
      const b = new HeapBuilder('gcdump');
      b.addType('UNDEFINED');
      const array = b.addType('System.Byte[]', 'System.Private.CoreLib.dll');
      // 0xfffe fits, 0xffff is the first large size; the large ones go up to 2 GB − 1.
      const sizeOf = (k: number) =>
        k < largeCount ? [0xffff, 0x1_0000, 85_000, 2_147_483_647][k % 4] : k === 63 ? 0xfffe : 24 + k;
      return rootHolding(
        b,
        array,
        Array.from({ length: 64 }, (_, k) => [array, sizeOf(k), 0x1000 + 0x10_0000 * k, 0x7f00]),
      );
    };
    for (const [largeCount, width] of [
      [0, Uint16Array],
      [2, Uint16Array],
      [3, Uint32Array],
    ] as const) {
      const heap = heapWith(largeCount);
      const { heap: back } = await roundTrip(writeGcdump({ heap }));
      expect(back.nodes.size.values).toBeInstanceOf(width);
      expect(back.nodes.size.largeNodes.length).toBe(width === Uint16Array ? largeCount : 0);
      expect(back.nodes.size.toUint32Array()).toEqual(heap.nodes.size.toUint32Array());
      expect(back.types.bytes).toEqual(heap.types.bytes);
      expect(back.totalSize).toBe(heap.totalSize);
    }
    // The type's bytes count the large sizes whole: two large, 0xfffe, and 24 + k for k = 2 … 62.
    expect(heapWith(2).types.bytes[1]).toBe(0xffff + 0x1_0000 + 0xfffe + 61 * 24 + (61 * (2 + 62)) / 2);
  });

  it('keeps high address halves in 2 bytes per node while they fit, and widens at the first that does not', async () => {
    const small = workedExample();
    expect(small.nodes.addressHi).toBeInstanceOf(Uint16Array);
    expect((await roundTrip(writeGcdump({ heap: small }))).heap.nodes.addressHi).toBeInstanceOf(Uint16Array);
    // An Android ARM64 heap's tagged pointers (top byte 0xb4) need all 32 bits of the high half. The
    // tagged object comes last, so the reader has stored narrow halves before it meets one.
    const b = new HeapBuilder('gcdump');
    b.addType('UNDEFINED');
    const t = b.addType('T', 'M.dll');
    const tagged = rootHolding(b, t, [
      [t, 24, 0x1000, 0xffff],
      [t, 24, 0x1018, 0xb400_007f],
    ]);
    expect(tagged.nodes.addressHi).toBeInstanceOf(Uint32Array);
    const { heap: back } = await roundTrip(writeGcdump({ heap: tagged }));
    expect(back.nodes.addressHi).toBeInstanceOf(Uint32Array);
    expect(Array.from(back.nodes.addressHi)).toEqual([0, 0xffff, 0xb400_007f]);
    expect(Array.from(back.nodes.addressLo)).toEqual([0, 0x1000, 0x1018]);
    expectSameGraph(back, tagged);
  });

  it('reads back deferred (NativeAOT) type names, with a module shared by two types', async () => {
    const heap = workedExample();
    const module = {
      path: '/app/MyApp',
      imageBase: 0x400000n,
      size: 0x1000n,
      sizeIs64Bit: false,
      buildTimeTicks: 0n,
      pdbName: 'MyApp.pdb',
      pdbGuid: new Uint8Array(16).fill(7),
      pdbAge: 1,
    };
    const base = defaultDetailsFor(heap);
    const details: GcdumpDetails = {
      ...base,
      graphDescriptor: { version: 1, minReaderVersion: 1 },
      types: base.types.map((t, i) => (i === 1 || i === 2 ? { ...t, name: null, module: null } : t)),
      deferredTypes: [
        { typeId: 0, module: null, nameSuffix: null },
        { typeId: 0x1234, module, nameSuffix: null },
        { typeId: 0xbeef, module, nameSuffix: ' (Bytes > 10K)' },
      ],
    };
    const written = writeGcdump({ heap, details });
    const { heap: back, details: read } = await roundTrip(written);
    expect(back.types.names[1]).toBe('TypeID(0x1234)');
    expect(back.types.names[2]).toBe('TypeID(0xbeef) (Bytes > 10K)');
    expect(back.types.modules[2]).toBe('/app/MyApp');
    expect(read.deferredTypes?.[1].module).toBe(read.deferredTypes?.[2].module);
    expect(writeGcdump({ heap: back, details: read })).toEqual(written);
  });

  it('scales a sampled dump by its per-type multipliers and says so', async () => {
    const heap = workedExample();
    const multipliers = new Float32Array([0, 10, 2, 1, 1]);
    const written = writeGcdump({
      heap,
      details: { ...defaultDetailsFor(heap), countMultipliers: multipliers, averageCountMultiplier: 4.5 },
    });
    const { heap: back } = await roundTrip(written);
    expect(back.capabilities.sampled).toBe(true);
    expect(back.warnings.join(' ')).toMatch(/sampled/);
    const rows = new Map(typeHistogram(back).map((r) => [r.name, r]));
    expect(rows.get('MyApp.Node')).toMatchObject({ count: 20, bytes: 640 });
    expect(rows.get('System.Byte[] (Bytes > 10K)')).toMatchObject({ count: 2, bytes: 200000 });
  });

  it.each([4, 5, 6, 7])('reads back the legacy GCHeapDump version %i layout', async (version) => {
    const heap = workedExample();
    const details: GcdumpDetails = {
      ...defaultDetailsFor(heap),
      heapDumpDescriptor: { version, minReaderVersion: version },
      is64BitByte: version >= 7 ? 1 : null,
      interopInfo: { present: false },
      creationTool: { present: false },
      processName: version >= 5 ? 'w3wp' : null,
      legacy: {
        sizeOfAllSegments: 1n << 20n,
        sizeOfDumpedObjects: 100064n,
        numberOfDumpedObjects: 3n,
        allObjectsDumped: 1,
        segments:
          version >= 6
            ? [
                {
                  descriptor: { version: 0, minReaderVersion: 0 },
                  values: [0x7f00000000n, 0x7f00100000n, 1n, 2n, 3n, 4n],
                },
              ]
            : null,
      },
    };
    const written = writeGcdump({ heap, details });
    const { heap: back, details: read } = await roundTrip(written);
    expectSameGraph(back, heap);
    expect(read.legacy?.numberOfDumpedObjects).toBe(3n);
    expect(back.producer.processName).toBe(version >= 5 ? 'w3wp' : null);
    expect(back.segments.length).toBe(version >= 6 ? 1 : 0);
    expect(writeGcdump({ heap: back, details: read })).toEqual(written);
  });

  it('refuses GCHeapDump version 8, as PerfView does', async () => {
    const heap = workedExample();
    const written = writeGcdump({
      heap,
      details: { ...defaultDetailsFor(heap), heapDumpDescriptor: { version: 8, minReaderVersion: 8 } },
    });
    await expect(roundTrip(written)).rejects.toThrow(/version 8 is not supported/);
  });

  it('refuses a MemoryGraph from a future format', async () => {
    const heap = workedExample();
    const written = writeGcdump({
      heap,
      details: { ...defaultDetailsFor(heap), graphDescriptor: { version: 2, minReaderVersion: 2 } },
    });
    await expect(roundTrip(written)).rejects.toBeInstanceOf(FormatError);
  });
});

/** The details a reader would return for a dotnet-gcdump file of this heap. */
function defaultDetailsFor(heap: HeapModel): GcdumpDetails {
  const order = [2, 3, 4, 1, 0];
  const sizes = new Int32Array(heap.types.count).fill(-1);
  sizes[0] = 0;
  for (const node of order)
    if (sizes[heap.nodes.type[node]] === -1) sizes[heap.nodes.type[node]] = heap.nodes.size.get(node);
  const offsets = new Uint32Array(heap.nodes.count);
  order.forEach((node, k) => (offsets[node] = k + 1)); // only the relative order matters to the writer
  return {
    labelWidth: 4,
    trailerIntact: true,
    heapDumpDescriptor: { version: 10, minReaderVersion: 8 },
    graphDescriptor: { version: 1, minReaderVersion: 0 },
    storedTotalSize: BigInt(heap.totalSize),
    types: heap.types.names.map((name, t) => ({ name, size: sizes[t], module: heap.types.modules[t] })),
    deferredTypes: null,
    nodeOffsets: offsets,
    blobLength: 0,
    addressCount: heap.nodes.count,
    graphIs64Bit: { present: true, value: 1 },
    is64BitByte: 1,
    averageCountMultiplier: 1,
    averageSizeMultiplier: 1,
    jsHeapInfo: null,
    dotNetHeapInfo: null,
    collectionLog: null,
    timeCollectedTicks: 0n,
    machineName: null,
    processName: null,
    processId: 0,
    totalProcessCommit: 0n,
    totalProcessWorkingSet: 0n,
    countMultipliers: new Float32Array(0),
    interopInfo: { present: true, value: null },
    creationTool: { present: true, value: 'dotnet-gcdump' },
    legacy: null,
  };
}

/** A root pseudo-node of type `rootType` holding objects given as (type, size, address low, high): built. */
function rootHolding(b: HeapBuilder, rootType: number, objects: [number, number, number, number][]): HeapModel {
  const root = b.addNode(rootType as TypeIndex, 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
  for (const [type, size, low, high] of objects)
    b.addEdge(root, b.addNode(type as TypeIndex, size, low, high, NodeFlag.Defined));
  b.setRoot(root);
  return b.build();
}

function expectSameGraph(actual: HeapModel, expected: HeapModel) {
  expect(actual.nodes.count).toBe(expected.nodes.count);
  expect(Array.from(actual.nodes.type)).toEqual(Array.from(expected.nodes.type));
  expect(Array.from(actual.nodes.size.toUint32Array())).toEqual(Array.from(expected.nodes.size.toUint32Array()));
  expect(Array.from(actual.nodes.addressLo)).toEqual(Array.from(expected.nodes.addressLo));
  expect(Array.from(actual.edges.start.toUint32Array())).toEqual(Array.from(expected.edges.start.toUint32Array()));
  expect(Array.from(actual.edges.target)).toEqual(Array.from(expected.edges.target));
  expect(actual.types.names).toEqual(expected.types.names);
}
