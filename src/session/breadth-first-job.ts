/**
 * What a helper thread of a host needs to run the analyses' BFS (analysis/bfs.ts): the job, its
 * answer, what their messages move, and the search itself. A module of its own, so that the page's
 * helper worker bundles the search alone (worker/bfs-thread.worker.ts), and the CLI's loads little
 * (cli/bfs-thread.ts).
 */
export {
  breadthFirstTransfers,
  runBreadthFirstJob,
  type BreadthFirstJob,
  type BreadthFirstJobDone,
  type BreadthFirstThread,
} from '../analysis/bfs';
