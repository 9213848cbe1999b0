/**
 * Reads a .gcdump (a FastSerialization-encoded GCHeapDump with a MemoryGraph) into the columnar
 * heap model. Section numbers (§) refer to docs/specs/gcdump-format.md.
 *
 * The file is read front to back in slices (ChunkReader); the three big arrays — node offsets,
 * the node-record blob and the addresses — are copied straight into typed arrays, then the
 * records are decoded in two linear passes into CSR edges. Every count read from the file is
 * checked against what remains of the file before it sizes an allocation or a loop.
 */
import { FormatError, type LoadOptions } from '../byte-source';
import type { ByteSource } from '../byte-source';
import { HeapBuilder, UNKNOWN_PRODUCER } from '../../heap/heap-builder';
import { type GcSegment, type HeapModel, type NodeIndex } from '../../heap/types';
import { checkMemoryBudget } from '../../heap/memory-budget';
import { ChunkReader } from './chunk-reader';
import { NodeRecordDecoder } from './node-record-decoder';
import type {
  DeferredType,
  DescriptorVersions,
  GcdumpDetails,
  GraphModule,
  LegacyFields,
  StoredDotNetHeapInfo,
  StoredInteropInfo,
  StoredSegment,
  StoredType,
  TaggedField,
} from './gcdump-details';
import { Tag } from './tags';

export interface GcdumpFile {
  readonly heap: HeapModel;
  readonly details: GcdumpDetails;
}

export interface GcdumpReadOptions extends LoadOptions {
  /** Keep the node-offset table in `details.nodeOffsets` (4 bytes per node) for re-encoding. */
  keepLayout?: boolean;
  /**
   * Bytes per read of the node tables (default 8 MB). Tests make it small so that records cross
   * slices and arrive out of order, which real files only do when they are large.
   */
  sliceBytes?: number;
}

/** §2.3: Int32 20 + "!FastSerialization.1". */
const HEADER = '!FastSerialization.1';
const HEADER_BYTES = 24;
/** §3.1: the GCHeapDump versions this reader understands. */
const NEWEST_HEAP_DUMP_VERSION = 10;
const OLDEST_HEAP_DUMP_VERSION = 4;
/** §4.6: a MemoryGraph with min reader version 1 carries deferred type names; above 1 is unknown. */
const NEWEST_GRAPH_READER_VERSION = 1;
/** §5.3: dotnet-gcdump silently stops at this many nodes. */
export const DOTNET_GCDUMP_NODE_CAP = 10_000_000;
/** Smallest encoded type-table entry: two null strings (4 + 4) and a size (4) (§4.2). */
const MIN_TYPE_ENTRY_BYTES = 12;
/** How often (in nodes) the decode passes report progress and check for cancellation. */
const NODES_PER_PROGRESS = 1 << 20;
/**
 * Bytes per read while the node tables are read and decoded together (ChunkReader.readPipelined):
 * small enough that the first read, which nothing overlaps, is short; the address table is read
 * through two staging buffers of this size.
 */
const PIPELINE_SLICE_BYTES = 8 << 20;
/** Share of the progress bar given to reading bytes; the rest is decoding. */
const READ_SHARE = 0.8;
/** .NET ticks at 1970-01-01 (DateTime.UnixEpoch.Ticks). */
const UNIX_EPOCH_TICKS = 621_355_968_000_000_000n;

interface Descriptor extends DescriptorVersions {
  readonly name: string;
}

type ProcessFields = Pick<
  GcdumpDetails,
  | 'collectionLog'
  | 'timeCollectedTicks'
  | 'machineName'
  | 'processName'
  | 'processId'
  | 'totalProcessCommit'
  | 'totalProcessWorkingSet'
>;

type SlotStart =
  | { readonly kind: 'null' }
  | { readonly kind: 'object'; readonly descriptor: Descriptor; readonly label: number }
  | { readonly kind: 'reference'; readonly label: number };

const TRAILER_BROKEN = { width: 4 as const, forward: [] as number[], tableOffset: -1, intact: false };

export async function readGcdump(source: ByteSource, options: GcdumpReadOptions = {}): Promise<GcdumpFile> {
  return new GcdumpParser(source, options).parse();
}

class GcdumpParser {
  private readonly r: ChunkReader;
  private readonly descriptors = new Map<number, Descriptor>();
  private readonly modules = new Map<number, GraphModule>();
  private labelWidth: 4 | 8 = 4;
  private forward: number[] = [];
  private readonly builder = new HeapBuilder('gcdump');

  constructor(
    private readonly source: ByteSource,
    private readonly options: GcdumpReadOptions,
  ) {
    this.r = new ChunkReader(source, options.signal);
    this.pipelineSliceBytes = Math.max(1, Math.floor(options.sliceBytes ?? PIPELINE_SLICE_BYTES));
  }

  private progress(stage: string, fraction: number): void {
    this.options.onProgress?.({ stage, bytesRead: this.r.position, totalBytes: this.r.size, fraction });
  }

  private readProgress(stage: string): void {
    this.progress(stage, (this.r.position / Math.max(1, this.r.size)) * READ_SHARE);
  }

