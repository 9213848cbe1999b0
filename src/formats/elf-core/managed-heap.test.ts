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
import { NodeFlag } from '../../heap/types';
import { spawnSync } from 'node:child_process';

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
  roots: Record<string, { entries: number; objects: number; addresses: string[] | null }>;
  histogram: { methodTable: string; name: string; count: number; bytes: number }[];
  sample: {
    address: string;
    type: string | null;
    size: number;
    references: string[];
    string?: string;
    fields?: { name: string; offset: number; elementType: string; value: string | null }[];
  }[];
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
      expect(heap.capabilities).toMatchObject({ objects: true, addresses: true, edges: true, roots: true });
      // The objects, then the root nodes ([.NET Roots] and one per kind of root).
      const objects = Array.from({ length: heap.nodes.count }, (_, node) => node).filter(
        (node) => (heap.nodes.flags[node] & NodeFlag.Pseudo) === 0,
      );
      expect(objects.length).toBe(truth.objects);
      expect(heap.nodes.count - objects.length).toBeLessThan(10);
      const ours = byName(
        objects.map((node) => ({
          name: heap.types.names[heap.nodes.type[node]],
          count: 1,
          bytes: heap.nodes.size.get(node),
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
        reference: () => {},
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

  for (const name of CORES) {
    it(`${name}: the references of ClrMD's sampled objects are ClrMD's (GC descriptors)`, async () => {
      const truth = truthOf(name);
      const { heap } = await importElfCore(byteSourceFromBytes(bytesOf(name), `${name}.core`));
      const { nodes, edges } = heap;
      const address = (node: number) => `0x${(nodes.addressHi[node] * 2 ** 32 + nodes.addressLo[node]).toString(16)}`;
      const byAddress = new Map<string, number>();
      for (let node = 0; node < nodes.count; node++)
        if (nodes.addressLo[node] || nodes.addressHi[node]) byAddress.set(address(node), node);
      let same = 0;
      const different: string[] = [];
      for (const sampled of truth.sample) {
        const node = byAddress.get(sampled.address);
        expect(node, sampled.address).toBeDefined();
        const ours: string[] = [];
        for (let e = edges.start.get(node!), rowEnd = edges.start.get(node! + 1); e < rowEnd; e++)
          ours.push(address(edges.target[e]));
        // ClrMD lists a field holding a tagged non-pointer (masked to 0x0) as a reference to 0x0: not an object.
        const clrmd = sampled.references.filter((target) => target !== '0x0');
        if (JSON.stringify([...ours].sort()) === JSON.stringify([...clrmd].sort())) same++;
        else
          different.push(`${sampled.address} ${sampled.type}: ours ${ours.length}, ClrMD ${sampled.references.length}`);
      }
      expect(truth.sample.length).toBeGreaterThan(400);
      expect(truth.sample.some((sampled) => sampled.references.length > 0)).toBe(true);
      // Issue #19's bar: at least 99.9% of the sampled objects (here: all) have exactly ClrMD's references.
      expect(different).toEqual([]);
      expect(same).toBe(truth.sample.length);
    });
  }

  for (const name of CORES) {
    it(`${name}: the roots — every handle ClrMD reports, in its kind; every stack root ClrMD finds is a root`, async () => {
      const truth = truthOf(name);
      const { heap } = await importElfCore(byteSourceFromBytes(bytesOf(name), `${name}.core`));
      const { nodes, edges, types } = heap;
      const address = (node: number) => `0x${(nodes.addressHi[node] * 2 ** 32 + nodes.addressLo[node]).toString(16)}`;
      const held = (category: string): Set<string> => {
        const node = Array.from({ length: nodes.count }, (_, i) => i).find(
          (i) => types.names[nodes.type[i]] === category,
        );
        const out = new Set<string>();
        if (node === undefined) return out;
        for (let e = edges.start.get(node), rowEnd = edges.start.get(node + 1); e < rowEnd; e++)
          out.add(address(edges.target[e]));
        return out;
      };
      const strong = held('[strong Handles]');
      const pinning = held('[pinning Handles]');
      const stack = held('[local vars (conservative)]');
      const theirs = (kind: string) => truth.roots[kind]?.addresses ?? [];
      expect(theirs('StrongHandle').length).toBeGreaterThan(5);
      expect(theirs('StrongHandle').filter((a) => !strong.has(a))).toEqual([]);
      expect(theirs('PinnedHandle').filter((a) => !pinning.has(a))).toEqual([]);
      // ClrMD reads the handle tables of the heaps in use; .NET 10's dynamic adaptation may run fewer
      // server heaps than it has tables, and the others still hold live handles (the service's core).
      if (name !== 'leaky-service') expect(strong.size).toBe(theirs('StrongHandle').length);
      // A conservative stack scan keeps more than the runtime's precise one, never less: each object
      // ClrMD finds on a stack is a root here (on a stack, or held by a handle when ClrMD found it in a register).
      const rootsHere = new Set([...strong, ...pinning, ...stack]);
      expect(theirs('Stack').filter((a) => !rootsHere.has(a))).toEqual([]);
    });
  }

  for (const name of CORES) {
    it(`${name}: the values of ClrMD's sampled objects — strings, and each field's name, offset and primitive value`, async () => {
      const truth = truthOf(name);
      const { heap } = await importElfCore(byteSourceFromBytes(bytesOf(name), `${name}.core`));
      const { nodes } = heap;
      const byAddress = new Map<string, number>();
      for (let node = 0; node < nodes.count; node++) {
        byAddress.set(`0x${(nodes.addressHi[node] * 2 ** 32 + nodes.addressLo[node]).toString(16)}`, node);
      }
      let strings = 0;
      let objectsWithFields = 0;
      for (const sampled of truth.sample) {
        const values = await heap.values!.read(byAddress.get(sampled.address)!);
        if (sampled.string !== undefined) {
          strings++;
          expect(values?.string, sampled.address).toBe(sampled.string);
          expect(values?.stringLength).toBe(sampled.string.length);
        }
        if (sampled.fields && sampled.fields.length > 0) {
          objectsWithFields++;
          expect(values?.note ?? null, `${sampled.address} ${sampled.type}`).toBeNull();
          // ClrMD lists a type's fields by declaration; ours are in layout order: compare by name.
          const ours = new Map(values!.fields.map((field) => [field.name, field]));
          expect(ours.size, `${sampled.address} ${sampled.type}`).toBe(sampled.fields.length);
          for (const field of sampled.fields) {
            expect(ours.has(field.name), `${sampled.type}.${field.name}`).toBe(true);
            if (field.value !== null)
              expect(ours.get(field.name)!.value, `${sampled.type}.${field.name}`).toBe(field.value);
          }
        }
      }
      expect(strings).toBeGreaterThan(20);
      expect(objectsWithFields).toBeGreaterThan(20);
    });
  }

  it('LeakyService: the change-token finding of its core counts the registrations its gcdump counts, on the same token', () => {
    const findings = (file: string) => {
      const run = spawnSync(
        process.execPath,
        [`${PROJECT_ROOT}/bin/heapscope.mjs`, 'findings', `${HEAP_CORES}/${file}`, '--json'],
        {
          encoding: 'utf8',
          cwd: PROJECT_ROOT,
        },
      );
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as { pattern: string; id: string; count: number }[];
    };
    const fromGcdump = findings('leaky-service.gcdump').filter((f) => f.pattern === 'change-token-callback');
    const fromCore = findings('leaky-service.core').filter((f) => f.pattern === 'change-token-callback');
    expect(fromGcdump).toHaveLength(1);
    expect(fromCore).toHaveLength(1);
    // The same process: the same count, on the Registrations object at the same address.
    expect(fromCore[0].count).toBe(fromGcdump[0].count);
    expect(fromCore[0].count).toBeGreaterThanOrEqual(50);
    expect(fromCore[0].id).toBe(fromGcdump[0].id);
  });

  it('a GC interface of another major version is named and not read (its layout may differ)', async () => {
    const bytes = bytesOf('app10-wks').slice();
    // GcDacVars' header in the core's bytes: major 2, minor 4, a generation record size, 5 generations.
    const view = new DataView(bytes.buffer);
    let patched = 0;
    for (let at = 0; at + 24 <= bytes.length; at += 8) {
      if (bytes[at] !== 2 || bytes[at + 1] !== 4 || view.getUint32(at + 2, true) !== 0) continue;
      const generationSize = Number(view.getBigUint64(at + 8, true));
      if (view.getBigUint64(at + 16, true) !== 5n || generationSize < 32 || generationSize > 4096) continue;
      bytes[at] = 3;
      patched++;
    }
    expect(patched).toBe(1);
    const { heap } = await importElfCore(byteSourceFromBytes(bytes, 'app10-wks.core'));
    const managed = heap.dumpFacts?.runtime?.managedHeap;
    expect(managed?.status).toBe('unreadable');
    expect(managed?.message).toContain("the GC's interface for debuggers is version 3.4; heapscope reads version 2.x");
    expect(heap.nodes.count).toBe(0);
  });

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
      if (managed && managed.status === 'read') expect(heap.nodes.count).toBeGreaterThanOrEqual(managed.objects);
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
