/**
 * Reads a .gcdump (a FastSerialization-encoded GCHeapDump with a MemoryGraph) into the columnar
 * heap model. Section numbers (§) refer to docs/specs/gcdump-format.md.
 *
 * The file is read front to back in slices (ChunkReader); the three big arrays — node offsets,
 * the node-record blob and the addresses — are copied straight into typed arrays, then the
 * records are decoded in two linear passes into CSR edges. Every count read from the file is
 * checked against what remains of the file before it sizes an allocation or a loop.
 */
import { FormatError } from '../byte-source';
import type { ByteSource } from '../byte-source';
import { type HeapModel, type NodeIndex } from '../../heap/types';
import { checkMemoryBudget } from '../../heap/memory-budget';
import { largeArray, releaseLargeArray, releaseProvidedArray } from '../../heap/array-memory';
import { NodeRecordDecoder } from './node-record-decoder';
import { RowStartsWriter } from '../../heap/row-starts';
import type {
  DeferredType,
  GcdumpDetails,
  GcdumpReadOptions,
  GraphModule,
  StoredType,
  TaggedField,
} from './gcdump-details';
import { HEADER_BYTES, hex, READ_SHARE, versionsOf } from './fast-serialization';
import { GcdumpMetadataReader } from './gcdump-metadata';
import { PIPELINE_DEPTH } from './chunk-reader';
import { Tag } from './tags';

export interface GcdumpFile {
  readonly heap: HeapModel;
  readonly details: GcdumpDetails;
}

export type { GcdumpReadOptions } from './gcdump-details';

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
 * through PIPELINE_DEPTH + 1 staging buffers of this size.
 */
const PIPELINE_SLICE_BYTES = 8 << 20;

export async function readGcdump(source: ByteSource, options: GcdumpReadOptions = {}): Promise<GcdumpFile> {
  return new GcdumpParser(source, options).parse();
}

/** The MemoryGraph (§4) and the whole file's order, on top of the framing and the GCHeapDump fields. */
class GcdumpParser extends GcdumpMetadataReader {
  private readonly modules = new Map<number, GraphModule>();

  constructor(source: ByteSource, options: GcdumpReadOptions) {
    super(source, options);
    this.pipelineSliceBytes = Math.max(1, Math.floor(options.sliceBytes ?? PIPELINE_SLICE_BYTES));
  }

  async parse(): Promise<GcdumpFile> {
    await this.readHeader();
    const trailer = await this.readTrailer();
    try {
      return await this.parseObjects(trailer);
    } catch (error) {
      // A complete .gcdump ends with its trailer; one without it that runs out of bytes was cut short.
      if (error instanceof FormatError && error.ranOut && !trailer.intact) {
        throw new FormatError(
          'gcdump',
          `the file is truncated: it ends at byte ${this.r.size.toLocaleString('en-US')} without the trailer a ` +
            `complete .gcdump ends with, and reading stopped there: ${error.message.replace(/^gcdump: /, '')}`,
          error.offset,
          true,
        );
      }
      throw error;
    }
  }

  private async parseObjects(trailer: Awaited<ReturnType<GcdumpParser['readTrailer']>>): Promise<GcdumpFile> {
    const r = this.r;
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
    // The offset table, unless kept, and the blob are read no more: their memory is for the analyses
    // (the blob's only where it is shared: heap/array-memory.ts, releaseProvidedArray).
    if (!this.options.keepLayout) releaseLargeArray(graph.offsetsMemory);
    releaseProvidedArray(graph.blob);
    const heap = this.builder.build();
    this.checkTotals(heap, graph.totalSize);
    this.progress('done', 1);
    return { heap, details };
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
        typeCount >= 1,
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
        nodeCount >= 0,
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
      throw r.error(`the node blob claims ${blobLength} bytes but only ${r.remaining} remain`, blobAt, blobLength >= 0);
    }
    const blob = largeArray(Uint8Array, blobLength);
    const blobFileOffset = r.position;
    // One entry more than the table, so that the analyses' node + 1 arrays can reuse its memory.
    const offsetsMemory = largeArray(Uint32Array, nodeCount + 1);
    const nodeOffsets = offsetsMemory.subarray(0, nodeCount);
    const decoder = new NodeRecordDecoder(
      blob,
      this.pipelineSliceBytes,
      blobFileOffset,
      nodeOffsets,
      new RowStartsWriter(nodeCount + 1, true),
      Int32Array.from(types, (t) => t.size),
      // CCW nodes have an address but are synthetic too (§5.1): decided per type, not per node. A
      // type without a stored name is named TypeID(…) (§4.6), never a CCW.
      Uint8Array.from(types, (t) => (t.name?.startsWith('[CCW ') ? 1 : 0)),
      this.builder.allocateNodes(nodeCount, types.length),
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
      throw r.error(
        `the graph claims ${addressCount} addresses but only ${r.remaining} bytes remain`,
        addressCountAt,
        addressCount >= 0,
      );
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
      offsetsMemory,
      decoder,
      blob,
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
    const staging = Array.from({ length: PIPELINE_DEPTH + 1 }, () => new Uint32Array(Math.min(count, perSlice) * 2));
    const nodeCount = decoder.nodeCount;
    const first = r.position;
    await r.readPipelined(
      slices,
      (slice) => ({
        at: first + slice * perSlice * 8,
        target: littleEndianBytes(staging[slice % staging.length]).subarray(
          0,
          Math.min(perSlice, count - slice * perSlice) * 8,
        ),
        what: 'the address table',
      }),
      (slice, bytes) => {
        decoder.setAddresses(staging[slice % staging.length], slice * perSlice, bytes.length / 8);
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
    builder.setCountedTotals(decoder.typeObjects, decoder.typeBytes);
    builder.setRoot(graph.rootIndex as NodeIndex);
    builder.setTotalSize(Number(graph.totalSize));
  }
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

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('heapscope reads .gcdump arrays in place and needs a little-endian platform');
}
