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
import { fingerprintInWorker } from '../../permalink/fingerprint-worker';
import type { DumpFingerprint } from '../../permalink/url-state';
import { announceHolding, releaseHolding } from './other-tabs';

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
    // Two dumps of which neither is a core or minidump are two moments of a process: compared, the
    // older file (by its modification time) as the baseline. A core or minidump opens with its companion.
    const formats = await Promise.all(files.map((file) => heapWorker.formatOf(file).catch(() => null)));
    const full = (format: string | null) => format === 'elf-core' || format === 'minidump';
    if (formats.every((format) => format !== null && !full(format))) {
      const [base, current] = files[0].lastModified <= files[1].lastModified ? files : [files[1], files[0]];
      await openDump(base, base.name);
      if (useViewStore.getState().summary) await compareWith(current, current.name);
      return;
    }
    return openDump(files[0], `${files[0].name} + ${files[1].name}`, {
      companion: { file: files[1], name: files[1].name },
      firstName: files[0].name,
    });
  }
  if (files.length > 2) {
    useViewStore
      .getState()
      .failLoad(
        `${files.length} files`,
        `${files.length} files were dropped: open one file, two dumps of one process to compare them, or a core or minidump with one transcript or .gcdump of the same process.`,
      );
  }
}

/** How a file is opened, besides the file itself. */
export interface OpenHow {
  /** A transcript or gcdump of the same process as a core or minidump. */
  readonly companion?: { readonly file: Blob; readonly name: string };
  /** The first file's own name, when `fileName` names both. */
  readonly firstName?: string;
  /** The dump that was open before a failed load is opened again (the failure stays shown). */
  readonly restoring?: boolean;
  /** The second dump of "Compare with…" (the baseline is kept). */
  readonly comparing?: boolean;
  /** The file is from the dump cache: its fingerprint, and the heap image stored beside it. */
  readonly cached?: { readonly fingerprint: DumpFingerprint; readonly image: Blob | null };
  /** A transcript of several debugger sessions: the one to open (1-based). */
  readonly transcriptSession?: number;
}

