/**
 * Writes a .gcdump that PerfView, Visual Studio, dotnet-gcdump's readers and our reader accept
 * (gcdump spec §7). Given what `readGcdump(…, { keepLayout: true })` returned, it reproduces the
 * original file byte for byte; given only a HeapModel it writes what dotnet-gcdump would, with
 * CreationTool "heapscope". It is how we make test files for layouts no public file exercises
 * (8-byte labels, deferred names, sampling, legacy versions).
 */
import { NodeFlag, type HeapModel } from '../../heap/types';
import type { DescriptorVersions, GcdumpDetails, GraphModule, StoredSegment, StoredType } from './gcdump-details';
import { Tag } from './tags';

const HEADER = '!FastSerialization.1';
const CREATION_TOOL = 'heapscope';

export interface GcdumpWriteInput {
  readonly heap: HeapModel;
  /** What the reader kept (with `keepLayout`) to reproduce a file; omit to write a new one. */
  readonly details?: GcdumpDetails;
  /** Overrides for a new file. */
  readonly labelWidth?: 4 | 8;
}

/** With a sink, the writer hands over its buffer whenever it holds this many bytes. */
const FLUSH_BYTES = 4 << 20;

/** Receives the bytes of a file being written, in order (e.g. a file descriptor). */
export type ByteSink = (chunk: Uint8Array) => void;

/**
 * A growable little-endian byte buffer with FastSerialization's primitive encodings (§2.1–§2.2).
 * Without a sink it keeps everything (`toBytes`); with one it streams, keeping at most a few MB.
 */
export class ByteWriter {
  private bytes = new Uint8Array(1 << 16);
  private view = new DataView(this.bytes.buffer);
  /** Bytes in the buffer (not yet handed to the sink). */
  length = 0;
  /** Bytes already handed to the sink. */
  private flushed = 0;

  constructor(private readonly sink?: ByteSink) {}

  /** File offset of the next byte written. */
  get position(): number {
    return this.flushed + this.length;
  }

  flush(): void {
    if (!this.sink || this.length === 0) return;
    this.sink(this.bytes.slice(0, this.length));
    this.flushed += this.length;
    this.length = 0;
  }

  private reserve(count: number): void {
    if (this.sink && this.length + count > FLUSH_BYTES) this.flush();
    if (this.length + count <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + count) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  i32(value: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, value, true);
    this.length += 4;
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  i64(value: bigint): void {
    this.reserve(8);
    this.view.setBigInt64(this.length, BigInt.asIntN(64, value), true);
    this.length += 8;
  }

  f32(value: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
  }

  raw(bytes: Uint8Array): void {
    if (this.sink && bytes.length > FLUSH_BYTES) {
      this.flush();
      this.sink(bytes);
      this.flushed += bytes.length;
      return;
    }
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** §2.2: Int32 count of UTF-16 units (−1 = null), each unit as 1–3 bytes. */
  string(value: string | null): void {
    if (value === null) {
      this.i32(-1);
      return;
    }
    this.i32(value.length);
    this.reserve(value.length * 3);
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x80) {
        this.bytes[this.length++] = c;
      } else if (c < 0x800) {
        this.bytes[this.length++] = 0xc0 | (c >> 6);
        this.bytes[this.length++] = 0x80 | (c & 0x3f);
      } else {
        this.bytes[this.length++] = 0xe0 | (c >> 12);
        this.bytes[this.length++] = 0x80 | ((c >> 6) & 0x3f);
        this.bytes[this.length++] = 0x80 | (c & 0x3f);
      }
    }
  }

  /** §4.4: the shortest compressed form of a signed 32-bit value. */
  compressed(value: number): void {
    const v = value | 0;
    const k =
      v >= -64 && v <= 63
        ? 1
        : v >= -8192 && v <= 8191
          ? 2
          : v >= -1048576 && v <= 1048575
            ? 3
            : v >= -134217728 && v <= 134217727
              ? 4
              : 5;
    this.reserve(k);
    for (let j = 0; j < k; j++) {
      const group = (v >> (7 * (k - 1 - j))) & 0x7f;
      this.bytes[this.length++] = j < k - 1 ? group | 0x80 : group;
    }
  }

  toBytes(): Uint8Array {
    if (this.sink) throw new Error('ByteWriter: toBytes on a streaming writer');
    return this.bytes.slice(0, this.length);
  }
}

