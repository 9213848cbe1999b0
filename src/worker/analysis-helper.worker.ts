/**
 * The heap worker's helper (analysis-helper.ts): it runs the analyses' jobs as they come (the
 * reverse edges, then the BFS), reading the heap's edges in the shared memory the job names, and
 * answers each with what it made, moved back. The heap worker meanwhile numbers the nodes for the
 * dominators, then builds the dominator tree.
 */
import { helperJobTransfers, runHelperJob, type HelperJob } from '../session/helper-jobs';

self.onmessage = (event: MessageEvent<HelperJob>) => {
  const done = runHelperJob(event.data);
  self.postMessage(done, helperJobTransfers(done));
};
