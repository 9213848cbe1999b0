/**
 * The part of the worker API that answers "why is it alive" and "what does it hold" (issues 4 and 5):
 * findings, root paths, objects and their references, instances of a type, the dominator tree.
 * Every answer is small and structured-clonable; objects are named by NodeIndex inside one loaded
 * heap (the `node` fields) and by address for people and links.
 */
import type { FindingKind, FindingSeverity, KeptAliveRow } from '../analysis/findings/finding';
import type { RootPathSummary } from '../analysis/path-summary';
import type { ObjectFieldValue } from '../heap/types';

export type AnalysisStatus =
  | { readonly state: 'idle' }
  | { readonly state: 'running'; readonly stage: string; readonly fraction: number }
  | { readonly state: 'ready'; readonly seconds: number; readonly hasDominators: boolean }
  | { readonly state: 'failed'; readonly message: string };

export interface ObjectRef {
  readonly node: number;
  readonly type: string;
  /** `0x…`, or '' for pseudo-nodes (roots, categories). */
  readonly address: string;
  readonly size: number;
  /** Retained bytes (what freeing this object would free), or null before/without dominators. */
  readonly retained: number | null;
  /** References on the shortest path from the root, or null when no root reaches it. */
  readonly distance: number | null;
  readonly pseudo: boolean;
}

export interface FindingSummary {
  readonly id: string;
  readonly kind: FindingKind;
  readonly severity: FindingSeverity;
  readonly title: string;
  readonly count: number;
  readonly retainedBytes: number | null;
  readonly anchor: ObjectRef;
  readonly owners: readonly string[];
  readonly keptAlive: readonly KeptAliveRow[];
  readonly explanation: readonly string[];
  /** The object whose root path shows the finding best. */
  readonly pathTarget: ObjectRef;
}

export interface ObjectDetails extends ObjectRef {
  readonly referencesOut: number;
  readonly referencesIn: number;
  /** The immediate dominator (who alone keeps it alive), when known. */
  readonly dominator: ObjectRef | null;
  /** The module (assembly) of its type, when the input names one. */
  readonly module: string | null;
  /** Field values as the input printed them (a transcript's dumpobj), or null: a gcdump has none. */
  readonly fields: readonly ObjectFieldValue[] | null;
}

export interface ReferencePage {
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly ObjectRef[];
}

export interface RootPathsAnswer {
  readonly target: ObjectRef;
  readonly paths: readonly RootPathSummary[];
  /** False when the search stopped at a cap (more root kinds may exist). */
  readonly complete: boolean;
}

export interface RunMembersPage {
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly ObjectRef[];
}

export type InstanceSortKey = 'size' | 'retained' | 'address' | 'distance';

export interface InstanceQuery {
  /** Type name exactly as the histogram row shows it. */
  readonly typeName: string;
  /** Also match entries whose name differs only by a collector suffix (` (Bytes > 10K)`). */
  readonly includeSizeVariants: boolean;
  readonly minSize: number | null;
  readonly maxSize: number | null;
  readonly liveness: 'all' | 'live' | 'dead';
  readonly sortKey: InstanceSortKey;
  readonly descending: boolean;
  readonly offset: number;
  readonly limit: number;
}

export interface SizeBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

export interface InstancePage {
  readonly totalRows: number;
  readonly offset: number;
  readonly rows: readonly ObjectRef[];
  /** Statistics of all matching objects (like SOS's block after `dumpheap -mt`). */
  readonly matching: { readonly count: number; readonly bytes: number };
  /** Instance sizes of the matching objects, for the histogram chart (log-spaced bins). */
  readonly sizeBins: readonly SizeBin[];
}

export interface DominatorPage {
  readonly total: number;
  readonly offset: number;
  /** The children of the asked node (null: the top of the tree), biggest retained first. */
  readonly rows: readonly (ObjectRef & { readonly children: number; readonly percent: number })[];
}

/** Most rows any page returns: a page is what a view shows. */
export const MAX_PAGE_ROWS = 1000;
