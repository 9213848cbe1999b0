/**
 * Findings: automatic diagnoses over an analysed heap, one rule per file. Most specific first:
 * registrations a CancellationToken rule explains are not reported again as a generic chain.
 */
import type { AnalysisContext } from '../analysis-context';
import { cancellationRegistrationFindings, DEFAULT_REGISTRATION_THRESHOLD } from './cancellation-registrations-rule';
import { eventHandlerFindings, DEFAULT_HANDLER_THRESHOLD } from './event-handler-rule';
import { homogeneousChainFindings } from './homogeneous-chain-rule';
import { DEFAULT_MIN_CHAIN_LENGTH } from '../chain-scan';
import type { Finding } from './finding';

export type { Finding, FindingKind, KeptAliveRow } from './finding';

export interface FindingThresholds {
  /** Registrations on one CancellationTokenSource (default 1,000). */
  readonly registrations?: number;
  /** Members of a same-type chain (default 1,000). */
  readonly chainLength?: number;
  /** Handlers in one event's invocation list (default 100). */
  readonly handlers?: number;
}

export function computeFindings(context: AnalysisContext, thresholds: FindingThresholds = {}): Finding[] {
  const { findings: cancellation, claimed } = cancellationRegistrationFindings(
    context,
    thresholds.registrations ?? DEFAULT_REGISTRATION_THRESHOLD,
  );
  const chains = homogeneousChainFindings(context, claimed, thresholds.chainLength ?? DEFAULT_MIN_CHAIN_LENGTH);
  const events = eventHandlerFindings(context, thresholds.handlers ?? DEFAULT_HANDLER_THRESHOLD);
  const severityRank = { critical: 0, warning: 1 } as const;
  return [...cancellation, ...chains, ...events].sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      (b.retainedBytes ?? 0) - (a.retainedBytes ?? 0) ||
      b.count - a.count,
  );
}
