/**
 * Windows minidump reader (docs/specs/core-dumps.md §2): header, stream directory, and the
 * MemoryInfoList (16), ThreadList (3), ModuleList (4), Memory64List (9) and SystemInfo (7) streams,
 * by slices. Every count is checked against its stream's size before it sizes a loop.
 */
import { FormatError, type ByteSource } from '../byte-source';
import { regionKindName, summarizeMemoryMap, type MemoryRegion, type RegionType } from '../../heap/memory-map';

const FORMAT = 'minidump';
const MDMP = 0x504d444d;
const MEM_COMMIT = 0x1000;
const MEM_RESERVE = 0x2000;
const MEM_IMAGE = 0x1000000;
const MEM_MAPPED = 0x40000;
/** Directory entries beyond this are refused (real dumps have under 32 streams). */
const MAX_STREAMS = 4096;

export interface MinidumpThread {
  readonly tid: number;
  readonly teb: bigint;
  readonly stackStart: bigint;
  readonly stackSize: number;
  readonly stackPointer: bigint | null;
}
export interface MinidumpModule {
  readonly base: bigint;
  readonly size: number;
  readonly name: string;
}
export interface MinidumpMemoryInfo {
  readonly base: bigint;
  readonly allocationBase: bigint;
  readonly size: bigint;
  readonly state: number;
  readonly protect: number;
  readonly type: number;
}
export interface Minidump {
  readonly architecture: 'x64' | 'arm64' | 'x86' | 'arm' | 'unknown';
  readonly pointerSize: 4 | 8;
  readonly memoryInfo: readonly MinidumpMemoryInfo[];
  readonly threads: readonly MinidumpThread[];
  readonly modules: readonly MinidumpModule[];
  readonly memory64: readonly { start: bigint; size: bigint; fileOffset: bigint }[];
  readonly bytesRead: number;
}

