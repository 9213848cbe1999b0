/**
 * The heap model: every importer (gcdump, SOS transcript, …) produces one of these through
 * HeapBuilder, and every analysis reads it. It is columnar: one typed-array entry per heap object
 * ("node"), never one JS object per heap object (see docs/ARCHITECTURE.md, Invariants).
 *
 * Indexing:
 *   - NodeIndex  0 … nodeCount-1 : a heap object or a pseudo-node (`[.NET Roots]`, `[static vars]` …).
 *   - TypeIndex  0 … types.count-1 : an entry of the input's type table. Entry 0 is `UNDEFINED` for
 *     gcdumps. Type entries are NOT unique by name (gcdump §5.4): group by name through
 *     `analysis/histogram.ts` when a per-name view is wanted.
 *   - EdgeIndex  0 … edgeCount-1 : position in `edgeTarget`. The children of node i are
 *     edgeTarget[start.get(i) … start.get(i+1)-1] (CSR, "compressed sparse rows").
 */

/** A node (heap object or pseudo-node) by its position in the node columns. */
import type { ObjectSizes } from './object-sizes';
import type { RowStarts } from './row-starts';

export type NodeIndex = number & { readonly __brand: 'NodeIndex' };
/** An entry of the type table. */
export type TypeIndex = number & { readonly __brand: 'TypeIndex' };
/** A position in the CSR edge column. */
export type EdgeIndex = number & { readonly __brand: 'EdgeIndex' };

/** Sentinel for "no node" in NodeIndex-valued columns (BFS parents, dominators). 2^32-1. */
export const NO_NODE = 0xffff_ffff;

/** Bits of `HeapNodes.flags`. */
export const NodeFlag = {
  /** The node has a record in the input (gcdump: a non-zero offset). Undefined nodes were
   *  referenced but never described: type 0, size 0, no children. */
  Defined: 1,
  /** A synthetic node: the root, a root category, a static-var label, a CCW (gcdump §5.1). */
  Pseudo: 2,
} as const;

/** The node type column: 2 bytes per node up to 65,536 types, else 4. */
export type TypeColumn = Uint16Array | Uint32Array;

/**
 * The high halves of the node addresses: 2 bytes per node when every one is below 2^16 (any
 * address below 2^48: user space on x64 and ARM64 without pointer tags, and every 32-bit process),
 * else 4.
 */
export type AddressHighColumn = Uint16Array | Uint32Array;

export interface HeapNodes {
  /** Number of nodes, pseudo-nodes and undefined nodes included. */
  readonly count: number;
  /**
   * Type of each node (TypeIndex). Length `count`. In 2 bytes per node when the dump has at most
   * 65,536 types (real dumps have thousands), else in 4: read it as numbers, whichever it is.
   */
  readonly type: TypeColumn;
  /**
   * Shallow size in bytes of each node (0 for pseudo and undefined nodes), read with `size.get(node)`:
   * 2 bytes per node with the few large sizes kept aside, or 4 (object-sizes.ts). Length `count`.
   */
  readonly size: ObjectSizes;
  /**
   * Address of each node, split in two 32-bit halves because addresses are full 64-bit values
   * (ARM64 tagged pointers exceed 2^53; gcdump spec §4.7), so a Float64Array would lose bits.
   * 0 for pseudo-nodes. Use `heap/address.ts` to format or compare. The high halves take the width
   * they need (AddressHighColumn): read them as numbers, whichever it is.
   */
  readonly addressLo: Uint32Array;
  readonly addressHi: AddressHighColumn;
  /** NodeFlag bits per node. */
  readonly flags: Uint8Array;
}

export interface HeapEdges {
  /** Number of edges. */
  readonly count: number;
  /** CSR row starts, nodeCount+1 entries; `start.get(nodeCount) === count` (row-starts.ts: ≈2.1 bytes per node). */
  readonly start: RowStarts;
  /** Target NodeIndex of each edge (duplicates and self-edges are kept as the input has them). */
  readonly target: Uint32Array;
}

export interface HeapTypes {
  readonly count: number;
  /** Display name of each type as the input spells it (may repeat across entries). */
  readonly names: readonly string[];
  /** Module (assembly path or name) of each type, or null. */
  readonly modules: readonly (string | null)[];
  /** Per-type object count: defined nodes of this type (or the transcript's stat row). */
  readonly objectCount: Float64Array;
  /** Per-type byte total: sum of the shallow sizes (or the transcript's stat row). */
  readonly bytes: Float64Array;
  /**
   * Sampling multiplier per type (gcdump §5.6): each stored node stands for that many objects.
   * Null when the dump is not sampled.
   */
  readonly countMultiplier: Float32Array | null;
}

/** One row of a `maddress -summary`-style memory table. */
export interface MemoryRegionSummary {
  readonly kind: string;
  readonly count: number;
  readonly bytes: number;
}

/** A GC segment with its generation boundaries (PerfView's DotNetHeapInfo, gcdump §3.3). */
export interface GcSegment {
  readonly start: bigint;
  readonly end: bigint;
  /** Ends of generations 0…4 (gen 3 = LOH, gen 4 = POH). Gen4End is 0n in version-0 segments. */
  readonly genEnds: readonly [bigint, bigint, bigint, bigint, bigint];
}

