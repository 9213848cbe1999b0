/**
 * The managed heap of a .NET 10+ core, read without the DAC (issue #19; docs/specs/core-dumps.md §6):
 *
 * 1. **Where the GC heap is.** .NET 10's contract descriptor has no GC contract, so the GC's own
 *    description for debuggers is used: libcoreclr exports `g_dacTable`, a table of where the
 *    runtime's globals are (64-bit addresses in 10.0, 32-bit offsets before); one is `g_gcDacGlobals`, a pointer to the GC's `GcDacVars` — a
 *    versioned struct (major, minor, the size of a generation, the number of generations, then
 *    pointers to the GC's variables). Its entry is recognised by what it points to, not by its
 *    position, so a table that grows between versions is still read. From it: the generation tables
 *    (one, or one per heap with server GC through `g_heaps` and `gc_heap_field_offsets`), each
 *    generation's list of regions (`start_segment` at `generation_field_offsets[1]`, then `next`),
 *    each region's `mem` and `allocated` (for the ephemeral region, `alloc_allocated`), and the
 *    allocation contexts to skip (each thread's, from the descriptor's `ThreadStore` and `Thread`
 *    types, and each heap's generation 0 context).
 * 2. **The walk.** From `mem` to the end, object by object: the MethodTable pointer (low bits masked
 *    by `ObjectToMethodTableUnmask`), its size (`BaseSize`, plus `ComponentSize` × the count at +8
 *    when it has components) — the next object starts at that size aligned to 8. A MethodTable is
 *    used only when its EEClass points back to it (or to its canonical MethodTable); the first that
 *    does not ends the walk of that region, with a warning. An allocation context's unused space is
 *    skipped to its limit plus a minimal object, as the runtime leaves it. Each object's references
 *    come from its MethodTable's GC descriptor, read from the bytes the walk holds.
 * 3. **Type names** from the module's ECMA-335 metadata (ecma-metadata.ts), with generic arguments
 *    from the MethodTable's instantiation, arrays from the element type and rank, nested types as
 *    `Outer+Inner` — in ClrMD's form (`System.Collections.Generic.Dictionary<System.String, System.Int32>`).
 * 4. **Roots** from the GC's handle table map (gc-roots.ts), and a **value reader** for later: a
 *    string's characters, an object's instance fields through its class's FieldDescs.
 *
 * Every number from the core is bounded before use; a missing or damaged piece is a status with a
 * message, and a region that cannot be walked is a warning, never a throw.
 */
import type { ObjectFieldValue, ObjectValueReader, ObjectValues } from '../../heap/types';
import type { ContractDescriptor, RuntimeImage } from './runtime-descriptor';
import { findDynamicSymbol } from './runtime-descriptor';
import type { CoreMemory } from './core-memory';
import { readModuleMetadata, type ModuleMetadata } from './ecma-metadata';
import { readHandleRoots, type HandleRoots } from './gc-roots';
import { readNumber, readSigned, readU32, targetMemory, type TargetMemory } from './target-memory';

export interface GcRegion {
  /** Where the region's objects start and end (its `mem`, and `allocated` or `alloc_allocated`). */
  readonly start: number;
  readonly end: number;
  /** 0, 1, 2 (small objects), 3 (large), 4 (pinned); the generation list it was found in. */
  readonly generation: number;
  readonly heap: number;
  /** A read-only (frozen) segment: objects the runtime allocated outside the GC's control. */
  readonly frozen: boolean;
}

export interface ManagedObjectSink {
  /** One object: its address, its MethodTable's type name (interned by the caller), and its size. */
  object(address: number, typeName: string, size: number): void;
  /** A reference of the last object: the non-null address one of its fields holds (not yet checked to be an object). */
  reference(target: number): void;
}

export type ManagedHeapRead =
  | {
      readonly status: 'read';
      readonly gcVersion: string;
      readonly server: boolean;
      readonly heaps: number;
      readonly regions: readonly GcRegion[];
      readonly allocationContexts: number;
      readonly objects: number;
      readonly bytes: number;
      readonly warnings: readonly string[];
      /** The GC handles that are roots, and the dependent handles (gc-roots.ts). */
      readonly handles: HandleRoots;
      /** Reads objects' values later, by address (strings, instance fields). */
      readonly values: (addressOf: (node: number) => number | null) => ObjectValueReader;
    }
  | { readonly status: 'unreadable'; readonly message: string };

const MAX_DAC_TABLE_ENTRIES = 2048;
/** The `GcDacVars` major version whose layout this reader knows (gcinterface.dacvars.def in .NET 10). */
const GC_INTERFACE_MAJOR = 2;
/** How far past its base a global of libcoreclr.so can be (its image is about 8 MB). */
const LIBRARY_SPAN = 64 * 1024 * 1024;
const MAX_GENERATIONS = 8;
const MAX_HEAPS = 1024;
/** Server GC: the handle tables per bucket tried (one per heap the GC may use; each is validated). */
const MAX_HEAPS_TRIED = 64;
const MAX_REGIONS = 1 << 20;
const MAX_THREADS = 1 << 16;
const MAX_OBJECT_BYTES = 2 ** 40;
const MAX_NAME_DEPTH = 12;
const CHUNK = 1 << 22; // 4 MB of a region at a time
/** An object with references larger than this (an array of 2 million references) has them left unread, with a warning. */
const MAX_OBJECT_READ = 16 * 1024 * 1024;
/** A string's characters shown at most (its length is always given). */
export const MAX_STRING_CHARS = 1 << 20;
/** An object's fields are read from its first bytes, at most these many. */
const MAX_FIELD_BYTES = 1 << 16;
const POINTER = 8;
const MIN_OBJECT = 3 * POINTER;
const HEADER = 2 * POINTER; // MethodTable pointer and an array's count

