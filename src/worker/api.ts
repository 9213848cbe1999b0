/**
 * Everything that crosses the worker boundary, and nothing else. The heap model lives in the
 * worker (src/worker/heap.worker.ts); the UI asks questions and gets small, structured-clonable
 * answers: a summary, and pages of the type histogram. No per-object proxies, no typed arrays of
 * the heap, no Error objects (errors come back as plain text in `LoadOutcome`).
 */
import type { ByteCategory } from '../analysis/byte-categories';
import type {
  AnalysisStatus,
  DominatorPage,
  FindingSummary,
  InstancePage,
  InstanceQuery,
  ObjectDetails,
  ReferencePage,
  RootPathsAnswer,
  RunMembersPage,
} from './analysis-api';
import type { DumpFacts, GcHeapLayout, InputFormat } from '../heap/types';
import type { DumpFingerprint } from '../permalink/url-state';

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
}

/** The Types view's first query, answered with the load (LoadOutcome.firstHistogramPage). */
export const FIRST_HISTOGRAM_QUERY: HistogramQuery = {
  sortKey: 'bytes',
  descending: true,
  filter: '',
  regex: false,
  mergeByName: true,
  offset: 0,
  limit: 100,
};

/** Upper bound on `HistogramQuery.limit`: a page is what a view shows, not the histogram. */
export const MAX_HISTOGRAM_PAGE_ROWS = 1000;

export interface HeapWorkerApi {
  /**
   * Reads a file; a load in progress is cancelled first. Progress comes through `onProgress`. A
   * `companion` (a transcript or gcdump of the same process as a core or minidump, in either
   * order) names the dump's GC heap (formats/load.ts, loadDumpWithCompanion).
   */
  load(
    file: Blob,
    name: string,
    onProgress: ProgressCallback,
    companion?: { readonly file: Blob; readonly name: string },
  ): Promise<LoadOutcome>;
  /** Cancels the load in progress, if any (its `load` resolves as 'cancelled'). */
  cancel(): void;
  /** The loaded heap's summary; null when nothing is loaded. */
  summary(): HeapSummary | null;
  /** One page of the type histogram, sorted and filtered in the worker. */
  histogramPage(query: HistogramQuery): HistogramPage;

  // ── After the load: the analyses (analysis-api.ts) ──
  /**
   * Runs reverse edges, BFS, dominators, retained sizes and findings on the loaded heap (the
   * histogram is already on screen). Resolves when they are ready; progress through `onProgress`.
   * Pages of the histogram are still answered between stages.
   */
  analyze(onProgress: (status: AnalysisStatus) => void): Promise<AnalysisStatus>;
  analysisStatus(): AnalysisStatus;
  /** SHA-256, size and name of the loaded file, hashed by slices (once per load). */
  fingerprint(): Promise<DumpFingerprint | null>;
  findings(): FindingSummary[];
  /** The node a link names (an address `0x…` or a path signature `path:…`); null when there is none. */
  nodeAtObjectKey(key: string): number | null;
  /** How a link names a node: its address, or its path signature when it has no address. */
  objectKey(node: number): string | null;
  object(node: number): ObjectDetails | null;
  references(node: number, direction: 'out' | 'in', offset: number, limit: number): ReferencePage;
  rootPaths(node: number): RootPathsAnswer;
  /** Members of a collapsed run in the last `rootPaths` answer (path index, run's first and last node). */
  runMembers(pathIndex: number, firstNode: number, lastNode: number, offset: number, limit: number): RunMembersPage;
  instances(query: InstanceQuery): InstancePage;
  /** Children of a node in the dominator tree (null: the top), biggest retained first. */
  dominatorChildren(node: number | null, offset: number, limit: number): DominatorPage;
}
