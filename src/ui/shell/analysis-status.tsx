import { analysedHeapBytes } from '../../session/answer-text';
import { formatBytesShort, formatInteger } from '../common/format';
import { useViewStore } from '../state/store';

/**
 * One line under the tabs: the analyses that run after the load, whether they are ready, and where
 * they come from or go (the heap image kept with the cached dump); a second line when other tabs
 * hold the same dump, each with its own copy in memory.
 */
export function AnalysisStatusLine() {
  const analysis = useViewStore((state) => state.analysis);
  const heapImage = useViewStore((state) => state.heapImage);
  const otherTabs = useViewStore((state) => state.otherTabsHolding);
  const nodeCount = useViewStore((state) => state.summary?.nodeCount ?? 0);
  const tabs =
    otherTabs > 0 ? (
      <div className="analysis-status" data-testid="other-tabs" role="status">
        This dump is also open in {otherTabs === 1 ? 'another tab' : `${formatInteger(otherTabs)} other tabs`} of this
        browser: each tab keeps its own copy of the heap in memory (about{' '}
        {formatBytesShort(analysedHeapBytes(nodeCount))} here). Close the tabs you no longer need to give it back.
      </div>
    ) : null;
  switch (analysis.state) {
    case 'running':
      return (
        <>
          <div className="analysis-status" data-testid="analysis-status" data-state="running" role="status">
            Analysing: {analysis.stage} ({Math.round(analysis.fraction * 100)}%)
            <progress max={1} value={analysis.fraction} />
          </div>
          {tabs}
        </>
      );
    case 'ready':
      return (
        <>
          <div
            className="analysis-status"
            data-testid="analysis-status"
            data-state="ready"
            data-from-image={analysis.fromImage ? 'true' : 'false'}
            data-image={heapImage?.state ?? 'none'}
            role="status"
          >
            {analysis.fromImage
              ? `Analysis ready in ${analysis.seconds.toFixed(1)} s: read from the heap image kept with this dump in this browser's cache${heapImage?.state === 'used' ? ` (${formatBytesShort(heapImage.bytes)})` : ''}, not computed again`
              : `Analysis ready in ${analysis.seconds.toFixed(1)} s`}
            {analysis.hasDominators ? '' : ' (no dominators: this input has no complete reference graph)'}
            {heapImage?.state === 'storing' ? ' · keeping the analyses with the cached dump…' : ''}
            {heapImage?.state === 'stored'
              ? ` · analyses kept with the cached dump (${formatBytesShort(heapImage.bytes)}, written in ${heapImage.seconds.toFixed(1)} s): links to it reopen without parsing or analysing`
              : ''}
            {heapImage?.state === 'not-stored'
              ? ` · the analyses were not kept with the cached dump (${heapImage.reason}): a link to it reads and analyses it again`
              : ''}
            {heapImage?.state === 'unhashed'
              ? ` · this dump could not be hashed (${heapImage.reason}): links cannot name it, and it is not cached`
              : ''}
            {heapImage?.state === 'refused'
              ? ` · the heap image kept with this dump was set aside (${heapImage.reason}); the dump itself was read`
              : ''}
          </div>
          {tabs}
        </>
      );
    case 'failed':
      return (
        <div className="analysis-status analysis-failed" data-testid="analysis-status" data-state="failed" role="alert">
          The analysis failed: {analysis.message}
        </div>
      );
    default:
      return tabs;
  }
}
