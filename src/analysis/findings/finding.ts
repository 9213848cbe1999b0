/** A finding: an automatic diagnosis of a leak pattern, with the numbers and a plain explanation. */
import type { RootKind } from '../root-kinds';
import type { RootPath } from '../root-paths';
import type { LeakPattern } from './recognizers';

export type { LeakPattern } from './recognizers';

/** The shape of a leak (the general analysis's words); `pattern` names the API that made it. */
export type FindingKind =
  | 'runaway-cancellation-registrations'
  | 'growing-event-handler-list'
  | 'undisposed-timers'
  | 'growing-collection'
  | 'accumulation'
  | 'long-homogeneous-chain';

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
  /** The API that made it, when a recognizer knows it; 'general' otherwise. */
  readonly pattern: LeakPattern;
  readonly severity: FindingSeverity;
  readonly title: string;
  /** The number the finding is about (registrations, chain members, handlers). */
  readonly count: number;
  /** Type name of the entries counted. */
  readonly entryType: string;
  /** Bytes that would be freed with the entries (what they alone keep alive), when dominators are known. */
  readonly retainedBytes: number | null;
  /** retainedBytes ÷ the reachable heap, or null. */
  readonly shareOfHeap: number | null;
  /** Where the entries accumulate (a collection, an invocation list, a registration list, the timer queue). */
  readonly accumulationPoint: { readonly node: number; readonly type: string; readonly address: string };
  /** Who holds the accumulation point: the object under the root, and the root's kind and label. */
  readonly owner: {
    readonly node: number;
    readonly type: string;
    readonly address: string;
    readonly rootKind: RootKind;
    readonly label: string;
  } | null;
  /** The object the finding is about (NodeIndex), its type name and address. */
  readonly anchor: { readonly node: number; readonly type: string; readonly address: string };
  /** Who holds the anchor, nearest first, as type names (e.g. ConfigurationReloadToken ← ConfigurationRoot). */
  readonly owners: readonly string[];
  /** The biggest types kept alive through the anchor, by bytes. */
  readonly keptAlive: readonly KeptAliveRow[];
  /** An object whose root path shows the problem best (NodeIndex), e.g. a leaked buffer at the chain's end. */
  readonly pathTarget: number;
  /** The finding's root path: root → owner → accumulation point → the members → what one keeps alive. */
  readonly rootPath: RootPath | null;
  /** Plain-language explanation: what happens, the likely cause, the fix. Paragraphs. */
  readonly explanation: readonly string[];
  /** The fix alone, in the words of the API. */
  readonly fix: string;
}

export function findingId(kind: FindingKind, address: string): string {
  return `${kind}@${address}`;
}
