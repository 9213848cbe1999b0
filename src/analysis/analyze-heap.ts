/**
 * The analyses after a load, in the one order every caller uses (the worker, the CLI, the
 * benchmark, tests): retainers → dominators → retained sizes → BFS (a model without edges:
 * retainers → BFS); where a host's helper thread runs the BFS, it starts as the dominators end and
 * runs beside the retained sizes and the caller's `alongsideBreadthFirst`. Each stage reports
 * progress as a share of the whole and can be cancelled between checkpoints.
 */
import type { HeapModel } from '../heap/types';
import type { AnalysisContext } from './analysis-context';
import {
  breadthFirstFromRoot,
  breadthFirstJob,
  breadthFirstJobLikely,
  breadthFirstJobTree,
  runBreadthFirstJob,
  type BreadthFirstJobDone,
  type BreadthFirstThread,
} from './bfs';
import { computeDominators, preorderArray, type Dominators } from './dominators';
import { retainedSizes, retainedSizesTakeSpare, type RetainedSizes } from './retained';
import { computeRetainers } from './reverse-edges';
import { keepSpares, type SpareArrays } from './spare-arrays';

export type AnalysisStage = 'reverse edges' | 'BFS' | 'dominators' | 'retained sizes';

export interface AnalyzeOptions {
  /** Called at each stage start and during dominators, with the fraction of the whole (0…1). */
  readonly onProgress?: (stage: AnalysisStage, fraction: number) => void;
  readonly signal?: AbortSignal;
  /** Called when a stage ends, with its duration (the benchmark uses it). */
  readonly onStageDone?: (stage: AnalysisStage, seconds: number) => void;
  /** The dominators as soon as they are known, before retained sizes (a diff's growth paths need only them). */
  readonly onDominators?: (dominators: Dominators) => void;
  /**
   * Receives the node-sized arrays the stages are done with (spare-arrays.ts), for what the caller
   * computes next (the dominator tree); the caller drops the list when done.
   */
  readonly spares?: SpareArrays;
  /**
   * Work on the dominators and retained sizes to do while the BFS runs on a helper thread
   * (`provideBreadthFirstThread`), else right after the BFS (the session builds the dominator tree
   * here). It may take arrays from `spares`: the search's preorder is one, once the retained sizes
   * have read it.
   */
  readonly alongsideBreadthFirst?: (dominators: Dominators, retained: RetainedSizes, spares: SpareArrays) => void;
}

let breadthFirstThread: BreadthFirstThread | null = null;

/**
 * Sets (or, with null, clears) the helper thread the analyses of this thread run their BFS on, while
 * this thread computes the retained sizes and what `alongsideBreadthFirst` asks. Only where the
 * heap's edges are in shared memory and the heap is not small (bfs.ts, `breadthFirstJob`); else, and
 * in `analyzeHeap`, which does not wait, the BFS runs here. The page's heap worker provides one where
 * the page is cross-origin isolated (worker/bfs-thread.ts), the CLI a worker thread (cli/bfs-thread.ts).
 */
export function provideBreadthFirstThread(thread: BreadthFirstThread | null): void {
  breadthFirstThread = thread;
}

/** What the stages pause on: a stage's end, or a BFS running elsewhere (awaited by `analyzeHeapBetween`). */
type StagePause = AnalysisStage | { readonly waitFor: Promise<BreadthFirstJobDone> };

/** Shares of the total time, measured by `npm run bench` on the incident's shape. */
const STAGE_SHARE: Record<AnalysisStage, [number, number]> = {
  'reverse edges': [0, 0.12],
  dominators: [0.12, 0.72],
  'retained sizes': [0.72, 0.77],
  BFS: [0.77, 1],
};

/**
 * The stages one after the other, pausing (a `yield`) after each: the caller decides what happens
 * between them (nothing, or answering queued requests). Returns the context.
 */