const DEFAULT_DETAILS: Omit<GcdumpDetails, 'types' | 'storedTotalSize' | 'addressCount' | 'blobLength'> = {
  labelWidth: 4,
  trailerIntact: true,
  heapDumpDescriptor: { version: 10, minReaderVersion: 8 },
  graphDescriptor: { version: 1, minReaderVersion: 0 },
  deferredTypes: null,
  nodeOffsets: null,
  graphIs64Bit: { present: true, value: 1 },
  is64BitByte: 1,
  averageCountMultiplier: 1,
  averageSizeMultiplier: 1,
  jsHeapInfo: null,
  dotNetHeapInfo: null,
  collectionLog: null,
  timeCollectedTicks: 0n,
  machineName: null,
  processName: null,
  processId: 0,
  totalProcessCommit: 0n,
  totalProcessWorkingSet: 0n,
  countMultipliers: new Float32Array(0),
  interopInfo: { present: true, value: null },
  creationTool: { present: true, value: CREATION_TOOL },
  legacy: null,
};

export function writeGcdump(input: GcdumpWriteInput): Uint8Array {
  const w = new ByteWriter();
  new GcdumpWriter(input, w).write();
  return w.toBytes();
}

/** Streams the file to `sink` (for large generated dumps); returns the number of bytes written. */
export function writeGcdumpTo(input: GcdumpWriteInput, sink: ByteSink): number {
  const w = new ByteWriter(sink);
  new GcdumpWriter(input, w).write();
  w.flush();
  return w.position;
}

class GcdumpWriter {
  private readonly descriptorLabels = new Map<string, number>();
  private readonly moduleLabels = new Map<GraphModule, number>();
  private readonly forward: number[] = [];
  private readonly details: GcdumpDetails;
  private readonly recordOrder: Uint32Array;
  private readonly types: readonly StoredType[];

  constructor(
    private readonly input: GcdumpWriteInput,
    private readonly w: ByteWriter,
  ) {
    const { heap } = input;
    this.recordOrder = recordOrderOf(heap, input.details?.nodeOffsets ?? null);
    this.types = input.details?.types ?? storedTypesFor(heap, this.recordOrder);
    const base = input.details ?? { ...DEFAULT_DETAILS, labelWidth: input.labelWidth ?? 4 };
    this.details = {
      ...base,
      types: this.types,
      storedTotalSize: input.details?.storedTotalSize ?? BigInt(heap.totalSize),
      addressCount: input.details?.addressCount ?? heap.nodes.count,
      blobLength: 0,
    };
  }

  write(): void {
    const w = this.w;
    w.string(HEADER);
    const d = this.details;
    this.beginObject('GCHeapDump', d.heapDumpDescriptor);
    this.writeGraph();
    if (d.heapDumpDescriptor.version >= 8) this.writeCurrentFields();
    else this.writeLegacyFields(d.heapDumpDescriptor.version);
    w.u8(Tag.EndObject);
    w.u8(Tag.EndObject); // no more top-level objects (§2.9)
    const tableOffset = w.position;
    w.i32(this.forward.length);
    for (const offset of this.forward) this.label(offset);
    const trailerOffset = w.position;
    this.label(tableOffset);
    this.label(trailerOffset);
  }

  private label(offset: number): void {
    if (this.details.labelWidth === 4) this.w.u32(offset);
    else this.w.i64(BigInt(offset));
  }

  /** BeginObject + type slot (§2.6): a new descriptor at first use, a back-reference after. */
  private beginObject(name: string, versions: DescriptorVersions): number {
    const w = this.w;
    const label = w.position;
    w.u8(Tag.BeginObject);
    const known = this.descriptorLabels.get(name);
    if (known !== undefined) {
      w.u8(Tag.ObjectReference);
      this.label(known);
    } else {
      this.descriptorLabels.set(name, w.position);
      w.u8(Tag.BeginObject);
      w.u8(Tag.NullReference);
      w.i32(versions.version);
      w.i32(versions.minReaderVersion);
      w.string(name);
      w.u8(Tag.EndObject);
    }
    return label;
  }

