/**
 * The heap worker's BFS on a helper worker (bfs-thread.worker.ts), so that it runs on the other core
 * while this worker builds the dominator tree (analysis/analyze-heap.ts, `provideBreadthFirstThread`).
 * Needs the heap's arrays in shared memory: a cross-origin isolated page, where page-toucher.ts
 * provides it; elsewhere there is no helper and the BFS runs on the heap worker, as in the CLI.
 *
 * A worker started by a worker does not start while its parent computes, so the helper is started
 * as the analyses begin (`prepare`), and is running when the job comes, seconds later. It is ended
 * when it answers: it then holds handles to the heap's edges and the search's arrays, which would
 * otherwise stay in memory as long as it lives. A helper that fails rejects the job, and the
 * analyses run the search themselves.
 */
import {
  breadthFirstTransfers,
  type BreadthFirstJob,
  type BreadthFirstJobDone,
  type BreadthFirstThread,
} from '../session/breadth-first-job';
import { canShareWithHelpers } from './shared-memory';

export function breadthFirstHelper(): BreadthFirstThread | null {
  if (!canShareWithHelpers()) return null;
  /** The helper started ahead of the next job, if any, and the error it met while it waited, if any. */
  let ready: { readonly helper: Worker; failure: string | null } | null = null;
  const start = () => {
    const helper = new Worker(new URL('./bfs-thread.worker.ts', import.meta.url), {
      type: 'module',
      name: 'heapscope-bfs',
    });
    const started = { helper, failure: null as string | null };
    // A script that cannot load fails before the job is given: the job is refused at once.
    helper.onerror = (event) => {
      event.preventDefault();
      helper.terminate();
      started.failure = event.message || 'the helper could not start';
    };
    return started;
  };
  return {
    prepare() {
      try {
        ready ??= start();
      } catch {
        ready = null;
      }
    },
    run: (job: BreadthFirstJob) =>
      new Promise<BreadthFirstJobDone>((resolve, reject) => {
        const started = ready ?? start();
        ready = null;
        const { helper } = started;
        if (started.failure !== null) {
          reject(new Error(`the BFS helper failed: ${started.failure}`));
          return;
        }
        helper.onmessage = (event: MessageEvent<BreadthFirstJobDone>) => {
          helper.terminate();
          resolve(event.data);
        };
        helper.onerror = (event) => {
          event.preventDefault();
          helper.terminate();
          reject(new Error(`the BFS helper failed: ${event.message}`));
        };
        helper.postMessage(job, breadthFirstTransfers(job));
      }),
  };
}
