/**
 * The heap worker's large arrays in shared memory whose pages a helper worker touches ahead of it
 * (page-toucher.worker.ts; heap/array-memory.ts says why). Needs a cross-origin isolated page
 * (`crossOriginIsolated`: the page and its scripts served with COOP `same-origin` and COEP
 * `require-corp`, docs/hosting.md); elsewhere, or where the helper cannot start, it provides
 * nothing and the arrays are made with `new`, as in the CLI. A helper that fails later only stops
 * touching: the memory stays correct, its faults are taken by the heap worker again.
 *
 * A helper is ended each time it has touched every array given to it, and a new one is started with
 * the next array: the shared memory lives as long as any thread holds it, and the helper, which
 * makes almost no garbage, would otherwise seldom collect its own handles to the arrays, so every
 * array this worker has let go of (the spares a stage did not take, say) would stay in memory.
 */
import type { ArrayMemory } from '../session/open-heap';
import type { TouchedAll } from './page-toucher.worker';
import { canShareWithHelpers } from './shared-memory';

export function pageTouchedMemory(): ArrayMemory | null {
  if (!canShareWithHelpers()) return null;
  // The helper at work (undefined: none now, one is started with the next array; null: one failed,
  // none is started again) and how many arrays it was given.
  let toucher: Worker | null | undefined;
  let given = 0;
  const start = (): Worker | null => {
    try {
      const started = new Worker(new URL('./page-toucher.worker.ts', import.meta.url), {
        type: 'module',
        name: 'heapscope-pages',
      });
      started.onerror = (event) => {
        event.preventDefault();
        started.terminate();
        if (toucher === started) toucher = null;
      };
      // It touched every array it had received: ended, unless more were given meanwhile.
      started.onmessage = (event: MessageEvent<TouchedAll>) => {
        if (toucher !== started || event.data.received !== given) return;
        started.terminate();
        toucher = undefined;
      };
      return started;
    } catch {
      return null;
    }
  };
  return (byteLength) => {
    const memory = new SharedArrayBuffer(byteLength);
    if (toucher === undefined) {
      toucher = start();
      given = 0;
    }
    if (toucher) {
      toucher.postMessage(memory);
      given++;
    }
    return memory;
  };
}