  async parse(): Promise<GcdumpFile> {
    const r = this.r;
    await this.readHeader();
    const trailer = await this.readTrailer();
    this.labelWidth = trailer.width;
    this.forward = trailer.forward;
    r.position = HEADER_BYTES;

    const entry = await this.beginObject('the GCHeapDump entry object');
    if (entry.kind !== 'object') throw r.error('expected the GCHeapDump entry object (tag 0x04)', HEADER_BYTES);
    const heapDescriptor = entry.descriptor;
    if (heapDescriptor.name !== 'GCHeapDump') {
      throw r.error(
        `this FastSerialization file holds a "${heapDescriptor.name}", not a GCHeapDump (is it an .etlx or .nettrace?)`,
        HEADER_BYTES,
      );
    }
    const version = heapDescriptor.version;
    if (version === 8 || version < OLDEST_HEAP_DUMP_VERSION) {
      throw r.error(`GCHeapDump version ${version} is not supported (PerfView rejects it too)`, HEADER_BYTES);
    }
    if (heapDescriptor.minReaderVersion > NEWEST_HEAP_DUMP_VERSION) {
      throw r.error(
        `GCHeapDump needs a reader of version ${heapDescriptor.minReaderVersion}; this reader knows up to ${NEWEST_HEAP_DUMP_VERSION}`,
        HEADER_BYTES,
      );
    }

    const graph = await this.readGraphSlot();
    const tail = version >= 9 ? await this.readCurrentFields(graph.types.length) : await this.readLegacyFields(version);
    await this.endObject('GCHeapDump');

    await r.ensure(1, 'the end-of-stream tag');
    const endTag = r.u8();
    if (endTag !== Tag.EndObject) {
      throw r.error(
        `expected the end-of-stream tag 0x06 after the GCHeapDump object, found 0x${hex(endTag)}`,
        r.position - 1,
      );
    }
    if (trailer.intact && r.position !== trailer.tableOffset) {
      throw r.error(
        `the objects end at 0x${r.position.toString(16)} but the trailer puts the forward-reference table at 0x${trailer.tableOffset.toString(16)}`,
      );
    }
    if (!trailer.intact) {
      this.builder.warn(
        'The trailer at the end of the file is damaged or missing (a truncated copy?); the content itself parsed.',
      );
    }

    const details: GcdumpDetails = {
      labelWidth: this.labelWidth,
      trailerIntact: trailer.intact,
      heapDumpDescriptor: { version: heapDescriptor.version, minReaderVersion: heapDescriptor.minReaderVersion },
      graphDescriptor: graph.descriptor,
      storedTotalSize: graph.totalSize,
      types: graph.types,
      deferredTypes: graph.deferredTypes,
      nodeOffsets: this.options.keepLayout ? graph.nodeOffsets : null,
      blobLength: graph.blobLength,
      addressCount: graph.addressCount,
      graphIs64Bit: graph.is64Bit,
      ...tail,
    };
    this.describeProducer(details);
    this.progress('decoding node records', READ_SHARE);
    this.finishNodes(graph);
    const heap = this.builder.build();
    this.checkTotals(heap, graph.totalSize);
    this.progress('done', 1);
    return { heap, details };
  }

  // ── FastSerialization framing (§2) ────────────────────────────────────────────────────────

  private async readHeader(): Promise<void> {
    const r = this.r;
    if (r.size < HEADER_BYTES) {
      throw r.error(`not a .gcdump: the file has ${r.size} bytes, fewer than the 24-byte FastSerialization header`, 0);
    }
    await r.ensure(HEADER_BYTES, 'the header');
    const length = r.i32();
    let magic = '';
    for (let i = 0; i < HEADER.length; i++) magic += String.fromCharCode(r.u8());
    if (length !== HEADER.length || magic !== HEADER) {
      throw r.error('not a .gcdump: the file does not start with the "!FastSerialization.1" header', 0);
    }
  }

  /** §2.9–§2.10: the forward-reference table and the StreamLabel width, from the last bytes. */
  private async readTrailer(): Promise<{ width: 4 | 8; forward: number[]; tableOffset: number; intact: boolean }> {
    const size = this.r.size;
    if (size < HEADER_BYTES + 16) return TRAILER_BROKEN;
    const tail = await this.source.read(size - 16, 16);
    const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    for (const width of [4, 8] as const) {
      const trailerAt = width === 4 ? view.getUint32(12, true) : Number(view.getBigUint64(8, true));
      if (trailerAt !== size - 2 * width) continue;
      const tableAtBytes = await this.source.read(trailerAt, width);
      const tableView = new DataView(tableAtBytes.buffer, tableAtBytes.byteOffset, tableAtBytes.byteLength);
      const tableOffset = width === 4 ? tableView.getUint32(0, true) : Number(tableView.getBigUint64(0, true));
      if (tableOffset < HEADER_BYTES || tableOffset + 4 > trailerAt) continue;
      const table = await this.source.read(tableOffset, trailerAt - tableOffset);
      const tv = new DataView(table.buffer, table.byteOffset, table.byteLength);
      const count = tv.getInt32(0, true);
      if (count < 0 || tableOffset + 4 + width * count !== trailerAt) continue;
      const forward: number[] = [];
      let consistent = true;
      for (let i = 0; i < count; i++) {
        const at = width === 4 ? tv.getUint32(4 + 4 * i, true) : Number(tv.getBigUint64(4 + 8 * i, true));
        if (at >= tableOffset) consistent = false;
        forward.push(at);
      }
      if (consistent) return { width, forward, tableOffset, intact: true };
    }
    return TRAILER_BROKEN;
  }

