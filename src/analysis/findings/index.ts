/**
 * Findings: automatic diagnoses over an analysed heap. With a complete reference graph (dominators),
 * the general leak-suspect analysis (leak-suspects.ts over accumulation.ts, words from
 * recognizers.ts) finds every leak shape, one finding per leak. A transcript has only the chains it
 * printed: there the rules that read those chains speak (registrations counted by their printed Id,
 * long same-type chains, growing handler lists).
 */
import type { AnalysisContext } from '../analysis-context';
import { cancellationRegistrationFindings, DEFAULT_REGISTRATION_THRESHOLD } from './cancellation-registrations-rule';
import { eventHandlerFindings, DEFAULT_HANDLER_THRESHOLD } from './event-handler-rule';
import { homogeneousChainFindings } from './homogeneous-chain-rule';
import { DEFAULT_MIN_CHAIN_LENGTH } from '../chain-scan';
import type { Finding } from './finding';
import { leakSuspectFindings } from './leak-suspects';
import type { DominatorChildren } from '../retained';
import type { RootPathFinder } from '../root-paths';
import { transcriptStatFindings } from './transcript-stat-rule';
import { simpleTypeName } from '../type-names';

export type { Finding, FindingKind, KeptAliveRow, LeakPattern } from './finding';
export { SEVERITY_RULE } from './leak-suspects';

export interface FindingThresholds {
  /** Registrations on one CancellationTokenSource (default 1,000). */
  readonly registrations?: number;
  /** Members of a same-type chain (default 1,000). */
  readonly chainLength?: number;
  /** Handlers in one event's invocation list (default 100). */
  readonly handlers?: number;
  /** The dominator tree's children (retained.ts dominatorTree), when the caller has built it already. */
  readonly dominatorChildren?: DominatorChildren;
  /** A root-path finder over the same heap to reuse (its scratch arrays are 8 bytes per node). */
  readonly rootPathFinder?: () => RootPathFinder;
}

export function computeFindings(context: AnalysisContext, thresholds: FindingThresholds = {}): Finding[] {
  if (context.dominators && context.retained)
    return leakSuspectFindings(context, thresholds.dominatorChildren, thresholds.rootPathFinder);
  const { findings: cancellation, claimed } = cancellationRegistrationFindings(
    context,
    thresholds.registrations ?? DEFAULT_REGISTRATION_THRESHOLD,
  );
  const chains = homogeneousChainFindings(context, claimed, thresholds.chainLength ?? DEFAULT_MIN_CHAIN_LENGTH);
  const events = eventHandlerFindings(context, thresholds.handlers ?? DEFAULT_HANDLER_THRESHOLD);
  const known = new Set([...cancellation, ...chains, ...events].map((finding) => simpleTypeName(finding.entryType)));
  const fromStat = transcriptStatFindings(context, known);
  const severityRank = { critical: 0, warning: 1 } as const;
  return [...cancellation, ...chains, ...events, ...fromStat].sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      (b.retainedBytes ?? 0) - (a.retainedBytes ?? 0) ||
      b.count - a.count,
  );
}
