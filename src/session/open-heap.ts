/**
 * Opening a dump: the one path from bytes to a session, shared by the worker and the CLI. Reads the
 * source through formats/load.ts (with a companion transcript or gcdump for a core or minidump),
 * indexes the histogram, builds the summary, and hands back the session that answers every question.
 */
import type { ByteSource, LoadOptions } from '../formats/byte-source';
import { loadDumpWithCompanion, loadHeap, SNIFF_BYTES } from '../formats/load';
import { detectFormat } from '../formats/detect';
import type { HeapModel, InputFormat } from '../heap/types';
import { FIRST_HISTOGRAM_QUERY, type HeapSummary, type HistogramPage } from './answers';
import { HeapSession, type AnalyzeProgress } from './heap-session';
import { heapSummary } from './heap-summary';
import { HistogramIndex } from './histogram-query';
import { readHeapImage, type HeapImage, type ImageDump, type ImageSource } from '../permalink/heap-image';
import type { ComputedAnalyses } from '../analysis/analysis-context';
import { dropReleasedArrays } from '../heap/array-memory';

// What the callers above the session (the worker, the CLI) need of the input side, so they import
// nothing below the session: the byte sources they open, the error a malformed input raises, the
// browser's memory budget, where the large arrays' memory comes from.
export {
  byobReaderOf,
  byteSourceFromBlob,
  fillFromStream,
  FormatError,
  readBlobInto,
  type ByteSource,
} from '../formats/byte-source';
export { BROWSER_MEMORY_BUDGET_BYTES } from '../heap/memory-budget';
export { provideArrayMemory, provideHelperMemory, type ArrayMemory } from '../heap/array-memory';
export { provideAnalysisHelper } from '../analysis/analyze-heap';

/** What a file is, from its first bytes (formats/detect.ts); null for anything heapscope does not read. */
export async function sniffFormat(source: ByteSource): Promise<InputFormat | null> {
  return source.size === 0 ? null : detectFormat(await source.read(0, Math.min(SNIFF_BYTES, source.size)));
}

export interface OpenedHeap {
  readonly heap: HeapModel;
  readonly histogram: HistogramIndex;
  readonly summary: HeapSummary;
  readonly session: HeapSession;
  /** What an earlier analysis computed, when the heap came from its image: `analyzeOpened` reuses it. */
  readonly computed?: ComputedAnalyses;
}

export interface OpenOptions extends LoadOptions {
  /** A transcript or gcdump of the same process as a core or minidump (names its GC heap). */
  readonly companion?: ByteSource;
  /** Called after the file is read, before the histogram is indexed (the worker reports it). */
  readonly onIndexing?: () => void;
}

export async function openHeap(source: ByteSource, options: OpenOptions = {}): Promise<OpenedHeap> {
  const startedAt = performance.now();
  // What an earlier load gave back and its analyses (cancelled, say) did not take.
  dropReleasedArrays();
  const heap = options.companion
    ? await loadDumpWithCompanion(source, options.companion, options)
    : await loadHeap(source, options);
  options.signal?.throwIfAborted();
  options.onIndexing?.();
  return opened(heap, source, startedAt);
}

function opened(
  heap: HeapModel,
  file: { name: string; size: number },
  startedAt: number,
  image?: HeapImage,
): OpenedHeap {
  const histogram = new HistogramIndex(heap);
  const summary = heapSummary({
    heap,
    histogram: histogram.table(true).rows,
    nodeKinds: histogram.nodeKinds(),
    fileName: file.name,
    fileBytes: file.size,
    loadMs: performance.now() - startedAt,
  });
  const session = new HeapSession(heap);
  return { heap, histogram, summary, session, computed: image?.computed };
}

/**
 * Opens a dump from its heap image (permalink/heap-image.ts) instead of its bytes: the model and the
 * analyses as an earlier load computed them, so `analyzeOpened` computes nothing again. Throws the
 * image's ImageError when it is damaged or of another dump; the caller then opens the dump itself.
 */
export async function openHeapImage(
  image: ImageSource,
  dump: ImageDump,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): Promise<OpenedHeap> {
  const startedAt = performance.now();
  const read = await readHeapImage(image, dump, onProgress);
  return opened(read.heap, dump, startedAt, read);
}

/**
 * Runs the analyses of an opened heap (reverse edges, BFS, dominators, retained sizes, findings) and
 * gives the histogram its retained column: what the page does after its first histogram page.
 */
export async function analyzeOpened(
  opened: OpenedHeap,
  onProgress?: AnalyzeProgress,
  signal?: AbortSignal,
  yieldBetween?: () => Promise<void>,
): Promise<void> {
  await opened.session.analyze(onProgress, signal, yieldBetween, opened.computed);
  opened.histogram.attachRetained((rows) => opened.session.retainedByRow(rows));
}

/** The first histogram page in the default order, sent with the load so the Types view shows at once. */
export function firstHistogramPage(opened: OpenedHeap): HistogramPage {
  return opened.histogram.page(FIRST_HISTOGRAM_QUERY);
}
