/**
 * The CLI's helper thread: the analyses' BFS on a Node worker thread (analysis/analyze-heap.ts,
 * `provideBreadthFirstThread`), so that it runs on the other core while the main thread computes the
 * retained sizes and builds the dominator tree, as the page's heap worker does with its helper
 * (worker/bfs-thread.ts). The heap's edges are made in shared memory for it (`provideHelperMemory`:
 * the edges alone, which live as long as the heap); the parents' array, a spare of the main thread,
 * is moved to the thread with the job and back with the answer.
 *
 * The thread loads the search through tsx, as bin/heapscope.mjs loads the CLI, and is started as the
 * analyses begin (`prepare`), so that it has loaded by the time the job comes. It does not keep the
 * process alive while it waits (analyses that end early give it no job), and it is ended once it
 * answers. A thread that fails rejects the job, and the analyses run the search themselves.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  breadthFirstTransfers,
  type BreadthFirstJob,
  type BreadthFirstJobDone,
  type BreadthFirstThread,
} from '../session/breadth-first-job';
import { provideBreadthFirstThread, provideHelperMemory } from '../session/open-heap';

/** The thread's script: registers tsx (CommonJS: no loader thread of its own), loads the search, runs one job. */
function threadSource(): string {
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const search = fileURLToPath(new URL('../session/breadth-first-job.ts', import.meta.url));
  return `const { parentPort } = require('node:worker_threads');
require(${JSON.stringify(tsx)}).register();
const { runBreadthFirstJob, breadthFirstTransfers } = require(${JSON.stringify(search)});
parentPort.once('message', (job) => {
  const done = runBreadthFirstJob(job);
  parentPort.postMessage(done, breadthFirstTransfers(done));
});`;
}

export function breadthFirstWorkerThread(): BreadthFirstThread {
  let ready: Worker | null = null;
  const start = () => {
    const thread = new Worker(threadSource(), { eval: true, name: 'heapscope-bfs' });
    thread.unref();
    // An error before the job is given is the job's: it is seen again when the job is posted.
    thread.on('error', () => {});
    return thread;
  };
  return {
    prepare() {
      ready ??= start();
    },
    run: (job: BreadthFirstJob) =>
      new Promise<BreadthFirstJobDone>((resolve, reject) => {
        const thread = ready ?? start();
        ready = null;
        // Waiting for its answer, the thread keeps the process alive.
        thread.ref();
        let answered = false;
        thread.once('message', (done: BreadthFirstJobDone) => {
          answered = true;
          // Its memory and its handles on the edges go before the answer is used.
          void thread.terminate().then(
            () => resolve(done),
            () => resolve(done),
          );
        });
        thread.once('error', (error) => reject(new Error(`the BFS thread failed: ${error.message}`)));
        thread.once('exit', (code) => {
          if (!answered) reject(new Error(`the BFS thread ended (exit code ${code}) without an answer`));
        });
        thread.postMessage(job, breadthFirstTransfers(job));
      }),
  };
}

/**
 * Has this thread's analyses run their BFS on a worker thread from now on: the heap's edges made in
 * shared memory, and the thread that reads them.
 */
export function useBreadthFirstThread(): void {
  provideHelperMemory((byteLength) => new SharedArrayBuffer(byteLength));
  provideBreadthFirstThread(breadthFirstWorkerThread());
}