function* analysisStages(
  heap: HeapModel,
  options: AnalyzeOptions,
  thread: BreadthFirstThread | null,
): Generator<StagePause, AnalysisContext, BreadthFirstJobDone | undefined> {
  const { onProgress, signal, onStageDone } = options;
  let mark = performance.now();
  const stage = <T>(name: AnalysisStage, run: () => T): T => {
    signal?.throwIfAborted();
    onProgress?.(name, STAGE_SHARE[name][0]);
    const result = run();
    const now = performance.now();
    onStageDone?.(name, (now - mark) / 1000);
    mark = now;
    return result;
  };
  // The reverse edges' row cursors, then the dominators' three scratch arrays, become what later
  // stages would otherwise allocate (spare-arrays.ts), so that none waits idle while a stage runs.
  const spares: SpareArrays = options.spares ?? [];
  // A helper that will likely have a job is started now.
  if (thread && heap.capabilities.edges && breadthFirstJobLikely(heap)) thread.prepare();
  const retainers = stage('reverse edges', () => computeRetainers(heap, heap.capabilities.edges ? spares : undefined));
  yield 'reverse edges';
  mark = performance.now(); // time spent between stages is not the next stage's
  if (!heap.capabilities.edges) {
    const bfs = stage('BFS', () => keptBreadthFirst(heap));
    return { heap, retainers, bfs, dominators: null, retained: null };
  }
  // Dominators come before the BFS, which they do not need: a diff's growth paths need only them
  // (onDominators), and their scratch arrays are allocated before the BFS's columns are.
  const [from, to] = STAGE_SHARE.dominators;
  // The dominators take the row cursors; their three scratch arrays become the retained sizes and
  // the BFS's parents and the dominator tree's children (a helper's job takes its first).
  const search = stage('dominators', () =>
    computeDominators(heap, retainers, {
      spares,
      signal,
      onProgress: (fraction) => onProgress?.('dominators', from + (to - from) * fraction),
    }),
  );
  // What is kept: the search's preorder is read by the retained sizes alone, then spared.
  const dominators: Dominators = { idom: search.idom, reachableCount: search.reachableCount };
  options.onDominators?.(dominators);
  // Where a helper thread can run the BFS, it starts now, on one of the three spares left (the
  // parents' array), and runs while this thread computes the retained sizes and what
  // `alongsideBreadthFirst` asks. A helper that fails leaves the search to this thread, which writes
  // every array again.
  const job = thread ? breadthFirstJob(heap, spares) : null;
  const running = job ? thread!.run(job).catch(() => runBreadthFirstJob(job)) : null;
  const bfsStarted = performance.now();
  // Of the spares, the retained sizes take one (unless they take 8 bytes per node, past 4 GB of
  // heap) and, where this thread runs the BFS, the dominator tree one (the BFS takes the preorder's
  // array): the others are let go before the pause, where a host may collect them.
  keepSpares(spares, (retainedSizesTakeSpare(heap) ? 1 : 0) + (running ? 0 : 1));
  yield 'dominators';
  mark = performance.now();
  const retained = stage('retained sizes', () => retainedSizes(heap, search, spares));
  if (running) {
    // What is left for `alongsideBreadthFirst`: the preorder's array, once the retained sizes have read it.
    spares.push(preorderArray(search));
    yield 'retained sizes';
    options.alongsideBreadthFirst?.(dominators, retained, spares);
    const done = yield { waitFor: running };
    if (!done) throw new Error('the BFS ended without an answer');
    const bfs = breadthFirstJobTree(job!, done);
    onStageDone?.('BFS', (performance.now() - bfsStarted) / 1000);
    onProgress?.('BFS', 1);
    return { heap, retainers, bfs, dominators, retained };
  }
  // The BFS takes the preorder's array for its parents; the spare left is the dominator tree's.
  spares.push(preorderArray(search));
  yield 'retained sizes';
  mark = performance.now();
  const bfs = stage('BFS', () => keptBreadthFirst(heap, spares));
  yield 'BFS';
  options.alongsideBreadthFirst?.(dominators, retained, spares);
  onProgress?.('BFS', 1);
  return { heap, retainers, bfs, dominators, retained };
}

/**
 * The BFS as the context keeps it: its visiting order is not kept, as nothing reads it after this
 * point, and it is 4 bytes per node (the difference between 83 and 79 bytes per object in a tab at
 * the incident's scale).
 */
function keptBreadthFirst(heap: HeapModel, spares?: SpareArrays): AnalysisContext['bfs'] {
  return breadthFirstFromRoot(heap, { spares, keepOrder: false });
}

export function analyzeHeap(heap: HeapModel, options: AnalyzeOptions = {}): AnalysisContext {
  const stages = analysisStages(heap, options, null);
  for (;;) {
    const step = stages.next();
    if (step.done) return step.value;
  }
}

/**
 * The same analyses, awaiting `between` after each stage: the worker answers queued requests there
 * (a histogram page, a diff's types), so a question asked during the analyses waits one stage at most.
 */
export async function analyzeHeapBetween(
  heap: HeapModel,
  between: () => Promise<void>,
  options: AnalyzeOptions = {},
): Promise<AnalysisContext> {
  const stages = analysisStages(heap, options, breadthFirstThread);
  let answer: BreadthFirstJobDone | undefined;
  for (;;) {
    const step = stages.next(answer);
    answer = undefined;
    if (step.done) return step.value;
    if (typeof step.value === 'string') await between();
    else answer = await step.value.waitFor;
  }
}
