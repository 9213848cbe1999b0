/**
 * The worker that owns the heap. It implements HeapWorkerApi (api.ts) with comlink: the UI sends a
 * File (a Blob: structured-cloned as a handle, its bytes are not copied), the worker reads it by
 * slices through `loadHeap`, keeps the HeapModel, and answers questions with small results.
 */
import * as Comlink from 'comlink';
import type {
  AnalysisStatus,
  HeapSummary,
  HistogramPage,
  HistogramQuery,
  InstanceQuery,
  LoadOutcome,
  LoadProgressReport,
  ProgressCallback,
} from '../session/answers';
import {
  analyzeOpened,
  BROWSER_MEMORY_BUDGET_BYTES,
  byteSourceFromBlob,
  firstHistogramPage,
  openHeap,
  openHeapImage,
  provideArrayMemory,
  provideAnalysisHelper,
  sniffFormat,
  type OpenedHeap,
} from '../session/open-heap';
import { fingerprintOfBlob } from '../permalink/fingerprint';
import { DUMP_CACHE_LIMIT_BYTES, DumpCache } from '../permalink/dump-cache';
import { heapImageParts, writeImageParts } from '../permalink/heap-image';
import { diffHeaps, diffSideOf, type DiffSide, type HeapDiff } from '../session/diff';
import { openTranscript, transcriptShow } from '../session/transcript';
import type { DumpFingerprint } from '../permalink/url-state';
import type { HeapWorkerApi } from './api';
import { byteSourceThroughReader } from './blob-reader';
import { pageTouchedMemory } from './page-toucher';
import { analysisHelper } from './analysis-helper';

// Where the page is cross-origin isolated: the large arrays in memory a helper touches ahead of this
// worker (page-toucher.ts), and the reverse edges and the BFS on another helper while this worker
// numbers the nodes for the dominators and builds the dominator tree (analysis-helper.ts).
provideArrayMemory(pageTouchedMemory());
const helper = analysisHelper();
provideAnalysisHelper(helper);

/**
 * A dump of this size or more will likely give the analysis helper work (some 200,000 objects in a
 * .gcdump): the helper is started as its load begins, while this worker waits on reads.
 */
const HELPER_AHEAD_FILE_BYTES = 4 << 20;

/** Progress reports are throttled to about one per animation frame; the UI cannot show more. */
const PROGRESS_INTERVAL_MS = 16;

interface LoadedHeap extends OpenedHeap {
  status: AnalysisStatus;
  /** The analysis in progress or done, so a second `analyze()` waits for the same one. */
  analysis: Promise<AnalysisStatus> | null;
  /** Stops the analysis (between checkpoints) when another dump is opened. */
  readonly stopAnalysis: AbortController;
  readonly file: Blob;
  readonly name: string;
  fingerprint: Promise<DumpFingerprint> | null;
  /** Opened from its heap image: the analyses are the image's, and there is nothing to store. */
  readonly fromImage: boolean;
  /**
   * Opened with a companion file (the cache keys the first file alone), or as another than the
   * default session of a transcript (a link reopens the default): no image is kept.
   */
  readonly notTheCachedHeap: boolean;
  /** The image being stored, so a second call waits for the same one. */
  storing: ReturnType<HeapWorkerApi['storeImage']> | null;
  /** The Transcript view's answer, read once. */
  transcript: ReturnType<HeapWorkerApi['transcriptShow']> | null;
}

class LoadCancelled extends Error {
  constructor() {
    super('load cancelled');
    this.name = 'AbortError';
  }
}

let loaded: LoadedHeap | null = null;
/** A diff's baseline: the aggregates of a heap loaded before (no graph), kept across loads. */
let baseline: DiffSide | null = null;
/** The loaded heap's own side of a diff, computed once per heap. */
const sides = new WeakMap<LoadedHeap, DiffSide>();
/** The diff asked while the loaded heap's analyses run: the page asks at every progress report. */
const pendingDiffs = new WeakMap<LoadedHeap, { withPaths: boolean; top: number; baseline: DiffSide; diff: HeapDiff }>();
let currentLoad: AbortController | null = null;

/** Plain text for any error an importer (or the runtime) throws; FormatError messages name the offset. */
function errorText(error: unknown): string {
  if (error instanceof Error) {
    if (error instanceof RangeError && /allocation|Array buffer|memory/i.test(error.message)) {
      return `Out of memory while reading the file: ${error.message}`;
    }
    return error.message || error.name;
  }
  return String(error);
}

