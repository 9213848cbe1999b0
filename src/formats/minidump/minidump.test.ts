import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes, FormatError } from '../byte-source';
import { minidumpMemoryMap, readMinidump, summarizeMemoryMap } from './minidump-reader';
import { writeTestMinidump } from './minidump-writer.test-helper';

const COMMIT = 0x1000,
  RESERVE = 0x2000,
  FREE = 0x10000,
  IMAGE = 0x1000000,
  MAPPED = 0x40000,
  PRIVATE = 0x20000;
const dump = writeTestMinidump({
  regions: [
    { base: 0x10000n, allocationBase: 0x10000n, size: 0x1000n, state: COMMIT, protect: 0x104, type: PRIVATE }, // guard page of the stack
    { base: 0x11000n, allocationBase: 0x10000n, size: 0x3000n, state: COMMIT, protect: 0x04, type: PRIVATE },
    { base: 0x20000n, allocationBase: 0x20000n, size: 0x5000n, state: COMMIT, protect: 0x20, type: IMAGE },
    { base: 0x30000n, allocationBase: 0x30000n, size: 0x2000n, state: COMMIT, protect: 0x02, type: MAPPED },
    { base: 0x40000n, allocationBase: 0x40000n, size: 0x8000n, state: COMMIT, protect: 0x04, type: PRIVATE },
    { base: 0x50000n, allocationBase: 0x50000n, size: 0x9000n, state: RESERVE, protect: 0, type: PRIVATE },
    { base: 0x60000n, allocationBase: 0n, size: 0x9000n, state: FREE, protect: 1, type: 0 },
  ],
  threads: [{ tid: 7, sp: 0x13f00n }],
  modules: [{ base: 0x20000n, size: 0x5000, name: 'C:\\app\\coreclr.dll' }],
});

describe('minidump (hand-written test files)', () => {
  it('reads streams and names rows as maddress -summary does', async () => {
    const md = await readMinidump(byteSourceFromBytes(dump));
    expect(md.architecture).toBe('x64');
    expect(md.threads).toEqual([{ tid: 7, teb: 0n, stackStart: 0x13000n, stackSize: 0x1000, stackPointer: 0x13f00n }]);
    expect(md.modules[0].name).toBe('C:\\app\\coreclr.dll');
    const rows = summarizeMemoryMap(minidumpMemoryMap(md)).map((r) => `${r.kind} ${r.count} ${r.bytes}`);
    expect(rows).toEqual(['PAGE_READWRITE 1 32768', 'Image 1 20480', 'Stack 2 16384', 'MAPPED_READONLY 1 8192']);
  });

  it('truncations and flips give FormatError or a result, never another error', async () => {
    let seed = 3;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    for (let round = 0; round < 300; round++) {
      const bytes = round < 100 ? dump.subarray(0, next() % dump.length) : dump.slice();
      if (round >= 100) for (let k = 0; k < 6; k++) bytes[next() % 400] = round >= 200 ? 0xff : next() & 0xff;
      try {
        await readMinidump(byteSourceFromBytes(bytes));
      } catch (error) {
        expect(error).toBeInstanceOf(FormatError);
      }
    }
  });
});
