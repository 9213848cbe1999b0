/**
 * Everything a .gcdump says beyond the heap model, kept so the writer can re-encode the file
 * byte for byte (gcdump spec §7) and the UI can show the producer's metadata. Section numbers
 * refer to docs/specs/gcdump-format.md.
 */
import type { LoadOptions } from '../byte-source';

/** A FastSerialization type descriptor's versions (§2.6). */
export interface DescriptorVersions {
  readonly version: number;
  readonly minReaderVersion: number;
}

/** One entry of the MemoryGraph type table as stored (§4.2). */
export interface StoredType {
  readonly name: string | null;
  /** Default record size for this type: the first written node's size, or −1 when unused. */
  readonly size: number;
  readonly module: string | null;
}

/** `Graphs.Module` (§4.6). */
export interface GraphModule {
  readonly path: string | null;
  readonly imageBase: bigint;
  readonly size: bigint;
  /** Whether Size was written as an Int64 (PerfView ≥ April 2025) rather than an Int32. */
  readonly sizeIs64Bit: boolean;
  readonly buildTimeTicks: bigint;
  readonly pdbName: string | null;
  readonly pdbGuid: Uint8Array;
  readonly pdbAge: number;
}

/** One entry of the deferred-type region (§4.6). */
export interface DeferredType {
  readonly typeId: number;
  readonly module: GraphModule | null;
  readonly nameSuffix: string | null;
}

/** `GCHeapDumpSegment` (§3.3): Start, End, Gen0End … Gen3End (+ Gen4End in version ≥ 1). */
export interface StoredSegment {
  readonly descriptor: DescriptorVersions;
  readonly values: readonly bigint[];
}

export interface StoredDotNetHeapInfo {
  readonly descriptor: DescriptorVersions;
  readonly sizeOfAllSegments: bigint;
  readonly segments: readonly StoredSegment[];
}

/** InteropInfo (§3.5), field by field. */
export interface StoredInteropInfo {
  readonly descriptor: DescriptorVersions;
  /** The first Int32 (RCW + CCW total); when 0 nothing else follows. */
  readonly total: number;
  readonly rcws: readonly {
    node: number;
    refCount: number;
    iUnknown: bigint;
    jupiter: bigint;
    vtable: bigint;
    firstInterface: number;
    interfaceCount: number;
  }[];
  readonly ccws: readonly {
    node: number;
    refCount: number;
    iUnknown: bigint;
    handle: bigint;
    firstInterface: number;
    interfaceCount: number;
  }[];
  readonly interfaces: readonly {
    ownerIsRcw: number;
    owner: number;
    type: number;
    address: bigint;
    firstVtable: bigint;
    firstFunction: bigint;
  }[];
  readonly modules: readonly { baseAddress: bigint; fileSize: number; timestamp: number; fileName: string | null }[];
}

/** A tagged field that may be absent (old writers) or present with a null value. */
export type TaggedField<T> = { readonly present: false } | { readonly present: true; readonly value: T };

/** GCHeapDump versions 4–7 (§3.4), the fields that the current layout does not have. */
export interface LegacyFields {
  readonly sizeOfAllSegments: bigint;
  readonly sizeOfDumpedObjects: bigint;
  readonly numberOfDumpedObjects: bigint;
  readonly allObjectsDumped: number;
  /** Version ≥ 6: the segment list (an Int32 count, then that many GCHeapDumpSegment slots). */
  readonly segments: readonly StoredSegment[] | null;
}

export interface GcdumpDetails {
  /** StreamLabel width detected from the trailer (§2.10). */
  readonly labelWidth: 4 | 8;
  /** True when the trailer's consistency checks passed. */
  readonly trailerIntact: boolean;
  readonly heapDumpDescriptor: DescriptorVersions;
  readonly graphDescriptor: DescriptorVersions;
  readonly storedTotalSize: bigint;
  readonly types: readonly StoredType[];
  readonly deferredTypes: readonly DeferredType[] | null;
  /**
   * Node index → record offset in the blob (0 = undefined node). Kept only when the reader was
   * asked to (`keepLayout`), since the writer needs the record order to reproduce a file.
   */
  readonly nodeOffsets: Uint32Array | null;
  readonly blobLength: number;
  readonly addressCount: number;
  /** MemoryGraph's tagged Is64Bit (§4.1 field 12), absent in very old files. */
  readonly graphIs64Bit: TaggedField<number>;
  /** GCHeapDump field 2: the legacy Is64Bit byte (version ≥ 9), or null for legacy layouts without it. */
  readonly is64BitByte: number | null;
  readonly averageCountMultiplier: number;
  readonly averageSizeMultiplier: number;
  /** JSHeapInfo (§3.2 field 5): null, or an empty object with these descriptor versions. */
  readonly jsHeapInfo: DescriptorVersions | null;
  readonly dotNetHeapInfo: StoredDotNetHeapInfo | null;
  readonly collectionLog: string | null;
  readonly timeCollectedTicks: bigint;
  readonly machineName: string | null;
  readonly processName: string | null;
  readonly processId: number;
  readonly totalProcessCommit: bigint;
  readonly totalProcessWorkingSet: bigint;
  readonly countMultipliers: Float32Array;
  readonly interopInfo: TaggedField<StoredInteropInfo | null>;
  readonly creationTool: TaggedField<string | null>;
  /** Present only for GCHeapDump versions 4–7. */
  readonly legacy: LegacyFields | null;
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