// dac_heap_segment (gcinterface.dac.h): allocated, committed, reserved, used, mem, flags, next
const SEGMENT_ALLOCATED = 0;
const SEGMENT_MEM = 4 * POINTER;
const SEGMENT_FLAGS = 5 * POINTER;
const SEGMENT_NEXT = 6 * POINTER;
const SEGMENT_READONLY = 1;
// GcDacVars: major u8, minor u8, generation_size, total_generation_count, then one pointer per variable
// (gcinterface.dacvars.def), in this order.
const VARS_FIRST = 3 * POINTER;
const VAR = {
  generationTable: 3,
  ephemeralHeapSegment: 7,
  allocAllocated: 12,
  nHeaps: 19,
  gHeaps: 20,
  handleTableMap: 26,
  gcHeapFieldOffsets: 27,
  generationFieldOffsets: 28,
} as const;
// gc_heap_field_offsets indexes (dac_gcheap_fields.h), and generation_field_offsets (dac_generation_fields.h)
const HEAP_ALLOC_ALLOCATED = 0;
const HEAP_EPHEMERAL_SEGMENT = 1;
const HEAP_GENERATION_TABLE = 18;
const HEAP_FIELD_COUNT = 19;
const GENERATION_ALLOCATION_CONTEXT = 0;
const GENERATION_START_SEGMENT = 1;

// MethodTable flags (the RuntimeTypeSystem contract)
const HAS_COMPONENT_SIZE = 0x80000000;
const CATEGORY_MASK = 0x000f0000;
const CATEGORY_ARRAY_MASK = 0x000c0000;
const CATEGORY_ARRAY = 0x00080000;
const CATEGORY_SZARRAY = 0x000a0000;
const GENERICS_MASK = 0x00000030;
const RID_SHIFT = 8;

interface MethodTableInfo {
  readonly baseSize: number;
  readonly componentSize: number;
  readonly name: string;
  /** Where its references are (the GC descriptor before the MethodTable), or null: none. */
  readonly pointers: GcDescriptor | null;
}

/**
 * A GC descriptor (the RuntimeTypeSystem contract's `GetGCDescSeries`): `series` of [start offset,
 * raw size] — a run of pointers from the start offset, `raw size + object size` bytes long — or, for
 * an array of structs, `repeating` items of [pointer count, bytes skipped] from `start`, repeated to
 * the object's end.
 */
type GcDescriptor =
  | { readonly kind: 'series'; readonly series: readonly (readonly [number, number])[] }
  | { readonly kind: 'repeating'; readonly start: number; readonly items: readonly (readonly [number, number])[] };

const CONTAINS_GC_POINTERS = 0x01000000;
const FIELD_DESC_BYTES = 16;
const MAX_FIELDS = 4096;

/** The instance fields of a type's objects: name, CorElementType, offset from the object's start. */
interface FieldLayout {
  readonly fields: readonly { readonly name: string; readonly elementType: number; readonly offset: number }[];
  readonly note: string | null;
}
const MAX_SERIES = 4096;

/** The descriptor's field offsets: `Type.Field`, or a problem naming the missing one. */
function layout(descriptor: ContractDescriptor) {
  const types = new Map(descriptor.types.map((t) => [t.name, t]));
  return (type: string, field: string): number => {
    const offset = types.get(type)?.fields.find((f) => f.name === field)?.offset;
    if (offset === undefined) throw new MissingField(`${type}.${field}`);
    return offset;
  };
}

class MissingField extends Error {}

export async function readManagedHeap(
  runtime: RuntimeImage,
  descriptor: ContractDescriptor,
  core: CoreMemory,
  sink: ManagedObjectSink,
  onProgress?: (fraction: number) => void,
): Promise<ManagedHeapRead> {
  if (descriptor.pointerSize !== POINTER) {
    return { status: 'unreadable', message: 'the managed heap of a 32-bit process is not read yet' };
  }
  const memory = targetMemory(core);
  try {
    return await read(runtime, descriptor, memory, sink, onProgress);
  } catch (error) {
    if (error instanceof MissingField) {
      return {
        status: 'unreadable',
        message: `the runtime's contract descriptor has no ${error.message}, which the heap walk needs`,
      };
    }
    throw error;
  }
}

