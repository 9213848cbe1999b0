/**
 * Writes small x64 or arm64 minidumps byte by byte for tests (no real Windows dump can be made here). The
 * layouts are the MINIDUMP_* structures of minidumpapiset.h (docs/specs/core-dumps.md §2): header,
 * directory, SystemInfo, MemoryInfoList, ThreadList (+ CONTEXTs), ModuleList (+ MINIDUMP_STRING
 * names) and, when `memory` is given, a Memory64List whose bytes follow it back to back.
 * tools/dotnet/MemoryMapTruth reads what this writes with ClrMD, so a layout mistake mirrored in our
 * reader shows up there (src/formats/minidump/minidump-truth.test.ts).
 */
export interface TestRegion {
  base: bigint;
  allocationBase: bigint;
  /** MINIDUMP_MEMORY_INFO.AllocationProtect (0 when omitted). */
  allocationProtect?: number;
  size: bigint;
  state: number;
  protect: number;
  type: number;
}
export interface TestThread {
  tid: number;
  /** Written as CONTEXT.Rsp (x64, CONTEXT + 0x98) or CONTEXT.Sp (arm64, + 0x100). */
  sp: bigint;
  teb?: bigint;
  /** MINIDUMP_THREAD.Stack; its bytes must lie in one `memory` range. Default: the page of `sp`, no bytes. */
  stack?: { start: bigint; size: number };
}
export interface TestModule {
  base: bigint;
  size: number;
  name: string;
  timeDateStamp?: number;
}
export interface TestMemoryRange {
  start: bigint;
  bytes: Uint8Array;
}
export interface TestMinidump {
  /** SystemInfo's ProcessorArchitecture and the CONTEXT layout; x64 when omitted. */
  architecture?: 'x64' | 'arm64';
  regions: TestRegion[];
  threads: TestThread[];
  modules: TestModule[];
  /** Memory64ListStream ranges (full-memory dumps); none written when omitted. */
  memory?: TestMemoryRange[];
  /** MINIDUMP_HEADER.Flags (the MINIDUMP_TYPE). */
  flags?: bigint;
  timeDateStamp?: number;
}

const MDMP = 0x504d444d;
const MINIDUMP_VERSION = 0xa793;
const STREAM = { threadList: 3, moduleList: 4, memory64List: 9, systemInfo: 7, memoryInfoList: 16 } as const;
/** sizeof(MINIDUMP_SYSTEM_INFO), sizeof(MINIDUMP_MEMORY_INFO), sizeof(MINIDUMP_MODULE). */
const SYSTEM_INFO_SIZE = 56;
const MEMORY_INFO_SIZE = 48;
const MODULE_SIZE = 108;
/**
 * Per architecture (winnt.h): ProcessorArchitecture, sizeof(CONTEXT), where ContextFlags and the stack
 * pointer lie in it, and CONTEXT_<arch> | CONTEXT_CONTROL | CONTEXT_INTEGER.
 */
const ARCHITECTURES = {
  x64: { processor: 9, contextSize: 0x4d0, flagsAt: 0x30, spAt: 0x98, controlInteger: 0x100003 },
  arm64: { processor: 12, contextSize: 0x390, flagsAt: 0x0, spAt: 0x100, controlInteger: 0x400003 },
} as const;

