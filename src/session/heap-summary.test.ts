import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { typeHistogram } from '../analysis/histogram';
import { byteSourceFromBytes } from '../formats/byte-source';
import { loadHeap } from '../formats/load';
import { HeapBuilder } from '../heap/heap-builder';
import { NodeFlag, type NodeIndex } from '../heap/types';
import { DOTNET_GCDUMP_NODE_CAP, heapSummary, mayHaveReachedNodeCap } from './heap-summary';
import { countNodeKinds } from './histogram-query';

const MAUI = resolve(__dirname, '../../test-data/gcdump/gcdump-analyze-test1-maui-winui-coreclr9.gcdump');

function summaryOf(heap: ReturnType<HeapBuilder['build']>) {
  return heapSummary({
    heap,
    histogram: typeHistogram(heap, true),
    nodeKinds: countNodeKinds(heap),
    fileName: 'x.gcdump',
    fileBytes: 1,
    loadMs: 0,
  });
}

describe('heapSummary', () => {
  it('summarizes the real maui dump as its published facts say', async () => {
    const bytes = new Uint8Array(readFileSync(MAUI));
    const heap = await loadHeap(byteSourceFromBytes(bytes, 'maui.gcdump'));
    const summary = summaryOf(heap);
    // test-data/README.md: 46,645 nodes, 82,475 edges, total size 3,339,490.
    expect(summary.nodeCount).toBe(46_645);
    expect(summary.edgeCount).toBe(82_475);
    expect(summary.totalBytes).toBe(3_339_490);
    expect(summary.rootName).toBe('[.NET Roots]');
    expect(summary.creationTool).toBe('dotnet-gcdump');
    expect(summary.pointerSize).toBe(8);
    expect(summary.sampled).toBe(false);
    expect(summary.reachedNodeCap).toBe(false);
    // Every node is an object, a pseudo-node or never defined.
    expect(summary.objectCount + summary.undefinedNodeCount).toBe(summary.nodeCount);
    expect(summary.rootReferenceCount).toBeGreaterThan(0);
    // The byte chart accounts for every byte of the histogram.
    const categorized = summary.byteCategories.reduce((sum, category) => sum + category.bytes, 0);
    expect(categorized).toBe(summary.histogramBytes);
    // System.String and System.String (Bytes > 10K): 518,562 + 38,772 bytes (fixtures README, golden histogram).
    expect(summary.byteCategories.find((c) => c.id === 'strings')).toMatchObject({ bytes: 557_334, count: 6_914 });
    expect(summary.byteCategories.find((c) => c.label === 'MauiApp3')).toBeDefined();
  });

  it('counts root references and attributes objects to segments and generations', () => {
    const builder = new HeapBuilder('gcdump');
    const rootType = builder.addType('[.NET Roots]');
    const categoryType = builder.addType('[local vars]');
    const objectType = builder.addType('Contoso.Thing');
    const pseudo = NodeFlag.Defined | NodeFlag.Pseudo;
    const root = builder.addNode(rootType, 0, 0, 0, pseudo);
    const locals = builder.addNode(categoryType, 0, 0, 0, pseudo);
    // A small-object segment 0x1000–0x2000 with gen 2 below 0x1400, gen 1 below 0x1800, gen 0 below 0x2000.
    const gen2 = builder.addNode(objectType, 100, 0x1100, 0, NodeFlag.Defined);
    const gen0 = builder.addNode(objectType, 40, 0x1900, 0, NodeFlag.Defined);
    const outside = builder.addNode(objectType, 8, 0x9000, 0, NodeFlag.Defined);
    const undefinedNode = builder.addNode(0 as never, 0, 0, 0, 0);
    builder.addEdge(root, locals);
    builder.addEdge(locals, gen2);
    builder.addEdge(locals, gen0);
    builder.addEdge(locals, undefinedNode as NodeIndex);
    builder.addEdge(gen2, outside);
    builder.setRoot(root);
    builder.addSegment({ start: 0x1000n, end: 0x2000n, genEnds: [0x2000n, 0x1800n, 0x1400n, 0x1000n, 0x1000n] });
    const summary = summaryOf(builder.build());
    expect(summary.rootCategoryCount).toBe(1);
    expect(summary.rootCategories).toEqual([{ name: '[local vars]', references: 3 }]);
    expect(summary.rootReferenceCount).toBe(2);
    expect(summary.pseudoNodeCount).toBe(2);
    expect(summary.undefinedNodeCount).toBe(1);
    expect(summary.segments).toEqual([
      {
        start: '0x1000',
        end: '0x2000',
        sizeBytes: 0x1000,
        kind: 'SOH',
        objectCount: 2,
        objectBytes: 140,
        generationBytes: [40, 0, 100, 0, 0],
      },
    ]);
  });

  it('says when the dump was sampled', () => {
    const builder = new HeapBuilder('gcdump');
    const type = builder.addType('Contoso.Thing');
    builder.addNode(type, 24, 0x10, 0, NodeFlag.Defined);
    builder.setCountMultipliers(new Float32Array([4]));
    const summary = summaryOf(builder.build());
    expect(summary.sampled).toBe(true);
    expect(summary.objectCount).toBe(4);
    expect(summary.histogramBytes).toBe(96);
  });

  it('warns of the cap only where it can have applied: a gcdump at or just past 10,000,000 nodes', () => {
    expect(mayHaveReachedNodeCap('gcdump', 9_999_999)).toBe(false);
    expect(mayHaveReachedNodeCap('gcdump', 10_000_000)).toBe(true);
    expect(mayHaveReachedNodeCap('gcdump', 10_000_250)).toBe(true);
    // The generated incident (18,591,667 nodes) cannot have been cut at 10,000,000.
    expect(mayHaveReachedNodeCap('gcdump', 18_591_667)).toBe(false);
    expect(mayHaveReachedNodeCap('sos', 10_000_000)).toBe(false);
  });

  it('flags a gcdump at dotnet-gcdump’s 10,000,000-node cap as truncated', () => {
    const builder = new HeapBuilder('gcdump');
    builder.addType('UNDEFINED');
    builder.allocateNodes(DOTNET_GCDUMP_NODE_CAP);
    builder.setEdges(new Uint32Array(DOTNET_GCDUMP_NODE_CAP + 1), new Uint32Array(0));
    expect(summaryOf(builder.build()).reachedNodeCap).toBe(true);
  });
});
