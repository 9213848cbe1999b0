/**
 * The heap worker's large arrays in shared memory whose pages a helper worker touches ahead of it
 * (page-toucher.worker.ts; heap/array-memory.ts says why). Needs a cross-origin isolated page
 * (`crossOriginIsolated`: the page and its scripts served with COOP `same-origin` and COEP
 * `require-corp`, docs/hosting.md); elsewhere, or where the helper cannot start, it provides
 * nothing and the arrays are made with `new`, as in the CLI. A helper that fails later only stops
 * touching: the memory stays correct, its faults are taken by the heap worker again.
 */
import type { ArrayMemory } from '../session/open-heap';

export function pageTouchedMemory(): ArrayMemory | null {
  if (!globalThis.crossOriginIsolated || typeof SharedArrayBuffer === 'undefined' || typeof Worker === 'undefined')
    return null;
  // Started with the first large array (the helper is idle between loads).
  let toucher: Worker | null | undefined;
  const start = (): Worker | null => {
    try {
      const started = new Worker(new URL('./page-toucher.worker.ts', import.meta.url), {
        type: 'module',
        name: 'heapscope-pages',
      });
      started.onerror = (event) => {
        event.preventDefault();
        started.terminate();
        toucher = null;
      };
      return started;
    } catch {
      return null;
    }
  };
  return (byteLength) => {
    const memory = new SharedArrayBuffer(byteLength);
    if (toucher === undefined) toucher = start();
    toucher?.postMessage(memory);
    return memory;
  };
}