  private async readLabel(what: string): Promise<number> {
    const r = this.r;
    await r.ensure(this.labelWidth, what);
    if (this.labelWidth === 4) return r.u32();
    const value = r.i64();
    if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER))
      throw r.error(`${what} is not a valid offset`, r.position - 8);
    return Number(value);
  }

  /** §2.5: the start of an object slot. */
  private async beginObject(what: string): Promise<SlotStart> {
    const r = this.r;
    await r.ensure(1, what);
    let tagAt = r.position;
    let tag = r.u8();
    while (tag === Tag.Blob) {
      await r.ensure(4, `the length of a blob before ${what}`);
      const length = r.i32();
      if (length < 0) throw r.error(`a blob before ${what} has a negative length ${length}`, tagAt);
      await r.skip(length, `a blob before ${what}`);
      await r.ensure(1, what);
      tagAt = r.position;
      tag = r.u8();
    }
    switch (tag) {
      case Tag.NullReference:
        return { kind: 'null' };
      case Tag.ObjectReference:
        return { kind: 'reference', label: await this.readLabel(`a reference for ${what}`) };
      case Tag.ForwardDefinition: {
        await r.ensure(5, `a forward definition of ${what}`);
        r.i32();
        const begin = r.u8();
        if (begin !== Tag.BeginObject) {
          throw r.error(
            `a forward definition of ${what} must be followed by 0x04, found 0x${hex(begin)}`,
            r.position - 1,
          );
        }
        return { kind: 'object', descriptor: await this.readTypeSlot(what), label: tagAt };
      }
      case Tag.BeginObject:
      case Tag.BeginPrivateObject:
        return { kind: 'object', descriptor: await this.readTypeSlot(what), label: tagAt };
      case Tag.ForwardReference:
        throw r.error(`${what} is a forward reference, which .gcdump files never use`, tagAt);
      default:
        throw r.error(`expected ${what} (an object slot: tag 0x01 or 0x04), found byte 0x${hex(tag)}`, tagAt);
    }
  }

  /** §2.6: a type descriptor, new (0x04 0x01 …) or repeated (0x02 label). */
  private async readTypeSlot(what: string): Promise<Descriptor> {
    const r = this.r;
    await r.ensure(1, `the type of ${what}`);
    const at = r.position;
    const tag = r.u8();
    if (tag === Tag.ObjectReference) {
      const label = await this.readLabel(`the type reference of ${what}`);
      const known = this.descriptors.get(label);
      if (!known)
        throw r.error(
          `the type of ${what} refers to offset 0x${label.toString(16)}, where no type descriptor was defined`,
          at,
        );
      return known;
    }
    if (tag !== Tag.BeginObject)
      throw r.error(`expected the type descriptor of ${what} (0x04 or 0x02), found 0x${hex(tag)}`, at);
    await r.ensure(1, `the type descriptor of ${what}`);
    const own = r.u8();
    if (own === Tag.ObjectReference) await this.readLabel('a self-reference in a type descriptor');
    else if (own !== Tag.NullReference)
      throw r.error(`a type descriptor's own type slot must be 0x01, found 0x${hex(own)}`, r.position - 1);
    await r.ensure(8, `the versions of the type descriptor of ${what}`);
    const version = r.i32();
    const minReaderVersion = r.i32();
    const name = await r.string(`the type name of ${what}`);
    await r.ensure(1, `the end of the type descriptor of ${what}`);
    const end = r.u8();
    if (end !== Tag.EndObject)
      throw r.error(`a type descriptor must end with 0x06, found 0x${hex(end)}`, r.position - 1);
    const descriptor = { name: name ?? '', version, minReaderVersion };
    this.descriptors.set(at, descriptor);
    return descriptor;
  }

  private expectType(
    slot: SlotStart,
    name: string,
    what: string,
  ): asserts slot is Extract<SlotStart, { kind: 'object' }> {
    if (slot.kind !== 'object') throw this.r.error(`expected ${what} (a ${name} object)`);
    if (slot.descriptor.name !== name)
      throw this.r.error(`expected ${what} to be a ${name}, found a ${slot.descriptor.name}`);
  }

  /**
   * §2.8: skips newer tagged fields up to and including the object's EndObject. Returns how many
   * bytes were skipped (0 for files whose objects hold exactly what this reader knows).
   */
  private async endObject(what: string): Promise<number> {
    const r = this.r;
    const start = r.position;
    let depth = 0;
    for (;;) {
      await r.ensure(1, `the end of ${what}`);
      const at = r.position;
      const tag = r.u8();
      switch (tag) {
        case Tag.EndObject:
          if (--depth < 0) {
            const skipped = at - start;
            if (skipped > 0)
              this.builder.warn(
                `Skipped ${skipped} bytes of fields this reader does not know at the end of ${what} (offset 0x${start.toString(16)}).`,
              );
            return skipped;
          }
          break;
        case Tag.NullReference:
          break;
        case Tag.Byte:
          await r.skip(1, 'a tagged byte');
          break;
        case Tag.Int16:
          await r.skip(2, 'a tagged Int16');
          break;
        case Tag.Int32:
        case Tag.ForwardReference:
        case Tag.ForwardDefinition:
          await r.skip(4, 'a tagged Int32');
          break;
        case Tag.Int64:
          await r.skip(8, 'a tagged Int64');
          break;
        case Tag.String:
          await r.string('a tagged string');
          break;
        case Tag.ObjectReference:
          await this.readLabel('a tagged reference');
          break;
        case Tag.BeginObject:
        case Tag.BeginPrivateObject:
          depth++;
          break;
        case Tag.SkipRegion: {
          await r.ensure(4, 'a skip region index');
          const index = r.i32();
          const target = this.forward[index];
          if (target === undefined || target <= r.position) {
            throw r.error(`skip region ${index} in ${what} has no usable forward-reference entry`, at);
          }
          r.position = target;
          break;
        }
        case Tag.Blob: {
          await r.ensure(4, 'a blob length');
          const length = r.i32();
          if (length < 0) throw r.error(`a blob in ${what} has a negative length`, at);
          await r.skip(length, 'a blob');
          break;
        }
        default:
          throw r.error(`expected the end of ${what} (0x06) or a tagged field, found byte 0x${hex(tag)}`, at);
      }
    }
  }

  /** Peeks for a tagged field (§2.8): consumes the tag and returns true when it is there. */
  private async takeTag(tag: number): Promise<boolean> {
    const r = this.r;
    if (r.remaining < 1) return false;
    await r.ensure(1, 'a tagged field');
    if (r.peekU8() !== tag) return false;
    r.u8();
    return true;
  }

  // ── GCHeapDump (§3) ────────────────────────────────────────────────────────────────────────

  private async readCurrentFields(typeCount: number) {
    const r = this.r;
    await r.ensure(9, 'GCHeapDump fields 2–4');
    const is64BitByte = r.u8();
    const averageCountMultiplier = r.f32();
    const averageSizeMultiplier = r.f32();
    let jsHeapInfo: DescriptorVersions | null = null;
    const js = await this.beginObject('JSHeapInfo');
    if (js.kind !== 'null') {
      this.expectType(js, 'JSHeapInfo', 'field 5 of GCHeapDump');
      jsHeapInfo = versionsOf(js.descriptor);
      await this.endObject('JSHeapInfo');
    }
    const dotNetHeapInfo = await this.readDotNetHeapInfo();
    const processFields = await this.readProcessFields();
    await r.ensure(4, 'the count of CountMultipliersByType');
    const multiplierAt = r.position;
    const multiplierCount = r.i32();
    if (multiplierCount < 0 || multiplierCount * 4 > r.remaining) {
      throw r.error(
        `CountMultipliersByType claims ${multiplierCount} entries but only ${r.remaining} bytes remain`,
        multiplierAt,
      );
    }
    if (multiplierCount !== 0 && multiplierCount !== typeCount) {
      throw r.error(`CountMultipliersByType has ${multiplierCount} entries for ${typeCount} types`, multiplierAt);
    }
    const countMultipliers = new Float32Array(multiplierCount);
    await r.ensure(multiplierCount * 4, 'CountMultipliersByType');
    for (let i = 0; i < multiplierCount; i++) countMultipliers[i] = r.f32();

    let interopInfo: TaggedField<StoredInteropInfo | null> = { present: false };
    if (await this.takeTag(Tag.SkipRegion)) {
      await r.ensure(4, 'the InteropInfo skip index');
      r.i32();
      interopInfo = { present: true, value: await this.readInteropInfo() };
    }
    let creationTool: TaggedField<string | null> = { present: false };
    if (await this.takeTag(Tag.String)) creationTool = { present: true, value: await r.string('CreationTool') };

    return {
      is64BitByte,
      averageCountMultiplier,
      averageSizeMultiplier,
      jsHeapInfo,
      dotNetHeapInfo,
      ...processFields,
      countMultipliers,
      interopInfo,
      creationTool,
      legacy: null,
    };
  }

  /** §3.2 fields 7–13 (and §3.4 fields 6–12 from version 5): who was dumped, when, how big. */
  private async readProcessFields(): Promise<ProcessFields> {
    const r = this.r;
    const collectionLog = await r.string('the collection log');
    await r.ensure(8, 'TimeCollected');
    const timeCollectedTicks = r.i64();
    const machineName = await r.string('the machine name');
    const processName = await r.string('the process name');
    await r.ensure(20, 'the process id and memory figures');
    const processId = r.i32();
    const totalProcessCommit = r.i64();
    const totalProcessWorkingSet = r.i64();
    return {
      collectionLog,
      timeCollectedTicks,
      machineName,
      processName,
      processId,
      totalProcessCommit,
      totalProcessWorkingSet,
    };
  }

  /** §3.4: GCHeapDump versions 4–7. */
  private async readLegacyFields(version: number) {
    const r = this.r;
    await r.ensure(25, 'the legacy GCHeapDump fields');
    const sizeOfAllSegments = r.i64();
    const sizeOfDumpedObjects = r.i64();
    const numberOfDumpedObjects = r.i64();
    const allObjectsDumped = r.u8();
    const processFields: ProcessFields =
      version >= 5
        ? await this.readProcessFields()
        : {
            collectionLog: null,
            timeCollectedTicks: 0n,
            machineName: null,
            processName: null,
            processId: 0,
            totalProcessCommit: 0n,
            totalProcessWorkingSet: 0n,
          };
    let segments: StoredSegment[] | null = null;
    if (version >= 6) {
      await r.ensure(4, 'the segment count');
      const countAt = r.position;
      const count = r.i32();
      if (count < 0 || count > r.remaining)
        throw r.error(`the segment count ${count} does not fit in the file`, countAt);
      segments = [];
      for (let i = 0; i < count; i++) segments.push(await this.readSegment(i));
    }
    let is64BitByte: number | null = null;
    if (version >= 7) {
      await r.ensure(1, 'Is64Bit');
      is64BitByte = r.u8();
    }
    const legacy: LegacyFields = {
      sizeOfAllSegments,
      sizeOfDumpedObjects,
      numberOfDumpedObjects,
      allObjectsDumped,
      segments,
    };
    for (const segment of segments ?? []) this.builder.addSegment(toGcSegment(segment));
    return {
      is64BitByte,
      averageCountMultiplier: 1,
      averageSizeMultiplier: 1,
      jsHeapInfo: null,
      dotNetHeapInfo: null,
      ...processFields,
      countMultipliers: new Float32Array(0),
      interopInfo: { present: false } as const,
      creationTool: { present: false } as const,
      legacy,
    };
  }

  /** §3.3. */
  private async readDotNetHeapInfo(): Promise<StoredDotNetHeapInfo | null> {
    const r = this.r;
    const slot = await this.beginObject('DotNetHeapInfo');
    if (slot.kind === 'null') return null;
    this.expectType(slot, 'DotNetHeapInfo', 'field 6 of GCHeapDump');
    await r.ensure(12, 'DotNetHeapInfo');
    const sizeOfAllSegments = r.i64();
    const countAt = r.position;
    const count = r.i32();
    if (count < 0 || count > r.remaining)
      throw r.error(`DotNetHeapInfo claims ${count} segments, more than the file holds`, countAt);
    const segments: StoredSegment[] = [];
    for (let i = 0; i < count; i++) segments.push(await this.readSegment(i));
    await this.endObject('DotNetHeapInfo');
    for (const segment of segments) this.builder.addSegment(toGcSegment(segment));
    return { descriptor: versionsOf(slot.descriptor), sizeOfAllSegments, segments };
  }

  private async readSegment(index: number): Promise<StoredSegment> {
    const r = this.r;
    const slot = await this.beginObject(`GC segment ${index}`);
    this.expectType(slot, 'GCHeapDumpSegment', `GC segment ${index}`);
    const fields = slot.descriptor.version >= 1 ? 7 : 6;
    await r.ensure(fields * 8, `GC segment ${index}`);
    const values: bigint[] = [];
    for (let i = 0; i < fields; i++) values.push(r.i64());
    await this.endObject(`GC segment ${index}`);
    return { descriptor: versionsOf(slot.descriptor), values };
  }

  /** §3.5. */
  private async readInteropInfo(): Promise<StoredInteropInfo | null> {
    const r = this.r;
    const slot = await this.beginObject('InteropInfo');
    if (slot.kind === 'null') return null;
    this.expectType(slot, 'InteropInfo', 'field 15 of GCHeapDump');
    await r.ensure(4, 'InteropInfo');
    const total = r.i32();
    const info = {
      descriptor: versionsOf(slot.descriptor),
      total,
      rcws: [],
      ccws: [],
      interfaces: [],
      modules: [],
    } as {
      -readonly [K in keyof StoredInteropInfo]: StoredInteropInfo[K] extends readonly (infer E)[]
        ? E[]
        : StoredInteropInfo[K];
    };
    if (total !== 0) {
      await r.ensure(16, 'InteropInfo counts');
      const counts = [r.i32(), r.i32(), r.i32(), r.i32()];
      const [rcwCount, ccwCount, interfaceCount, moduleCount] = counts;
      // Smallest record sizes: RCW 40, CCW 32, interface 33, module 20 bytes.
      if (
        counts.some((c) => c < 0) ||
        rcwCount * 40 + ccwCount * 32 + interfaceCount * 33 + moduleCount * 20 > r.remaining
      ) {
        throw r.error(`InteropInfo counts ${counts.join('/')} do not fit in the ${r.remaining} remaining bytes`);
      }
      for (let i = 0; i < rcwCount; i++) {
        await r.ensure(40, 'an RCW record');
        info.rcws.push({
          node: r.i32(),
          refCount: r.i32(),
          iUnknown: r.i64(),
          jupiter: r.i64(),
          vtable: r.i64(),
          firstInterface: r.i32(),
          interfaceCount: r.i32(),
        });
      }
      for (let i = 0; i < ccwCount; i++) {
        await r.ensure(32, 'a CCW record');
        info.ccws.push({
          node: r.i32(),
          refCount: r.i32(),
          iUnknown: r.i64(),
          handle: r.i64(),
          firstInterface: r.i32(),
          interfaceCount: r.i32(),
        });
      }
      for (let i = 0; i < interfaceCount; i++) {
        await r.ensure(33, 'a COM interface record');
        info.interfaces.push({
          ownerIsRcw: r.u8(),
          owner: r.i32(),
          type: r.i32(),
          address: r.i64(),
          firstVtable: r.i64(),
          firstFunction: r.i64(),
        });
      }
      for (let i = 0; i < moduleCount; i++) {
        await r.ensure(16, 'a COM module record');
        const baseAddress = r.i64();
        const fileSize = r.i32();
        const timestamp = r.i32();
        info.modules.push({ baseAddress, fileSize, timestamp, fileName: await r.string('a COM module file name') });
      }
    }
    await this.endObject('InteropInfo');
    return info;
  }

  // ── MemoryGraph (§4) ───────────────────────────────────────────────────────────────────────

  private async readGraphSlot() {
    const r = this.r;
    const slot = await this.beginObject('the MemoryGraph');
    this.expectType(slot, 'Graphs.MemoryGraph', 'field 1 of GCHeapDump');
    const descriptor = versionsOf(slot.descriptor);
    if (descriptor.minReaderVersion > NEWEST_GRAPH_READER_VERSION) {
      throw r.error(
        `the MemoryGraph needs a reader of version ${descriptor.minReaderVersion}; this reader knows up to ${NEWEST_GRAPH_READER_VERSION}`,
      );
    }
    await r.ensure(16, 'the MemoryGraph header');
    const totalSize = r.i64();
    const rootAt = r.position;
    const rootIndex = r.i32();
    const typeCountAt = r.position;
    const typeCount = r.i32();
    if (typeCount < 1 || typeCount * MIN_TYPE_ENTRY_BYTES > r.remaining) {
      throw r.error(
        `the graph claims ${typeCount} types but only ${r.remaining} bytes remain (each takes at least ${MIN_TYPE_ENTRY_BYTES})`,
        typeCountAt,
      );
    }
    const types: StoredType[] = [];
    for (let t = 0; t < typeCount; t++) {
      const name = await r.string(`the name of type ${t}`);
      await r.ensure(4, `the size of type ${t}`);
      const size = r.i32();
      const module = await r.string(`the module of type ${t}`);
      types.push({ name, size, module });
      if ((t & 0xfff) === 0) this.readProgress('reading the type table');
    }

    await r.ensure(4, 'the node count');
    const nodeCountAt = r.position;
    const nodeCount = r.i32();
    // Each node takes 4 bytes of offset and 8 of address, plus the blob and address counts.
    if (nodeCount < 0 || nodeCount * 12 + 8 > r.remaining) {
      throw r.error(
        `the graph claims ${nodeCount} nodes but only ${r.remaining} bytes remain (each takes at least 12)`,
        nodeCountAt,
      );
    }
    checkMemoryBudget(nodeCount, this.options.memoryBudgetBytes);
    if (nodeCount > 0 && (rootIndex < 0 || rootIndex >= nodeCount)) {
      throw r.error(`the root index ${rootIndex} is not a node of this ${nodeCount}-node graph`, rootAt);
    }
    // The offset table (4 bytes per node) and the blob follow each other; both are read together,
    // slice by slice, so records are decoded from the first slices on (§4.1 fields 4–6).
    const offsetsAt = r.position;
    r.position = offsetsAt + 4 * nodeCount;
    await r.ensure(4, 'the blob length');
    const blobAt = r.position;
    const blobLength = r.i32();
    if (blobLength < 0 || blobLength > r.remaining) {
      throw r.error(`the node blob claims ${blobLength} bytes but only ${r.remaining} remain`, blobAt);
    }
    const blob = new Uint8Array(blobLength);
    const blobFileOffset = r.position;
    // Row starts overwrite the offsets they are decoded from, unless the caller keeps the layout.
    const offsetsAndStarts = new Uint32Array(nodeCount + 1);
    const nodeOffsets = offsetsAndStarts.subarray(0, nodeCount);
    const decoder = new NodeRecordDecoder(
      blob,
      this.pipelineSliceBytes,
      blobFileOffset,
      nodeOffsets,
      this.options.keepLayout ? new Uint32Array(nodeCount + 1) : offsetsAndStarts,
      Int32Array.from(types, (t) => t.size),
      // CCW nodes have an address but are synthetic too (§5.1): decided per type, not per node. A
      // type without a stored name is named TypeID(…) (§4.6), never a CCW.
      Uint8Array.from(types, (t) => (t.name?.startsWith('[CCW ') ? 1 : 0)),
      this.builder.allocateNodes(nodeCount),
    );
    const slices = new NodeTableReads(nodeCount, decoder);
    let offsetsRead = 0;
    let blobRead = 0;
    await r.readPipelined(
      slices.count,
      (index) => {
        const next = slices.plan(index);
        return next.region === 'offsets'
          ? {
              at: offsetsAt + next.start,
              target: littleEndianBytes(nodeOffsets).subarray(next.start, next.end),
              what: 'the node-offset table',
            }
          : { at: blobFileOffset + next.start, target: blob.subarray(next.start, next.end), what: 'the node blob' };
      },
      (index, bytes) => {
        const read = slices.planned[index];
        if (read.region === 'offsets') offsetsRead += bytes.length;
        else {
          blobRead += bytes.length;
          decoder.blobSliceArrived(read.slice);
        }
        this.decodeWhileReading(decoder, Math.floor(offsetsRead / 4));
        this.progress('reading node records', ((offsetsAt + offsetsRead + blobRead) / r.size) * READ_SHARE);
      },
    );
    r.position = blobFileOffset + blobLength;

    const deferredTypes = descriptor.minReaderVersion >= 1 ? await this.readDeferredTypes(typeCount) : null;

    await r.ensure(4, 'the address count');
    const addressCountAt = r.position;
    const addressCount = r.i32();
    if (addressCount < 0 || addressCount * 8 > r.remaining) {
      throw r.error(`the graph claims ${addressCount} addresses but only ${r.remaining} bytes remain`, addressCountAt);
    }
    await this.readAddresses(Math.min(addressCount, nodeCount), decoder);
    if (addressCount > nodeCount) await r.skip((addressCount - nodeCount) * 8, 'surplus addresses');
    if (addressCount !== nodeCount) {
      this.builder.warn(`The graph has ${nodeCount} nodes but ${addressCount} addresses; missing addresses read as 0.`);
    }
    let is64Bit: TaggedField<number> = { present: false };
    if (await this.takeTag(Tag.Byte)) {
      await r.ensure(1, 'Is64Bit');
      is64Bit = { present: true, value: r.u8() };
    }
    await this.endObject('the MemoryGraph');
    return {
      descriptor,
      totalSize,
      rootIndex,
      types,
      deferredTypes,
      nodeOffsets,
      decoder,
      blobLength,
      addressCount,
      is64Bit,
    };
  }

  /**
   * Addresses are Int64 (§4.1 field 11), split into halves slice by slice. The node records not
   * decoded yet are decoded a share per slice, so that each slice's read overlaps that work.
   */
  private async readAddresses(count: number, decoder: NodeRecordDecoder): Promise<void> {
    const r = this.r;
    const perSlice = Math.max(1, Math.floor(this.pipelineSliceBytes / 8));
    const slices = Math.ceil(count / perSlice);
    const staging = [0, 1].map(() => new Uint32Array(Math.min(count, perSlice) * 2));
    const nodeCount = decoder.nodeCount;
    const first = r.position;
    await r.readPipelined(
      slices,
      (slice) => ({
        at: first + slice * perSlice * 8,
        target: littleEndianBytes(staging[slice & 1]).subarray(0, Math.min(perSlice, count - slice * perSlice) * 8),
        what: 'the address table',
      }),
      (slice, bytes) => {
        decoder.setAddresses(staging[slice & 1], slice * perSlice, bytes.length / 8);
        const share = Math.ceil((nodeCount - decoder.next) / (slices - slice));
        this.decodeWhileReading(decoder, decoder.next + share);
        r.position = first + slice * perSlice * 8 + bytes.length;
        this.readProgress('reading addresses');
      },
    );
    r.position = first + count * 8;
    decoder.addressesComplete();
  }

  /**
   * Decodes records up to node `upTo` with the blob slices received so far, between two reads.
   * A bad record is kept until the whole file has been parsed, so that, as when decoding came
   * last, a damaged structure further on is what gets reported.
   */
  private decodeWhileReading(decoder: NodeRecordDecoder, upTo: number): void {
    if (this.decodeFailure) return;
    try {
      while (decoder.next < upTo) {
        this.options.signal?.throwIfAborted();
        if (!decoder.decode(Math.min(upTo, decoder.next + NODES_PER_PROGRESS))) return;
      }
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      this.decodeFailure = error;
    }
  }

  private decodeFailure: FormatError | null = null;
  private readonly pipelineSliceBytes: number;

  /** §4.6 and §2.11: the deferred-type region of NativeAOT dumps. */
  private async readDeferredTypes(typeCount: number): Promise<DeferredType[]> {
    const r = this.r;
    await r.ensure(8, 'the deferred-type region');
    r.i32();
    const countAt = r.position;
    const count = r.i32();
    if (count < 0 || count > typeCount)
      throw r.error(`the deferred-type region claims ${count} entries for ${typeCount} types`, countAt);
    const entries: DeferredType[] = [];
    for (let i = 0; i < count; i++) {
      await r.ensure(4, `deferred type ${i}`);
      const typeId = r.i32();
      const module = await this.readModule(`the module of deferred type ${i}`);
      const nameSuffix = await r.string(`the name suffix of deferred type ${i}`);
      entries.push({ typeId, module, nameSuffix });
    }
    await r.ensure(1, 'the end of the deferred-type region');
    const end = r.u8();
    if (end !== Tag.EndObject)
      throw r.error(`the deferred-type region must end with 0x06, found 0x${hex(end)}`, r.position - 1);
    return entries;
  }

  private async readModule(what: string): Promise<GraphModule | null> {
    const r = this.r;
    const slot = await this.beginObject(what);
    if (slot.kind === 'null') return null;
    if (slot.kind === 'reference') {
      const known = this.modules.get(slot.label);
      if (!known) throw r.error(`${what} refers to offset 0x${slot.label.toString(16)}, where no module was defined`);
      return known;
    }
    this.expectType(slot, 'Graphs.Module', what);
    const path = await r.string('a module path');
    await r.ensure(8, 'a module image base');
    const imageBase = r.i64();
    // Size is Int32 in dotnet-gcdump, Int64 in PerfView since April 2025: try both (§4.6).
    const sizeAt = r.position;
    for (const sizeIs64Bit of [false, true]) {
      r.position = sizeAt;
      try {
        await r.ensure(sizeIs64Bit ? 8 : 4, 'a module size');
        const size = sizeIs64Bit ? r.i64() : BigInt(r.i32());
        await r.ensure(8, 'a module build time');
        const buildTimeTicks = r.i64();
        const pdbName = await r.string('a PDB name');
        await r.ensure(21, 'a PDB identity');
        const pdbGuid = r.bytes(16);
        const pdbAge = r.i32();
        if (r.peekU8() !== Tag.EndObject) continue;
        await this.endObject('a module');
        const module = { path, imageBase, size, sizeIs64Bit, buildTimeTicks, pdbName, pdbGuid, pdbAge };
        this.modules.set(slot.label, module);
        return module;
      } catch (error) {
        if (sizeIs64Bit) throw error;
      }
    }
    throw r.error(`${what}: neither an Int32 nor an Int64 Size makes the module end with 0x06`, sizeAt);
  }

  // ── Node records (§4.3–§4.4) ───────────────────────────────────────────────────────────────

  /** The records not decoded while the file was read, then the types and the CSR edges. */
  private finishNodes(graph: Awaited<ReturnType<GcdumpParser['readGraphSlot']>>): void {
    const { decoder, types, deferredTypes } = graph;
    if (this.decodeFailure) throw this.decodeFailure;
    const n = decoder.nodeCount;
    while (!decoder.done) {
      this.options.signal?.throwIfAborted();
      this.progress('decoding node records', READ_SHARE + (1 - READ_SHARE) * (decoder.next / Math.max(1, n)));
      if (!decoder.decode(decoder.next + NODES_PER_PROGRESS)) {
        throw new Error(
          `gcdump: node ${decoder.next} waits for blob slice ${decoder.wantedBlobSlice} after the whole blob was read`,
        );
      }
    }
    const builder = this.builder;
    for (let t = 0; t < types.length; t++) {
      const stored = types[t];
      const deferred = deferredTypes?.[t];
      const name =
        stored.name ??
        (deferred ? `TypeID(0x${(deferred.typeId >>> 0).toString(16)})${deferred.nameSuffix ?? ''}` : `TypeID(#${t})`);
      builder.addType(name, stored.module ?? deferred?.module?.path ?? null);
    }
    const edges = decoder.edges();
    builder.setEdges(edges.start, edges.target);
    builder.setRoot(graph.rootIndex as NodeIndex);
    builder.setTotalSize(Number(graph.totalSize));
  }

  private describeProducer(details: GcdumpDetails): void {
    const tool = details.creationTool.present ? details.creationTool.value : null;
    const description = tool
      ? tool === 'dotnet-trace'
        ? 'dotnet-gcdump (first release, wrote "dotnet-trace")'
        : tool
      : details.creationTool.present
        ? 'PerfView (CreationTool left null)'
        : details.legacy
          ? `PerfView (legacy GCHeapDump version ${details.heapDumpDescriptor.version})`
          : 'PerfView (written before the CreationTool field existed)';
    const bitness = details.graphIs64Bit.present ? details.graphIs64Bit.value : details.is64BitByte;
    this.builder.setProducer({
      ...UNKNOWN_PRODUCER,
      creationTool: tool,
      description,
      pointerSize: bitness === null ? null : bitness !== 0 ? 8 : 4,
      processName: details.processName,
      processId: details.processId !== 0 ? details.processId : null,
      machineName: details.machineName,
      timeCollected: ticksToIso(details.timeCollectedTicks),
      totalProcessCommit: details.totalProcessCommit !== 0n ? Number(details.totalProcessCommit) : null,
      totalProcessWorkingSet: details.totalProcessWorkingSet !== 0n ? Number(details.totalProcessWorkingSet) : null,
      collectionLog: details.collectionLog,
    });
    if (details.countMultipliers.length > 0) {
      this.builder.setCountMultipliers(details.countMultipliers);
      this.builder.warn(
        `This dump was sampled by its producer: counts and sizes are estimates (on average each stored object stands for ${details.averageCountMultiplier.toFixed(2)}).`,
      );
    }
  }

  /** O(types): the per-type aggregates count every defined node (undefined ones have size 0). */
  private checkTotals(heap: HeapModel, storedTotal: bigint): void {
    let sum = 0;
    let definedNodes = 0;
    for (let t = 0; t < heap.types.count; t++) {
      sum += heap.types.bytes[t];
      definedNodes += heap.types.objectCount[t];
    }
    const undefinedNodes = heap.nodes.count - definedNodes;
    const warnings = heap.warnings as string[];
    if (BigInt(sum) !== storedTotal)
      warnings.push(`The file states a total size of ${storedTotal} bytes but its nodes add up to ${sum}.`);
    if (undefinedNodes > 0) {
      warnings.push(
        `${undefinedNodes.toLocaleString('en-US')} nodes are referenced but never defined (no type, no size): the collector missed them.`,
      );
    }
    if (heap.nodes.count === DOTNET_GCDUMP_NODE_CAP) {
      warnings.push(
        'The graph has exactly 10,000,000 nodes: dotnet-gcdump stops there without saying so, so this heap was probably truncated.',
      );
    }
  }
}

