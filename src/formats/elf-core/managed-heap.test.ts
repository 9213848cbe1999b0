/**
 * The managed heap of real .NET 10 cores, read without the DAC (issue #19 stage 2), against ClrMD's
 * walk of the same full cores through the DAC (tools/dotnet/CoreHeapTruth, written by
 * tools/capture-heap-cores.sh into sample-dumps/heap-cores/<name>.heap.truth.json): every type's
 * count and bytes, the totals, the regions. The committed cores are the full cores reduced to the
 * pages heapscope reads (tools/cores/reduce-heap-core.ts), so they read as the full cores did.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes } from '../byte-source';
import { PROJECT_ROOT } from '../../test-support/fixtures';
import { mulberry32 } from '../../test-support/prng';
import { coreMemory } from './core-memory';
import { readElfCore } from './elf-core-reader';
import { importElfCore } from './index';
import { readManagedHeap } from './managed-heap';
import { discoverRuntime } from './runtime-descriptor';

const HEAP_CORES = `${PROJECT_ROOT}/sample-dumps/heap-cores`;
/** Workstation GC, server GC, and the incident's service (ASP.NET Core, server GC by default). */
const CORES = ['app10-wks', 'app10-svr', 'leaky-service'] as const;

interface Truth {
  server: boolean;
  subHeaps: number;
  objects: number;
  bytes: number;
  segments: { objectsStart: string; objectsEnd: string; kind: string }[];
  allocationContexts: string[][];
  histogram: { methodTable: string; name: string; count: number; bytes: number }[];
}

const truthOf = (name: string): Truth =>
  JSON.parse(readFileSync(`${HEAP_CORES}/${name}.heap.truth.json`, 'utf8')) as Truth;
const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(`${HEAP_CORES}/${name}.core`));

/** Per type name: count and bytes (ClrMD's rows are per MethodTable; one name may have several). */
function byName(
  rows: readonly { name: string; count: number; bytes: number }[],
): Map<string, { count: number; bytes: number }> {
  const out = new Map<string, { count: number; bytes: number }>();
  for (const row of rows) {
    const known = out.get(row.name) ?? { count: 0, bytes: 0 };
    out.set(row.name, { count: known.count + row.count, bytes: known.bytes + row.bytes });
  }
  return out;
}

describe("a .NET 10 core's managed heap, without the DAC", () => {
  for (const name of CORES) {
    it(`${name}: every type's count and bytes equal ClrMD's heap walk`, async () => {
      const truth = truthOf(name);
      const bytes = bytesOf(name);
      const { heap } = await importElfCore(byteSourceFromBytes(bytes, `${name}.core`));
      const managed = heap.dumpFacts?.runtime?.managedHeap;
      expect(managed?.status, managed?.message ?? '').toBe('read');
      expect(managed).toMatchObject({
        server: truth.server,
        heaps: truth.subHeaps,
        objects: truth.objects,
        bytes: truth.bytes,
        warnings: [],
      });
      expect(heap.capabilities).toMatchObject({ objects: true, addresses: true, edges: false, roots: false });
      expect(heap.nodes.count).toBe(truth.objects);
      const ours = byName(
        heap.types.names.map((typeName, i) => ({
          name: typeName,
          count: heap.types.objectCount[i],
          bytes: heap.types.bytes[i],
        })),
      );
      const theirs = byName(truth.histogram);
      expect(theirs.size).toBeGreaterThan(100);
      expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(theirs));
    });

    it(`${name}: the regions and allocation contexts are ClrMD's; each object's address is inside a region`, async () => {
      const truth = truthOf(name);
      const source = byteSourceFromBytes(bytesOf(name), name);
      const core = await readElfCore(source);
      const memory = coreMemory(source, core.loads);
      const discovery = await discoverRuntime(core.files, memory);
      if (discovery.status !== 'found') throw new Error(discovery.message);
      const addresses: number[] = [];
      const read = await readManagedHeap(discovery.runtime, discovery.descriptor, memory, {
        object: (address) => addresses.push(address),
      });
      if (read.status !== 'read') throw new Error(read.message);
      const hex = (n: number) => `0x${n.toString(16)}`;
      const regionKey = (start: string, end: string) => `${start}-${end}`;
      expect(new Set(read.regions.map((r) => regionKey(hex(r.start), hex(r.end))))).toEqual(
        new Set(truth.segments.map((s) => regionKey(s.objectsStart, s.objectsEnd))),
      );
      expect(read.regions.filter((r) => r.frozen)).toHaveLength(
        truth.segments.filter((s) => s.kind === 'Frozen').length,
      );
      expect(read.allocationContexts).toBe(truth.allocationContexts.length);
      expect(new Set(addresses).size).toBe(truth.objects);
      expect(addresses.every((a) => read.regions.some((r) => a >= r.start && a < r.end))).toBe(true);
      // It read the GC's regions and the runtime's type data, not the core.
      expect(memory.bytesRead).toBeLessThan(source.size);
    });
  }

  it('a damaged core never throws: the walk stops with a warning or the heap is unreadable with a reason', async () => {
    const original = bytesOf('app10-wks');
    const random = mulberry32(19);
    for (let trial = 0; trial < 60; trial++) {
      const bytes = original.slice();
      for (let i = 0; i < 64; i++) {
        // Damage the data at the end of the file (the kept pages), never the headers and notes.
        const at = Math.floor(original.length / 4 + (random() * (original.length * 3)) / 4);
        bytes[at] = Math.floor(random() * 256);
      }
      const { heap } = await importElfCore(byteSourceFromBytes(bytes, 'damaged.core'));
      const managed = heap.dumpFacts?.runtime?.managedHeap;
      if (managed && managed.status === 'unreadable') expect(managed.message).toMatch(/\S/);
      if (managed && managed.status === 'read') expect(heap.nodes.count).toBe(managed.objects);
    }
  });

  it('a core without the GC heap pages says so (a core reduced to the runtime library)', async () => {
    const bytes = new Uint8Array(readFileSync(`${PROJECT_ROOT}/sample-dumps/cores/app10-runtime.core`));
    const { heap } = await importElfCore(byteSourceFromBytes(bytes, 'app10-runtime.core'));
    const managed = heap.dumpFacts?.runtime?.managedHeap;
    expect(managed?.status).toBe('unreadable');
    expect(managed?.message).toMatch(/not in the core/);
    expect(heap.nodes.count).toBe(0);
    expect(heap.capabilities.objects).toBe(false);
  });
});
