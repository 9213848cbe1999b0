/**
 * Whether this worker can share memory with helper workers it starts: the page is cross-origin
 * isolated (served with COOP `same-origin` and COEP `require-corp`, docs/hosting.md), so
 * SharedArrayBuffer exists, and workers can be started here. The page toucher (page-toucher.ts) and
 * the analysis helper (analysis-helper.ts) start only then.
 */
export function canShareWithHelpers(): boolean {
  return (
    Boolean(globalThis.crossOriginIsolated) && typeof SharedArrayBuffer !== 'undefined' && typeof Worker !== 'undefined'
  );
}
