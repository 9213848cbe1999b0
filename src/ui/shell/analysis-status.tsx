import { useViewStore } from '../state/store';

/** One line under the tabs: the analyses that run after the load, and whether they are ready. */
export function AnalysisStatusLine() {
  const analysis = useViewStore((state) => state.analysis);
  switch (analysis.state) {
    case 'running':
      return (
        <div className="analysis-status" data-testid="analysis-status" data-state="running" role="status">
          Analysing: {analysis.stage} ({Math.round(analysis.fraction * 100)}%)
          <progress max={1} value={analysis.fraction} />
        </div>
      );
    case 'ready':
      return (
        <div className="analysis-status" data-testid="analysis-status" data-state="ready" role="status">
          Analysis ready in {analysis.seconds.toFixed(1)} s
          {analysis.hasDominators ? '' : ' (no dominators: this input has no complete reference graph)'}
        </div>
      );
    case 'failed':
      return (
        <div className="analysis-status analysis-failed" data-testid="analysis-status" data-state="failed" role="alert">
          The analysis failed: {analysis.message}
        </div>
      );
    default:
      return null;
  }
}
