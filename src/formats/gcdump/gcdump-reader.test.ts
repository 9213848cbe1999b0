import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readGcdump } from './gcdump-reader';
import { writeGcdump } from './gcdump-writer';
import { byteSourceFromBytes } from '../byte-source';
import { typeHistogram } from '../../analysis/histogram';
import { listFixtures, matchGolden, readFixture } from '../../test-support/fixtures';
import { NodeFlag, type HeapModel } from '../../heap/types';

const FIXTURES = listFixtures('gcdump', '.gcdump');

async function read(name: string, keepLayout = false) {
  const bytes = readFixture('gcdump', name);
  return { bytes, ...(await readGcdump(byteSourceFromBytes(bytes, name), { keepLayout })) };
}

/** The canonical text rendering of a histogram: by bytes descending, then name. */
function renderHistogram(heap: HeapModel): string {
  const rows = typeHistogram(heap).sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
  const lines = rows.map((r) => `${String(r.count).padStart(9)} ${String(r.bytes).padStart(12)}  ${r.name}`);
  const objects = rows.reduce((s, r) => s + r.count, 0);
  const bytes = rows.reduce((s, r) => s + r.bytes, 0);
  return `${lines.join('\n')}\nTotal ${objects} objects, ${bytes} bytes, ${rows.length} type names\n`;
}

function edgeCount(heap: HeapModel) {
  return heap.edges.start.get(heap.nodes.count);
}

describe('gcdump reader on the real fixtures', () => {
  it('finds every fixture', () => {
    expect(FIXTURES).toEqual([
      'gcdump-analyze-leakypage-maui-android-arm64.gcdump',
      'gcdump-analyze-test1-maui-winui-coreclr9.gcdump',
      'heapview-sample-monovm-ios-2023-08-17.gcdump',
      'perfview-test1-jsheap-ie-2015.gcdump',
      'perfview-test2-wpf-netfx45-x86-2014.gcdump',
    ]);
  });

  // Facts from test-data/README.md, read by an independent reader.
  const facts: Record<string, { nodes: number; types: number; edges: number; total: number; root: string }> = {
    'perfview-test1-jsheap-ie-2015.gcdump': {
      nodes: 6482,
      types: 1994,
      edges: 15020,
      total: 1009270,
      root: '[JS Roots]',
    },
    'perfview-test2-wpf-netfx45-x86-2014.gcdump': {
      nodes: 140391,
      types: 3333,
      edges: 235137,
      total: 4147128,
      root: '[.NET Roots]',
    },
    'heapview-sample-monovm-ios-2023-08-17.gcdump': {
      nodes: 24062,
      types: 430,
      edges: 32349,
      total: 1309128,
      root: '[.NET Roots]',
    },
    'gcdump-analyze-leakypage-maui-android-arm64.gcdump': {
      nodes: 19811,
      types: 3819,
      edges: 34228,
      total: 1286952,
      root: '[.NET Roots]',
    },
    'gcdump-analyze-test1-maui-winui-coreclr9.gcdump': {
      nodes: 46645,
      types: 4719,
      edges: 82475,
      total: 3339490,
      root: '[.NET Roots]',
    },
  };

  it.each(FIXTURES)('%s: counts agree with the fixture facts', async (name) => {
    const { heap, details } = await read(name);
    const fact = facts[name];
    expect(heap.nodes.count).toBe(fact.nodes);
    expect(heap.types.count).toBe(fact.types);
    expect(edgeCount(heap)).toBe(fact.edges);
    expect(heap.totalSize).toBe(fact.total);
    expect(heap.types.names[heap.nodes.type[heap.rootIndex]]).toBe(fact.root);
    expect(details.trailerIntact).toBe(true);
    expect(details.labelWidth).toBe(4);
  });

  it('maui: per-name rows from the fixture facts', async () => {
    const { heap } = await read('gcdump-analyze-test1-maui-winui-coreclr9.gcdump');
    const byName = new Map(typeHistogram(heap).map((r) => [r.name, r]));
    expect([byName.get('System.String')?.count, byName.get('System.String')?.bytes]).toEqual([6913, 518562]);
    expect([byName.get('System.Object')?.count, byName.get('System.Object')?.bytes]).toEqual([6375, 153000]);
    expect([
      byName.get('System.Int32[] (Bytes > 10K)')?.count,
      byName.get('System.Int32[] (Bytes > 10K)')?.bytes,
    ]).toEqual([1, 98352]);
    expect([byName.get('MauiApp3.LeakyPage')?.count, byName.get('MauiApp3.LeakyPage')?.bytes]).toEqual([4, 3072]);
    expect(heap.producer.creationTool).toBe('dotnet-gcdump');
    expect(heap.producer.pointerSize).toBe(8);
  });

  it('wpf 2014: PerfView metadata, segments, interop and never-defined nodes', async () => {
    const { heap, details } = await read('perfview-test2-wpf-netfx45-x86-2014.gcdump');
    expect(heap.producer.pointerSize).toBe(4);
    expect(details.creationTool.present).toBe(false);
    expect(details.dotNetHeapInfo?.segments.length).toBeGreaterThan(0);
    expect(heap.segments.length).toBe(details.dotNetHeapInfo?.segments.length);
    expect(details.interopInfo.present).toBe(true);
    let undefinedNodes = 0;
    for (let i = 0; i < heap.nodes.count; i++) if (!(heap.nodes.flags[i] & NodeFlag.Defined)) undefinedNodes++;
    expect(undefinedNodes).toBe(18);
  });

  it.each(FIXTURES)('%s: histogram matches its golden rendering', async (name) => {
    const { heap } = await read(name);
    const { expected, actual } = matchGolden(
      join(__dirname, '__golden__', `${name}.histogram.txt`),
      renderHistogram(heap),
    );
    expect(actual).toBe(expected);
  });

  it.each(FIXTURES)('%s: re-encoding the decoded content gives the identical file', async (name) => {
    const { bytes, heap, details } = await read(name, true);
    const written = writeGcdump({ heap, details });
    expect(written.length).toBe(bytes.length);
    expect(Buffer.compare(Buffer.from(written), Buffer.from(bytes))).toBe(0);
  });
});