async function read(
  runtime: RuntimeImage,
  descriptor: ContractDescriptor,
  memory: TargetMemory,
  sink: ManagedObjectSink,
  onProgress?: (fraction: number) => void,
): Promise<ManagedHeapRead> {
  const hex = (n: number) => `0x${n.toString(16)}`;
  const offset = layout(descriptor);
  const unreadable = (message: string): ManagedHeapRead => ({ status: 'unreadable', message });
  const globalPointer = async (name: string): Promise<number | null> => {
    const global = descriptor.globals.find((g) => g.name === name);
    if (!global) return null;
    if (global.address !== null) return memory.pointer(Number(global.address));
    return global.value !== null ? Number(global.value) : null;
  };
  const globalValue = (name: string): number | null => {
    const global = descriptor.globals.find((g) => g.name === name);
    return global?.value !== null && global?.value !== undefined ? Number(global.value) : null;
  };

  // 1. GcDacVars, through g_dacTable.
  const base = Number(runtime.base);
  const symbol = await findDynamicSymbol(runtime.base, 'g_dacTable', memory.memory);
  if ('problem' in symbol) return unreadable(`g_dacTable: ${symbol.problem}`);
  if (symbol.value === null) return unreadable('libcoreclr.so exports no g_dacTable: the GC heap cannot be located');
  const table = await memory.bytes(base + Number(symbol.value), MAX_DAC_TABLE_ENTRIES * 4);
  if (!table) return unreadable(`g_dacTable at ${hex(base + Number(symbol.value))} is not in the core`);
  const candidates = new Set<number>();
  // Its entries are where each global lives: 64-bit addresses in .NET 10, 32-bit offsets from the
  // library's base in earlier runtimes. Both readings are tried; only a GcDacVars header counts.
  const places = new Set<number>();
  for (let i = 0; i + 8 <= table.length; i += 8) {
    const address = readNumber(table, i);
    if (address >= base && address < base + LIBRARY_SPAN) places.add(address);
  }
  for (let i = 0; i + 4 <= table.length; i += 4) {
    const rva = readU32(table, i);
    if (rva > 0 && rva < LIBRARY_SPAN) places.add(base + rva);
  }
  for (const place of places) {
    if (place % POINTER !== 0) continue;
    const vars = await memory.pointer(place);
    if (vars === null || vars === 0 || vars % POINTER !== 0) continue;
    const head = await memory.bytes(vars, VARS_FIRST);
    if (!head) continue;
    const major = head[0];
    const generationSize = readNumber(head, 8);
    const generations = readNumber(head, 16);
    if (
      major >= 1 &&
      major <= 32 &&
      generationSize >= 32 &&
      generationSize <= 4096 &&
      generationSize % POINTER === 0 &&
      generations >= 4 &&
      generations <= MAX_GENERATIONS
    ) {
      candidates.add(vars);
    }
  }
  if (candidates.size !== 1) {
    return unreadable(
      candidates.size === 0
        ? "no entry of g_dacTable leads to the GC's GcDacVars: the GC heap cannot be located"
        : `${candidates.size} entries of g_dacTable look like the GC's GcDacVars: the GC heap cannot be located for sure`,
    );
  }
  const vars = [...candidates][0];
  const head = (await memory.bytes(vars, VARS_FIRST)) as Uint8Array;
  const gcVersion = `${head[0]}.${head[1]}`;
  // A major version changes the variables' order or the region record's layout: only the one whose
  // layout is known here is read (minor versions only add variables at the end).
  if (head[0] !== GC_INTERFACE_MAJOR) {
    return unreadable(
      `the GC's interface for debuggers is version ${gcVersion}; heapscope reads version ${GC_INTERFACE_MAJOR}.x (.NET 10)`,
    );
  }
  const generationSize = readNumber(head, 8);
  const generationCount = readNumber(head, 16);
  const variable = async (index: number): Promise<number | null> => memory.pointer(vars + VARS_FIRST + index * POINTER);
  const ints = async (address: number | null, count: number): Promise<number[] | null> => {
    if (address === null || address === 0) return null;
    const bytes = await memory.bytes(address, count * 4);
    if (!bytes) return null;
    return Array.from({ length: count }, (_, i) => new DataView(bytes.buffer, bytes.byteOffset).getInt32(i * 4, true));
  };
  const generationOffsets = await ints(await variable(VAR.generationFieldOffsets), 2);
  if (!generationOffsets || generationOffsets.some((o) => o < 0 || o >= generationSize)) {
    return unreadable(`GcDacVars ${gcVersion}: its generation_field_offsets are not in the core or out of range`);
  }
  // Workstation GC fills generation_table; server GC leaves it null and fills n_heaps and g_heaps.
  const workstationTable = await variable(VAR.generationTable);
  const server = !workstationTable && !!(await variable(VAR.gHeaps));
  interface Heap {
    readonly generationTable: number;
    readonly ephemeralSegment: number | null;
    readonly allocAllocated: number | null;
  }
  const heaps: Heap[] = [];
  if (!server) {
    const generationTable = workstationTable;
    const ephemeral = await variable(VAR.ephemeralHeapSegment);
    const allocated = await variable(VAR.allocAllocated);
    if (!generationTable) return unreadable(`GcDacVars ${gcVersion}: no generation table`);
    heaps.push({
      generationTable,
      ephemeralSegment: ephemeral ? await memory.pointer(ephemeral) : null,
      allocAllocated: allocated ? await memory.pointer(allocated) : null,
    });
  } else {
    const countAt = await variable(VAR.nHeaps);
    const count = countAt ? await memory.u32(countAt) : null;
    const heapsAt = await variable(VAR.gHeaps);
    const array = heapsAt ? await memory.pointer(heapsAt) : null;
    const fields = await ints(await variable(VAR.gcHeapFieldOffsets), HEAP_FIELD_COUNT);
    if (count === null || count < 1 || count > MAX_HEAPS || !array || !fields) {
      return unreadable(
        `GcDacVars ${gcVersion} (server GC): its heap count, heaps or gc_heap_field_offsets are not in the core`,
      );
    }
    for (let i = 0; i < count; i++) {
      const heap = await memory.pointer(array + i * POINTER);
      if (!heap) return unreadable(`server GC heap ${i} of ${count} is not in the core`);
      const field = (index: number) => (fields[index] >= 0 ? heap + fields[index] : null);
      const ephemeralAt = field(HEAP_EPHEMERAL_SEGMENT);
      const allocatedAt = field(HEAP_ALLOC_ALLOCATED);
      const tableAt = field(HEAP_GENERATION_TABLE);
      if (tableAt === null) return unreadable(`server GC heap ${i}: no generation table offset`);
      heaps.push({
        generationTable: tableAt,
        ephemeralSegment: ephemeralAt === null ? null : await memory.pointer(ephemeralAt),
        allocAllocated: allocatedAt === null ? null : await memory.pointer(allocatedAt),
      });
    }
  }

  // 2. Regions, and the allocation contexts to skip.
  const regions: GcRegion[] = [];
  const seen = new Set<number>();
  const contexts = new Map<number, number>();
  const addContext = (pointer: number | null, limit: number | null) => {
    if (pointer && limit && pointer < limit) contexts.set(pointer, limit);
  };
  for (const [heapIndex, heap] of heaps.entries()) {
    for (let generation = 0; generation < generationCount; generation++) {
      const record = heap.generationTable + generation * generationSize;
      if (generation === 0) {
        const context = record + generationOffsets[GENERATION_ALLOCATION_CONTEXT];
        addContext(await memory.pointer(context), await memory.pointer(context + POINTER));
      }
      let segment = await memory.pointer(record + generationOffsets[GENERATION_START_SEGMENT]);
      while (segment) {
        if (seen.has(segment) || regions.length >= MAX_REGIONS) break;
        seen.add(segment);
        const header = await memory.bytes(segment, SEGMENT_NEXT + POINTER);
        if (!header) {
          return unreadable(
            `the GC's region list is not in the core (heap ${heapIndex}, generation ${generation}: the region record at ${hex(segment)} is absent); ` +
              "this core lacks the GC's pages (a full core holds them: createdump --full, dotnet-dump collect --type Full)",
          );
        }
        const mem = readNumber(header, SEGMENT_MEM);
        const allocated =
          segment === heap.ephemeralSegment && heap.allocAllocated
            ? heap.allocAllocated
            : readNumber(header, SEGMENT_ALLOCATED);
        const flags = readNumber(header, SEGMENT_FLAGS);
        if (mem > 0 && allocated >= mem && allocated - mem < MAX_OBJECT_BYTES) {
          regions.push({
            start: mem,
            end: allocated,
            generation,
            heap: heapIndex,
            frozen: (flags & SEGMENT_READONLY) !== 0,
          });
        }
        segment = readNumber(header, SEGMENT_NEXT);
      }
    }
  }
  const threadStore = await globalPointer('ThreadStore');
  if (threadStore) {
    const linkNext = offset('Thread', 'LinkNext');
    const locals = offset('Thread', 'RuntimeThreadLocals');
    const context = offset('RuntimeThreadLocals', 'AllocContext') + offset('EEAllocContext', 'GCAllocationContext');
    const pointerAt = offset('GCAllocContext', 'Pointer');
    const limitAt = offset('GCAllocContext', 'Limit');
    let link = await memory.pointer(threadStore + offset('ThreadStore', 'FirstThreadLink'));
    for (let walked = 0; link && walked < MAX_THREADS; walked++) {
      const thread = link - linkNext;
      const threadLocals = await memory.pointer(thread + locals);
      if (threadLocals) {
        addContext(
          await memory.pointer(threadLocals + context + pointerAt),
          await memory.pointer(threadLocals + context + limitAt),
        );
      }
      link = await memory.pointer(link);
    }
  }

  // 3. The walk, in address order (so the objects come out sorted by address). The allocation
  // contexts are met in the same order: the next one is compared with each object's address.
  regions.sort((a, b) => a.start - b.start);
  const contextStarts = [...contexts.keys()].sort((a, b) => a - b);
  let nextContext = 0;
  const unmask = globalValue('ObjectToMethodTableUnmask') ?? 7;
  /** An object's first word without the GC's mark bits: its MethodTable. */
  const methodTableOf = (word: number) => word - (word % (unmask + 1));
  const freeMethodTable = await globalPointer('FreeObjectMethodTable');
  const types = methodTables(descriptor, memory, freeMethodTable, offset);
  const warnings: string[] = [];
  const total = regions.reduce((sum, r) => sum + (r.end - r.start), 0);
  let walked = 0;
  let objects = 0;
  let bytes = 0;
  let walkedTo = 0;
  for (const region of regions) {
    // Regions do not overlap; a damaged list whose regions do is walked once per byte, not once per claim.
    if (region.start < walkedTo) {
      warnings.push(`region ${hex(region.start)}–${hex(region.end)} overlaps the one before it: not walked`);
      continue;
    }
    walkedTo = region.end;
    let chunk: Uint8Array | null = null;
    let chunkStart = 0;
    let at = region.start;
    while (at < region.end) {
      while (nextContext < contextStarts.length && contextStarts[nextContext] < at) nextContext++;
      if (contextStarts[nextContext] === at) {
        at = contexts.get(at)! + MIN_OBJECT;
        continue;
      }
      if (!chunk || at < chunkStart || at + HEADER > chunkStart + chunk.length) {
        chunkStart = at;
        chunk = await memory.slice(at, Math.min(CHUNK, Math.max(HEADER, region.end - at)));
        if (!chunk) {
          warnings.push(
            `region ${hex(region.start)}–${hex(region.end)}: its bytes from ${hex(at)} are not in the core`,
          );
          break;
        }
      }
      const within = at - chunkStart;
      const methodTable = methodTableOf(readNumber(chunk, within));
      const known = types.known(methodTable);
      const info = known !== undefined ? known : methodTable ? await types.info(methodTable) : null;
      if (!info) {
        warnings.push(
          `region ${hex(region.start)}–${hex(region.end)}: no valid MethodTable at ${hex(at)} (${hex(methodTable)}); the rest of the region is not walked`,
        );
        break;
      }
      let size = info.baseSize;
      if (info.componentSize > 0) {
        size += info.componentSize * readU32(chunk, within + POINTER);
      }
      // The size is the object's own, at least a minimal object (as SOS and ClrMD report it: an empty
      // string is 22 bytes of fields in a 24-byte object); the next object starts after its alignment.
      size = Math.max(size, MIN_OBJECT);
      const step = Math.ceil(size / POINTER) * POINTER;
      if (step < MIN_OBJECT || at + step > region.end) {
        warnings.push(
          `region ${hex(region.start)}–${hex(region.end)}: the object at ${hex(at)} (${info.name}, ${size} bytes) runs past the region's end`,
        );
        break;
      }
      sink.object(at, info.name, size);
      if (info.pointers) {
        // The object's bytes: from the chunk when it holds them, else read for this object alone.
        let body: Uint8Array | null = chunk;
        let bodyAt = within;
        if (within + size > chunk.length) {
          body = size <= MAX_OBJECT_READ ? await memory.slice(at, size) : null;
          bodyAt = 0;
        }
        if (body) forEachReference(info.pointers, body, bodyAt, size, sink);
        else warnings.push(`the references of the object at ${hex(at)} (${info.name}, ${size} bytes) are not read`);
      }
      objects++;
      bytes += size;
      at += step;
    }
    walked += region.end - region.start;
    onProgress?.(total > 0 ? walked / total : 1);
  }
  // 4. The GC handles (roots, and dependent handles).
  const mapAddress = await variable(VAR.handleTableMap);
  const handles: HandleRoots = mapAddress
    ? await readHandleRoots(memory, mapAddress, heaps.length, server ? MAX_HEAPS_TRIED : 1)
    : { roots: [], dependent: [], tables: 0, segments: 0, problems: ['GcDacVars has no handle table map'] };
  const stringMethodTable = await globalPointer('StringMethodTable');
  const stringLength = offset('String', 'm_StringLength');
  const firstChar = offset('String', 'm_FirstChar');
  const values = (addressOf: (node: number) => number | null): ObjectValueReader => ({
    async read(node: number): Promise<ObjectValues | null> {
      const address = addressOf(node);
      const header = address === null ? null : await memory.bytes(address, HEADER);
      if (address === null || !header) return null;
      const methodTable = methodTableOf(readNumber(header, 0));
      const info = types.known(methodTable) ?? (await types.info(methodTable));
      if (!info) return null;
      if (methodTable === stringMethodTable) {
        const length = (await memory.u32(address + stringLength)) ?? 0;
        const shown = Math.min(length, MAX_STRING_CHARS);
        const chars = await memory.slice(address + firstChar, shown * 2);
        const text = chars ? new TextDecoder('utf-16le').decode(chars) : null;
        return {
          string: text,
          stringLength: length,
          fields: [],
          note: text === null ? 'its characters are not in the core' : null,
        };
      }
      const layout = await types.layoutOf(methodTable);
      const body = await memory.bytes(address, Math.min(info.baseSize, MAX_FIELD_BYTES));
      const fields: ObjectFieldValue[] = layout.fields.map((field) => ({
        name: field.name,
        type: ELEMENT_TYPE_NAMES[field.elementType] ?? `element type 0x${field.elementType.toString(16)}`,
        value: body ? fieldValue(body, field.offset, field.elementType) : null,
        attr: 'instance',
      }));
      return { string: null, stringLength: null, fields, note: layout.note };
    },
  });
  return {
    status: 'read',
    values,
    handles,
    gcVersion,
    server,
    heaps: heaps.length,
    regions,
    allocationContexts: contexts.size,
    objects,
    bytes,
    warnings,
  };
}

