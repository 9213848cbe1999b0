/**
 * View state only (zustand): which view is open, how the histogram is sorted and filtered, and
 * where a load stands. The heap itself stays in the worker; `summary` is the worker's small answer.
 * The parts that a permalink carries are mirrored in the location hash by url.ts.
 */
import { create } from 'zustand';
import type { HeapSummary, HistogramSortKey, LoadProgressReport } from '../worker/api';

export type ViewName = 'summary' | 'types';

export interface HistogramViewState {
  readonly sortKey: HistogramSortKey;
  readonly descending: boolean;
  readonly filter: string;
  readonly regex: boolean;
  readonly mergeByName: boolean;
}

export const DEFAULT_HISTOGRAM_VIEW: HistogramViewState = {
  sortKey: 'bytes',
  descending: true,
  filter: '',
  regex: false,
  mergeByName: true,
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
  readonly load: LoadState;
  readonly summary: HeapSummary | null;
  /** Increments with every loaded heap, so views drop what they fetched from the previous one. */
  readonly heapVersion: number;
  setView(view: ViewName): void;
  updateHistogram(change: Partial<HistogramViewState>): void;
  startLoad(fileName: string, fileBytes: number): void;
  reportProgress(progress: LoadProgressReport): void;
  finishLoad(summary: HeapSummary): void;
  failLoad(fileName: string, message: string): void;
  resetLoad(): void;
}

export const useViewStore = create<ViewStore>()((set) => ({
  view: 'summary',
  histogram: DEFAULT_HISTOGRAM_VIEW,
  load: { status: 'idle' },
  summary: null,
  heapVersion: 0,
  setView: (view) => set({ view }),
  updateHistogram: (change) => set((state) => ({ histogram: { ...state.histogram, ...change } })),
  startLoad: (fileName, fileBytes) =>
    set({ load: { status: 'loading', fileName, fileBytes, progress: null }, summary: null }),
  reportProgress: (progress) =>
    set((state) => (state.load.status === 'loading' ? { load: { ...state.load, progress } } : {})),
  finishLoad: (summary) =>
    set((state) => ({
      load: { status: 'loaded', fileName: summary.fileName },
      summary,
      heapVersion: state.heapVersion + 1,
    })),
  failLoad: (fileName, message) => set({ load: { status: 'failed', fileName, message }, summary: null }),
  resetLoad: () => set({ load: { status: 'idle' }, summary: null }),
}));