const api: HeapWorkerApi = {
  async load(
    file: Blob,
    name: string,
    onProgress: ProgressCallback,
    companion?: { readonly file: Blob; readonly name: string },
    cached?: { readonly fingerprint: DumpFingerprint; readonly image: Blob | null },
    transcriptSession?: number,
  ): Promise<LoadOutcome> {
    currentLoad?.abort();
    const controller = new AbortController();
    currentLoad = controller;
    // The previous heap is dropped before the new one is read, so two never coexist in memory.
    loaded?.stopAnalysis.abort();
    loaded = null;
    const startedAt = performance.now();
    let lastReport = -Infinity;
    let image: 'used' | { refused: string } | null = null;
    const reportProgress = (progress: Omit<LoadProgressReport, 'elapsedMs'>) => {
      // Importers report progress between slices: the earliest point to stop a cancelled load,
      // even for an importer that does not look at the signal itself.
      if (controller.signal.aborted) throw new LoadCancelled();
      const now = performance.now();
      if (now - lastReport < PROGRESS_INTERVAL_MS && progress.fraction < 1) return;
      lastReport = now;
      void onProgress({ ...progress, elapsedMs: now - startedAt });
    };
    try {
      let opened: OpenedHeap | null = null;
      if (cached?.image && !companion && transcriptSession === undefined) {
        // The heap image kept with the cached dump: the model and the analyses, read instead of
        // computed. A damaged or foreign image is set aside and the dump itself is read.
        const imageBytes = cached.image.size;
        // Read through a synchronous access handle where OPFS gives one (no copies), else as a Blob.
        const direct = await new DumpCache().openImageForReading(cached.fingerprint.sha256);
        try {
          const source = direct && direct.size === imageBytes ? direct : byteSourceFromBlob(cached.image, name);
          opened = await openHeapImage(source, cached.fingerprint, (bytesRead) =>
            reportProgress({
              stage: "reading the analysed heap from this browser's cache",
              bytesRead,
              totalBytes: imageBytes,
              fraction: bytesRead / imageBytes,
            }),
          );
          image = 'used';
        } catch (error) {
          if (error instanceof LoadCancelled || controller.signal.aborted) throw error;
          image = { refused: errorText(error) };
        } finally {
          direct?.close();
        }
      }
      if (!opened) {
        // The dump's slices are read by a second worker while this one decodes (blob-reader.ts).
        const reading = byteSourceThroughReader(file, name);
        if (file.size >= HELPER_AHEAD_FILE_BYTES) helper?.prepare();
        try {
          opened = await openHeap(reading, {
            signal: controller.signal,
            memoryBudgetBytes: BROWSER_MEMORY_BUDGET_BYTES,
            transcriptSession,
            // A full dump with a transcript or gcdump of the same process beside it names its GC heap.
            companion: companion ? byteSourceFromBlob(companion.file, companion.name) : undefined,
            onProgress: reportProgress,
            onIndexing: () =>
              void onProgress({
                stage: 'indexing types',
                bytesRead: file.size,
                totalBytes: file.size,
                fraction: 1,
                elapsedMs: performance.now() - startedAt,
              }),
          });
        } finally {
          reading.close();
        }
      }
      if (controller.signal.aborted) return { status: 'cancelled' };
      loaded = {
        ...opened,
        status: { state: 'idle' },
        analysis: null,
        stopAnalysis: new AbortController(),
        file,
        name,
        // A dump from the cache is named by its key: it was hashed when it was stored.
        fingerprint: cached ? Promise.resolve(cached.fingerprint) : null,
        fromImage: image === 'used',
        notTheCachedHeap: companion !== undefined || transcriptSession !== undefined,
        storing: null,
        transcript: null,
      };
      return { status: 'loaded', summary: opened.summary, firstHistogramPage: firstHistogramPage(opened), image };
    } catch (error) {
      if (controller.signal.aborted) return { status: 'cancelled' };
      return { status: 'failed', message: errorText(error) };
    } finally {
      if (currentLoad === controller) currentLoad = null;
      // The callback is a comlink proxy of a function in the UI: release its message port.
      (onProgress as unknown as Comlink.Remote<ProgressCallback>)[Comlink.releaseProxy]?.();
    }
  },

  cancel(): void {
    currentLoad?.abort();
    currentLoad = null;
  },

  summary(): HeapSummary | null {
    return loaded?.summary ?? null;
  },

  histogramPage(query: HistogramQuery): HistogramPage {
    if (!loaded) {
      const empty = { rows: 0, count: 0, bytes: 0 };
      return {
        totalRows: 0,
        offset: 0,
        rows: [],
        totals: { matching: empty, all: empty },
        filterError: null,
        pseudoRows: 0,
      };
    }
    return loaded.histogram.page(query);
  },

  analyze(onProgress: (status: AnalysisStatus) => void): Promise<AnalysisStatus> {
    const current = loaded;
    if (!current) return Promise.resolve({ state: 'failed', message: 'No dump is loaded.' });
    current.analysis ??= runAnalysis(current, onProgress);
    return current.analysis;
  },

  async fingerprint(hashed?: DumpFingerprint): Promise<DumpFingerprint | null> {
    const current = loaded;
    if (!current) return null;
    if (hashed && hashed.size === current.file.size) current.fingerprint ??= Promise.resolve(hashed);
    current.fingerprint ??= fingerprintOfBlob(current.file, current.name, yieldToQueue);
    return current.fingerprint;
  },

  analysisStatus(): AnalysisStatus {
    return loaded?.status ?? { state: 'idle' };
  },

  findings() {
    return loaded?.session.analyzed ? loaded.session.findings() : [];
  },

  findingPath(findingId: string) {
    return loaded?.session.analyzed ? loaded.session.findingPath(findingId) : null;
  },

  nodeAtObjectKey(key: string) {
    return loaded ? loaded.session.nodeAtObjectKey(key) : null;
  },

  objectKey(node: number) {
    return loaded ? loaded.session.objectKey(node) : null;
  },

  object(node: number) {
    return loaded ? loaded.session.object(node) : null;
  },

  async objectValues(node: number) {
    return loaded ? loaded.session.objectValues(node) : null;
  },

  references(node: number, direction: 'out' | 'in', offset: number, limit: number) {
    if (!loaded || (direction === 'in' && !loaded.session.analyzed)) return { total: 0, offset: 0, rows: [] };
    return loaded.session.references(node, direction, offset, limit);
  },

  rootPaths(node: number) {
    if (!loaded?.session.analyzed) throw new Error('The analysis has not finished yet.');
    return loaded.session.rootPaths(node);
  },

  runMembers(...query: Parameters<HeapWorkerApi['runMembers']>) {
    return loaded ? loaded.session.runMembers(...query) : { total: 0, offset: 0, rows: [] };
  },

  instances(query: InstanceQuery) {
    if (!loaded)
      return {
        totalRows: 0,
        offset: 0,
        rows: [],
        matching: { count: 0, bytes: 0 },
        sizeBins: [],
        livenessKnown: false,
      };
    return loaded.session.instances(query);
  },

  dominatorChildren(node: number | null, offset: number, limit: number) {
    return loaded ? loaded.session.dominatorChildren(node, offset, limit) : { total: 0, offset: 0, rows: [] };
  },

  storeImage() {
    const current = loaded;
    if (!current) return Promise.resolve(null);
    current.storing ??= storeImage(current);
    return current.storing;
  },

  async setBaseline() {
    const current = loaded;
    if (!current) return null;
    const status = await (current.analysis ?? Promise.resolve(current.status));
    if (status.state !== 'ready' || loaded !== current) return null;
    const fingerprint = current.fingerprint ? await current.fingerprint : null;
    baseline = diffSideOf(current.name, current);
    return { name: current.name, fingerprint };
  },

  clearBaseline() {
    baseline = null;
  },

  diff(top: number) {
    if (!baseline || !loaded) return null;
    // Before its analyses the open dump gives its types by count and bytes (the answer says it is
    // pending), and its growth paths as soon as its dominators are known; each kept while it holds.
    if (!loaded.session.analyzed) {
      const withPaths = loaded.session.dominatorPathTree() !== null;
      const kept = pendingDiffs.get(loaded);
      if (kept && kept.withPaths === withPaths && kept.top === top && kept.baseline === baseline) return kept.diff;
      const diff = diffHeaps(baseline, diffSideOf(loaded.name, loaded), { top });
      pendingDiffs.set(loaded, { withPaths, top, baseline, diff });
      return diff;
    }
    let side = sides.get(loaded);
    if (!side) sides.set(loaded, (side = diffSideOf(loaded.name, loaded)));
    return diffHeaps(baseline, side, { top });
  },

  transcriptShow() {
    const current = loaded;
    if (!current || current.summary.format !== 'sos') return Promise.resolve(null);
    // Read again from the file once per heap (the load keeps the model, not the parsed blocks).
    current.transcript ??= openTranscript(byteSourceFromBlob(current.file, current.name), { whole: true }).then(
      (transcript) => (transcript ? transcriptShow(transcript) : null),
    );
    return current.transcript;
  },

  async formatOf(file: Blob) {
    return sniffFormat(byteSourceFromBlob(file, 'file'));
  },
};

