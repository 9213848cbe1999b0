import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes, FormatError } from '../byte-source';
import { loadHeap } from '../load';
import { importElfCore } from './index';

const SPARSE = 'sample-dumps/cores/gdb-sleep.core';
const READELF = 'sample-dumps/cores/gdb-sleep.full.readelf.txt';
const GDB = 'sample-dumps/cores/gdb-sleep.full.gdb.txt';

async function importFile(path: string) {
  return importElfCore(byteSourceFromBytes(new Uint8Array(readFileSync(path)), path));
}

describe('ELF core: the committed sparse core against readelf/gdb of the full core', () => {
  it('has the same PT_LOAD list (vaddr, memsz, flags) as readelf -lW of the full core', async () => {
    const { core } = await importFile(SPARSE);
    const truth = readFileSync(READELF, 'utf8')
      .split('\n')
      .filter((line) => line.trim().startsWith('LOAD'))
      .map((line) => {
        const [, , vaddr, , , memsz, ...flags] = line.trim().split(/\s+/);
        const f = flags.slice(0, -1).join('');
        const bits = (f.includes('R') ? 4 : 0) | (f.includes('W') ? 2 : 0) | (f.includes('E') ? 1 : 0);
        return `${BigInt(vaddr).toString(16)} ${BigInt(memsz).toString(16)} ${bits}`;
      });
    expect(core.loads.map((l) => `${l.vaddr.toString(16)} ${l.memSize.toString(16)} ${l.flags}`)).toEqual(truth);
  });

  it('has the thread stack pointer gdb prints', async () => {
    const { core } = await importFile(SPARSE);
    const sp = /\$1 = (0x[0-9a-f]+)/.exec(readFileSync(GDB, 'utf8'))![1];
    expect(core.threads.map((t) => `0x${t.stackPointer.toString(16)}`)).toEqual([sp]);
  });

  it('loads as a HeapModel with memory rows only, reading a small part of the file', async () => {
    const heap = await loadHeap(byteSourceFromBytes(new Uint8Array(readFileSync(SPARSE)), SPARSE));
    expect(heap.format).toBe('elf-core');
    expect(heap.capabilities).toMatchObject({ memorySummary: true, objects: false, edges: false, roots: false });
    expect(heap.memorySummary.map((r) => `${r.kind} ${r.count} ${r.bytes}`)).toEqual([
      'Image 12 528384',
      'PAGE_READWRITE 5 516096',
      'Stack 1 135168',
      'PAGE_EXECUTE_READ 2 12288',
    ]);
    expect(heap.producer.pointerSize).toBe(8);
  });
});

// Full cores of LeakyService reduced to their headers and notes: one taken by dotnet-dump collect
// (tools/capture-real-samples.sh), one written by the runtime's createdump on an unhandled exception
// (tools/capture-crash-core.sh). The readelf/gdb files were made from the full cores.
describe.each(['leaky-service-full', 'leaky-service-crash'])(
  'ELF core: the LeakyService core %s (createdump, .NET), reduced to its headers and notes',
  (name) => {
    const core = `sample-dumps/cores/${name}.core`;
    it("has readelf's PT_LOAD list and gdb's stack pointers, and Stack rows computed from them", async () => {
      const { core: elf, heap } = await importFile(core);
      const loads = readFileSync(`sample-dumps/cores/${name}.readelf.txt`, 'utf8')
        .split('\n')
        .filter((line) => line.trim().startsWith('LOAD'))
        .map((line) => line.trim().split(/\s+/))
        .map((f) => ({ start: BigInt(f[2]), size: BigInt(f[5]) }));
      expect(elf.loads.map((l) => `${l.vaddr} ${l.memSize}`)).toEqual(loads.map((l) => `${l.start} ${l.size}`));
      const sps = [
        ...readFileSync(`sample-dumps/cores/${name}.gdb.txt`, 'utf8').matchAll(/\$\d+ = (0x[0-9a-f]+)/g),
      ].map((m) => BigInt(m[1]));
      expect(elf.threads.map((t) => t.stackPointer).sort()).toEqual(sps.sort());
      const stackLoads = loads.filter((l) => sps.some((sp) => sp >= l.start && sp < l.start + l.size));
      const stackBytes = stackLoads.reduce((sum, l) => sum + Number(l.size), 0);
      expect(heap.memorySummary.find((r) => r.kind === 'Stack')).toEqual({
        kind: 'Stack',
        count: stackLoads.length,
        bytes: stackBytes,
      });
      expect(heap.producer.processName).toBe('dotnet');
      // Image = PT_LOAD bytes covered by an NT_FILE mapping, as gdb's `info proc mappings` lists them.
      const files = [
        ...readFileSync(`sample-dumps/cores/${name}.gdb-mappings.txt`, 'utf8').matchAll(
          /^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s/gm,
        ),
      ].map((m) => [BigInt(m[1]), BigInt(m[2])] as const);
      expect(elf.files.length).toBe(files.length);
      let imageBytes = 0n;
      for (const l of loads) {
        if (stackLoads.includes(l)) continue;
        for (const [from, to] of files) {
          const a = from > l.start ? from : l.start;
          const b = to < l.start + l.size ? to : l.start + l.size;
          if (b > a) imageBytes += b - a;
        }
      }
      expect(heap.memorySummary.find((r) => r.kind === 'Image')?.bytes).toBe(Number(imageBytes));
    });
  },
);

