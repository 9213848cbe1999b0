/**
 * A heap image reopens a dump as its first load left it: on the real samples every column of the
 * model and of the analyses, the findings with their paths, the histogram, the dominator tree and
 * the summary are identical to the load that wrote it. A damaged, truncated or foreign image is
 * refused with an ImageError, never half-read.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PROJECT_ROOT, fixturePath } from '../test-support/fixtures';
import { ObjectSizes } from '../heap/object-sizes';
import { HeapBuilder } from '../heap/heap-builder';
import { NodeFlag } from '../heap/types';
import { writeGcdump } from '../formats/gcdump/gcdump-writer';
import { mulberry32 } from '../test-support/prng';
import { analyzeOpened, byteSourceFromBlob, openHeap, openHeapImage, type OpenedHeap } from '../session/open-heap';
import { heapImageParts, ImageError, readHeapImage, type ImageDump } from './heap-image';

const SAMPLES = [
  join(PROJECT_ROOT, 'sample-dumps/leaky-service/runaway-cts.gcdump'),
  join(PROJECT_ROOT, 'sample-dumps/leaks/audit-trail.gcdump'),
  join(PROJECT_ROOT, 'sample-dumps/leaks/linked-token.sos.txt'),
  fixturePath('gcdump', 'perfview-test2-wpf-netfx45-x86-2014.gcdump'),
  fixturePath('gcdump', 'heapview-sample-monovm-ios-2023-08-17.gcdump'),
];

async function openAnalysed(path: string): Promise<OpenedHeap> {
  const opened = await openHeap(byteSourceFromBlob(new Blob([readFileSync(path)]), basename(path)));
  await analyzeOpened(opened);
  return opened;
}

function imageBytes(opened: OpenedHeap, dump: ImageDump): Uint8Array {
  const computed = opened.session.computed();
  if (!computed) throw new Error('not analysed');
  const { totalBytes, parts } = heapImageParts(dump, computed);
  const bytes = new Uint8Array(totalBytes);
  for (const part of parts) bytes.set(part.bytes, part.offset);
  return bytes;
}

const source = (bytes: Uint8Array) => ({
  size: bytes.length,
  read: (offset: number, length: number) => Promise.resolve(bytes.slice(offset, offset + length)),
});

/** Every typed-array column of an object, by path, as plain arrays for comparison. */
function columns(value: unknown, path = '', out = new Map<string, number[]>()): Map<string, number[]> {
  if (ArrayBuffer.isView(value)) out.set(path, Array.from(value as unknown as ArrayLike<number>));
  else if (value && typeof value === 'object' && !(value instanceof Map)) {
    for (const [key, v] of Object.entries(value))
      if (key !== 'heap' && key !== 'order') columns(v, `${path}.${key}`, out);
  }
  return out;
}

