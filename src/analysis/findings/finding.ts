/** A finding: an automatic diagnosis of a leak pattern, with the numbers and a plain explanation. */

export type FindingKind =
  'runaway-cancellation-registrations' | 'long-homogeneous-chain' | 'growing-event-handler-list';

export type FindingSeverity = 'critical' | 'warning';

/** One row of "what this keeps alive": objects of one type name. */
export interface KeptAliveRow {
  readonly type: string;
  readonly count: number;
  readonly bytes: number;
}

export interface Finding {
  /** Stable across reloads of the same dump: kind + anchor address (for permalinks). */
  readonly id: string;
  readonly kind: FindingKind;
  readonly severity: FindingSeverity;
  readonly title: string;
  /** The number the finding is about (registrations, chain members, handlers). */
  readonly count: number;
  /** Bytes that would be freed with the anchor, when dominators are known. */
  readonly retainedBytes: number | null;
  /** The object the finding is about (NodeIndex), its type name and address. */
  readonly anchor: { readonly node: number; readonly type: string; readonly address: string };
  /** Who holds the anchor, nearest first, as type names (e.g. ConfigurationReloadToken ← ConfigurationRoot). */
  readonly owners: readonly string[];
  /** The biggest types kept alive through the anchor, by bytes. */
  readonly keptAlive: readonly KeptAliveRow[];
  /** An object whose root path shows the problem best (NodeIndex), e.g. a leaked buffer at the chain's end. */
  readonly pathTarget: number;
  /** Plain-language explanation: what happens, the likely cause, the fix. Paragraphs. */
  readonly explanation: readonly string[];
}

export function findingId(kind: FindingKind, address: string): string {
  return `${kind}@${address}`;
}
