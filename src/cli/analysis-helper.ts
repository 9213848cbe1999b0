/**
 * The CLI's helper thread: a Node worker thread that runs the analyses' jobs (analysis/analyze-heap.ts,
 * `provideAnalysisHelper`) on the other core, as the page's heap worker does with its helper
 * (worker/analysis-helper.ts): the reverse edges while the main thread numbers the nodes for the
 * dominators, then the BFS while it computes the retained sizes and builds the dominator tree. The
 * heap's edges are made in shared memory for it (`provideHelperMemory`: the edges alone, which live
 * as long as the heap); every other array a job names or answers is moved between the threads.
 *
 * The thread runs `helper-thread.ts`: the bundle's build of it beside this code when the CLI runs
 * from its bundle (bin/cli-bundle.mjs), else the source through tsx's CommonJS hook (no loader
 * thread of its own). It is started as the analyses begin (`prepare`). It does not keep the process
 * alive while it waits for a job (analyses that end early give it none), and it is ended after the
 * analyses (`end`). A thread that fails rejects the job it has, and every later one, and the
 * analyses do that work themselves.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HelperJobs, type AnalysisHelper, type HelperJob, type HelperJobDone } from '../session/helper-jobs';
import { provideAnalysisHelper, provideHelperMemory } from '../session/open-heap';

/** The thread: the bundled entry beside this module, or, from the sources, a script that loads it through tsx. */
function newThread(): Worker {
  // Not the main thread's flags (such as `--import tsx`, which would start a loader thread for it too).
  const options = { execArgv: [], name: 'heapscope-analysis-helper' };
  // Through a variable: a bundler reads `new URL('…', import.meta.url)` as an asset of the build.
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./helper-thread.mjs', here), options);
  const tsx = createRequire(here).resolve('tsx/cjs/api');
  const thread = fileURLToPath(new URL('./helper-thread.ts', here));
  const source = `require(${JSON.stringify(tsx)}).register();\nrequire(${JSON.stringify(thread)});`;
  return new Worker(source, { ...options, eval: true });
}

export function analysisHelperThread(): AnalysisHelper {
  let running: { readonly thread: Worker; readonly jobs: HelperJobs } | null = null;
  const start = () => {
    const thread = newThread();
    // Waiting for no job, the thread does not keep the process alive; waiting for an answer, it does.
    thread.unref();
    const jobs = new HelperJobs('the analysis thread', (job, transfer) => {
      thread.ref();
      thread.postMessage(job, transfer);
    });
    thread.on('message', (done: HelperJobDone) => {
      thread.unref();
      jobs.answered(done);
    });
    thread.on('error', (error) => jobs.failed(error.message));
    thread.on('exit', (code) => jobs.failed(`it ended (exit code ${code})`));
    return { thread, jobs };
  };
  return {
    prepare() {
      running ??= start();
    },
    run: (job: HelperJob) => (running ??= start()).jobs.run(job),
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