  private writeGraph(): void {
    const w = this.w;
    const { heap } = this.input;
    const d = this.details;
    const n = heap.nodes.count;
    this.beginObject('Graphs.MemoryGraph', d.graphDescriptor);
    w.i64(d.storedTotalSize);
    w.i32(heap.rootIndex);
    w.i32(this.types.length);
    for (const type of this.types) {
      w.string(type.name);
      w.i32(type.size);
      w.string(type.module);
    }
    const { blob, offsets } = encodeRecords(heap, this.recordOrder, this.types);
    w.i32(n);
    for (let i = 0; i < n; i++) w.u32(offsets[i]);
    w.i32(blob.length);
    w.raw(blob);
    if (d.graphDescriptor.minReaderVersion >= 1) this.writeDeferredTypes();
    w.i32(d.addressCount);
    for (let i = 0; i < d.addressCount; i++) {
      w.u32(i < n ? heap.nodes.addressLo[i] : 0);
      w.u32(i < n ? heap.nodes.addressHi[i] : 0);
    }
    if (d.graphIs64Bit.present) {
      w.u8(Tag.Byte);
      w.u8(d.graphIs64Bit.value);
    }
    w.u8(Tag.EndObject);
  }

  /** §4.6: untagged forward index, entries, 0x06; the index resolves to just after the 0x06. */
  private writeDeferredTypes(): void {
    const w = this.w;
    const entries = this.details.deferredTypes ?? [];
    const index = this.forward.push(0) - 1;
    w.i32(index);
    w.i32(entries.length);
    for (const entry of entries) {
      w.i32(entry.typeId);
      this.writeModule(entry.module);
      w.string(entry.nameSuffix);
    }
    w.u8(Tag.EndObject);
    this.forward[index] = w.position;
  }

  private writeModule(module: GraphModule | null): void {
    const w = this.w;
    if (module === null) {
      w.u8(Tag.NullReference);
      return;
    }
    const known = this.moduleLabels.get(module);
    if (known !== undefined) {
      w.u8(Tag.ObjectReference);
      this.label(known);
      return;
    }
    this.moduleLabels.set(module, this.beginObject('Graphs.Module', { version: 0, minReaderVersion: 0 }));
    w.string(module.path);
    w.i64(module.imageBase);
    if (module.sizeIs64Bit) w.i64(module.size);
    else w.i32(Number(module.size));
    w.i64(module.buildTimeTicks);
    w.string(module.pdbName);
    w.raw(module.pdbGuid);
    w.i32(module.pdbAge);
    w.u8(Tag.EndObject);
  }

  private writeCurrentFields(): void {
    const w = this.w;
    const d = this.details;
    w.u8(d.is64BitByte ?? 1);
    w.f32(d.averageCountMultiplier);
    w.f32(d.averageSizeMultiplier);
    if (d.jsHeapInfo) {
      this.beginObject('JSHeapInfo', d.jsHeapInfo);
      w.u8(Tag.EndObject);
    } else {
      w.u8(Tag.NullReference);
    }
    const heapInfo = d.dotNetHeapInfo;
    if (heapInfo) {
      this.beginObject('DotNetHeapInfo', heapInfo.descriptor);
      w.i64(heapInfo.sizeOfAllSegments);
      w.i32(heapInfo.segments.length);
      for (const segment of heapInfo.segments) this.writeSegment(segment);
      w.u8(Tag.EndObject);
    } else {
      w.u8(Tag.NullReference);
    }
    this.writeProcessFields();
    w.i32(d.countMultipliers.length);
    for (const m of d.countMultipliers) w.f32(m);
    if (d.interopInfo.present) {
      w.u8(Tag.SkipRegion);
      const index = this.forward.push(0) - 1;
      w.i32(index);
      this.writeInteropInfo();
      this.forward[index] = w.position;
    }
    if (d.creationTool.present) {
      w.u8(Tag.String);
      w.string(d.creationTool.value);
    }
  }

  private writeProcessFields(): void {
    const w = this.w;
    const d = this.details;
    w.string(d.collectionLog);
    w.i64(d.timeCollectedTicks);
    w.string(d.machineName);
    w.string(d.processName);
    w.i32(d.processId);
    w.i64(d.totalProcessCommit);
    w.i64(d.totalProcessWorkingSet);
  }

  private writeLegacyFields(version: number): void {
    const w = this.w;
    const legacy = this.details.legacy;
    if (!legacy) throw new Error(`writeGcdump: GCHeapDump version ${version} needs the legacy fields`);
    w.i64(legacy.sizeOfAllSegments);
    w.i64(legacy.sizeOfDumpedObjects);
    w.i64(legacy.numberOfDumpedObjects);
    w.u8(legacy.allObjectsDumped);
    if (version >= 5) this.writeProcessFields();
    if (version >= 6) {
      const segments = legacy.segments ?? [];
      w.i32(segments.length);
      for (const segment of segments) this.writeSegment(segment);
    }
    if (version >= 7) w.u8(this.details.is64BitByte ?? 1);
  }

