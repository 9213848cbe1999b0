/**
 * The CLI's analysis thread (analysis-helper.ts): runs each job it is sent and answers with its
 * result, moving the arrays back. Loaded from the CLI's bundle (bin/cli-bundle.mjs), or through
 * tsx when the CLI runs from its sources.
 */
import { parentPort } from 'node:worker_threads';
import { helperJobTransfers, runHelperJob, type HelperJob } from '../session/helper-jobs';

const port = parentPort;
if (!port) throw new Error('helper-thread.ts runs as a worker thread');
port.on('message', (job: HelperJob) => {
  const done = runHelperJob(job);
  port.postMessage(done, helperJobTransfers(done));
});
