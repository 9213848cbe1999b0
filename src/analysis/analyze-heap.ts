/**
 * The analyses after a load, in the one order every caller uses (the worker, the CLI, the
 * benchmark, tests): retainers → dominators → retained sizes → BFS (a model without edges:
 * retainers → BFS). Where a host has a helper thread (`provideAnalysisHelper`), it computes the
 * retainers while this thread numbers the nodes depth-first from the root (the dominators' first
 * step, which needs the forward edges alone), and later the BFS, from the end of the dominators,
 * beside the retained sizes and the caller's `alongsideBreadthFirst`. Each stage reports progress as
 * a share of the whole and can be cancelled between checkpoints.
 */
import type { HeapModel } from '../heap/types';
import type { AnalysisContext } from './analysis-context';
import { breadthFirstFromRoot, breadthFirstJob, breadthFirstJobTree } from './bfs';
import {
  computeDominators,
  dominatorsAfterNumbering,
  numberFromRoot,
  preorderArray,
  type Dominators,
  type RootNumbering,
} from './dominators';
import { helperEdges, helperLikely } from './helper-edges';
import { runHelperJob, type AnalysisHelper, type HelperJobDone } from './helper-jobs';
import { retainedSizes, retainedSizesTakeSpare, type RetainedSizes } from './retained';
import { computeRetainers, retainersOfJob, type Retainers } from './reverse-edges';
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
   * (`provideAnalysisHelper`), else right after the BFS (the session builds the dominator tree
   * here). It may take arrays from `spares`: the search's preorder is one, once the retained sizes
   * have read it.
   */
  readonly alongsideBreadthFirst?: (dominators: Dominators, retained: RetainedSizes, spares: SpareArrays) => void;
}

let analysisHelper: AnalysisHelper | null = null;

/**
 * Sets (or, with null, clears) the helper thread the analyses of this thread give the reverse edges
 * and the BFS to (helper-jobs.ts). Only where the heap's edges are in shared memory and the heap is
 * not small (helper-edges.ts); else, and in `analyzeHeap`, which does not wait, everything runs
 * here. The page's heap worker provides one where the page is cross-origin isolated
 * (worker/analysis-helper.ts), the CLI a worker thread (cli/analysis-helper.ts).
 */
export function provideAnalysisHelper(helper: AnalysisHelper | null): void {
  analysisHelper = helper;
}

/**
 * What the stages pause on: a stage's end, or a job running on the helper (awaited by
 * `analyzeHeapBetween`; a failed job is answered null).
 */
type StagePause = AnalysisStage | { readonly waitFor: Promise<HelperJobDone | null> };

/** Shares of the total time, measured by `npm run bench` on the incident's shape. */
const STAGE_SHARE: Record<AnalysisStage, [number, number]> = {
  'reverse edges': [0, 0.12],
  dominators: [0.12, 0.72],
  'retained sizes': [0.72, 0.77],
  BFS: [0.77, 1],
};

type Stages = Generator<StagePause, AnalysisContext, HelperJobDone | null | undefined>;

/**
 * The stages one after the other, pausing (a `yield`) after each: the caller decides what happens
 * between them (nothing, or answering queued requests). Returns the context. A helper gets work only
 * where the heap has edges it can read (`helperLikely`), and is ended after the analyses in any case
 * (a host may have started it ahead).
 */
function* analysisStages(heap: HeapModel, options: AnalyzeOptions, helper: AnalysisHelper | null): Stages {
  try {
    return yield* stagesWith(heap, options, helper && heap.capabilities.edges && helperLikely(heap) ? helper : null);
  } finally {
    helper?.end();
  }
}

function* stagesWith(heap: HeapModel, options: AnalyzeOptions, jobs: AnalysisHelper | null): Stages {
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
  if (!heap.capabilities.edges) {
    const retainers = stage('reverse edges', () => computeRetainers(heap));
    yield 'reverse edges';
    mark = performance.now(); // time spent between stages is not the next stage's
    const bfs = stage('BFS', () => keptBreadthFirst(heap));
    return { heap, retainers, bfs, dominators: null, retained: null };
  }
  // A helper with work to do is started now (a host may have started it earlier).
  jobs?.prepare();
  // The dominators' progress, within their share of the whole.
  const [from, to] = STAGE_SHARE.dominators;
  const dominatorProgress = {
    signal,
    onProgress: (fraction: number) => onProgress?.('dominators', from + (to - from) * fraction),
  };
  // Where the helper computes the retainers, this thread meanwhile numbers the nodes the root
  // reaches, depth-first (the dominators' first step); the stage "reverse edges" ends when both are done.
  let numbering: RootNumbering | null = null;
  let retainers: Retainers;
  const edges = jobs ? helperEdges(heap) : null;
  if (jobs && edges) {
    onProgress?.('reverse edges', STAGE_SHARE['reverse edges'][0]);
    const running = jobs.run({ kind: 'retainers', edges }).catch(() => null);
    numbering = numberFromRoot(heap, dominatorProgress);
    const done = yield { waitFor: running };
    // A helper that failed leaves the retainers to this thread.
    retainers = done?.kind === 'retainers' ? retainersOfJob(done, spares) : computeRetainers(heap, spares);
    onStageDone?.('reverse edges', (performance.now() - mark) / 1000);
    mark = performance.now();
  } else {
    retainers = stage('reverse edges', () => computeRetainers(heap, spares));
  }
  yield 'reverse edges';
  mark = performance.now(); // time spent between stages is not the next stage's
  // Dominators come before the BFS, which they do not need: a diff's growth paths need only them
  // (onDominators), and their scratch arrays are allocated before the BFS's columns are.
  // The dominators take the row cursors; their three scratch arrays become the retained sizes,
  // the BFS's parents and the dominator tree's children (a helper's BFS takes its first).
  const search = stage('dominators', () => {
    // The numbering's arrays become the dominators' (or spares): nothing here holds them after.
    const numbered = numbering;
    numbering = null;
    return numbered
      ? dominatorsAfterNumbering(numbered, retainers, spares)
      : computeDominators(heap, retainers, { ...dominatorProgress, spares });
  });
  // What is kept: the search's preorder is read by the retained sizes alone, then spared.
  const dominators: Dominators = { idom: search.idom, reachableCount: search.reachableCount };
  options.onDominators?.(dominators);
  // Where the helper can run the BFS, it starts now, on one of the three spares left (the
  // parents' array), and runs while this thread computes the retained sizes and what
  // `alongsideBreadthFirst` asks. A helper that fails leaves the search to this thread, which
  // writes every array again.
  const job = jobs ? breadthFirstJob(heap, spares) : null;
  const running = job ? jobs!.run(job).catch(() => runHelperJob(job)) : null;
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
    if (done?.kind !== 'bfs') throw new Error('the BFS ended without an answer');
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
  const stages = analysisStages(heap, options, analysisHelper);
  let answer: HelperJobDone | null | undefined;
  for (;;) {
    const step = stages.next(answer);
    answer = undefined;
    if (step.done) return step.value;
    if (typeof step.value === 'string') await between();
    else answer = await step.value.waitFor;
  }
}