/** One read of the node tables: bytes [start, end) of the offset table or of the blob. */
interface NodeTableRead {
  readonly region: 'offsets' | 'blob';
  /** For the blob: its slice index (slices of `decoder.blobSliceBytes`). */
  readonly slice: number;
  readonly start: number;
  readonly end: number;
}

/**
 * The order in which the offset table and the blob are read, slice by slice, chosen as each read
 * starts: first the blob slice the decoder waits for (dotnet-gcdump writes the first nodes'
 * records last), then the offsets it waits for, else whichever of the two is further behind (as
 * a share of its length), the blob front to back. Every slice is read once.
 */
class NodeTableReads {
  readonly planned: NodeTableRead[] = [];
  readonly count: number;
  private readonly offsetBytes: number;
  private readonly offsetSlices: number;
  private offsetsPlanned = 0;
  private readonly blobPlanned: Uint8Array;
  private blobPlannedCount = 0;
  /** Blob slices before this one are all planned. */
  private firstUnplannedBlobSlice = 0;

  constructor(
    nodeCount: number,
    private readonly decoder: NodeRecordDecoder,
  ) {
    this.offsetBytes = 4 * nodeCount;
    this.offsetSlices = Math.ceil(this.offsetBytes / decoder.blobSliceBytes);
    this.blobPlanned = new Uint8Array(decoder.blobSliceCount);
    this.count = this.offsetSlices + decoder.blobSliceCount;
  }

