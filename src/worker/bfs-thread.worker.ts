/**
 * A helper of the heap worker that runs one BFS from the heap's root (bfs-thread.ts): it reads the
 * edges and writes the parents in the shared memory the job names, and answers with the reachable
 * count, the parents and the distance column, made here and moved back. The heap worker meanwhile
 * builds the dominator tree.
 */
import {
  breadthFirstTransfers,
  runBreadthFirstJob,
  type BreadthFirstJob,
  type BreadthFirstJobDone,
} from '../session/breadth-first-job';

self.onmessage = (event: MessageEvent<BreadthFirstJob>) => {
  const done: BreadthFirstJobDone = runBreadthFirstJob(event.data);
  self.postMessage(done, breadthFirstTransfers(done));
};
