import type { HeapModel } from '../heap/types';
import type { RootBreadthFirstTree } from './bfs';
import type { Dominators } from './dominators';
import type { Retainers } from './reverse-edges';
import type { DominatorTree, RetainedSizes } from './retained';
import type { Finding } from './findings/finding';

/**
 * What the worker has computed for one heap, in the order it computes it. Analyses that need only
 * part of it take the parts; findings take the whole, and say less when dominators are missing
 * (a transcript has no complete graph).
 */
export interface AnalysisContext {
  readonly heap: HeapModel;
  readonly retainers: Retainers;
  readonly bfs: RootBreadthFirstTree;
  readonly dominators: Dominators | null;
  /** Retained size per node, or null without dominators. */
  readonly retained: RetainedSizes | null;
}

/**
 * Everything the analyses of one heap computed: the context, the dominator tree (null without
 * dominators) and the findings. What a heap image keeps (permalink/heap-image.ts), so a reopened
 * dump runs none of it again.
 */
export interface ComputedAnalyses {
  readonly context: AnalysisContext;
  readonly tree: DominatorTree | null;
  readonly findings: readonly Finding[];
}
