/**
 * The worker that owns the heap. It implements HeapWorkerApi (api.ts) with comlink: the UI sends a
 * File (a Blob: structured-cloned as a handle, its bytes are not copied), the worker reads it by
 * slices through `loadHeap`, keeps the HeapModel, and answers questions with small results.
 */
import * as Comlink from 'comlink';
import { byteSourceFromBlob } from '../formats/byte-source';
import { loadHeap } from '../formats/load';
import type { HeapModel } from '../heap/types';
import type { HeapSummary, HeapWorkerApi, HistogramPage, HistogramQuery, LoadOutcome, ProgressCallback } from './api';
import { heapSummary } from './heap-summary';
import { HistogramIndex } from './histogram-query';

/** Progress reports are throttled to about one per animation frame; the UI cannot show more. */
const PROGRESS_INTERVAL_MS = 16;

interface LoadedHeap {
  readonly heap: HeapModel;
  readonly histogram: HistogramIndex;
  readonly summary: HeapSummary;
}

class LoadCancelled extends Error {
  constructor() {
    super('load cancelled');
    this.name = 'AbortError';
  }
}

let loaded: LoadedHeap | null = null;
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
  async load(file: Blob, name: string, onProgress: ProgressCallback): Promise<LoadOutcome> {
    currentLoad?.abort();
    const controller = new AbortController();
    currentLoad = controller;
    // The previous heap is dropped before the new one is read, so two never coexist in memory.
    loaded = null;
    const startedAt = performance.now();
    let lastReport = -Infinity;
    try {
      const source = byteSourceFromBlob(file, name);
      const heap = await loadHeap(source, {
        signal: controller.signal,
        onProgress: (progress) => {
          // Importers report progress between slices: the earliest point to stop a cancelled load,
          // even for an importer that does not look at the signal itself.
          if (controller.signal.aborted) throw new LoadCancelled();
          const now = performance.now();
          if (now - lastReport < PROGRESS_INTERVAL_MS && progress.fraction < 1) return;
          lastReport = now;
          void onProgress({ ...progress, elapsedMs: now - startedAt });
        },
      });
      if (controller.signal.aborted) return { status: 'cancelled' };
      void onProgress({
        stage: 'indexing types',
        bytesRead: file.size,
        totalBytes: file.size,
        fraction: 1,
        elapsedMs: performance.now() - startedAt,
      });
      const histogram = new HistogramIndex(heap);
      const summary = heapSummary({
        heap,
        histogram: histogram.table(true).rows,
        fileName: name,
        fileBytes: file.size,
        loadMs: performance.now() - startedAt,
      });
      loaded = { heap, histogram, summary };
      return { status: 'loaded', summary };
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
      return { totalRows: 0, offset: 0, rows: [], totals: { matching: empty, all: empty }, filterError: null };
    }
    return loaded.histogram.page(query);
  },
};

Comlink.expose(api);
