/**
 * Finding the .NET runtime and its data contract descriptor in real cores (issue #19, stage 1),
 * against the truth tools/capture-runtime-cores.sh read from the libcoreclr.so each process loaded
 * (binutils) and from the full core (ClrMD through the DAC): sample-dumps/cores/*.runtime.truth.json.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes } from '../byte-source';
import { coreMemory } from './core-memory';
import { readElfCore } from './elf-core-reader';
import { importElfCore } from './index';
import { discoverRuntime, runtimeFacts, type RuntimeDiscovery } from './runtime-descriptor';

const CORES = 'sample-dumps/cores';

interface Truth {
  fileVersion: string;
  commit: string;
  descriptorSymbolValue: number | null;
  jsonBytes?: number;
  jsonSha256?: string;
  contracts?: Record<string, number>;
  typeCount?: number;
  globalCount?: number;
  clrmd: { moduleBase: string; objectMethodTable: string; stringMethodTable: string; freeMethodTable: string };
}

function truthOf(name: string): Truth {
  return JSON.parse(readFileSync(`${CORES}/${name}.runtime.truth.json`, 'utf8')) as Truth;
}

async function discover(bytes: Uint8Array, name = 'core') {
  const source = byteSourceFromBytes(bytes, name);
  const core = await readElfCore(source);
  const memory = coreMemory(source, core.loads);
  const discovery = await discoverRuntime(core.files, memory);
  return { core, memory, discovery, facts: await runtimeFacts(discovery, memory) };
}

function coreBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${CORES}/${name}.core`));
}

const hex = (n: bigint) => `0x${n.toString(16)}`;

describe('the .NET runtime in a core and its data contract descriptor', () => {
  it('a .NET 10 core: libcoreclr 10.0.12, the descriptor where nm puts it, its JSON byte for byte, the MethodTables ClrMD reads', async () => {
    const truth = truthOf('app10-runtime');
    const { discovery, facts, memory } = await discover(coreBytes('app10-runtime'));
    expect(discovery.status).toBe('found');
    const found = discovery as Extract<RuntimeDiscovery, { status: 'found' }>;
    expect(hex(found.runtime.base)).toBe(truth.clrmd.moduleBase);
    expect(found.runtime).toMatchObject({ version: '10.0.12', fileVersion: truth.fileVersion, commit: truth.commit });
    const { descriptor } = found;
    expect(Number(descriptor.address - found.runtime.base)).toBe(truth.descriptorSymbolValue);
    expect(descriptor.jsonBytes).toBe(truth.jsonBytes);
    expect(createHash('sha256').update(descriptor.json).digest('hex')).toBe(truth.jsonSha256);
    expect(Object.fromEntries(descriptor.contracts.map((c) => [c.name, c.version]))).toEqual(truth.contracts);
    expect(descriptor.types).toHaveLength(truth.typeCount!);
    expect(descriptor.globals).toHaveLength(truth.globalCount!);
    expect(descriptor).toMatchObject({ pointerSize: 8, version: 0, baseline: 'empty' });
    // The types a heap walk needs, with sizes and offsets from the runtime itself.
    expect(descriptor.types.find((t) => t.name === 'MethodTable')).toMatchObject({
      size: 64,
      fields: expect.arrayContaining([{ name: 'BaseSize', offset: 4, type: null }]),
    });
    // The globals lead where ClrMD's DAC does: System.Object, System.String, free space.
    const value = (name: string) => facts.descriptor!.keyGlobals.find((g) => g.name === name)!.value.split(' ')[0];
    expect(value('ObjectMethodTable')).toBe(truth.clrmd.objectMethodTable);
    expect(value('StringMethodTable')).toBe(truth.clrmd.stringMethodTable);
    expect(value('FreeObjectMethodTable')).toBe(truth.clrmd.freeMethodTable);
    expect(value('ObjectToMethodTableUnmask')).toBe('0x7');
    expect(value('ObjectHeaderSize')).toBe('0x8');
    // By slices: a few hundred KB of a core, never the whole of it.
    expect(memory.bytesRead).toBeLessThan(300_000);
  });

  it('a .NET 8 core: the runtime named with its version, no descriptor, and what to do instead', async () => {
    const truth = truthOf('app8-runtime');
    const { discovery, facts } = await discover(coreBytes('app8-runtime'));
    expect(discovery.status).toBe('no-descriptor');
    expect(facts).toMatchObject({
      status: 'no-descriptor',
      version: '8.0.31',
      fileVersion: truth.fileVersion,
      base: truth.clrmd.moduleBase,
    });
    expect(facts.message).toContain('.NET 8.0.31 (libcoreclr.so 8.0.3126.42015');
    expect(facts.message).toContain('exports no DotNetRuntimeContractDescriptor');
    expect(facts.message).toContain('dotnet-gcdump collect');
    expect(facts.message).toContain('dotnet-dump analyze');
  });

  it('a core without .NET, and a core without the runtime’s pages, say so', async () => {
    const sleep = await discover(coreBytes('gdb-sleep'));
    expect(sleep.discovery).toMatchObject({
      status: 'no-runtime',
      message: expect.stringContaining('none of its 33 mapped files is libcoreclr.so'),
    });
    const sparse = await discover(coreBytes('leaky-service-full'));
    expect(sparse.facts).toMatchObject({ status: 'unreadable', version: '10.0.12' });
    expect(sparse.facts.message).toContain('is not in the core');
  });

  it('the import carries it to the Summary, and counts what it read', async () => {
    const bytes = coreBytes('app10-runtime');
    const imported = await importElfCore(byteSourceFromBytes(bytes, 'app10-runtime.core'));
    const facts = imported.heap.dumpFacts!;
    expect(facts.runtime).toMatchObject({ status: 'found', version: '10.0.12' });
    expect(facts.runtime!.descriptor!.contracts.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'Object',
        'RuntimeTypeSystem',
        'Loader',
        'EcmaMetadata',
        'Thread',
        'ExecutionManager',
        'StackWalk',
      ]),
    );
    expect(facts.bytesRead).toBeGreaterThan(imported.core.bytesRead);
    expect(imported.heap.producer.description).toContain('.NET 10.0.12');
  });

  describe('hostile cores: a damaged descriptor is a message, never a throw', () => {
    // Where each piece sits in the file: found through the reader itself on the undamaged core.
    async function offsets() {
      const bytes = coreBytes('app10-runtime');
      const { core, discovery } = await discover(bytes);
      const found = discovery as Extract<RuntimeDiscovery, { status: 'found' }>;
      const fileOffset = (address: bigint) => {
        const load = core.loads.find((l) => address >= l.vaddr && address < l.vaddr + BigInt(l.fileSize))!;
        return load.fileOffset + Number(address - load.vaddr);
      };
      return { bytes, descriptor: fileOffset(found.descriptor.address), base: fileOffset(found.runtime.base) };
    }

    it('each field of the descriptor damaged in turn', async () => {
      const { bytes, descriptor } = await offsets();
      const cases: [string, number, number[], RegExp][] = [
        ['magic', 0, [0x58], /does not start with "DNCCDAC\\0"/],
        ['flags', 8, [0, 0, 0, 0], /flags 0x0 \(bit 0 unset\)/],
        ['JSON size', 12, [0xff, 0xff, 0xff, 0x7f], /claims a 2147483647-byte JSON descriptor/],
        ['JSON pointer', 16, [0, 0, 0, 0, 0, 0, 0, 0], /JSON descriptor at 0x0 .* is not in the core/],
        ['pointer-data count', 24, [0xff, 0xff, 0xff, 0xff], /claims 4294967295 pointer-data entries/],
        ['pointer-data pointer', 32, [1, 0, 0, 0, 0, 0, 0, 0], /pointer data at 0x1 .* is not in the core/],
      ];
      for (const [what, at, patch, message] of cases) {
        const damaged = bytes.slice();
        damaged.set(patch, descriptor + at);
        const { discovery } = await discover(damaged);
        expect(discovery.status, what).toBe('unreadable');
        expect((discovery as { message: string }).message, what).toMatch(message);
      }
    });

    it('the library’s ELF header damaged: no ELF header at its load base', async () => {
      const { bytes, base } = await offsets();
      const damaged = bytes.slice();
      damaged[base] = 0;
      const { discovery } = await discover(damaged);
      expect(discovery).toMatchObject({
        status: 'unreadable',
        message: expect.stringContaining('no ELF header at its load base'),
      });
    });

    it('300 random damages to the runtime’s pages: a status every time', async () => {
      const { bytes, base, descriptor } = await offsets();
      let seed = 19;
      const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const statuses = new Set<string>();
      for (let i = 0; i < 300; i++) {
        const damaged = bytes.slice();
        const around = i % 2 === 0 ? base : descriptor;
        for (let k = 0; k < 4; k++) damaged[around + Math.floor(random() * 65536)] = Math.floor(random() * 256);
        const { discovery } = await discover(damaged);
        statuses.add(discovery.status);
      }
      expect([...statuses].every((s) => ['found', 'unreadable', 'no-descriptor'].includes(s))).toBe(true);
    });
  });
});
