/**
 * The heap worker's helper worker (analysis-helper.worker.ts), which runs the analyses' jobs on the
 * other core (analysis/analyze-heap.ts, `provideAnalysisHelper`): the reverse edges while this worker
 * numbers the nodes for the dominators, then the BFS while it builds the dominator tree. Needs the
 * heap's edges in shared memory: a cross-origin isolated page, where page-toucher.ts provides it;
 * elsewhere there is no helper and everything runs on the heap worker.
 *
 * A worker started by a worker does not start while its parent computes, so the helper is started
 * ahead (`prepare`): by the heap worker as a large dump's load begins (its load waits on reads, so
 * the helper starts then), and at the latest as the analyses begin. One helper runs the jobs of one
 * analysis and is ended after them (`end`): it holds handles to the heap's edges. A helper that
 * fails rejects the job it has, and every later one, and the analyses do that work themselves.
 */
import type { AnalysisHelper, HelperJob, HelperJobDone } from '../session/helper-jobs';
import { helperJobTransfers } from '../session/helper-jobs';
import { canShareWithHelpers } from './shared-memory';

interface Running {
  readonly worker: Worker;
  /** Why it failed, once it has. */
  failure: string | null;
  /** The job it runs, if any. */
  pending: { resolve: (done: HelperJobDone) => void; reject: (error: Error) => void } | null;
}

export function analysisHelper(): AnalysisHelper | null {
  if (!canShareWithHelpers()) return null;
  let running: Running | null = null;
  const start = (): Running => {
    const worker = new Worker(new URL('./analysis-helper.worker.ts', import.meta.url), {
      type: 'module',
      name: 'heapscope-analysis-helper',
    });
    const started: Running = { worker, failure: null, pending: null };
    worker.onmessage = (event: MessageEvent<HelperJobDone>) => {
      const pending = started.pending;
      started.pending = null;
      pending?.resolve(event.data);
    };
    // A script that cannot load fails before a job is given: every job is then refused at once.
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      started.failure = event.message || 'the helper could not start';
      const pending = started.pending;
      started.pending = null;
      pending?.reject(new Error(`the analysis helper failed: ${started.failure}`));
    };
    return started;
  };
  return {
    prepare() {
      try {
        running ??= start();
      } catch {
        running = null;
      }
    },
    run: (job: HelperJob) =>
      new Promise<HelperJobDone>((resolve, reject) => {
        const helper = (running ??= start());
        if (helper.failure !== null) reject(new Error(`the analysis helper failed: ${helper.failure}`));
        else if (helper.pending) reject(new Error('the analysis helper is busy'));
        else {
          helper.pending = { resolve, reject };
          helper.worker.postMessage(job, helperJobTransfers(job));
        }
      }),
    end() {
      running?.worker.terminate();
      running = null;
    },
  };
}