/** Stops writing an image when its heap is no longer the one loaded (its columns would be kept alive). */
class ImageSuperseded extends Error {}

/**
 * The stream writing the image takes no shared memory, and the large columns may be shared
 * (page-toucher.ts): their slices are copied through one buffer of the image's, reused once each
 * write is done.
 */
function unsharedSlices(): (bytes: Uint8Array) => Uint8Array<ArrayBuffer> {
  let copy = new Uint8Array(0);
  return (bytes) => {
    if (!(typeof SharedArrayBuffer !== 'undefined' && bytes.buffer instanceof SharedArrayBuffer))
      return bytes as Uint8Array<ArrayBuffer>;
    if (copy.length < bytes.length) copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    return copy.subarray(0, bytes.length);
  };
}

/**
 * Writes the loaded heap's image beside its cached dump, once the analyses are ready (see api.ts).
 * Null when there is nothing to store: opened from its image, with a companion, not analysed, or
 * the cache refused it (no OPFS, not cached, over the limit).
 */
async function storeImage(
  current: LoadedHeap,
): Promise<{ bytes: number; seconds: number } | { notStored: string } | null> {
  if (current.fromImage || current.notTheCachedHeap) return null;
  const status = await (current.analysis ?? Promise.resolve(current.status));
  const computed = current.session.computed();
  if (status.state !== 'ready' || !computed || !current.fingerprint || loaded !== current) return null;
  const fingerprint = await current.fingerprint;
  const startedAt = performance.now();
  const image = heapImageParts(fingerprint, computed);
  try {
    const unshared = unsharedSlices();
    const stored = await new DumpCache().putImage(fingerprint.sha256, image.totalBytes, (writable) =>
      writeImageParts(image, { write: (bytes) => writable.write(unshared(bytes)) }, async () => {
        await yieldToQueue();
        if (loaded !== current) throw new ImageSuperseded();
      }),
    );
    return stored
      ? { bytes: image.totalBytes, seconds: (performance.now() - startedAt) / 1000 }
      : {
          notStored: `the cache keeps at most ${(DUMP_CACHE_LIMIT_BYTES / 1024 ** 3).toFixed(0)} GB, and this dump with its image (${(image.totalBytes / 1e6).toFixed(0)} MB) does not fit, or the dump is no longer cached`,
        };
  } catch (error) {
    if (error instanceof ImageSuperseded) return null;
    return { notStored: `the browser's storage refused it: ${errorText(error)}` };
  }
}