export async function readMinidump(source: ByteSource): Promise<Minidump> {
  let bytesRead = 0;
  const read = async (offset: number, length: number, what: string): Promise<DataView> => {
    if (offset < 0 || length < 0 || offset + length > source.size)
      throw new FormatError(
        FORMAT,
        `${what} needs ${length} bytes at offset 0x${offset.toString(16)} but the file has ${source.size} bytes`,
        offset,
      );
    const bytes = await source.read(offset, length);
    bytesRead += bytes.length;
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
  const header = await read(0, 32, 'header');
  if (header.getUint32(0, true) !== MDMP) throw new FormatError(FORMAT, 'no MDMP signature', 0);
  const streamCount = header.getUint32(8, true);
  const directoryRva = header.getUint32(12, true);
  if (streamCount > MAX_STREAMS)
    throw new FormatError(FORMAT, `${streamCount} streams exceed the limit of ${MAX_STREAMS}`, 8);
  const directory = await read(directoryRva, streamCount * 12, 'stream directory');
  const streams = new Map<number, { size: number; rva: number }>();
  for (let i = 0; i < streamCount; i++)
    streams.set(directory.getUint32(i * 12, true), {
      size: directory.getUint32(i * 12 + 4, true),
      rva: directory.getUint32(i * 12 + 8, true),
    });
  const stream = async (type: number, what: string) => {
    const entry = streams.get(type);
    return entry ? { view: await read(entry.rva, entry.size, what), rva: entry.rva } : null;
  };
  const counted = (
    view: DataView,
    count: number | bigint,
    at: number,
    entrySize: number,
    what: string,
    rva: number,
  ): number => {
    if (BigInt(count) * BigInt(entrySize) > BigInt(view.byteLength - at))
      throw new FormatError(
        FORMAT,
        `${what} claims ${count} entries of ${entrySize} bytes but its stream has ${view.byteLength - at} bytes left (offset 0x${rva.toString(16)})`,
        rva,
      );
    return Number(count);
  };

  /** A stream that starts with a 32-bit entry count (thread list, module list), its count checked. */
  const countedList = async (type: number, what: string, entrySize: number) => {
    const list = await stream(type, what);
    if (!list) return null;
    if (list.view.byteLength < 4) throw new FormatError(FORMAT, `${what} shorter than its count`, list.rva);
    return { ...list, count: counted(list.view, list.view.getUint32(0, true), 4, entrySize, what, list.rva) };
  };

  const system = await stream(7, 'SystemInfoStream');
  const archCode = system && system.view.byteLength >= 2 ? system.view.getUint16(0, true) : -1;
  const architecture =
    archCode === 9 ? 'x64' : archCode === 12 ? 'arm64' : archCode === 0 ? 'x86' : archCode === 5 ? 'arm' : 'unknown';
  const pointerSize = architecture === 'x86' || architecture === 'arm' ? 4 : 8;

  const memoryInfo: MinidumpMemoryInfo[] = [];
  const info = await stream(16, 'MemoryInfoListStream');
  if (info) {
    if (info.view.byteLength < 16)
      throw new FormatError(FORMAT, 'MemoryInfoListStream shorter than its header', info.rva);
    const headerSize = info.view.getUint32(0, true);
    const entrySize = info.view.getUint32(4, true);
    if (entrySize < 48 || headerSize < 16)
      throw new FormatError(
        FORMAT,
        `MemoryInfoList entry size ${entrySize} / header size ${headerSize} too small`,
        info.rva,
      );
    const count = counted(
      info.view,
      info.view.getBigUint64(8, true),
      headerSize,
      entrySize,
      'MemoryInfoListStream',
      info.rva,
    );
    for (let i = 0; i < count; i++) {
      const at = headerSize + i * entrySize;
      memoryInfo.push({
        base: info.view.getBigUint64(at, true),
        allocationBase: info.view.getBigUint64(at + 8, true),
        size: info.view.getBigUint64(at + 24, true),
        state: info.view.getUint32(at + 32, true),
        protect: info.view.getUint32(at + 36, true),
        type: info.view.getUint32(at + 40, true),
      });
    }
  }

  const threads: MinidumpThread[] = [];
  const threadList = await countedList(3, 'ThreadListStream', 48);
  if (threadList) {
    const { count } = threadList;
    const spOffset = architecture === 'x64' ? 0x98 : architecture === 'arm64' ? 0x100 : -1;
    for (let i = 0; i < count; i++) {
      const at = 4 + i * 48;
      const v = threadList.view;
      const contextSize = v.getUint32(at + 40, true);
      const contextRva = v.getUint32(at + 44, true);
      let stackPointer: bigint | null = null;
      if (spOffset >= 0 && contextSize >= spOffset + 8)
        stackPointer = (await read(contextRva + spOffset, 8, 'thread CONTEXT')).getBigUint64(0, true);
      threads.push({
        tid: v.getUint32(at, true),
        teb: v.getBigUint64(at + 16, true),
        stackStart: v.getBigUint64(at + 24, true),
        stackSize: v.getUint32(at + 32, true),
        stackPointer,
      });
    }
  }

  const modules: MinidumpModule[] = [];
  const moduleList = await countedList(4, 'ModuleListStream', 108);
  if (moduleList) {
    const { count } = moduleList;
    for (let i = 0; i < count; i++) {
      const at = 4 + i * 108;
      const nameRva = moduleList.view.getUint32(at + 20, true);
      const nameLength = (await read(nameRva, 4, 'module name length')).getUint32(0, true);
      const nameBytes = await read(nameRva + 4, nameLength, 'module name');
      modules.push({
        base: moduleList.view.getBigUint64(at, true),
        size: moduleList.view.getUint32(at + 8, true),
        name: new TextDecoder('utf-16le').decode(
          new Uint8Array(nameBytes.buffer, nameBytes.byteOffset, nameBytes.byteLength),
        ),
      });
    }
  }

  const memory64: { start: bigint; size: bigint; fileOffset: bigint }[] = [];
  const list64 = await stream(9, 'Memory64ListStream');
  if (list64) {
    if (list64.view.byteLength < 16)
      throw new FormatError(FORMAT, 'Memory64ListStream shorter than its header', list64.rva);
    const count = counted(list64.view, list64.view.getBigUint64(0, true), 16, 16, 'Memory64ListStream', list64.rva);
    let fileOffset = list64.view.getBigUint64(8, true);
    for (let i = 0; i < count; i++) {
      const size = list64.view.getBigUint64(16 + i * 16 + 8, true);
      memory64.push({ start: list64.view.getBigUint64(16 + i * 16, true), size, fileOffset });
      fileOffset += size;
    }
  }
  return { architecture, pointerSize, memoryInfo, threads, modules, memory64, bytesRead };
}

/**
 * Regions as maddress names them without the runtime: MEM_FREE dropped; Stack = the committed
 * regions of the allocation holding a thread's stack; Image for MEM_IMAGE; else protection text.
 */
export function minidumpMemoryMap(dump: Minidump): MemoryRegion[] {
  const stackAllocations = new Set<bigint>();
  for (const thread of dump.threads) {
    const sp = thread.stackPointer ?? thread.stackStart;
    const holder = dump.memoryInfo.find((m) => sp >= m.base && sp < m.base + m.size);
    if (holder) stackAllocations.add(holder.allocationBase);
  }
  const regions: MemoryRegion[] = [];
  for (const m of dump.memoryInfo) {
    if (m.state !== MEM_COMMIT && m.state !== MEM_RESERVE) continue;
    const state = m.state === MEM_COMMIT ? 'commit' : 'reserve';
    if (state === 'reserve') continue; // maddress drops MEM_RESERVE unless -reserve
    const type: RegionType = m.type === MEM_IMAGE ? 'image' : m.type === MEM_MAPPED ? 'mapped' : 'private';
    const module =
      type === 'image'
        ? dump.modules.find((mod) => m.base >= mod.base && m.base < mod.base + BigInt(mod.size))
        : undefined;
    const usage = stackAllocations.has(m.allocationBase) ? 'Stack' : null;
    const backingFile = module?.name ?? null;
    regions.push({
      start: m.base,
      size: m.size,
      protection: m.protect,
      state,
      type,
      backingFile,
      kind: regionKindName(usage, state, type, backingFile, m.protect),
    });
  }
  return regions;
}

export { summarizeMemoryMap };
