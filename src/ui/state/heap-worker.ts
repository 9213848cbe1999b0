/**
 * The UI's one handle on the heap worker, and the one way to open a file: `openDump` starts a load
 * (cancelling any load in progress, in the worker), forwards progress into the store, and records
 * the outcome. All parsing happens in the worker; the main thread only passes the Blob along.
 */
import * as Comlink from 'comlink';
import type { HeapWorkerApi } from '../../worker/api';
import type { LoadProgressReport } from '../../session/answers';
import type { AnalysisStatus } from '../../session/answers';
import { useViewStore } from './store';
import { DumpCache } from '../../permalink/dump-cache';

const worker = new Worker(new URL('../../worker/heap.worker.ts', import.meta.url), {
  type: 'module',
  name: 'heapscope-heap',
});

export const heapWorker = Comlink.wrap<HeapWorkerApi>(worker);

// A worker that cannot start (or crashes, e.g. out of memory) answers nothing: say so instead of
// leaving the progress bar spinning.
worker.addEventListener('error', (event) => {
  const state = useViewStore.getState();
  if (state.load.status !== 'loading') return;
  const reason = event.message || 'the browser stopped it (out of memory?)';
  state.failLoad(state.load.fileName, `The heap worker failed: ${reason}`);
});

/** Sequence number of the latest load: answers for an older one are ignored. */
let latestLoad = 0;

/**
 * What the picker or a drop hands over: one file, or a full dump (core, minidump) with a transcript
 * or gcdump of the same process, which names the dump's GC heap.
 */
export async function openFiles(files: readonly File[]): Promise<void> {
  if (files.length === 1) return openDump(files[0], files[0].name);
  if (files.length === 2) {
    return openDump(
      files[0],
      `${files[0].name} + ${files[1].name}`,
      { file: files[1], name: files[1].name },
      files[0].name,
    );
  }
  if (files.length > 2) {
    useViewStore
      .getState()
      .failLoad(
        `${files.length} files`,
        `${files.length} files were dropped: open one file, or a core or minidump with one transcript or .gcdump of the same process.`,
      );
  }
}

export async function openDump(
  file: Blob,
  fileName: string,
  companion?: { readonly file: Blob; readonly name: string },
  firstName = fileName,
  restoring = false,
  comparing = false,
): Promise<void> {
  const load = ++latestLoad;
  const store = useViewStore.getState();
  // A dump opened on its own ends a comparison; "Compare with…" keeps the baseline it just took.
  if (!comparing && !restoring && store.baseline) {
    void heapWorker.clearBaseline();
    useViewStore.setState({ baseline: null });
  }
  store.startLoad(fileName, file.size + (companion?.file.size ?? 0), restoring);
  const onProgress = Comlink.proxy((report: LoadProgressReport) => {
    if (load === latestLoad) useViewStore.getState().reportProgress(report);
  });
  try {
    const outcome = companion
      ? await heapWorker.load(file, firstName, onProgress, companion)
      : await heapWorker.load(file, fileName, onProgress);
    if (load !== latestLoad) return;
    if (outcome.status === 'loaded') {
      useViewStore.setState({ firstHistogramPage: outcome.firstHistogramPage });
      // With a companion the header names both files.
      useViewStore.getState().finishLoad(companion ? { ...outcome.summary, fileName } : outcome.summary);
      lastOpened = { file, fileName, companion, firstName };
      if (restoring) {
        const failure = useViewStore.getState().loadFailure;
        if (failure) useViewStore.setState({ loadFailure: { ...failure, reopened: fileName } });
      }
      void analyzeLoadedHeap(load);
      void fingerprintLoadedHeap(load, file);
    } else if (outcome.status === 'failed') {
      useViewStore.getState().failLoad(fileName, outcome.message);
      // A comparison whose second dump cannot be read is no comparison.
      if (comparing) {
        void heapWorker.clearBaseline();
        useViewStore.setState({ baseline: null });
      }
      // The worker holds one heap at a time (two incident-size heaps do not fit a tab), so the dump
      // that was open is read again from its file: the failure stays on screen above it.
      const previous = lastOpened;
      if (previous && !restoring && previous.file !== file) {
        void openDump(previous.file, previous.fileName, previous.companion, previous.firstName, true);
      }
    } else useViewStore.getState().resetLoad();
  } catch (error) {
    // Only a broken worker gets here (importer errors come back as 'failed').
    if (load === latestLoad) {
      useViewStore.getState().failLoad(fileName, error instanceof Error ? error.message : String(error));
    }
  }
}

