/** Options of a long analysis: progress reports and cancellation. */
export interface AnalysisProgressOptions {
  /** Called about every PROGRESS_INTERVAL_STEPS steps with the fraction done (0…1), and with 1 at the end. */
  readonly onProgress?: (fraction: number) => void;
  /**
   * Checked at the same points. A synchronous analysis cannot see an abort posted to its worker
   * while it runs, so in a worker the abort has to come from inside: e.g. `onProgress` reads a
   * shared flag (Atomics) and calls `controller.abort()`.
   */
  readonly signal?: AbortSignal;
}

/**
 * Steps between two progress checkpoints: ~1 M keeps the overhead invisible (a step is one node or
 * one edge) while reporting a few times per second on an 18.6 M-node heap.
 */
export const PROGRESS_INTERVAL_STEPS = 1 << 20;

/**
 * The checkpoint of one analysis: `report(stepsDone)` calls `onProgress` with
 * stepsDone / totalSteps and throws the signal's reason (an AbortError) when it was aborted.
 */
export function progressCheckpoint(options: AnalysisProgressOptions, totalSteps: number): (stepsDone: number) => void {
  const { onProgress, signal } = options;
  return (stepsDone: number) => {
    if (onProgress) onProgress(totalSteps > 0 ? Math.min(1, stepsDone / totalSteps) : 1);
    signal?.throwIfAborted();
  };
}
