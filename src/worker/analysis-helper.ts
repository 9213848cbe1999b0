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
import { HelperJobs } from '../session/helper-jobs';
import { canShareWithHelpers } from './shared-memory';

export function analysisHelper(): AnalysisHelper | null {
  if (!canShareWithHelpers()) return null;
  let running: { readonly worker: Worker; readonly jobs: HelperJobs } | null = null;
  const start = () => {
    const worker = new Worker(new URL('./analysis-helper.worker.ts', import.meta.url), {
      type: 'module',
      name: 'heapscope-analysis-helper',
    });
    const jobs = new HelperJobs('the analysis helper', (job, transfer) => worker.postMessage(job, transfer));
    worker.onmessage = (event: MessageEvent<HelperJobDone>) => jobs.answered(event.data);
    // A script that cannot load fails before a job is given: every job is then refused at once.
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      jobs.failed(event.message || 'the helper could not start');
    };
    return { worker, jobs };
  };
  return {
    prepare() {
      try {
        running ??= start();
      } catch {
        running = null;
      }
    },
    run: (job: HelperJob) => (running ??= start()).jobs.run(job),
    end() {
      running?.worker.terminate();
      running = null;
    },
  };
}