describe('heap image', () => {
  for (const path of SAMPLES) {
    it(`reopens ${basename(path)} with the same model, analyses and answers`, async () => {
      const first = await openAnalysed(path);
      const dump = { sha256: 'a'.repeat(64), size: readFileSync(path).length, name: basename(path) };
      const bytes = imageBytes(first, dump);
      const again = await openHeapImage(source(bytes), dump);
      // The analyses come from the image, of the image's own heap: nothing is computed again.
      expect(again.computed!.context.heap).toBe(again.heap);
      expect(again.computed!.findings.map((f) => f.id)).toEqual(first.session.findings().map((f) => f.id));
      await analyzeOpened(again);
      expect(again.session.computed()!.context).toBe(again.computed!.context);

      const before = first.session.computed()!;
      const after = again.session.computed()!;
      expect(columns(after.context.heap)).toEqual(columns(before.context.heap));
      expect(columns(after)).toEqual(columns(before));
      const { nodes: _n, edges: _e, types: _t, ...restBefore } = before.context.heap;
      const { nodes: _n2, edges: _e2, types: _t2, ...restAfter } = after.context.heap;
      expect(restAfter).toEqual(restBefore);
      expect(after.context.heap.types.names).toEqual(before.context.heap.types.names);
      expect(after.context.heap.types.modules).toEqual(before.context.heap.types.modules);

      expect(again.session.findings()).toEqual(first.session.findings());
      for (const finding of first.session.findings()) {
        expect(again.session.findingPath(finding.id)).toEqual(first.session.findingPath(finding.id));
      }
      const query = {
        sortKey: 'retained' as const,
        descending: true,
        filter: '',
        regex: false,
        mergeByName: true,
        offset: 0,
        limit: 50,
      };
      expect(again.histogram.page(query)).toEqual(first.histogram.page(query));
      expect(again.session.dominatorChildren(null, 0, 50)).toEqual(first.session.dominatorChildren(null, 0, 50));
      expect(again.session.unreachable()).toEqual(first.session.unreachable());
      const { loadMs: _a, ...summaryBefore } = first.summary;
      const { loadMs: _b, ...summaryAfter } = again.summary;
      expect(summaryAfter).toEqual(summaryBefore);
    });
  }

  it('keeps retained sizes in the width they were computed in (8 bytes for a heap past 4 GB)', async () => {
    const first = await openAnalysed(SAMPLES[0]);
    const computed = first.session.computed()!;
    const dump = { sha256: 'c'.repeat(64), size: 1, name: 'runaway-cts.gcdump' };
    const narrow = await readHeapImage(source(imageBytes(first, dump)), dump);
    expect(computed.context.retained).toBeInstanceOf(Uint32Array);
    expect(narrow.computed.context.retained).toBeInstanceOf(Uint32Array);
    // As retainedSizes gives them for a heap whose bytes exceed a Uint32.
    const wide = Float64Array.from(computed.context.retained!);
    const { totalBytes, parts } = heapImageParts(dump, {
      ...computed,
      context: { ...computed.context, retained: wide },
    });
    const bytes = new Uint8Array(totalBytes);
    for (const part of parts) bytes.set(part.bytes, part.offset);
    const read = await readHeapImage(source(bytes), dump);
    expect(read.computed.context.retained).toBeInstanceOf(Float64Array);
    expect(read.computed.context.retained).toEqual(wide);
  });

  it('keeps object sizes in 2 bytes with the large ones aside, and reads sizes stored in 4 (older images)', async () => {
    const first = await openAnalysed(SAMPLES[4]);
    const computed = first.session.computed()!;
    const sizes = computed.context.heap.nodes.size;
    // This iOS heap holds one object of 65,535 bytes or more.
    expect(sizes.values).toBeInstanceOf(Uint16Array);
    expect(sizes.largeNodes.length).toBe(1);
    const dump = { sha256: 'd'.repeat(64), size: 1, name: 'heapview-sample-monovm-ios-2023-08-17.gcdump' };
    const narrow = await readHeapImage(source(imageBytes(first, dump)), dump);
    expect(narrow.computed.context.heap.nodes.size.toUint32Array()).toEqual(sizes.toUint32Array());
    expect(narrow.computed.context.heap.nodes.size.get(sizes.largeNodes[0])).toBe(sizes.largeSizes[0]);
    const heap = computed.context.heap;
    const wideHeap = { ...heap, nodes: { ...heap.nodes, size: new ObjectSizes(sizes.toUint32Array()) } };
    const { totalBytes, parts } = heapImageParts(dump, {
      ...computed,
      context: { ...computed.context, heap: wideHeap },
    });
    const bytes = new Uint8Array(totalBytes);
    for (const part of parts) bytes.set(part.bytes, part.offset);
    const wide = (await readHeapImage(source(bytes), dump)).computed.context.heap.nodes.size;
    expect(wide.values).toBeInstanceOf(Uint32Array);
    expect(wide.toUint32Array()).toEqual(sizes.toUint32Array());
  });

  it('keeps rows of 70,000 references (their blocks of row starts kept aside) through a gcdump and back', async () => {
    // One array holding 70,000 objects that all point at one hub: a long edge row and a long retainer row.
    const b = new HeapBuilder('gcdump');
    b.addType('UNDEFINED', null);
    const rootType = b.addType('[.NET Roots]', null);
    const arrayType = b.addType('System.Object[]', 'System.Private.CoreLib.dll');
    const itemType = b.addType('Item', 'App.dll');
    const root = b.addNode(rootType, 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
    b.setRoot(root);
    const array = b.addNode(arrayType, 8 * 70_000 + 24, 0x10000, 0x7f00, NodeFlag.Defined);
    const hub = b.addNode(itemType, 24, 0x20000, 0x7f00, NodeFlag.Defined);
    b.addEdge(root, array);
    for (let i = 0; i < 70_000; i++) {
      const item = b.addNode(itemType, 24, 0x30000 + 32 * i, 0x7f00, NodeFlag.Defined);
      b.addEdge(array, item);
      b.addEdge(item, hub);
    }
    const bytes = writeGcdump({ heap: b.build() });
    const first = await openHeap(byteSourceFromBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), 'long-rows.gcdump'));
    await analyzeOpened(first);
    const computed = first.session.computed()!;
    const { edges } = computed.context.heap;
    const { retainerStart } = computed.context.retainers;
    expect(edges.start.count(array)).toBe(70_000);
    expect(edges.start.wide.length).toBeGreaterThan(0);
    expect(retainerStart.count(hub)).toBe(70_000);
    expect(retainerStart.wide.length).toBeGreaterThan(0);
    const dump = { sha256: 'e'.repeat(64), size: bytes.length, name: 'long-rows.gcdump' };
    const back = (await readHeapImage(source(imageBytes(first, dump)), dump)).computed.context;
    expect(back.heap.edges.start.toUint32Array()).toEqual(edges.start.toUint32Array());
    expect(back.retainers.retainerStart.toUint32Array()).toEqual(retainerStart.toUint32Array());
    expect(back.heap.edges.target).toEqual(edges.target);
  });

  describe('refuses what is not an image of this dump', async () => {
    const first = await openAnalysed(SAMPLES[0]);
    const dump = { sha256: 'b'.repeat(64), size: 99, name: 'runaway-cts.gcdump' };
    const good = imageBytes(first, dump);
    const refused = (bytes: Uint8Array, expected: ImageDump = dump) =>
      readHeapImage(source(bytes), expected).then(
        () => 'read',
        (error: unknown) => (error instanceof ImageError ? error.message : `not an ImageError: ${String(error)}`),
      );

    it('of another dump', async () => {
      expect(await refused(good, { ...dump, sha256: 'c'.repeat(64) })).toMatch(/another dump/);
      expect(await refused(good, { ...dump, size: 100 })).toMatch(/another dump/);
    });

    it('without its magic or of another version', async () => {
      const noMagic = good.slice();
      noMagic[0] = 0x58;
      expect(await refused(noMagic)).toMatch(/no image magic/);
      const version = good.slice();
      version[8] = 99;
      expect(await refused(version)).toMatch(/version 99/);
    });

    it('cut short anywhere', async () => {
      for (const length of [0, 10, 16, 200, Math.floor(good.length / 2), good.length - 1]) {
        expect(await refused(good.subarray(0, length))).toMatch(/^heap image: /);
      }
    });

    it('with an edge target outside the nodes', async () => {
      const computed = first.session.computed()!;
      const { parts } = heapImageParts(dump, computed);
      const targetPart = parts.find((p) => p.bytes.buffer === computed.context.heap.edges.target.buffer)!;
      const bad = good.slice();
      new DataView(bad.buffer).setUint32(targetPart.offset, 0xfffffff0, true);
      expect(await refused(bad)).toMatch(/edge target is outside/);
    });

    it('with a finding that names a node outside the heap', async () => {
      const computed = first.session.computed()!;
      const outside = computed.context.heap.nodes.count + 5;
      for (const finding of [
        { ...computed.findings[0], pathTarget: outside },
        { ...computed.findings[0], rootPath: { ...computed.findings[0].rootPath!, chain: Uint32Array.of(0, outside) } },
      ]) {
        const { totalBytes, parts } = heapImageParts(dump, { ...computed, findings: [finding] });
        const bytes = new Uint8Array(totalBytes);
        for (const part of parts) bytes.set(part.bytes, part.offset);
        expect(await refused(bytes)).toMatch(/finding names a node outside the heap/);
      }
    });

    it('with random damage: an ImageError or a model of the right shape, never another error', async () => {
      const random = mulberry32(20261204);
      for (let trial = 0; trial < 40; trial++) {
        const bad = good.slice();
        // Damage the header and meta more often than the columns: that is where the shape lives.
        const span = trial % 2 === 0 ? Math.min(good.length, 4096) : good.length;
        for (let k = 0; k < 8; k++) bad[Math.floor(random() * span)] ^= 1 + Math.floor(random() * 255);
        const outcome = await refused(bad);
        expect(outcome === 'read' || outcome.startsWith('heap image: ')).toBe(true);
      }
    });
  });
});
