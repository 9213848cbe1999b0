/**
 * The CLI's helper thread: a Node worker thread that runs the analyses' jobs (analysis/analyze-heap.ts,
 * `provideAnalysisHelper`) on the other core, as the page's heap worker does with its helper
 * (worker/analysis-helper.ts): the reverse edges while the main thread numbers the nodes for the
 * dominators, then the BFS while it computes the retained sizes and builds the dominator tree. The
 * heap's edges are made in shared memory for it (`provideHelperMemory`: the edges alone, which live
 * as long as the heap); every other array a job names or answers is moved between the threads.
 *
 * The thread loads the work through tsx, as bin/heapscope.mjs loads the CLI, and is started as the
 * analyses begin (`prepare`). It does not keep the process alive while it waits for a job (analyses
 * that end early give it none), and it is ended after the analyses (`end`). A thread that fails
 * rejects the job it has, and every later one, and the analyses do that work themselves.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { helperJobTransfers, type AnalysisHelper, type HelperJob, type HelperJobDone } from '../session/helper-jobs';
import { provideAnalysisHelper, provideHelperMemory } from '../session/open-heap';

/** The thread's script: registers tsx (CommonJS: no loader thread of its own), loads the work, runs each job. */
function threadSource(): string {
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const work = fileURLToPath(new URL('../session/helper-jobs.ts', import.meta.url));
  return `const { parentPort } = require('node:worker_threads');
require(${JSON.stringify(tsx)}).register();
const { runHelperJob, helperJobTransfers } = require(${JSON.stringify(work)});
parentPort.on('message', (job) => {
  const done = runHelperJob(job);
  parentPort.postMessage(done, helperJobTransfers(done));
});`;
}

interface Running {
  readonly thread: Worker;
  /** Why it failed, once it has. */
  failure: string | null;
  /** The job it runs, if any. */
  pending: { resolve: (done: HelperJobDone) => void; reject: (error: Error) => void } | null;
}

export function analysisHelperThread(): AnalysisHelper {
  let running: Running | null = null;
  const start = (): Running => {
    const thread = new Worker(threadSource(), { eval: true, name: 'heapscope-analysis-helper' });
    thread.unref();
    const started: Running = { thread, failure: null, pending: null };
    const fail = (why: string) => {
      started.failure ??= why;
      const pending = started.pending;
      started.pending = null;
      pending?.reject(new Error(`the analysis thread failed: ${started.failure}`));
    };
    thread.on('message', (done: HelperJobDone) => {
      const pending = started.pending;
      started.pending = null;
      // Waiting for no job, the thread does not keep the process alive.
      thread.unref();
      pending?.resolve(done);
    });
    thread.on('error', (error) => fail(error.message));
    thread.on('exit', (code) => fail(`it ended (exit code ${code})`));
    return started;
  };
  return {
    prepare() {
      running ??= start();
    },
    run: (job: HelperJob) =>
      new Promise<HelperJobDone>((resolve, reject) => {
        const helper = (running ??= start());
        if (helper.failure !== null) reject(new Error(`the analysis thread failed: ${helper.failure}`));
        else if (helper.pending) reject(new Error('the analysis thread is busy'));
        else {
          helper.pending = { resolve, reject };
          // Waiting for its answer, the thread keeps the process alive.
          helper.thread.ref();
          helper.thread.postMessage(job, helperJobTransfers(job));
        }
      }),
    end() {
      void running?.thread.terminate();
      running = null;
    },
  };
}

/**
 * Has this thread's analyses give their reverse edges and BFS to a worker thread from now on: the
 * heap's edges made in shared memory, and the thread that reads them.
 */
export function useAnalysisHelper(): void {
  provideHelperMemory((byteLength) => new SharedArrayBuffer(byteLength));
  provideAnalysisHelper(analysisHelperThread());
}