/**
 * Type name of the pseudo-node that stands where a transcript's gcroot chain printed `...`: links
 * the transcript does not show, never a false direct edge (src/formats/sos/heap-from-transcript.ts).
 */
export const ELIDED_LINKS_TYPE_NAME = '[… links elided in transcript]';

export type InputFormat = 'gcdump' | 'sos' | 'elf-core' | 'minidump';

/** What the input carries, so views can say plainly what they cannot show. */
export interface HeapCapabilities {
  /** Individual objects with sizes (a gcdump: yes; a transcript: only the listed ones). */
  readonly objects: boolean;
  /** References between objects, complete enough for reachability and dominators. */
  readonly edges: boolean;
  /** A root node with root categories. */
  readonly roots: boolean;
  /** Object addresses. */
  readonly addresses: boolean;
  /** Counts are estimates scaled by per-type multipliers. */
  readonly sampled: boolean;
  /** A memory summary table (maddress/address -summary) is present. */
  readonly memorySummary: boolean;
}

/** Who wrote the input and what it says about the process. Absent facts are null. */
export interface ProducerInfo {
  /** gcdump CreationTool (`dotnet-gcdump`, `dotnet-monitor`, `Mono`, …), or null. */
  readonly creationTool: string | null;
  /** Human-readable producer summary, e.g. "dotnet-gcdump" or "PerfView (no CreationTool field)". */
  readonly description: string;
  readonly pointerSize: 4 | 8 | null;
  readonly processName: string | null;
  readonly processId: number | null;
  readonly machineName: string | null;
  /** Collection time as an ISO string (the file stores local time without a zone), or null. */
  readonly timeCollected: string | null;
  readonly totalProcessCommit: number | null;
  readonly totalProcessWorkingSet: number | null;
  /** Collector log text (PerfView writes one), or null. */
  readonly collectionLog: string | null;
}

export interface HeapModel {
  readonly format: InputFormat;
  readonly nodes: HeapNodes;
  readonly edges: HeapEdges;
  readonly types: HeapTypes;
  /** The root node, or NO_NODE when the input has none. */
  readonly rootIndex: number;
  /** Sum of node sizes as the input states it (gcdump TotalSize), or the computed sum. */
  readonly totalSize: number;
  readonly capabilities: HeapCapabilities;
  readonly producer: ProducerInfo;
  /** GC segments, when the file carries them (PerfView). */
  readonly segments: readonly GcSegment[];
  /** Memory summary rows (transcripts, full dumps). */
  readonly memorySummary: readonly MemoryRegionSummary[];
  /**
   * The GC heap's layout as `eeheap -gc` printed it (heaps, generations, segments), or null. Only
   * transcripts carry it; a gcdump's own segments are in `segments`.
   */
  readonly gcHeapLayout: GcHeapLayout | null;
  /**
   * How many objects the input says the heap holds, when it says so apart from its rows (a
   * transcript's `Total N objects` footer); null otherwise. With `totalSize`, what a cut table is out of.
   */
  readonly statedObjectCount: number | null;
  /** A full dump's process facts (threads, images, bytes read), or null for other inputs. */
  readonly dumpFacts: DumpFacts | null;
  /**
   * A transcript holding several debugger sessions (two dumps pasted one after the other): each
   * session's lines and why it starts there, and which one this model is of. Null otherwise.
   */
  readonly transcriptSessions: {
    readonly sessions: readonly {
      readonly index: number;
      readonly firstLine: number;
      readonly lastLine: number;
      readonly reason: string | null;
      readonly blocks: number;
    }[];
    readonly chosen: number;
  } | null;
  /**
   * Field values of the few objects the input printed whole (a transcript's `dumpobj`), by NodeIndex.
   * A gcdump has none: it stores references, not field values.
   */
  readonly objectFields: ReadonlyMap<number, readonly ObjectFieldValue[]>;
  /**
   * Reads an object's values from the input on request (a full core holds them: string contents and
   * fields, formats/elf-core/object-values.ts), or null. Not kept in a cached heap image.
   */
  readonly values: ObjectValueReader | null;
  /** Non-fatal problems met while reading (e.g. "TotalSize 10 differs from the sum 12"). */
  readonly warnings: readonly string[];
}

/** What a core or minidump says about its process (heap/dump-facts.ts). */
export interface DumpFacts {
  readonly processName: string | null;
  readonly processId: number | null;
  readonly pointerSize: 4 | 8;
  readonly architecture: string;
  readonly threadCount: number;
  /** The first threads: id, stack pointer, and the Stack region holding it (start, bytes). */
  readonly threads: readonly {
    readonly id: number;
    readonly stackPointer: string | null;
    readonly stackRegion: string | null;
    readonly stackRegionBytes: number | null;
  }[];
  readonly imageCount: number;
  /** Mapped images by bytes, largest first. */
  readonly largestImages: readonly { readonly path: string; readonly bytes: number; readonly regions: number }[];
  /** Bytes of the file read to build the map, and the file's size. */
  readonly bytesRead: number;
  readonly fileBytes: number;
  /** The .NET runtime the core holds and its data contract descriptor (a core only; null otherwise). */
  readonly runtime: RuntimeFacts | null;
}

