/**
 * A full garbage collection, which the CLI runs between the analyses' stages (analyzed-file.ts).
 * A stage lets go of a few node-sized arrays (tens to hundreds of MB each, analysis/spare-arrays.ts);
 * V8 collects them when the thread allocates enough new memory, and where the BFS runs on a worker
 * thread (analysis-helper.ts) this thread allocates too little for that while it builds the dominator
 * tree: measured at the incident's 18.6 M objects, the peak was 1,143–1,155 MB without a collection
 * there and 1,077–1,088 MB with one. A collection of this heap of few JS objects takes about 10 ms.
 *
 * Node offers `gc` with the `--expose-gc` flag; set at run time, the flag gives a new context's `gc`
 * (the way Jest's leak detector gets it), so the CLI needs no flag on its command line.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | null = null;

export function collectGarbage(): void {
  if (!collector) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collector = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collector = runInNewContext('gc') as () => void;
    }
  }
  collector();
}
