/**
 * Everything that crosses the worker boundary, and nothing else: the comlink API of the worker that
 * owns the heap (heap.worker.ts). Its answers are the session's (src/session/answers.ts); errors come
 * back as plain text in `LoadOutcome`.
 */
import type {
  AnalysisStatus,
  DominatorPage,
  FindingSummary,
  HeapSummary,
  HistogramPage,
  HistogramQuery,
  InstancePage,
  InstanceQuery,
  LoadOutcome,
  ObjectDetails,
  ObjectValues,
  ProgressCallback,
  ReferencePage,
  RootPathsAnswer,
  RootPathSummary,
  RunMembersPage,
  RunMemberSearch,
  HeapDiff,
  InputFormat,
  TranscriptShow,
} from '../session/answers';
import type { DumpFingerprint } from '../permalink/url-state';

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
    /**
     * The file comes from the dump cache under this fingerprint (it is not hashed again), with the
     * heap image stored beside it, if any: the model and analyses are read from the image, and the
     * dump itself only when the image is refused (`LoadOutcome.image` says which).
     */
    cached?: { readonly fingerprint: DumpFingerprint; readonly image: Blob | null },
    /** A transcript of several debugger sessions: which one to build the heap of (1-based). */
    transcriptSession?: number,
  ): Promise<LoadOutcome>;
  /** Cancels the load in progress, if any (its `load` resolves as 'cancelled'). */
  cancel(): void;
  /** The loaded heap's summary; null when nothing is loaded. */
  summary(): HeapSummary | null;
  /** One page of the type histogram, sorted and filtered in the worker. */
  histogramPage(query: HistogramQuery): HistogramPage;

  // ── After the load: the analyses (analysis-api.ts) ──
  /**
   * Runs reverse edges, dominators, retained sizes, BFS, the dominator tree and findings on the loaded heap (the
   * histogram is already on screen). Resolves when they are ready; progress through `onProgress`.
   * Pages of the histogram are still answered between stages.
   */
  analyze(onProgress: (status: AnalysisStatus) => void): Promise<AnalysisStatus>;
  analysisStatus(): AnalysisStatus;
  /**
   * Once the analyses are ready and the dump is in the cache: writes its heap image beside it (the
   * model and the analyses, so a link reopens without parsing or analysing). Resolves with the
   * image's bytes and the seconds it took, or why it was not stored (the cache refused it, the
   * browser's storage failed); null when there is nothing to store (opened from its image, with a
   * companion, not analysed, another dump opened meanwhile).
   */
  storeImage(): Promise<{ readonly bytes: number; readonly seconds: number } | { readonly notStored: string } | null>;
  /**
   * SHA-256, size and name of the loaded file (once per load): `hashed` when the page hashed it on a
   * worker of its own (permalink/fingerprint-worker.ts; taken as it is: the page gives it only while
   * the load it hashed is its latest, and a later load reaches here after it), else hashed here by
   * slices.
   */
  fingerprint(hashed?: DumpFingerprint): Promise<DumpFingerprint | null>;
  findings(): FindingSummary[];
  /** The finding's own root path (the one the CLI prints and the evidence card carries), or null. */
  findingPath(findingId: string): RootPathSummary | null;
  /** The node a link names (an address `0x…` or a path signature `path:…`); null when there is none. */
  nodeAtObjectKey(key: string): number | null;
  /** How a link names a node: its address, or its path signature when it has no address. */
  objectKey(node: number): string | null;
  object(node: number): ObjectDetails | null;
  /** A full core's object values, read from the file on request (strings, fields). */
  objectValues(node: number): Promise<ObjectValues | null>;
  references(node: number, direction: 'out' | 'in', offset: number, limit: number): ReferencePage;
  rootPaths(node: number): RootPathsAnswer;
  /** Members of a collapsed run in the last `rootPaths` answer (path index, run's first and last node). */
  runMembers(
    pathIndex: number,
    firstNode: number,
    lastNode: number,
    offset: number,
    limit: number,
    search?: RunMemberSearch | null,
  ): RunMembersPage;
  instances(query: InstanceQuery): InstancePage;
  /** Children of a node in the dominator tree (null: the top), biggest retained first. */
  dominatorChildren(node: number | null, offset: number, limit: number): DominatorPage;

  // ── Comparing two dumps (session/diff.ts) ──
  /**
   * Keeps the loaded, analysed heap's aggregates as the baseline of a diff (its graph is dropped
   * with the next load); resolves when they are taken. Null when nothing analysed is loaded.
   */
  setBaseline(): Promise<{ readonly name: string; readonly fingerprint: DumpFingerprint | null } | null>;
  clearBaseline(): void;
  /**
   * The baseline against the loaded heap, `top` rows per list; null without both. While the loaded
   * heap's analyses run, the types by count and bytes alone (`pending`).
   */
  diff(top: number): HeapDiff | null;
  /** The open transcript's blocks as `heapscope show` prints them (read again from its file); null for other inputs. */
  transcriptShow(): Promise<TranscriptShow | null>;
  /** What a file is, from its first bytes (null: nothing heapscope reads): two dumps dropped together compare, a core and its companion open together. */
  formatOf(file: Blob): Promise<InputFormat | null>;
}
