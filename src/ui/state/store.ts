/**
 * View state only (zustand): which view is open, how the histogram is sorted and filtered, and
 * where a load stands. The heap itself stays in the worker; `summary` is the worker's small answer.
 * The parts that a permalink carries are mirrored in the location hash by url.ts.
 */
import { create } from 'zustand';
import type { HeapSummary, HistogramPage, HistogramSortKey, LoadProgressReport } from '../../session/answers';
import type { AnalysisStatus } from '../../session/answers';
import {
  DEFAULT_INSTANCES_STATE,
  type DumpFingerprint,
  type InstancesUrlState,
  type UrlView,
} from '../../permalink/url-state';

/** What a permalink asks for: the dump it was made on and the selection to restore there. */
export interface LinkTarget {
  readonly dump: DumpFingerprint | null;
  /** The dump the linked one is compared with (the Diff view), or null. */
  readonly baseDump: DumpFingerprint | null;
  readonly typeName: string | null;
  readonly objectAddress: string | null;
  readonly findingId: string | null;
  readonly expandedRun: string | null;
  readonly evidence: string | null;
  /** The debugger session of a transcript of several (1-based), or null. */
  readonly session: number | null;
}

/**
 * The views: the one list is the permalink's (permalink/url-state.ts VIEWS), so a view the store
 * knows is one a link can name. `instances`, `object` and `roots` show the current selection (a type,
 * an object); `findings` and `dominators` need the analysis that runs after the load.
 */
export type ViewName = UrlView;

/** What the selection-based views show. Objects are NodeIndex values of the loaded heap. */
export interface Selection {
  /** Type name (a histogram row) for the Instances view. */
  readonly typeName: string | null;
  /** The object for the Object and Roots views. */
  readonly node: number | null;
  /** The finding id (`kind@0xaddress`) opened in the Findings view. */
  readonly findingId: string | null;
  /** The run expanded in the Roots view, by its first member's address. */
  readonly expandedRun: string | null;
}

export const EMPTY_SELECTION: Selection = { typeName: null, node: null, findingId: null, expandedRun: null };

export interface HistogramViewState {
  readonly sortKey: HistogramSortKey;
  readonly descending: boolean;
  readonly filter: string;
  readonly regex: boolean;
  readonly mergeByName: boolean;
  /** Show the rows of root pseudo-nodes (`[static vars]`, `[static var T.f]` …); hidden by default. */
  readonly pseudo: boolean;
}

export const DEFAULT_HISTOGRAM_VIEW: HistogramViewState = {
  sortKey: 'bytes',
  descending: true,
  filter: '',
  regex: false,
  mergeByName: true,
  pseudo: false,
};

export type LoadState =
  | { readonly status: 'idle' }
  | {
      readonly status: 'loading';
      readonly fileName: string;
      readonly fileBytes: number;
      readonly progress: LoadProgressReport | null;
    }
  | { readonly status: 'loaded'; readonly fileName: string }
  | { readonly status: 'failed'; readonly fileName: string; readonly message: string };