/** MethodTables by address: validated, sized and named once each. */
function methodTables(
  descriptor: ContractDescriptor,
  memory: TargetMemory,
  freeMethodTable: number | null,
  offset: (type: string, field: string) => number,
) {
  const mt = {
    flags: offset('MethodTable', 'MTFlags'),
    baseSize: offset('MethodTable', 'BaseSize'),
    flags2: offset('MethodTable', 'MTFlags2'),
    module: offset('MethodTable', 'Module'),
    eeClass: offset('MethodTable', 'EEClassOrCanonMT'),
    perInstInfo: offset('MethodTable', 'PerInstInfo'),
  };
  const eeClassMethodTable = offset('EEClass', 'MethodTable');
  const arrayRank = offset('ArrayClass', 'Rank');
  const dictionaries = offset('GenericsDictInfo', 'NumDicts');
  const typeArguments = offset('GenericsDictInfo', 'NumTypeArgs');
  const moduleBase = offset('Module', 'Base');
  const typeDescFlags = offset('TypeDesc', 'TypeAndFlags');
  const paramTypeArg = offset('ParamTypeDesc', 'TypeArg');
  const infos = new Map<number, MethodTableInfo | null>();
  const names = new Map<number, string>();
  const modules = new Map<number, Promise<ModuleMetadata | null>>();

  const metadataOf = (module: number): Promise<ModuleMetadata | null> => {
    let known = modules.get(module);
    if (!known) {
      known = (async () => {
        const imageBase = await memory.pointer(module + moduleBase);
        if (!imageBase) return null;
        const read = await readModuleMetadata(memory, imageBase);
        return 'metadata' in read ? read.metadata : null;
      })();
      modules.set(module, known);
    }
    return known;
  };

  /** The EEClass of a MethodTable that its EEClass (through the canonical MethodTable) points back to, or null. */
  const eeClassOf = async (address: number): Promise<number | null> => {
    const value = await memory.pointer(address + mt.eeClass);
    if (value === null || value === 0) return null;
    if (value % 2 === 1) {
      const canonical = value - 1;
      const canonicalClass = await memory.pointer(canonical + mt.eeClass);
      if (canonicalClass === null || canonicalClass % 2 === 1) return null;
      return (await memory.pointer(canonicalClass + eeClassMethodTable)) === canonical ? canonicalClass : null;
    }
    return (await memory.pointer(value + eeClassMethodTable)) === address ? value : null;
  };

  const typeHandleName = async (handle: number, depth: number): Promise<string> => {
    if (depth > MAX_NAME_DEPTH) return '…';
    if (handle % 4 === 2) {
      const desc = handle - 2;
      const elementType = ((await memory.u32(desc + typeDescFlags)) ?? 0) & 0xff;
      const argument = await memory.pointer(desc + paramTypeArg);
      if (elementType === 0x0f && argument) return `${await typeHandleName(argument, depth + 1)}*`;
      if (elementType === 0x10 && argument) return `${await typeHandleName(argument, depth + 1)}&`;
      return `<type descriptor 0x${elementType.toString(16)}>`;
    }
    return nameOf(handle, depth + 1);
  };

  const nameOf = async (address: number, depth: number): Promise<string> => {
    const known = names.get(address);
    if (known !== undefined) return known;
    const name = await computeName(address, depth);
    names.set(address, name);
    return name;
  };

  const computeName = async (address: number, depth: number): Promise<string> => {
    if (address === freeMethodTable) return 'Free';
    const unknown = `<unknown type at 0x${address.toString(16)}>`;
    const flags = await memory.u32(address + mt.flags);
    if (flags === null) return unknown;
    if ((flags & CATEGORY_ARRAY_MASK) === CATEGORY_ARRAY) {
      const element = await memory.pointer(address + mt.perInstInfo);
      const elementName = element ? await typeHandleName(element, depth) : unknown;
      if ((flags & CATEGORY_MASK) === CATEGORY_SZARRAY) return `${elementName}[]`;
      const eeClass = await eeClassOf(address);
      const rank = eeClass ? ((await memory.u8(eeClass + arrayRank)) ?? 1) : 1;
      return rank <= 1 ? `${elementName}[*]` : `${elementName}[${','.repeat(rank - 1)}]`;
    }
    const module = await memory.pointer(address + mt.module);
    const flags2 = await memory.u32(address + mt.flags2);
    const metadata = module ? await metadataOf(module) : null;
    if (!metadata || flags2 === null) return unknown;
    // The chain of TypeDefs, outermost first.
    const chain: { namespace: string; name: string; arity: number }[] = [];
    let row = flags2 >>> RID_SHIFT;
    for (let guard = 0; row !== 0 && guard < MAX_NAME_DEPTH; guard++) {
      const typeDef = await metadata.typeDef(row);
      if (!typeDef) return unknown;
      const tick = typeDef.name.lastIndexOf('`');
      const arity = tick >= 0 ? Number.parseInt(typeDef.name.slice(tick + 1), 10) : 0;
      chain.unshift({
        namespace: typeDef.namespace,
        name: tick >= 0 && Number.isFinite(arity) ? typeDef.name.slice(0, tick) : typeDef.name,
        arity: Number.isFinite(arity) ? arity : 0,
      });
      row = typeDef.enclosing;
    }
    let args: string[] = [];
    if ((flags & HAS_COMPONENT_SIZE) === 0 && (flags & GENERICS_MASK) !== 0) {
      const perInstInfo = await memory.pointer(address + mt.perInstInfo);
      if (perInstInfo) {
        const dictionaryCount = (await memory.u16(perInstInfo - POINTER + dictionaries)) ?? 0;
        const argumentCount = (await memory.u16(perInstInfo - POINTER + typeArguments)) ?? 0;
        const dictionary =
          dictionaryCount > 0 ? await memory.pointer(perInstInfo + (dictionaryCount - 1) * POINTER) : null;
        if (dictionary && argumentCount <= 64) {
          for (let i = 0; i < argumentCount; i++) {
            const handle = await memory.pointer(dictionary + i * POINTER);
            args.push(handle ? await typeHandleName(handle, depth) : unknown);
          }
        }
      }
    }
    const arities = chain.reduce((sum, part) => sum + part.arity, 0);
    const parts = chain.map((part, index) => {
      const prefix = index === 0 && part.namespace ? `${part.namespace}.` : '';
      if (arities !== args.length || part.arity === 0) return `${prefix}${part.name}`;
      const own = args.slice(0, part.arity);
      args = args.slice(part.arity);
      return `${prefix}${part.name}<${own.join(', ')}>`;
    });
    const name = parts.join('+');
    return arities !== args.length && args.length > 0 ? `${name}<${args.join(', ')}>` : name;
  };

  /** The GC descriptor stored before the MethodTable (`NumSeries` at −8, the series below it), or null when unreadable. */
  const gcDescriptor = async (address: number): Promise<GcDescriptor | null> => {
    const head = await memory.bytes(address - POINTER, POINTER);
    if (!head) return null;
    const count = readSigned(head, 0);
    if (count === 0 || Math.abs(count) > MAX_SERIES) return null;
    if (count > 0) {
      const bytes = await memory.bytes(address - POINTER - count * 2 * POINTER, count * 2 * POINTER);
      if (!bytes) return null;
      const series: [number, number][] = [];
      // Series i: its start offset at MT − (2i + 2)·8, its raw size at MT − (2i + 3)·8 (both as signed words).
      for (let i = 0; i < count; i++) {
        const startAt = bytes.length - (2 * i + 1) * POINTER;
        const sizeAt = bytes.length - (2 * i + 2) * POINTER;
        series.push([readSigned(bytes, startAt), readSigned(bytes, sizeAt)]);
      }
      return { kind: 'series', series };
    }
    const items = -count;
    const bytes = await memory.bytes(address - 2 * POINTER - items * POINTER, (items + 1) * POINTER);
    if (!bytes) return null;
    const start = readSigned(bytes, bytes.length - POINTER);
    const list: [number, number][] = [];
    for (let i = 0; i < items; i++) {
      const at = bytes.length - (i + 2) * POINTER;
      const word = readNumber(bytes, at);
      list.push([word % 2 ** 32, Math.floor(word / 2 ** 32)]); // {u32 pointer count; u32 skip}
    }
    // Items that advance nothing would repeat forever over no pointers: such a descriptor is unusable.
    if (list.every(([count, skip]) => count * POINTER + skip === 0)) return null;
    return { kind: 'repeating', start, items: list };
  };

  const fieldDescList = offset('EEClass', 'FieldDescList');
  const numInstanceFields = offset('EEClass', 'NumInstanceFields');
  const parentOffset = offset('MethodTable', 'ParentMethodTable');
  const layouts = new Map<number, Promise<FieldLayout>>();
  /**
   * The instance fields of a MethodTable's objects, its parents' first. The EEClass lists its own
   * FieldDescs (16 bytes each on 64-bit: the enclosing MethodTable; a word with the FieldDef row in its
   * low 24 bits and bit 24 set for a static; a word with the offset after the MethodTable pointer in
   * its low 27 bits and the CorElementType in its top 5). The descriptor of 10.0 does not describe
   * FieldDesc, so each one's enclosing MethodTable must be the class's own, or the layout is not used.
   */
  const layoutOf = (address: number, depth = 0): Promise<FieldLayout> => {
    let known = layouts.get(address);
    if (!known) {
      known = (async (): Promise<FieldLayout> => {
        if (depth > MAX_NAME_DEPTH * 4) return { fields: [], note: 'the class hierarchy is too deep' };
        const eeClass = await eeClassOf(address);
        if (!eeClass) return { fields: [], note: `no EEClass for the MethodTable at 0x${address.toString(16)}` };
        const parent = await memory.pointer(address + parentOffset);
        const inherited = parent ? await layoutOf(parent, depth + 1) : { fields: [], note: null };
        const parentClass = parent ? await eeClassOf(parent) : null;
        const total = (await memory.u16(eeClass + numInstanceFields)) ?? 0;
        const fromParent = parentClass ? ((await memory.u16(parentClass + numInstanceFields)) ?? 0) : 0;
        const own = total - fromParent;
        if (own <= 0) return inherited;
        const canonical = await memory.pointer(eeClass + eeClassMethodTable);
        const list = await memory.pointer(eeClass + fieldDescList);
        const descs = list && own <= MAX_FIELDS ? await memory.bytes(list, own * FIELD_DESC_BYTES) : null;
        const module = await memory.pointer(address + mt.module);
        const metadata = module ? await metadataOf(module) : null;
        if (!descs || !canonical)
          return { fields: inherited.fields, note: `the fields of 0x${address.toString(16)} are not in the core` };
        const fields = [...inherited.fields];
        const view = new DataView(descs.buffer, descs.byteOffset, descs.byteLength);
        for (let i = 0, seen = 0; seen < own && i < own; i++) {
          const at = i * FIELD_DESC_BYTES;
          if (readNumber(descs, at) !== canonical) {
            return { fields: inherited.fields, note: 'a FieldDesc layout this reader does not know' };
          }
          const word1 = view.getUint32(at + 8, true);
          const word2 = view.getUint32(at + 12, true);
          if (word1 & (1 << 24)) continue; // a static field
          seen++;
          const row = word1 & 0xffffff;
          fields.push({
            name: (metadata ? await metadata.fieldName(row) : null) ?? `field #${row}`,
            elementType: word2 >>> 27,
            offset: POINTER + (word2 & 0x7ffffff),
          });
        }
        fields.sort((a, b) => a.offset - b.offset);
        return { fields, note: inherited.note };
      })();
      layouts.set(address, known);
    }
    return known;
  };

  return {
    layoutOf,
    /** The MethodTable's info when already read (null: read and invalid), without waiting. */
    known(address: number): MethodTableInfo | null | undefined {
      return infos.get(address);
    },
    async info(address: number): Promise<MethodTableInfo | null> {
      const known = infos.get(address);
      if (known !== undefined) return known;
      let info: MethodTableInfo | null = null;
      const header = await memory.bytes(address, 8);
      if (header) {
        const word = readNumber(header, 0);
        const flags = word % 2 ** 32;
        const baseSize = Math.floor(word / 2 ** 32);
        const componentSize = flags & HAS_COMPONENT_SIZE ? flags & 0xffff : 0;
        const valid = address === freeMethodTable || (await eeClassOf(address)) !== null;
        if (valid && baseSize >= 2 * POINTER && baseSize < 1 << 30) {
          const pointers = flags & CONTAINS_GC_POINTERS ? await gcDescriptor(address) : null;
          info = { baseSize, componentSize, name: await nameOf(address, 0), pointers };
        }
      }
      infos.set(address, info);
      return info;
    },
  };
}

