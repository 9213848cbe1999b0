/**
 * The shapes of every answer the session gives (src/session/heap-session.ts and friends), and
 * nothing else: small, plain, structured-clonable values. The worker sends them across comlink
 * unchanged; the CLI prints them (answer-text.ts renders them as text, `--json` prints them); the UI
 * imports its types from here and nowhere else below it. Objects are named by NodeIndex inside one
 * loaded heap (the `node` fields) and by address for people and links. No per-object proxies, no
 * typed arrays of the heap, no Error objects.
 */
import type { ByteCategory } from '../analysis/byte-categories';
import type { FindingKind, FindingSeverity, KeptAliveRow, LeakPattern } from '../analysis/findings/finding';
import type { RootPathSummary } from '../analysis/path-summary';
import type { DumpFacts, GcHeapLayout, InputFormat, ObjectFieldValue } from '../heap/types';

// The domain shapes answers carry, re-exported so the UI needs no import below the session.
export type { ByteCategory } from '../analysis/byte-categories';
export type { FindingKind, FindingSeverity, KeptAliveRow, LeakPattern } from '../analysis/findings/finding';
export type { PathStepSummary, RootPathSummary } from '../analysis/path-summary';
export type {
  DumpFacts,
  GcHeapArea,
  GcHeapLayout,
  InputFormat,
  ManagedHeapFacts,
  ObjectFieldValue,
  ObjectValues,
  RuntimeFacts,
} from '../heap/types';
import type { HeapModel } from '../heap/types';

/** One progress report of a load. MB/s = bytesRead / elapsedMs / 1000. */
export interface LoadProgressReport {
  /** What is happening now, e.g. "reading node records". */
  readonly stage: string;
  readonly bytesRead: number;
  readonly totalBytes: number;
  /** 0 … 1 over the whole load. */
  readonly fraction: number;
  /** Milliseconds since this load started (measured in the worker). */
  readonly elapsedMs: number;
}

export type ProgressCallback = (report: LoadProgressReport) => void;

/** A GC segment with what the dump holds in it. Addresses are text: 64-bit values do not survive a JS number. */
export interface SegmentRow {
  /** `0x…` start and end of the segment. */
  readonly start: string;
  readonly end: string;
  /** End − Start. */
  readonly sizeBytes: number;
  /** Small-object heap, large-object heap (gen 3), pinned-object heap (gen 4), from its generation ends (spec §3.3). */
  readonly kind: 'SOH' | 'LOH' | 'POH' | 'range';
  /** Dumped objects whose address lies in the segment, and their bytes. */
  readonly objectCount: number;
  readonly objectBytes: number;
  /** Bytes of those objects in gen 0, 1, 2, 3 (LOH), 4 (POH), by PerfView's rule (spec §3.3). */
  readonly generationBytes: readonly [number, number, number, number, number];
}

