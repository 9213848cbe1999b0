import { encodeEvidence, evidenceMarkdown, type EvidenceCard, type EvidenceStep } from '../../permalink/evidence-card';
import { DEFAULT_URL_STATE, encodeUrlState } from '../../permalink/url-state';
import type { FindingSummary } from '../../session/answers';
import { FIRST_HISTOGRAM_QUERY } from '../../session/answers';
import { dumpNamed, heapWorker } from './heap-worker';
import { useViewStore } from './store';

/** Rows of the histogram an evidence card carries. */
const EVIDENCE_HISTOGRAM_ROWS = 10;

/** The evidence of a finding: its numbers, its root path (the session's choice, runs collapsed), the top types. */
export async function findingEvidence(finding: FindingSummary): Promise<EvidenceCard> {
  const [path, histogram] = await Promise.all([
    heapWorker.findingPath(finding.id),
    heapWorker.histogramPage({ ...FIRST_HISTOGRAM_QUERY, limit: EVIDENCE_HISTOGRAM_ROWS }),
    // The card names its dump: copied right after the analyses, it waits for the dump's hash.
    dumpNamed(),
  ]);
  return {
    title: finding.title,
    count: finding.count,
    retainedBytes: finding.retainedBytes,
    anchor: { type: finding.anchor.type, address: finding.anchor.address },
    owners: finding.owners,
    keptAlive: finding.keptAlive,
    path: path
      ? {
          root: `${path.root.name} (${path.root.label})`,
          steps: path.steps.map((step): EvidenceStep =>
            'run' in step
              ? { run: { type: step.run.type, count: step.run.count, first: step.run.first, last: step.run.last } }
              : { type: step.type, address: step.address },
          ),
        }
      : null,
    histogram: histogram.rows.map((row) => ({ name: row.name, count: row.count, bytes: row.bytes })),
    dump: useViewStore.getState().fingerprint,
    truncated: false,
  };
}

/** A link that restores the finding for whoever has the dump, and shows its evidence to anyone. */
export async function findingLinkWithEvidence(finding: FindingSummary): Promise<string> {
  const card = await findingEvidence(finding);
  const hash = encodeUrlState({
    ...DEFAULT_URL_STATE,
    dump: card.dump,
    view: 'findings',
    findingId: finding.id,
    evidence: encodeEvidence(card),
  });
  return `${window.location.origin}${window.location.pathname}${hash}`;
}

export async function findingMarkdown(finding: FindingSummary): Promise<string> {
  return evidenceMarkdown(await findingEvidence(finding));
}
