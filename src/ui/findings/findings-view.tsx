import { heapWorker } from '../state/heap-worker';
import { useViewStore } from '../state/store';
import { useWorkerAnswer } from '../state/use-worker-answer';
import { ObjectLink } from '../common/object-link';
import { formatBytesShort, formatInteger } from '../common/format';
import type { FindingSummary } from '../../session/answers';
import { CopyBox } from '../shell/link-banner';
import { KeptAliveTable } from '../common/kept-alive-table';
import { findingLinkWithEvidence, findingMarkdown } from '../state/evidence';
import { DumpText } from '../common/dump-text';
import { EVIDENCE_NOTICE } from '../../permalink/evidence-card';

/** Automatic findings: each leak pattern found, its numbers, a plain explanation and its root path. */
export function FindingsView() {
  const analysis = useViewStore((state) => state.analysis);
  const { answer: findings, error } = useWorkerAnswer(() => heapWorker.findings(), 'findings');
  if (analysis.state !== 'ready') {
    return (
      <p className="empty-view">
        Findings appear when the analysis has finished{analysis.state === 'running' ? ` (${analysis.stage})` : ''}.
      </p>
    );
  }
  if (error) return <p className="error-text">{error}</p>;
  if (!findings) return <p className="empty-view">Loading findings…</p>;
  if (findings.length === 0) {
    return (
      <p className="empty-view" data-testid="no-findings">
        No findings: no objects of one type accumulate under one holder keeping 1 MB and 5% of the heap alive, no event
        with 100 or more handlers, no view kept alive by an event.
      </p>
    );
  }
  return (
    <div className="findings" data-testid="findings">
      {findings.map((finding) => (
        <FindingCard key={finding.id} finding={finding} />
      ))}
    </div>
  );
}

function FindingCard({ finding }: { finding: FindingSummary }) {
  const selectedId = useViewStore((state) => state.selection.findingId);
  const openRoots = useViewStore((state) => state.openRoots);
  const openFinding = useViewStore((state) => state.openFinding);
  const selected = selectedId === finding.id;
  return (
    <article
      className={`finding finding-${finding.severity}${selected ? ' finding-selected' : ''}`}
      data-testid="finding"
      data-kind={finding.kind}
      data-pattern={finding.pattern}
      data-count={finding.count}
    >
      <header className="finding-header" onClick={() => openFinding(finding.id)}>
        <span className={`severity severity-${finding.severity}`}>{finding.severity}</span>
        <h3 className="finding-title">
          <DumpText text={finding.title} />
        </h3>
      </header>
      <dl className="finding-facts">
        <dt>Count</dt>
        <dd data-testid="finding-count">
          {formatInteger(finding.count)} ×{' '}
          <span className="type-name">
            <DumpText text={finding.entryType} />
          </span>
        </dd>
        {finding.retainedBytes !== null && (
          <>
            <dt>Keeps alive</dt>
            <dd data-testid="finding-bytes">
              {formatBytesShort(finding.retainedBytes)}
              {finding.shareOfHeap !== null && ` (${(finding.shareOfHeap * 100).toFixed(1)}% of the heap)`}
            </dd>
          </>
        )}
        <dt>Accumulates in</dt>
        <dd>
          <ObjectLink object={finding.accumulationPoint} />
        </dd>
        {finding.owner && (
          <>
            <dt>Owner</dt>
            <dd data-testid="finding-owner">
              <ObjectLink object={finding.owner} />, reached from{' '}
              <span className="type-name">
                <DumpText text={finding.owner.label} />
              </span>{' '}
              ({finding.owner.rootKind})
            </dd>
          </>
        )}
        <dt>Pattern</dt>
        <dd data-testid="finding-pattern">{finding.pattern}</dd>
        {finding.owners.length > 0 && (
          <>
            <dt>Owned by</dt>
            <dd data-testid="finding-owners">
              <DumpText text={finding.owners.join(' ← ')} />
            </dd>
          </>
        )}
      </dl>
      <KeptAliveTable rows={finding.keptAlive} />
      <div className="finding-explanation">
        {finding.explanation.map((paragraph, index) => (
          <p key={index}>
            <DumpText text={paragraph} />
          </p>
        ))}
      </div>
      <div className="finding-actions">
        <button
          type="button"
          className="primary"
          data-testid="show-root-path"
          onClick={() => openRoots(finding.pathTarget.node)}
        >
          Show root path
        </button>
        <span className="muted">
          to <ObjectLink object={finding.pathTarget} />
        </span>
      </div>
      <div className="finding-share">
        <CopyBox
          label="Copy link with evidence"
          testId="copy-evidence-link"
          make={() => findingLinkWithEvidence(finding)}
        />
        <CopyBox label="Copy as Markdown" testId="copy-markdown" make={() => findingMarkdown(finding)} />
        <span className="muted">{EVIDENCE_NOTICE}</span>
      </div>
    </article>
  );
}
