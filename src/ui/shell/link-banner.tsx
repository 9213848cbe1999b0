import { useState } from 'react';
import { decodeEvidence, EVIDENCE_NOTICE, evidenceMarkdown, type EvidenceCard } from '../../permalink/evidence-card';
import { forgetCachedDumps, reopenLastDump } from '../state/heap-worker';
import { useViewStore } from '../state/store';
import { formatInteger } from '../common/format';
import { DumpText } from '../common/dump-text';
import { visibleOutput } from '../../session/visible-text';
import { KeptAliveTable } from '../common/kept-alive-table';

/**
 * What a permalink needs when its dump is not open: which file (name, size, fingerprint), the
 * evidence card it carries (read-only), and why a dropped file was refused.
 */
const CACHE_WORDS: Record<'looking' | 'slow' | 'opening' | 'absent', string> = {
  looking: "Looking for this dump in this browser's cache…",
  slow: "Still waiting for this browser's cache (another tab may still be storing this dump). The evidence below is what the link carries; drop the file to open it now.",
  opening: "Found in this browser's cache: opening it…",
  absent: 'This browser has not cached this dump: drop the file to open it.',
};

export function LinkBanner() {
  const link = useViewStore((state) => state.link);
  const linkProblem = useViewStore((state) => state.linkProblem);
  const fingerprint = useViewStore((state) => state.fingerprint);
  const linkCache = useViewStore((state) => state.linkCache);
  if (!link?.dump || (fingerprint && fingerprint.sha256 === link.dump.sha256)) return null;
  const decoded = link.evidence ? decodeEvidence(link.evidence) : null;
  return (
    <section className="link-banner" data-testid="link-banner" aria-label="Permalink">
      <p>
        This link shows a view of{' '}
        <strong data-testid="link-dump-name">
          <DumpText text={link.dump.name} />
        </strong>{' '}
        ({formatInteger(link.dump.size)} bytes, SHA-256 <code>{link.dump.sha256.slice(0, 16)}…</code>). The dump is
        never uploaded: drop that file here to restore the live view.
      </p>
      {linkCache && (
        <p className="muted" data-testid="link-cache" aria-live="polite">
          {CACHE_WORDS[linkCache]}
        </p>
      )}
      {linkProblem && (
        <p className="error-text" role="alert" data-testid="link-problem">
          {linkProblem}{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              useViewStore.setState({ link: null, linkProblem: null });
              window.history.replaceState(null, '', window.location.pathname);
              reopenLastDump();
            }}
          >
            Open it without the link
          </button>
        </p>
      )}
      {decoded &&
        (decoded.ok ? <EvidenceCardView card={decoded.card} /> : <p className="error-text">{decoded.error}</p>)}
    </section>
  );
}

/** The evidence a link carries, read-only: type names, numbers and addresses only. */
export function EvidenceCardView({ card }: { card: EvidenceCard }) {
  return (
    <article className="evidence-card finding" data-testid="evidence-card">
      <header className="finding-header">
        <span className="severity">evidence</span>
        <h3 className="finding-title">
          <DumpText text={card.title} />
        </h3>
      </header>
      <dl className="finding-facts">
        {card.count !== null && (
          <>
            <dt>Count</dt>
            <dd data-testid="evidence-count">{formatInteger(card.count)}</dd>
          </>
        )}
        {card.retainedBytes !== null && (
          <>
            <dt>Keeps alive</dt>
            <dd>{formatInteger(card.retainedBytes)} bytes</dd>
          </>
        )}
        {card.anchor && (
          <>
            <dt>Object</dt>
            <dd>
              <DumpText text={`${card.anchor.type} ${card.anchor.address}`} />
            </dd>
          </>
        )}
        {card.owners.length > 0 && (
          <>
            <dt>Owned by</dt>
            <dd>
              <DumpText text={card.owners.join(' ← ')} />
            </dd>
          </>
        )}
      </dl>
      <KeptAliveTable rows={card.keptAlive} />
      {card.path && (
        <pre className="roots-text" data-testid="evidence-path">
          {visibleOutput(
            [
              card.path.root,
              ...card.path.steps.map((step) =>
                'run' in step
                  ? `    -> ${formatInteger(step.run.count)} × ${step.run.type} (${step.run.first} … ${step.run.last})`
                  : `    -> ${step.address} ${step.type}`,
              ),
            ].join('\n'),
          )}
        </pre>
      )}
      {card.truncated && <p className="muted">Some rows or path steps were left out to fit the link.</p>}
      <p className="muted">{EVIDENCE_NOTICE}</p>
    </article>
  );
}

/** Copies text, and shows it too (clipboards can be unavailable, e.g. in headless browsers). */
export function CopyBox({ label, make, testId }: { label: string; make: () => Promise<string>; testId: string }) {
  const [text, setText] = useState<string | null>(null);
  return (
    <span className="copy-box">
      <button
        type="button"
        data-testid={testId}
        onClick={() => {
          void make().then((value) => {
            setText(value);
            void navigator.clipboard?.writeText(value).catch(() => undefined);
          });
        }}
      >
        {label}
      </button>
      {text !== null && (
        <textarea
          readOnly
          className="copy-output"
          data-testid={`${testId}-output`}
          value={text}
          rows={3}
          onFocus={(e) => e.currentTarget.select()}
        />
      )}
    </span>
  );
}

export function ForgetDumpsButton() {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="link-button forget-dumps"
      data-testid="forget-dumps"
      onClick={() => void forgetCachedDumps().then(() => setDone(true))}
    >
      {done ? 'Cached dumps forgotten' : 'Forget all cached dumps'}
    </button>
  );
}

export { evidenceMarkdown };