/**
 * Each non-null reference of an object whose bytes are `body` from `at` (`size` bytes), by its GC
 * descriptor; offsets outside the object are ignored (a damaged descriptor reads nothing wrong).
 */
function forEachReference(
  pointers: GcDescriptor,
  body: Uint8Array,
  at: number,
  size: number,
  sink: ManagedObjectSink,
): void {
  // Every loop is bounded by the object's size: a damaged descriptor reads nothing outside it.
  if (pointers.kind === 'series') {
    for (const [start, raw] of pointers.series) {
      const end = Math.min(start + raw + size, size);
      for (let offset = Math.max(start, POINTER); offset < end; offset += POINTER)
        reference(body, at, offset, size, sink);
    }
    return;
  }
  let offset = Math.max(pointers.start, 0);
  while (offset + POINTER <= size) {
    for (const [count, skip] of pointers.items) {
      const run = Math.min(count, Math.ceil((size - offset) / POINTER));
      for (let i = 0; i < run; i++) reference(body, at, offset + i * POINTER, size, sink);
      offset += count * POINTER + skip;
      if (offset + POINTER > size) break;
    }
  }
}

/** The reference at `offset` of the object at `at` in `body`, when it is inside the object and not null. */
function reference(body: Uint8Array, at: number, offset: number, size: number, sink: ManagedObjectSink): void {
  if (offset < POINTER || offset + POINTER > size || at + offset + POINTER > body.length) return;
  const target = readNumber(body, at + offset);
  if (target !== 0) sink.reference(target);
}