export interface HeapSummary {
  readonly fileName: string;
  readonly fileBytes: number;
  readonly format: InputFormat;
  /** Length of the node table: objects, pseudo-nodes and never-defined nodes. */
  readonly nodeCount: number;
  /** Objects counted by the histogram (defined nodes, scaled when sampled). */
  readonly objectCount: number;
  /** Defined nodes that are synthetic (`[.NET Roots]`, `[static vars]` …). */
  readonly pseudoNodeCount: number;
  /** Nodes referenced but never described by the file. */
  readonly undefinedNodeCount: number;
  readonly edgeCount: number;
  /** Total bytes as the file states it (gcdump TotalSize). */
  readonly totalBytes: number;
  /** Objects the input states apart from its rows (a transcript's stat footer), or null. */
  readonly statedObjectCount: number | null;
  /** Sum of the histogram's bytes (scaled when sampled). */
  readonly histogramBytes: number;
  /** Entries of the type table (names may repeat), and distinct names with objects. */
  readonly typeTableEntries: number;
  readonly distinctTypeNames: number;
  /** The root node's name, or null when the input has none. */
  readonly rootName: string | null;
  /** Root categories: children of the root node. */
  readonly rootCategoryCount: number;
  /** The first root categories by name, with how many references each holds directly. */
  readonly rootCategories: readonly { readonly name: string; readonly references: number }[];
  /** References from pseudo-nodes (roots, root categories) to real objects. */
  readonly rootReferenceCount: number;
  readonly creationTool: string | null;
  readonly producerDescription: string;
  readonly pointerSize: 4 | 8 | null;
  readonly processName: string | null;
  readonly processId: number | null;
  readonly machineName: string | null;
  readonly timeCollected: string | null;
  readonly sampled: boolean;
  /**
   * The node count reached dotnet-gcdump's cap of 10,000,000 nodes (gcdump spec §5.3): the tool stops
   * silently there, so the heap in the file is truncated.
   */
  readonly reachedNodeCap: boolean;
  readonly capabilities: {
    readonly objects: boolean;
    readonly edges: boolean;
    readonly roots: boolean;
    readonly addresses: boolean;
    readonly sampled: boolean;
    readonly memorySummary: boolean;
  };
  readonly segments: readonly SegmentRow[];
  /** A core's or minidump's process facts (threads, largest images, bytes read), or null. */
  readonly dumpFacts: DumpFacts | null;
  /** A transcript of several debugger sessions: each session's lines, why it starts, and which one this is. */
  readonly transcriptSessions: HeapModel['transcriptSessions'];
  /** `eeheap -gc` as a transcript printed it (heaps, generation starts, segments), or null. */
  readonly gcHeapLayout: GcHeapLayout | null;
  /** `maddress -summary`-style rows (region kind, count, bytes), when the input carries them. */
  readonly memorySummary: readonly { readonly kind: string; readonly count: number; readonly bytes: number }[];
  readonly warnings: readonly string[];
  /** Where the bytes are, biggest first (src/analysis/byte-categories.ts). */
  readonly byteCategories: readonly ByteCategory[];
  /** How long the load took in the worker, in milliseconds. */
  readonly loadMs: number;
}

export type LoadOutcome =
  | {
      readonly status: 'loaded';
      readonly summary: HeapSummary;
      /**
       * The first page of the histogram in the default order (biggest first), sent with the load so
       * the Types view can show it at once, before the analyses that follow keep the worker busy.
       */
      readonly firstHistogramPage: HistogramPage;
      /**
       * A heap image was offered with the dump: 'used', or why it was not (the dump was then read
       * itself). Null when none was offered.
       */
      readonly image: 'used' | { readonly refused: string } | null;
    }
  /** The input is malformed or unsupported; `message` names the offset and what was expected. */
  | { readonly status: 'failed'; readonly message: string }
  /** A newer load, or cancel(), stopped this one. */
  | { readonly status: 'cancelled' };

export type HistogramSortKey = 'name' | 'count' | 'bytes' | 'averageSize' | 'percent' | 'retained';

export interface HistogramQuery {
  readonly sortKey: HistogramSortKey;
  readonly descending: boolean;
  /** Substring (case-insensitive) or regular expression matched against the type name; '' for all. */
  readonly filter: string;
  readonly regex: boolean;
  /** Fold type-table entries that share a name into one row (as `dumpheap -stat` does). */
  readonly mergeByName: boolean;
  /**
   * Rows of root pseudo-nodes (`[.NET Roots]`, `[static vars]`, `[static var T.f]` …: the graph's
   * way of naming roots, 0 bytes each). Shown unless false; the Types view hides them by default.
   */
  readonly includePseudo?: boolean;
  readonly offset: number;
  readonly limit: number;
}

