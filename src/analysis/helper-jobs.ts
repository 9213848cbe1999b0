/**
 * Work the analyses give a host's helper thread (analyze-heap.ts, `provideAnalysisHelper`): the
 * reverse edges while this thread numbers the nodes depth-first for the dominators, then the BFS
 * while this thread computes the retained sizes and builds the dominator tree. A job names the
 * heap's edges (helper-edges.ts: in shared memory) and the arrays the helper writes; an array of a
 * job or of its answer that is not in shared memory is moved by the message, not copied
 * (`helperJobTransfers`). The page's heap worker runs the jobs on a helper worker
 * (worker/analysis-helper.ts), the CLI on a worker thread (cli/analysis-helper.ts).
 */
import { runBreadthFirstJob, type BreadthFirstJob, type BreadthFirstJobDone } from './bfs';
import { runRetainersJob, type RetainersJob, type RetainersJobDone } from './reverse-edges';

export type HelperJob = RetainersJob | BreadthFirstJob;
export type HelperJobDone = RetainersJobDone | BreadthFirstJobDone;

/** Runs a job, on whatever thread: the helper's, or this one's when the helper failed. */
export function runHelperJob(job: HelperJob): HelperJobDone {
  return job.kind === 'bfs' ? runBreadthFirstJob(job) : runRetainersJob(job);
}

/** The memory a job's message or its answer moves to the other thread: its written arrays not shared. */
export function helperJobTransfers(message: HelperJob | HelperJobDone): ArrayBuffer[] {
  const written: ArrayBufferView[] =
    'edges' in message
      ? message.kind === 'bfs'
        ? [message.parent]
        : []
      : message.kind === 'bfs'
        ? [message.parent, message.distance]
        : [message.startLow, message.startBlock, message.startWide, message.source, message.rowCursors];
  const buffers = new Set<ArrayBuffer>();
  for (const array of written) if (array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  return [...buffers];
}

/** A host's helper thread (`provideAnalysisHelper`): one job at a time, in the order given. */
export interface AnalysisHelper {
  /**
   * Called as a heap's analyses begin (and by a host as early as it likes): the helper can start
   * meanwhile (a page's worker started from a worker does not start while its parent computes).
   */
  prepare(): void;
  /** Runs the job; rejects when the helper cannot. */
  run(job: HelperJob): Promise<HelperJobDone>;
  /** The analyses have no more jobs: the helper's memory and its handles on the heap can go. */
  end(): void;
}