export async function openDump(file: Blob, fileName: string, how: OpenHow = {}): Promise<void> {
  const { companion, firstName = fileName, restoring = false, comparing = false, cached, transcriptSession } = how;
  const load = ++latestLoad;
  const store = useViewStore.getState();
  // A dump opened on its own ends a comparison; "Compare with…" keeps the baseline it just took.
  if (!comparing && !restoring && store.baseline) {
    void heapWorker.clearBaseline();
    useViewStore.setState({ baseline: null });
  }
  releaseHolding();
  store.startLoad(fileName, file.size + (companion?.file.size ?? 0), restoring);
  const onProgress = Comlink.proxy((report: LoadProgressReport) => {
    if (load === latestLoad) useViewStore.getState().reportProgress(report);
  });
  try {
    const outcome = await heapWorker.load(file, firstName, onProgress, companion, cached, transcriptSession);
    if (load !== latestLoad) return;
    if (outcome.status === 'loaded') {
      useViewStore.setState({ firstHistogramPage: outcome.firstHistogramPage });
      // With a companion the header names both files.
      useViewStore.getState().finishLoad(companion ? { ...outcome.summary, fileName } : outcome.summary);
      if (outcome.image === 'used')
        useViewStore.setState({ heapImage: { state: 'used', bytes: cached?.image?.size ?? 0 } });
      else if (outcome.image) useViewStore.setState({ heapImage: { state: 'refused', reason: outcome.image.refused } });
      lastOpened = { file, fileName, how: { companion, firstName, transcriptSession } };
      if (restoring) {
        const failure = useViewStore.getState().loadFailure;
        if (failure) useViewStore.setState({ loadFailure: { ...failure, reopened: fileName } });
      }
      const analysed = analyzeLoadedHeap(load);
      // Hashed once the analyses are done: beside them, the hashing takes a core they use (2 cores:
      // "ready" 1–2 s later at 18.6 M objects). Unless an opened link waits for it, to know whether
      // this is its dump and to restore its view: then at once.
      const linkWaits = !cached && useViewStore.getState().link?.dump != null;
      let named!: () => void;
      naming = { load, named: new Promise<void>((resolve) => (named = resolve)) };
      void (linkWaits ? Promise.resolve() : analysed)
        .then(() => fingerprintLoadedHeap(load, file, cached ? null : firstName, outcome.image === 'used', named))
        .finally(named);
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
        void openDump(previous.file, previous.fileName, { ...previous.how, restoring: true });
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
let lastOpened: { file: Blob; fileName: string; how: OpenHow } | null = null;

export function reopenLastDump(): void {
  if (lastOpened) void openDump(lastOpened.file, lastOpened.fileName, lastOpened.how);
}

/** The open transcript again, built from another of its debugger sessions. */
export function reopenTranscriptSession(session: number): void {
  if (lastOpened)
    void openDump(lastOpened.file, lastOpened.fileName, { ...lastOpened.how, transcriptSession: session });
}

const dumpCache = new DumpCache();

/** The latest load's naming: done once its dump is hashed and on its way into the cache, or could not be. */
let naming: { readonly load: number; readonly named: Promise<void> } | null = null;

/**
 * Resolves once the open dump is named (hashed, its fingerprint in the store) or could not be. A
 * link made before that cannot name its dump, and the dump is hashed after its analyses: a link
 * copied as soon as they are ready waits for it here (about a second at 18.6 M objects).
 */
export async function dumpNamed(): Promise<void> {
  if (naming?.load === latestLoad) await naming.named;
}

/**
 * The dump's SHA-256 names it in permalinks: hashed on a worker of the page's own once the
 * analyses are done (permalink/fingerprint-worker.ts), or by the heap worker where that fails. The
 * file is kept in the origin-private cache under it so links open at once on this machine, and once
 * the analyses are ready its heap image beside it, so they reopen without parsing or analysing.
 */
async function fingerprintLoadedHeap(
  load: number,
  file: Blob,
  /** The file's name, to hash it by; null for a dump from the cache, named by its key already. */
  hashAs: string | null,
  fromImage: boolean,
  /** Called once the dump is named (its fingerprint known and its copy into the cache begun); the caller calls it again at the end. */
  named: () => void,
): Promise<void> {
  let fingerprint: DumpFingerprint | null;
  try {
    const hashed = hashAs === null ? undefined : await fingerprintInWorker(file, hashAs).catch(() => undefined);
    if (load !== latestLoad) return;
    fingerprint = await heapWorker.fingerprint(hashed);
  } catch (error) {
    // No fingerprint: links to this dump cannot name it (and say why); everything else works.
    if (load === latestLoad && !fromImage)
      useViewStore.setState({
        heapImage: { state: 'unhashed', reason: error instanceof Error ? error.message : String(error) },
      });
    return;
  }
  if (load !== latestLoad || !fingerprint) return;
  // The dump goes into the cache, then its image beside it: 'storing' covers both.
  useViewStore.setState(fromImage ? { fingerprint } : { fingerprint, heapImage: { state: 'storing' } });
  announceHolding(fingerprint.sha256);
  if (fromImage) return;
  const putting = dumpCache.put(fingerprint, file).catch(() => false);
  named();
  if (!(await putting)) {
    if (load === latestLoad) useViewStore.setState({ heapImage: null });
    return;
  }
  if (load !== latestLoad) return;
  const stored = await heapWorker
    .storeImage()
    .catch((error: unknown) => ({ notStored: error instanceof Error ? error.message : String(error) }));
  if (load !== latestLoad) return;
  useViewStore.setState({
    heapImage: !stored
      ? null
      : 'notStored' in stored
        ? { state: 'not-stored', reason: stored.notStored }
        : { state: 'stored', ...stored },
  });
}

/**
 * "Compare with…": the open, analysed dump becomes the baseline (the worker keeps its aggregates and
 * drops its graph with the next load), then `file` is opened and the Diff view shows what grew.
 */
export async function compareWith(file: Blob, fileName: string): Promise<boolean> {
  // The baseline's fingerprint goes into the Diff's links, and its file into the cache they reopen
  // from: both begin once the open dump is hashed, after its analyses.
  await dumpNamed();
  const baseline = await heapWorker.setBaseline();
  if (!baseline) return false;
  useViewStore.setState({ baseline });
  await openDump(file, fileName, { comparing: true });
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

/** Opens the cached dump a permalink names, if this browser has it, from its heap image if it has one. */
export async function openCachedDump(sha256: string): Promise<boolean> {
  // A link never shows nothing: the banner says what it waits for (LinkBanner, linkCache).
  useViewStore.setState({ linkCache: 'looking' });
  const slow = setTimeout(() => {
    if (useViewStore.getState().linkCache === 'looking') useViewStore.setState({ linkCache: 'slow' });
  }, CACHE_LOOKUP_PATIENCE_MS);
  const [file, image] = await Promise.all([
    dumpCache.get(sha256).catch(() => null),
    dumpCache.getImage(sha256).catch(() => null),
  ]);
  clearTimeout(slow);
  if (!file) {
    useViewStore.setState({ linkCache: 'absent' });
    return false;
  }
  useViewStore.setState({ linkCache: 'opening' });
  // A link to another debugger session of a transcript: the image is of its default session.
  const session = useViewStore.getState().link?.session ?? null;
  await openDump(file, file.name, {
    cached: { fingerprint: { sha256, size: file.size, name: file.name }, image: session === null ? image : null },
    transcriptSession: session ?? undefined,
  });
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