/** What a field of this CorElementType is called in the inspector. */
const ELEMENT_TYPE_NAMES: Record<number, string> = {
  0x02: 'System.Boolean',
  0x03: 'System.Char',
  0x04: 'System.SByte',
  0x05: 'System.Byte',
  0x06: 'System.Int16',
  0x07: 'System.UInt16',
  0x08: 'System.Int32',
  0x09: 'System.UInt32',
  0x0a: 'System.Int64',
  0x0b: 'System.UInt64',
  0x0c: 'System.Single',
  0x0d: 'System.Double',
  0x0e: 'System.String',
  0x0f: 'pointer',
  0x11: 'struct',
  0x12: 'reference',
  0x14: 'array',
  0x18: 'System.IntPtr',
  0x19: 'System.UIntPtr',
  0x1b: 'function pointer',
  0x1c: 'System.Object',
  0x1d: 'array',
};

/** A field's value as the inspector shows it: a number, `true`/`false`, a character, an address or `null`. */
function fieldValue(body: Uint8Array, offset: number, elementType: number): string | null {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const fits = (size: number) => offset >= 0 && offset + size <= body.length;
  switch (elementType) {
    case 0x02:
      return fits(1) ? String(view.getUint8(offset) !== 0) : null;
    case 0x03: {
      if (!fits(2)) return null;
      const code = view.getUint16(offset, true);
      return `${JSON.stringify(String.fromCharCode(code))} (0x${code.toString(16)})`;
    }
    case 0x04:
      return fits(1) ? String(view.getInt8(offset)) : null;
    case 0x05:
      return fits(1) ? String(view.getUint8(offset)) : null;
    case 0x06:
      return fits(2) ? String(view.getInt16(offset, true)) : null;
    case 0x07:
      return fits(2) ? String(view.getUint16(offset, true)) : null;
    case 0x08:
      return fits(4) ? String(view.getInt32(offset, true)) : null;
    case 0x09:
      return fits(4) ? String(view.getUint32(offset, true)) : null;
    case 0x0a:
      return fits(8) ? String(view.getBigInt64(offset, true)) : null;
    case 0x0b:
      return fits(8) ? String(view.getBigUint64(offset, true)) : null;
    case 0x0c:
      return fits(4) ? String(view.getFloat32(offset, true)) : null;
    case 0x0d:
      return fits(8) ? String(view.getFloat64(offset, true)) : null;
    case 0x0e:
    case 0x0f:
    case 0x12:
    case 0x14:
    case 0x18:
    case 0x19:
    case 0x1b:
    case 0x1c:
    case 0x1d: {
      if (!fits(8)) return null;
      const value = view.getBigUint64(offset, true);
      const isReference = elementType !== 0x18 && elementType !== 0x19 && elementType !== 0x0f && elementType !== 0x1b;
      return value === 0n && isReference ? 'null' : `0x${value.toString(16)}`;
    }
    default:
      return null; // a struct: its own fields are not read here
  }
}