  private writeSegment(segment: StoredSegment): void {
    this.beginObject('GCHeapDumpSegment', segment.descriptor);
    for (const value of segment.values) this.w.i64(value);
    this.w.u8(Tag.EndObject);
  }

  private writeInteropInfo(): void {
    const w = this.w;
    const d = this.details;
    const info = d.interopInfo.present ? d.interopInfo.value : null;
    if (!info) {
      w.u8(Tag.NullReference);
      return;
    }
    this.beginObject('InteropInfo', info.descriptor);
    w.i32(info.total);
    if (info.total !== 0) {
      w.i32(info.rcws.length);
      w.i32(info.ccws.length);
      w.i32(info.interfaces.length);
      w.i32(info.modules.length);
      for (const rcw of info.rcws) {
        w.i32(rcw.node);
        w.i32(rcw.refCount);
        w.i64(rcw.iUnknown);
        w.i64(rcw.jupiter);
        w.i64(rcw.vtable);
        w.i32(rcw.firstInterface);
        w.i32(rcw.interfaceCount);
      }
      for (const ccw of info.ccws) {
        w.i32(ccw.node);
        w.i32(ccw.refCount);
        w.i64(ccw.iUnknown);
        w.i64(ccw.handle);
        w.i32(ccw.firstInterface);
        w.i32(ccw.interfaceCount);
      }
      for (const entry of info.interfaces) {
        w.u8(entry.ownerIsRcw);
        w.i32(entry.owner);
        w.i32(entry.type);
        w.i64(entry.address);
        w.i64(entry.firstVtable);
        w.i64(entry.firstFunction);
      }
      for (const module of info.modules) {
        w.i64(module.baseAddress);
        w.i32(module.fileSize);
        w.i32(module.timestamp);
        w.string(module.fileName);
      }
    }
    w.u8(Tag.EndObject);
  }
}

/**
 * The order in which node records are written: by original blob offset when known, else heap
 * objects in index order followed by pseudo-nodes (what dotnet-gcdump does, §4.3). Undefined
 * nodes have no record.
 */
function recordOrderOf(heap: HeapModel, offsets: Uint32Array | null): Uint32Array {
  const { flags, count } = heap.nodes;
  const defined: number[] = [];
  if (offsets) {
    for (let i = 0; i < count; i++) if (offsets[i] !== 0) defined.push(i);
    return Uint32Array.from(defined).sort((a, b) => offsets[a] - offsets[b]);
  }
  const order = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < count; i++)
    if ((flags[i] & (NodeFlag.Defined | NodeFlag.Pseudo)) === NodeFlag.Defined) order[k++] = i;
  for (let i = 0; i < count; i++)
    if ((flags[i] & (NodeFlag.Defined | NodeFlag.Pseudo)) === (NodeFlag.Defined | NodeFlag.Pseudo)) order[k++] = i;
  return order.subarray(0, k);
}

/** §7 step 3: each type's table size is the size of the first record written for it, else −1. */
function storedTypesFor(heap: HeapModel, order: Uint32Array): StoredType[] {
  const sizes = new Int32Array(heap.types.count).fill(-1);
  sizes[0] = 0;
  for (const node of order) {
    const t = heap.nodes.type[node];
    if (sizes[t] === -1) sizes[t] = heap.nodes.size.get(node);
  }
  return heap.types.names.map((name, t) => ({ name, size: sizes[t], module: heap.types.modules[t] }));
}

/** §4.3: `00 00` for UNDEFINED, then one record per node in `order`. */
function encodeRecords(heap: HeapModel, order: Uint32Array, types: readonly StoredType[]) {
  const blob = new ByteWriter();
  const offsets = new Uint32Array(heap.nodes.count);
  const { type, size } = heap.nodes;
  const { start, target } = heap.edges;
  blob.u8(0);
  blob.u8(0);
  for (const node of order) {
    offsets[node] = blob.length;
    const t = type[node];
    const explicit = size.get(node) !== types[t].size;
    blob.compressed(t * 2 + (explicit ? 1 : 0));
    if (explicit) blob.compressed(size.get(node));
    blob.compressed(start.get(node + 1) - start.get(node));
    for (let e = start.get(node), rowEnd = start.get(node + 1); e < rowEnd; e++) blob.compressed(target[e] - node);
  }
  return { blob: blob.toBytes(), offsets };
}
