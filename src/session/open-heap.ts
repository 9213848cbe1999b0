/**
 * Opening a dump: the one path from bytes to a session, shared by the worker and the CLI. Reads the
 * source through formats/load.ts (with a companion transcript or gcdump for a core or minidump),
 * indexes the histogram, builds the summary, and hands back the session that answers every question.
 */
import type { ByteSource, LoadOptions } from '../formats/byte-source';
import { loadDumpWithCompanion, loadHeap } from '../formats/load';
import type { HeapModel } from '../heap/types';
import { FIRST_HISTOGRAM_QUERY, type HeapSummary, type HistogramPage } from './answers';
import { HeapSession } from './heap-session';
import { heapSummary } from './heap-summary';
import { HistogramIndex } from './histogram-query';

// What the callers above the session (the worker, the CLI) need of the input side, so they import
// nothing below the session: the byte sources they open, the error a malformed input raises, the
// browser's memory budget.
export { byteSourceFromBlob, FormatError, type ByteSource } from '../formats/byte-source';
export { BROWSER_MEMORY_BUDGET_BYTES } from '../heap/memory-budget';

export interface OpenedHeap {
  readonly heap: HeapModel;
  readonly histogram: HistogramIndex;
  readonly summary: HeapSummary;
  readonly session: HeapSession;
}

export interface OpenOptions extends LoadOptions {
  /** A transcript or gcdump of the same process as a core or minidump (names its GC heap). */
  readonly companion?: ByteSource;
  /** Called after the file is read, before the histogram is indexed (the worker reports it). */
  readonly onIndexing?: () => void;
}

export async function openHeap(source: ByteSource, options: OpenOptions = {}): Promise<OpenedHeap> {
  const startedAt = performance.now();
  const heap = options.companion
    ? await loadDumpWithCompanion(source, options.companion, options)
    : await loadHeap(source, options);
  options.signal?.throwIfAborted();
  options.onIndexing?.();
  const histogram = new HistogramIndex(heap);
  const summary = heapSummary({
    heap,
    histogram: histogram.table(true).rows,
    fileName: source.name,
    fileBytes: source.size,
    loadMs: performance.now() - startedAt,
  });
  const session = new HeapSession(heap);
  return { heap, histogram, summary, session };
}

/**
 * Runs the analyses of an opened heap (reverse edges, BFS, dominators, retained sizes, findings) and
 * gives the histogram its retained column: what the page does after its first histogram page.
 */
export async function analyzeOpened(opened: OpenedHeap, ...args: Parameters<HeapSession['analyze']>): Promise<void> {
  await opened.session.analyze(...args);
  opened.histogram.attachRetained((rows) => opened.session.retainedByRow(rows));
}

/** The first histogram page in the default order, sent with the load so the Types view shows at once. */
export function firstHistogramPage(opened: OpenedHeap): HistogramPage {
  return opened.histogram.page(FIRST_HISTOGRAM_QUERY);
}