export interface HistogramPageRow {
  /** Position of the row in the sorted, filtered histogram. */
  readonly rank: number;
  readonly name: string;
  readonly count: number;
  readonly bytes: number;
  readonly averageSize: number;
  /** Share of all the histogram's bytes, 0 … 100. */
  readonly percent: number;
  /** How many type-table entries this row stands for (1 unless merged). */
  readonly typeEntries: number;
  /** Retained bytes as Eclipse MAT counts them per type, once the analysis is ready; else null. */
  readonly retained: number | null;
}

export interface HistogramTotals {
  readonly rows: number;
  readonly count: number;
  readonly bytes: number;
}

export interface HistogramPage {
  /** Rows matching the filter. */
  readonly totalRows: number;
  readonly offset: number;
  readonly rows: readonly HistogramPageRow[];
  /** Totals of the rows matching the filter, and of the whole histogram. */
  readonly totals: { readonly matching: HistogramTotals; readonly all: HistogramTotals };
  /** Why the filter could not be applied (an invalid regular expression), or null. */
  readonly filterError: string | null;
  /** Rows of root pseudo-nodes in the histogram (hidden when the query leaves them out). */
  readonly pseudoRows: number;
}

/** The Types view's first query, answered with the load (LoadOutcome.firstHistogramPage). */
export const FIRST_HISTOGRAM_QUERY: HistogramQuery = {
  sortKey: 'bytes',
  descending: true,
  filter: '',
  regex: false,
  mergeByName: true,
  includePseudo: false,
  offset: 0,
  limit: 100,
};

/** Upper bound on `HistogramQuery.limit`: a page is what a view shows, not the histogram. */
export const MAX_HISTOGRAM_PAGE_ROWS = 1000;

export type AnalysisStatus =
  | { readonly state: 'idle' }
  | { readonly state: 'running'; readonly stage: string; readonly fraction: number }
  | {
      readonly state: 'ready';
      readonly seconds: number;
      readonly hasDominators: boolean;
      /** Objects no root reaches (garbage awaiting collection) and their bytes; null without roots. */
      readonly unreachable: { readonly count: number; readonly bytes: number } | null;
      /** The analyses came from the heap image kept with the cached dump (only the findings ran). */
      readonly fromImage: boolean;
    }
  | { readonly state: 'failed'; readonly message: string };

export interface ObjectRef {
  readonly node: number;
  readonly type: string;
  /** `0x…`, or '' for pseudo-nodes (roots, categories). */
  readonly address: string;
  readonly size: number;
  /** Retained bytes (what freeing this object would free), or null before/without dominators. */
  readonly retained: number | null;
  /** References on the shortest path from the root, or null when no root reaches it. */
  readonly distance: number | null;
  readonly pseudo: boolean;
}

export interface FindingSummary {
  readonly id: string;
  readonly kind: FindingKind;
  /** The API that made the leak, when a recognizer knows it; 'general' otherwise. */
  readonly pattern: LeakPattern;
  readonly severity: FindingSeverity;
  readonly title: string;
  readonly count: number;
  /** Type name of the entries counted. */
  readonly entryType: string;
  /** What the entries alone keep alive, or null (a transcript has no complete graph). */
  readonly retainedBytes: number | null;
  readonly shareOfHeap: number | null;
  readonly anchor: ObjectRef;
  /** Where the entries accumulate. */
  readonly accumulationPoint: ObjectRef;
  /** Who holds it: the object under the root, with the root's kind and label. */
  readonly owner: (ObjectRef & { readonly rootKind: string; readonly label: string }) | null;
  readonly owners: readonly string[];
  readonly keptAlive: readonly KeptAliveRow[];
  readonly explanation: readonly string[];
  readonly fix: string;
  /** The object whose root path shows the finding best. */
  readonly pathTarget: ObjectRef;
}

