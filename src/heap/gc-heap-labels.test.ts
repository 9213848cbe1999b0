/**
 * The GC heap named in a core's memory map from a transcript of the same process: the LeakyService's
 * sparse core (sample-dumps/cores) and the `dotnet-dump analyze` transcript taken of the same full
 * dump (sample-dumps/leaky-service/runaway-cts.sos.txt, its eeheap -gc).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes } from '../formats/byte-source';
import { importElfCore } from '../formats/elf-core';
import { fixtureBytes, importBytes, LEAKY_SERVICE_TRANSCRIPT } from '../formats/sos/test-support';
import { GC_HEAP_KIND, gcRangesFromLayout, labelGcHeap } from './gc-heap-labels';
import { summarizeMemoryMap, type MemoryRegion } from './memory-map';
import { loadDumpWithCompanion } from '../formats/load';
import { readFixture } from '../test-support/fixtures';

const CORE = 'sample-dumps/cores/leaky-service-full.core';

async function coreRegions(): Promise<MemoryRegion[]> {
  return [...(await importElfCore(byteSourceFromBytes(new Uint8Array(readFileSync(CORE)), CORE))).regions];
}

describe('GCHeap rows from eeheap -gc of the same process', () => {
  it('names every committed GC region of the LeakyService core, and nothing outside them', async () => {
    const regions = await coreRegions();
    const { heap } = await importBytes(new Uint8Array(readFileSync(LEAKY_SERVICE_TRANSCRIPT)), 'runaway-cts.sos.txt');
    const layout = heap.gcHeapLayout!;
    // SOS's own total (line 207: `GC Committed Heap Size: Size: 0x2ab2f000 (716369920) bytes.`): the
    // committed-size column, committed − the region's first page, summed over every region.
    const committed = /GC Committed Heap Size:\s+Size: 0x[0-9a-f]+ \((\d+)\) bytes/.exec(
      readFileSync(LEAKY_SERVICE_TRANSCRIPT, 'utf8'),
    );
    const expected = BigInt(committed![1]);
    expect(expected).toBe(716_369_920n);
    const labelling = labelGcHeap(regions, gcRangesFromLayout(layout));
    expect(labelling.labelledBytes).toBe(expected);
    expect(labelling.outsideBytes).toBe(0n); // every GC range lies in the core: the same process
    // Splitting keeps every byte of the core.
    const total = (list: readonly MemoryRegion[]) => list.reduce((sum, r) => sum + r.size, 0n);
    expect(total(labelling.regions)).toBe(total(regions));
    const before = new Map(summarizeMemoryMap(regions).map((row) => [row.kind, row.bytes]));
    const after = new Map(summarizeMemoryMap(labelling.regions).map((row) => [row.kind, row.bytes]));
    expect(after.get(GC_HEAP_KIND)).toBe(Number(expected));
    // createdump merged the NonGC (frozen) heap, 7f3469800008…7f3469830000 (transcript line 198), into
    // the PT_LOAD of thread 13's stack (readelf: 0x7f3469000000 + 0x830000; gdb: sp 0x7f34697fe880), so
    // the Stack row held its 0x30000 bytes; GC kinds come first in SOS's naming, as here.
    expect(before.get('Stack')! - after.get('Stack')!).toBe(0x30000);
    expect(before.get('PAGE_READWRITE')! - after.get('PAGE_READWRITE')!).toBe(Number(expected) - 0x30000);
    for (const kind of ['Image', 'PAGE_EXECUTE_READ', 'PAGE_READONLY'])
      expect({ kind, bytes: after.get(kind) }).toEqual({ kind, bytes: before.get(kind) });
  });

  it("another process's eeheap names nothing and says its ranges lie outside the dump", async () => {
    const regions = await coreRegions();
    const { heap } = await importBytes(fixtureBytes('21-msdocs-loh-eeheap-net20-old-address.txt'), '21.txt');
    const ranges = gcRangesFromLayout(heap.gcHeapLayout!);
    // .NET 2.0 prints no committed column: begin's page to allocated rounded up to a page.
    expect(ranges[0]).toEqual({ start: 0x13e1000n, end: 0x13e4000n });
    const labelling = labelGcHeap(regions, ranges);
    expect(labelling.labelledBytes).toBe(0n);
    expect(labelling.outsideBytes).toBe(labelling.rangeBytes);
    expect(labelling.regions).toEqual([...regions].sort((a, b) => (a.start < b.start ? -1 : 1)));
  });

  it('splits a region at range edges, whatever their order', () => {
    const region: MemoryRegion = {
      start: 0x10000n,
      size: 0x10000n,
      protection: 4,
      state: 'commit',
      type: 'private',
      backingFile: null,
      kind: 'PAGE_READWRITE',
    };
    const labelling = labelGcHeap(
      [region],
      [
        { start: 0x8000n, end: 0x12000n },
        { start: 0x14000n, end: 0x15000n },
        { start: 0x1f000n, end: 0x30000n },
      ],
    );
    expect(labelling.regions.map((r) => [r.start.toString(16), r.size.toString(16), r.kind])).toEqual([
      ['10000', '2000', 'GCHeap'],
      ['12000', '2000', 'PAGE_READWRITE'],
      ['14000', '1000', 'GCHeap'],
      ['15000', 'a000', 'PAGE_READWRITE'],
      ['1f000', '1000', 'GCHeap'],
    ]);
    expect(labelling.labelledBytes).toBe(0x4000n);
    expect(labelling.outsideBytes).toBe(0x8000n + 0x10000n);
  });

  it('loadDumpWithCompanion: the core and its transcript in either order; files that cannot help are refused', async () => {
    const source = (path: string) => byteSourceFromBytes(new Uint8Array(readFileSync(path)), path.split('/').at(-1)!);
    for (const [a, b] of [
      [CORE, LEAKY_SERVICE_TRANSCRIPT],
      [LEAKY_SERVICE_TRANSCRIPT, CORE],
    ]) {
      const heap = await loadDumpWithCompanion(source(a), source(b));
      expect(heap.format).toBe('elf-core');
      expect(heap.memorySummary.find((row) => row.kind === GC_HEAP_KIND)?.bytes).toBe(716_369_920);
      expect(heap.warnings.join(' ')).toContain(
        'The GCHeap row (716,369,920 bytes) comes from runaway-cts.sos.txt (eeheap -gc, line 5).',
      );
    }
    await expect(loadDumpWithCompanion(source(CORE), source(CORE))).rejects.toThrow(/both full dumps/);
    await expect(
      loadDumpWithCompanion(source(LEAKY_SERVICE_TRANSCRIPT), source('sample-dumps/leaky-service/runaway-cts.gcdump')),
    ).rejects.toThrow(/neither is a core or minidump/);
    await expect(
      loadDumpWithCompanion(source(CORE), source('sample-dumps/leaky-service/runaway-cts.gcdump')),
    ).rejects.toThrow('runaway-cts.gcdump carries no GC segment table (dotnet-gcdump writes none)');
    // PerfView's 2014 WPF dump has a segment table, of another (32-bit) process: nothing is named.
    const wpf = await loadDumpWithCompanion(
      source(CORE),
      byteSourceFromBytes(readFixture('gcdump', 'perfview-test2-wpf-netfx45-x86-2014.gcdump'), 'wpf.gcdump'),
    );
    expect(wpf.memorySummary.find((row) => row.kind === GC_HEAP_KIND)).toBeUndefined();
    expect(wpf.warnings.join(' ')).toMatch(/lie outside this dump's memory: is it of the same process\?/);
  });
});