  plan(index: number): NodeTableRead {
    const read = this.choose();
    this.planned[index] = read;
    return read;
  }

  private choose(): NodeTableRead {
    const decoder = this.decoder;
    const sliceBytes = decoder.blobSliceBytes;
    const blobSlices = this.blobPlanned.length;
    const offsetsLeft = this.offsetsPlanned < this.offsetSlices;
    const wanted = decoder.wantedBlobSlice;
    if (wanted >= 0 && this.blobPlanned[wanted] === 0) return this.blobSlice(wanted);
    const offsetsWanted = decoder.next >= (this.offsetsPlanned * sliceBytes) / 4;
    if (
      offsetsLeft &&
      (offsetsWanted ||
        this.blobPlannedCount === blobSlices ||
        this.offsetsPlanned / this.offsetSlices <= this.blobPlannedCount / blobSlices)
    ) {
      const start = this.offsetsPlanned++ * sliceBytes;
      return { region: 'offsets', slice: -1, start, end: Math.min(this.offsetBytes, start + sliceBytes) };
    }
    while (this.blobPlanned[this.firstUnplannedBlobSlice] === 1) this.firstUnplannedBlobSlice++;
    return this.blobSlice(this.firstUnplannedBlobSlice);
  }

  private blobSlice(slice: number): NodeTableRead {
    this.blobPlanned[slice] = 1;
    this.blobPlannedCount++;
    const sliceBytes = this.decoder.blobSliceBytes;
    const start = slice * sliceBytes;
    return { region: 'blob', slice, start, end: Math.min(this.decoder.blobLength, start + sliceBytes) };
  }
}

/** The bytes of a Uint32Array as little-endian file bytes (every platform we run on is LE). */
function littleEndianBytes(array: Uint32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function versionsOf(descriptor: Descriptor): DescriptorVersions {
  return { version: descriptor.version, minReaderVersion: descriptor.minReaderVersion };
}

function toGcSegment(segment: StoredSegment): GcSegment {
  const v = segment.values.map((x) => BigInt.asUintN(64, x));
  return { start: v[0], end: v[1], genEnds: [v[2], v[3], v[4], v[5], v[6] ?? 0n] };
}

/** .NET ticks of a local time (no zone) → `YYYY-MM-DDTHH:MM:SS`, or null for 0. */
function ticksToIso(ticks: bigint): string | null {
  if (ticks <= 0n) return null;
  const ms = Number((ticks - UNIX_EPOCH_TICKS) / 10_000n);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().slice(0, 19);
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('heapscope reads .gcdump arrays in place and needs a little-endian platform');
}
