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

/**
 * The jobs of one running helper, one at a time, as both hosts keep them (worker/analysis-helper.ts,
 * cli/analysis-helper.ts): `post` sends a job; the host calls `answered` with the helper's answer,
 * or `failed` when the helper fails, which rejects the job it has and every later one.
 */
export class HelperJobs {
  private failure: string | null = null;
  private pending: { resolve: (done: HelperJobDone) => void; reject: (error: Error) => void } | null = null;

  constructor(
    /** What the helper is, for messages: "the analysis helper". */
    private readonly what: string,
    private readonly post: (job: HelperJob, transfer: ArrayBuffer[]) => void,
  ) {}

  run(job: HelperJob): Promise<HelperJobDone> {
    return new Promise<HelperJobDone>((resolve, reject) => {
      if (this.failure !== null) reject(new Error(`${this.what} failed: ${this.failure}`));
      else if (this.pending) reject(new Error(`${this.what} is busy`));
      else {
        this.pending = { resolve, reject };
        try {
          this.post(job, helperJobTransfers(job));
        } catch (error) {
          this.failed(error instanceof Error ? error.message : String(error));
        }
      }
    });
  }

  answered(done: HelperJobDone): void {
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(done);
  }

  failed(why: string): void {
    this.failure ??= why;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(new Error(`${this.what} failed: ${this.failure}`));
  }
}