/** What a core says of its .NET runtime (formats/elf-core/runtime-descriptor.ts). */
export interface RuntimeFacts {
  /** found: the runtime and its descriptor; no-descriptor: a runtime before .NET 10; unreadable: pieces missing. */
  readonly status: 'found' | 'no-runtime' | 'no-descriptor' | 'unreadable';
  /** `.NET 10.0.12 (libcoreclr.so 10.0.1226.42308 at 0x7f…)`, or null without a runtime. */
  readonly description: string | null;
  readonly version: string | null;
  readonly fileVersion: string | null;
  readonly path: string | null;
  readonly base: string | null;
  /** Why there is no descriptor, and what to do instead; null when found. */
  readonly message: string | null;
  readonly descriptor: {
    readonly address: string;
    readonly jsonBytes: number;
    readonly contracts: readonly { readonly name: string; readonly version: number }[];
    readonly typeCount: number;
    readonly globalCount: number;
    /** The globals a heap walk starts from, with their values (a pointer global: where it lives → what it holds). */
    readonly keyGlobals: readonly { readonly name: string; readonly type: string | null; readonly value: string }[];
  } | null;
  /**
   * The managed heap walked from the core (formats/elf-core/managed-heap.ts), or why it was not:
   * null when there is no descriptor to start from.
   */
  readonly managedHeap: ManagedHeapFacts | null;
}

/** What the walk of a core's GC heap found: its regions and objects, or the reason it could not. */
export interface ManagedHeapFacts {
  readonly status: 'read' | 'unreadable';
  /** Why the heap was not read (status unreadable), else null. */
  readonly message: string | null;
  /** The GC's interface version for debuggers (`GcDacVars` major.minor), e.g. `2.4`. */
  readonly gcVersion: string | null;
  readonly server: boolean | null;
  readonly heaps: number;
  readonly regions: number;
  readonly regionBytes: number;
  readonly allocationContexts: number;
  readonly objects: number;
  readonly bytes: number;
  /** Regions not walked to their end, each with where and why. */
  readonly warnings: readonly string[];
  /** What is not read from the core (roots of some kinds), in words. */
  readonly missing: readonly string[];
  /** References between objects read from the GC descriptors, and those whose target is no object's start. */
  readonly references: number;
  readonly referencesOutsideHeap: number;
  /** Objects held per kind of root (`strong`, `pinning`, `stack`, …). */
  readonly roots: Readonly<Record<string, number>>;
}

/** One field of an object as a debugger printed it. */
export interface ObjectFieldValue {
  readonly name: string;
  /** The field's type as printed (SOS truncates long names: `...urce+CallbackNode`). */
  readonly type: string;
  /** The value as printed (an address in hex, a number, `null` …), or null when not printed. */
  readonly value: string | null;
  /** `instance`, `static`, … */
  readonly attr: string;
}

/** An object's values as the input holds them (a full core): read on request, by NodeIndex. */
export interface ObjectValueReader {
  /** The object's values, or null when it has none to read (not an object of this input). */
  read(node: number): Promise<ObjectValues | null>;
}

export interface ObjectValues {
  /** A System.String's characters (the first `MAX_STRING_CHARS`; `truncated` when it has more), else null. */
  readonly string: string | null;
  readonly stringLength: number | null;
  /** Its instance fields, in layout order: name, type, value (a number, `true`, an address, `null`). */
  readonly fields: readonly ObjectFieldValue[];
  /** Why some values could not be read (a field layout the reader does not know), or null. */
  readonly note: string | null;
}

/** A GC heap area a segment or region belongs to, as `eeheap -gc` labels it. */
export type GcHeapArea = 'soh' | 'gen0' | 'gen1' | 'gen2' | 'loh' | 'poh' | 'foh';

/** `eeheap -gc`: the GC heaps, each with its generation starts and segments. */
export interface GcHeapLayout {
  /** Line of the transcript the output starts at. */
  readonly line: number;
  /** `Number of GC Heaps`, when printed. */
  readonly heapCount: number | null;
  readonly heaps: readonly {
    /** `Heap N`, or null for a single-heap output. */
    readonly index: number | null;
    readonly generationStarts: readonly { readonly generation: number; readonly address: string }[];
    readonly segments: readonly {
      readonly area: GcHeapArea;
      /** Segment, begin, allocated[, committed] as printed (hex, normalised). */
      readonly addresses: readonly string[];
      readonly allocatedBytes: number | null;
      readonly committedBytes: number | null;
    }[];
    readonly heapSize: number | null;
    readonly committedSize: number | null;
  }[];
  /** `GC Heap Size` / `GC Allocated Heap Size`, and the committed total (.NET 5+). */
  readonly totalSize: number | null;
  readonly totalCommitted: number | null;
}