export interface ViewStore {
  readonly view: ViewName;
  readonly histogram: HistogramViewState;
  /** The Instances view's size bounds (as typed), liveness, size variants and order: in the URL. */
  readonly instances: InstancesUrlState;
  readonly load: LoadState;
  readonly summary: HeapSummary | null;
  /** Increments with every loaded heap, so views drop what they fetched from the previous one. */
  readonly heapVersion: number;
  /** Where the post-load analysis stands (dominators, root paths, findings need it). */
  readonly analysis: AnalysisStatus;
  readonly selection: Selection;
  /** The histogram's first page, sent with the load (shown before any request). */
  readonly firstHistogramPage: HistogramPage | null;
  /** Fingerprint of the loaded dump (SHA-256, computed in the worker after the load). */
  readonly fingerprint: DumpFingerprint | null;
  /** The permalink being restored, until the right dump is open (null: none). */
  readonly link: LinkTarget | null;
  /** Why the link could not be restored (a different file was opened), or null. */
  readonly linkProblem: string | null;
  /** The baseline of the Diff view: a dump opened before and reduced to its aggregates in the worker. */
  readonly baseline: { readonly name: string; readonly fingerprint: DumpFingerprint | null } | null;
  /**
   * The last file that could not be read, kept on screen while the dump that was open before it is
   * opened again (`reopened`: its name, once it is back), until the user opens another file.
   */
  /**
   * Where a link's dump stands in this browser's cache: being looked up, found and opening, absent,
   * or the lookup still unanswered after a few seconds ('slow': another tab may still be storing it).
   */
  readonly linkCache: 'looking' | 'slow' | 'opening' | 'absent' | null;
  /**
   * The heap image beside the cached dump (the model and the analyses, so a link reopens without
   * parsing or analysing): being written, written, not written (why), read instead of the dump, or
   * set aside (why); or 'unhashed' when the dump could not be hashed (why), so no link can name it.
   * Null: none (not cached yet, no OPFS, a companion load).
   */
  readonly heapImage:
    | { readonly state: 'storing' }
    | { readonly state: 'stored'; readonly bytes: number; readonly seconds: number }
    | { readonly state: 'used'; readonly bytes: number }
    | { readonly state: 'refused'; readonly reason: string }
    | { readonly state: 'not-stored'; readonly reason: string }
    | { readonly state: 'unhashed'; readonly reason: string }
    | null;
  /** Other tabs of this browser holding the same dump, each with its own copy in memory. */
  readonly otherTabsHolding: number;
  /** What the opened link asked for that could not be given (bad parts, an object not in this dump …). */
  readonly linkNotes: readonly string[];
  readonly loadFailure: {
    readonly fileName: string;
    readonly message: string;
    readonly reopened: string | null;
  } | null;
  setView(view: ViewName): void;
  /** Opens the Instances view of a type. */
  openInstances(typeName: string): void;
  /** Opens the Object view (inspector) of an object. */
  openObject(node: number): void;
  /** Opens the Roots view (root paths graph) of an object. */
  openRoots(node: number): void;
  /** Expands (or, with null, collapses) a run node of the Roots view. */
  expandRun(address: string | null): void;
  /** Opens the Findings view on one finding. */
  openFinding(findingId: string): void;
  reportAnalysis(status: AnalysisStatus): void;
  updateHistogram(change: Partial<HistogramViewState>): void;
  updateInstances(change: Partial<InstancesUrlState>): void;
  /** `restoring`: the dump that was open before a failed load is being opened again (keeps the failure shown). */
  startLoad(fileName: string, fileBytes: number, restoring?: boolean): void;
  reportProgress(progress: LoadProgressReport): void;
  finishLoad(summary: HeapSummary): void;
  failLoad(fileName: string, message: string): void;
  resetLoad(): void;
}

export const useViewStore = create<ViewStore>()((set) => ({
  view: 'summary',
  histogram: DEFAULT_HISTOGRAM_VIEW,
  instances: DEFAULT_INSTANCES_STATE,
  load: { status: 'idle' },
  summary: null,
  heapVersion: 0,
  analysis: { state: 'idle' },
  selection: EMPTY_SELECTION,
  fingerprint: null,
  firstHistogramPage: null,
  link: null,
  linkProblem: null,
  loadFailure: null,
  linkNotes: [],
  linkCache: null,
  heapImage: null,
  otherTabsHolding: 0,
  baseline: null,
  setView: (view) => set({ view }),
  openInstances: (typeName) => set((state) => ({ view: 'instances', selection: { ...state.selection, typeName } })),
  openObject: (node) => set((state) => ({ view: 'object', selection: { ...state.selection, node } })),
  openRoots: (node) => set((state) => ({ view: 'roots', selection: { ...state.selection, node, expandedRun: null } })),
  expandRun: (address) => set((state) => ({ selection: { ...state.selection, expandedRun: address } })),
  openFinding: (findingId) => set((state) => ({ view: 'findings', selection: { ...state.selection, findingId } })),
  reportAnalysis: (analysis) => set({ analysis }),
  updateHistogram: (change) => set((state) => ({ histogram: { ...state.histogram, ...change } })),
  updateInstances: (change) => set((state) => ({ instances: { ...state.instances, ...change } })),
  startLoad: (fileName, fileBytes, restoring = false) =>
    set((state) => ({
      load: { status: 'loading', fileName, fileBytes, progress: null },
      summary: null,
      loadFailure: restoring ? state.loadFailure : null,
    })),
  reportProgress: (progress) =>
    set((state) => (state.load.status === 'loading' ? { load: { ...state.load, progress } } : {})),
  finishLoad: (summary) =>
    set((state) => ({
      // The Transcript view is of transcripts: another kind of file opens on its Summary.
      view: state.view === 'transcript' && summary.format !== 'sos' ? 'summary' : state.view,
      load: { status: 'loaded', fileName: summary.fileName },
      summary,
      heapVersion: state.heapVersion + 1,
      analysis: { state: 'idle' },
      selection: EMPTY_SELECTION,
      fingerprint: null,
      heapImage: null,
      otherTabsHolding: 0,
    })),
  failLoad: (fileName, message) =>
    set({
      load: { status: 'failed', fileName, message },
      summary: null,
      loadFailure: { fileName, message, reopened: null },
    }),
  resetLoad: () => set({ load: { status: 'idle' }, summary: null }),
}));

/** Adds one line to what the page says about the opened link (once). */
export function addLinkNote(note: string): void {
  const notes = useViewStore.getState().linkNotes;
  if (!notes.includes(note)) useViewStore.setState({ linkNotes: [...notes, note] });
}