/** The last file opened, so a refused permalink can reopen it without the link. */
let lastOpened: {
  file: Blob;
  fileName: string;
  companion: { readonly file: Blob; readonly name: string } | undefined;
  firstName: string;
} | null = null;

export function reopenLastDump(): void {
  if (lastOpened) void openDump(lastOpened.file, lastOpened.fileName, lastOpened.companion, lastOpened.firstName);
}

const dumpCache = new DumpCache();

/**
 * The dump's SHA-256 (hashed in the worker by slices) names it in permalinks; the file is kept in
 * the origin-private cache under it so links open at once on this machine.
 */
async function fingerprintLoadedHeap(load: number, file: Blob): Promise<void> {
  try {
    const fingerprint = await heapWorker.fingerprint();
    if (load !== latestLoad || !fingerprint) return;
    useViewStore.setState({ fingerprint });
    await dumpCache.put(fingerprint, file).catch(() => false);
  } catch {
    // No fingerprint: links to this dump cannot name it; everything else works.
  }
}

/**
 * "Compare with…": the open, analysed dump becomes the baseline (the worker keeps its aggregates and
 * drops its graph with the next load), then `file` is opened and the Diff view shows what grew.
 */
export async function compareWith(file: Blob, fileName: string): Promise<boolean> {
  const baseline = await heapWorker.setBaseline();
  if (!baseline) return false;
  useViewStore.setState({ baseline });
  await openDump(file, fileName, undefined, fileName, false, true);
  if (useViewStore.getState().baseline === null) return false;
  useViewStore.getState().setView('diff');
  return true;
}

/**
 * A Diff link: its baseline and its dump, both from this browser's cache: the baseline is opened and
 * analysed, kept as aggregates, then the dump is opened and compared with it.
 */
export async function openCachedComparison(baseSha: string, sha256: string): Promise<boolean> {
  useViewStore.setState({ linkCache: 'looking' });
  const [base, current] = await Promise.all([
    dumpCache.get(baseSha).catch(() => null),
    dumpCache.get(sha256).catch(() => null),
  ]);
  if (!base || !current) {
    useViewStore.setState({ linkCache: 'absent' });
    return false;
  }
  useViewStore.setState({ linkCache: 'opening' });
  await openDump(base, base.name);
  const compared = await compareWith(current, current.name);
  useViewStore.setState({ linkCache: null });
  return compared;
}

/** Opens the cached dump a permalink names, if this browser has it. */
export async function openCachedDump(sha256: string): Promise<boolean> {
  // A link never shows nothing: the banner says what it waits for (LinkBanner, linkCache).
  useViewStore.setState({ linkCache: 'looking' });
  const slow = setTimeout(() => {
    if (useViewStore.getState().linkCache === 'looking') useViewStore.setState({ linkCache: 'slow' });
  }, CACHE_LOOKUP_PATIENCE_MS);
  const file = await dumpCache.get(sha256).catch(() => null);
  clearTimeout(slow);
  if (!file) {
    useViewStore.setState({ linkCache: 'absent' });
    return false;
  }
  useViewStore.setState({ linkCache: 'opening' });
  await openDump(file, file.name);
  useViewStore.setState({ linkCache: null });
  return true;
}

/** After this long without an answer from the cache, the banner says the lookup is slow. */
const CACHE_LOOKUP_PATIENCE_MS = 3000;

export function forgetCachedDumps(): Promise<void> {
  return dumpCache.forgetAll();
}

/**
 * Starts the analyses (dominators, root paths, findings) right after the histogram is on screen,
 * forwarding their progress into the store.
 */
async function analyzeLoadedHeap(load: number): Promise<void> {
  const onProgress = Comlink.proxy((status: AnalysisStatus) => {
    if (load === latestLoad) useViewStore.getState().reportAnalysis(status);
  });
  try {
    const status = await heapWorker.analyze(onProgress);
    if (load === latestLoad) useViewStore.getState().reportAnalysis(status);
  } catch (error) {
    if (load === latestLoad) {
      useViewStore
        .getState()
        .reportAnalysis({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }
}

export function cancelLoad(): void {
  latestLoad++;
  void heapWorker.cancel();
  useViewStore.getState().resetLoad();
}