export interface ObjectDetails extends ObjectRef {
  readonly referencesOut: number;
  readonly referencesIn: number;
  /** The immediate dominator (who alone keeps it alive), when known. */
  readonly dominator: ObjectRef | null;
  /** The module (assembly) of its type, when the input names one. */
  readonly module: string | null;
  /** Field values as the input printed them (a transcript's dumpobj), or null: a gcdump has none. */
  readonly fields: readonly ObjectFieldValue[] | null;
  /** The input can read this object's values on request (a full core): ask `objectValues`. */
  readonly valuesReadable: boolean;
  /**
   * When the object is on a finding's story but keeps little by itself: why, in one line (the entries
   * are also reached from elsewhere; freeing them frees the finding's bytes). Null otherwise.
   */
  readonly ownershipNote: string | null;
}

export interface ReferencePage {
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly ObjectRef[];
}

export interface RootPathsAnswer {
  readonly target: ObjectRef;
  readonly paths: readonly RootPathSummary[];
  /** False when the search stopped at a cap (more root kinds may exist). */
  readonly complete: boolean;
}

export interface RunMembersPage {
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly ObjectRef[];
  /** Each row's place in the run (1-based), when a search picked them out; else offset + 1 onwards. */
  readonly positions?: readonly number[];
}

/**
 * A search within a collapsed run: `#N` (or a bare number) jumps to member N; `0x…` or any hex with a
 * letter keeps the members whose address contains it.
 */
export interface RunMemberSearch {
  readonly text: string;
}

export type InstanceSortKey = 'size' | 'retained' | 'address' | 'distance';

export interface InstanceQuery {
  /** Type name exactly as the histogram row shows it, or (with `match: 'substring'`) a part of it. */
  readonly typeName: string;
  /** `name`: the whole name (the Instances view's row); `substring`: SOS `dumpheap -type` matching. */
  readonly match?: 'name' | 'substring';
  /** Also match entries whose name differs only by a collector suffix (` (Bytes > 10K)`). */
  readonly includeSizeVariants: boolean;
  readonly minSize: number | null;
  readonly maxSize: number | null;
  readonly liveness: 'all' | 'live' | 'dead';
  readonly sortKey: InstanceSortKey;
  readonly descending: boolean;
  readonly offset: number;
  readonly limit: number;
}

export interface SizeBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

export interface InstancePage {
  readonly totalRows: number;
  readonly offset: number;
  readonly rows: readonly ObjectRef[];
  /** Statistics of all matching objects (like SOS's block after `dumpheap -mt`). */
  readonly matching: { readonly count: number; readonly bytes: number };
  /** Instance sizes of the matching objects, for the histogram chart (log-spaced bins). */
  readonly sizeBins: readonly SizeBin[];
  /**
   * Whether an object's reachability is known: only with a complete reference graph (a gcdump). A
   * transcript shows only the chains gcroot printed, so an object off them is not "dead", just not
   * shown; the live/dead filter is then not applied.
   */
  readonly livenessKnown: boolean;
}

export interface DominatorPage {
  readonly total: number;
  readonly offset: number;
  /** The children of the asked node (null: the top of the tree), biggest retained first. */
  readonly rows: readonly (ObjectRef & { readonly children: number; readonly percent: number })[];
}

/** Most rows any page returns: a page is what a view shows. */
export const MAX_PAGE_ROWS = 1000;

/** The diff of two dumps of one process (session/diff.ts): its shapes, for the worker API and the page. */
export type { FindingDiff, GrowthEntry, HeapDiff, TypeDiffRow } from './diff';

/** The Transcript view: every block heapscope recognised in a transcript, as `heapscope show` prints it. */
export interface TranscriptShow {
  readonly name: string;
  readonly lineCount: number;
  readonly dialect: string;
  readonly commands: readonly { readonly line: number; readonly command: string }[];
  readonly sessions: readonly {
    readonly index: number;
    readonly firstLine: number;
    readonly lastLine: number;
    readonly reason: string | null;
  }[];
  readonly blocks: readonly {
    readonly line: number;
    readonly endLine: number;
    readonly kind: string;
    readonly title: string;
    readonly body: string;
  }[];
  readonly messages: readonly { readonly line: number; readonly text: string }[];
  readonly warnings: readonly string[];
}