/** Lets queued requests (histogram pages, status) run between analysis stages. */
const yieldToQueue = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function runAnalysis(current: LoadedHeap, onProgress: (status: AnalysisStatus) => void): Promise<AnalysisStatus> {
  const startedAt = performance.now();
  let lastReport = -Infinity;
  let lastStage = '';
  const report = (status: AnalysisStatus) => {
    current.status = status;
    const now = performance.now();
    // A new stage is always said (a diff's growth paths come once the dominators' stage ends).
    const newStage = status.state === 'running' && status.stage !== lastStage;
    if (status.state === 'running' && !newStage && now - lastReport < PROGRESS_INTERVAL_MS) return;
    if (status.state === 'running') lastStage = status.stage;
    lastReport = now;
    void onProgress(status);
  };
  try {
    await yieldToQueue();
    await analyzeOpened(
      current,
      (stage, fraction) => report({ state: 'running', stage, fraction }),
      current.stopAnalysis.signal,
      yieldToQueue,
    );
    if (loaded !== current) return { state: 'failed', message: 'Another dump was opened.' };
    report({
      state: 'ready',
      seconds: (performance.now() - startedAt) / 1000,
      hasDominators: current.session.hasDominators,
      unreachable: current.session.unreachable(),
      fromImage: current.fromImage,
    });
    // In the idle time that follows: the path tree a "Compare with…" would keep of this dump.
    void current.session.prepareDominatorPathTree(yieldToQueue, () => loaded === current);
  } catch (error) {
    report({ state: 'failed', message: errorText(error) });
  } finally {
    (onProgress as unknown as Comlink.Remote<(status: AnalysisStatus) => void>)[Comlink.releaseProxy]?.();
  }
  return current.status;
}

Comlink.expose(api);