describe('ELF core: truncated, corrupt and hostile files give a FormatError', () => {
  it('cuts and byte flips of the headers and notes either parse or throw FormatError, fast', async () => {
    const good = new Uint8Array(readFileSync(SPARSE));
    let seed = 9;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const started = Date.now();
    for (let round = 0; round < 400; round++) {
      const bytes = round < 100 ? good.subarray(0, next() % 4096) : good.slice();
      if (round >= 100) for (let k = 0; k < 8; k++) bytes[next() % 4096] = next() & 0xff; // headers
      if (round >= 250) {
        const noteAt = good.length - 0x4dc4; // inside PT_NOTE: huge counts and sizes
        new DataView(bytes.buffer).setUint32(noteAt + (next() % 0x4000), 0xffffffff, true);
      }
      try {
        await importElfCore(byteSourceFromBytes(bytes, 'fuzz'));
      } catch (error) {
        expect(error).toBeInstanceOf(FormatError);
      }
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('rejects a 32-bit ELF with a clear message', async () => {
    const bytes = new Uint8Array(readFileSync(SPARSE)).slice(0, 64);
    bytes[4] = 1;
    await expect(importElfCore(byteSourceFromBytes(bytes))).rejects.toThrow(/only 64-bit/);
  });
});

const FULL_CORE = process.env.HEAPSCOPE_FULL_CORE ?? 'sample-dumps/leaky-service/runaway-cts.dmp';
console.log(
  existsSync(FULL_CORE) ? `full-core test runs on ${FULL_CORE}` : `full-core test not run: ${FULL_CORE} absent`,
);
describe.runIf(existsSync(FULL_CORE))('ELF core: a real full core opens reading under 1% of its bytes', () => {
  it('reads headers and notes only', async () => {
    const { openFileByteSource } = await import('../../cli/node-byte-source');
    const source = await openFileByteSource(FULL_CORE);
    const { core } = await importElfCore(source);
    console.log(
      `read ${core.bytesRead} of ${source.size} bytes (${((100 * core.bytesRead) / source.size).toFixed(4)}%)`,
    );
    await source.close();
    expect(core.bytesRead).toBeLessThan(source.size / 100);
  });
});

describe('ELF core: note sizes from a hostile file', () => {
  /** The file offset of the first PT_NOTE segment's content, read from the program headers. */
  function firstNoteOffset(bytes: Uint8Array): number {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const phoff = Number(view.getBigUint64(0x20, true));
    const phentsize = view.getUint16(0x36, true);
    const phnum = view.getUint16(0x38, true);
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * phentsize;
      if (view.getUint32(at, true) === 4) return Number(view.getBigUint64(at + 8, true));
    }
    throw new Error('no PT_NOTE');
  }

  it.each([
    ['name size', 0],
    ['descriptor size', 4],
  ])('a real core with one note %s set to 0x80000000 is refused with the note offset', async (_, field) => {
    const bytes = new Uint8Array(readFileSync('sample-dumps/cores/leaky-service-full.core'));
    const note = firstNoteOffset(bytes);
    new DataView(bytes.buffer).setUint32(note + field, 0x80000000, true);
    const error = await importElfCore(byteSourceFromBytes(bytes, 'hostile.core')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(new RegExp(`offset 0x${note.toString(16)}`));
  });
});