export function writeTestMinidump(options: TestMinidump): Uint8Array {
  const out: number[] = [];
  const u8 = (v: number) => out.push(v & 0xff);
  const u16 = (v: number) => {
    u8(v);
    u8(v >> 8);
  };
  const u32 = (v: number) => {
    u16(v & 0xffff);
    u16(v >>> 16);
  };
  const u64 = (v: bigint) => {
    u32(Number(v & 0xffffffffn));
    u32(Number((v >> 32n) & 0xffffffffn));
  };
  const zeros = (n: number) => {
    for (let k = 0; k < n; k++) u8(0);
  };
  const patch32 = (at: number, v: number) => {
    for (let k = 0; k < 4; k++) out[at + k] = (v >>> (8 * k)) & 0xff;
  };
  const patch64 = (at: number, v: bigint) => {
    patch32(at, Number(v & 0xffffffffn));
    patch32(at + 4, Number(v >> 32n));
  };

  const memory = options.memory;
  const arch = ARCHITECTURES[options.architecture ?? 'x64'];
  const streamCount = memory ? 5 : 4;
  const streams: [type: number, size: number, rva: number][] = [];
  // MINIDUMP_HEADER: Signature, Version (low 16 bits), NumberOfStreams, StreamDirectoryRva, CheckSum,
  // TimeDateStamp, Flags.
  u32(MDMP);
  u32(MINIDUMP_VERSION);
  u32(streamCount);
  u32(32);
  u32(0);
  u32(options.timeDateStamp ?? 0);
  u64(options.flags ?? 0n);
  const directoryAt = out.length;
  zeros(streamCount * 12);

  // MINIDUMP_SYSTEM_INFO: ProcessorArchitecture first, the rest zero.
  let at = out.length;
  u16(arch.processor);
  zeros(SYSTEM_INFO_SIZE - 2);
  streams.push([STREAM.systemInfo, SYSTEM_INFO_SIZE, at]);

  // MINIDUMP_MEMORY_INFO_LIST, then MINIDUMP_MEMORY_INFO entries.
  at = out.length;
  u32(16);
  u32(MEMORY_INFO_SIZE);
  u64(BigInt(options.regions.length));
  for (const r of options.regions) {
    u64(r.base);
    u64(r.allocationBase);
    u32(r.allocationProtect ?? 0);
    u32(0); // __alignment1
    u64(r.size);
    u32(r.state);
    u32(r.protect);
    u32(r.type);
    u32(0); // __alignment2
  }
  streams.push([STREAM.memoryInfoList, out.length - at, at]);

  // MINIDUMP_THREAD_LIST: count, MINIDUMP_THREAD entries; the CONTEXTs follow the list.
  const contextRvaAt: number[] = [];
  const stackRvaAt: number[] = [];
  at = out.length;
  u32(options.threads.length);
  for (const t of options.threads) {
    u32(t.tid);
    u32(0); // SuspendCount
    u32(0); // PriorityClass
    u32(0); // Priority
    u64(t.teb ?? 0n);
    u64(t.stack?.start ?? t.sp & ~0xfffn); // Stack.StartOfMemoryRange
    u32(t.stack?.size ?? 0x1000); // Stack.Memory.DataSize
    stackRvaAt.push(out.length);
    u32(0); // Stack.Memory.Rva, patched once the Memory64List data is placed
    u32(arch.contextSize); // ThreadContext.DataSize
    contextRvaAt.push(out.length);
    u32(0); // ThreadContext.Rva
  }
  streams.push([STREAM.threadList, out.length - at, at]);
  options.threads.forEach((t, i) => {
    const context = out.length;
    patch32(contextRvaAt[i], context);
    zeros(arch.contextSize);
    patch32(context + arch.flagsAt, arch.controlInteger);
    patch64(context + arch.spAt, t.sp);
  });

  // MINIDUMP_MODULE_LIST: count, MINIDUMP_MODULE entries (4-byte packed); MINIDUMP_STRING names follow.
  const nameRvaAt: number[] = [];
  at = out.length;
  u32(options.modules.length);
  for (const m of options.modules) {
    u64(m.base);
    u32(m.size);
    u32(0); // CheckSum
    u32(m.timeDateStamp ?? 0);
    nameRvaAt.push(out.length);
    u32(0); // ModuleNameRva
    zeros(MODULE_SIZE - 24); // VersionInfo, CvRecord, MiscRecord, Reserved0, Reserved1
  }
  streams.push([STREAM.moduleList, out.length - at, at]);
  options.modules.forEach((m, i) => {
    patch32(nameRvaAt[i], out.length);
    u32(m.name.length * 2); // Length in bytes, without the terminating NUL
    for (const ch of m.name) u16(ch.charCodeAt(0));
    u16(0);
  });

  // MINIDUMP_MEMORY64_LIST: NumberOfMemoryRanges, BaseRva, (start, size) descriptors; the bytes of
  // every range follow at BaseRva, back to back in descriptor order.
  if (memory) {
    while (out.length % 8 !== 0) u8(0);
    at = out.length;
    const baseRva = at + 16 + memory.length * 16;
    u64(BigInt(memory.length));
    u64(BigInt(baseRva));
    for (const range of memory) {
      u64(range.start);
      u64(BigInt(range.bytes.length));
    }
    streams.push([STREAM.memory64List, out.length - at, at]);
    const rangeRvas: number[] = [];
    for (const range of memory) {
      rangeRvas.push(out.length);
      for (const byte of range.bytes) u8(byte);
    }
    options.threads.forEach((t, i) => {
      if (!t.stack) return;
      const { start, size } = t.stack;
      const holder = memory.findIndex(
        (r) => start >= r.start && start + BigInt(size) <= r.start + BigInt(r.bytes.length),
      );
      if (holder < 0)
        throw new Error(`thread ${t.tid}: its stack 0x${start.toString(16)}+${size} lies in no memory range`);
      patch32(stackRvaAt[i], rangeRvas[holder] + Number(start - memory[holder].start));
    });
  }

  streams.forEach(([type, size, rva], i) => {
    patch32(directoryAt + i * 12, type);
    patch32(directoryAt + i * 12 + 4, size);
    patch32(directoryAt + i * 12 + 8, rva);
  });
  return new Uint8Array(out);
}
