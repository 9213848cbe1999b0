/**
 * What a helper thread of a host needs to run the analyses' jobs (analysis/helper-jobs.ts): the
 * jobs, their answers, what their messages move, and the work itself. A module of its own, so that
 * the page's helper worker bundles the work alone (worker/analysis-helper.worker.ts), and the CLI's
 * thread loads little (cli/analysis-helper.ts).
 */
export {
  HelperJobs,
  helperJobTransfers,
  runHelperJob,
  type AnalysisHelper,
  type HelperJob,
  type HelperJobDone,
} from '../analysis/helper-jobs';
