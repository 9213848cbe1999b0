/** What the finding rules share: owners, what an object keeps alive, addresses. */
import { NO_NODE, NodeFlag, type HeapModel } from '../../heap/types';
import { formatAddress } from '../../heap/address';
import { isReached } from '../bfs';
import { topDownChunks } from '../top-down';
import type { AnalysisContext } from '../analysis-context';
import type { Finding, KeptAliveRow, LeakPattern } from './finding';

/** Rows of "kept alive" a finding lists. */
export const KEPT_ALIVE_ROWS = 6;

export function addressOf(heap: HeapModel, node: number): string {
  return formatAddress(heap.nodes.addressLo[node], heap.nodes.addressHi[node]);
}

export function typeNameOf(heap: HeapModel, node: number): string {
  return heap.types.names[heap.nodes.type[node]];
}

/**
 * The retainer of `node` nearest to the roots (smallest BFS distance) that `skip` does not reject,
 * or NO_NODE. Nearest-to-root is what a person reads as "the owner".
 */
export function nearestRetainer(
  context: AnalysisContext,
  node: number,
  skip: (node: number) => boolean = () => false,
): number {
  const { retainerStart, retainerSource } = context.retainers;
  const { distance } = context.bfs;
  let best = NO_NODE;
  let bestDistance = Infinity;
  for (let r = retainerStart.get(node), rowEnd = retainerStart.get(node + 1); r < rowEnd; r++) {
    const retainer = retainerSource[r];
    if (skip(retainer)) continue;
    if (best === NO_NODE || distance[retainer] < bestDistance) {
      best = retainer;
      bestDistance = distance[retainer];
    }
  }
  return best;
}

/** Up to `depth` owners of `node`, nearest first, as type names (pseudo-nodes by their label). */
export function ownerNames(
  context: AnalysisContext,
  node: number,
  depth = 2,
  skip?: (node: number) => boolean,
): string[] {
  const names: string[] = [];
  let current = node;
  for (let level = 0; level < depth; level++) {
    const owner = nearestRetainer(context, current, skip);
    if (owner === NO_NODE || owner === context.heap.rootIndex) break;
    names.push(typeNameOf(context.heap, owner));
    if (context.heap.nodes.flags[owner] & NodeFlag.Pseudo) break;
    current = owner;
  }
  return names;
}

/**
 * The objects dominated by any of `seeds` (so freed with them), as a mark per node, their biggest
 * types, and the bytes of all of them (seeds included). One top-down pass over the dominator
 * tree (top-down.ts): O(nodes). Needs dominators.
 *
 * Why the seeds' union rather than one owner's retained size: a doubly-linked list that is also
 * referenced from elsewhere (a registration kept in a list, a node on a stack) is reachable around
 * its owner, so the owner dominates almost nothing; each member still dominates what it alone holds.
 */
export function keptAliveBy(
  context: AnalysisContext,
  seeds: ArrayLike<number>,
  excludeFromRows: (node: number) => boolean,
): { marked: Uint8Array; rows: KeptAliveRow[]; totalBytes: number | null } {
  const { heap, dominators } = context;
  const marked = new Uint8Array(heap.nodes.count);
  if (!dominators) return { marked, rows: [], totalBytes: null };
  for (let i = 0; i < seeds.length; i++) marked[seeds[i]] = 1;
  const { idom } = dominators;
  for (const chunk of topDownChunks(idom)) {
    for (let k = 0; k < chunk.length; k++) {
      const node = chunk[k];
      const dominator = idom[node];
      if (dominator !== NO_NODE && marked[dominator]) marked[node] = 1;
    }
  }
  const byName = new Map<string, { count: number; bytes: number }>();
  let totalBytes = 0;
  for (let node = 0; node < marked.length; node++) {
    if (!marked[node]) continue;
    totalBytes += heap.nodes.size.get(node);
    if (excludeFromRows(node)) continue;
    const name = typeNameOf(heap, node);
    const row = byName.get(name) ?? { count: 0, bytes: 0 };
    row.count++;
    row.bytes += heap.nodes.size.get(node);
    byName.set(name, row);
  }
  const rows = [...byName]
    .map(([type, row]) => ({ type, ...row }))
    .sort((a, b) => b.bytes - a.bytes || b.count - a.count);
  return { marked, rows: rows.slice(0, KEPT_ALIVE_ROWS), totalBytes };
}

/** Of the marked objects named `typeName`, the one farthest from the roots (the longest path to show). */
export function farthestMarkedOfType(
  context: AnalysisContext,
  marked: Uint8Array,
  typeName: string | undefined,
): number {
  const { heap, bfs } = context;
  let best = NO_NODE;
  if (typeName === undefined) return best;
  for (let node = 0; node < marked.length; node++) {
    if (!marked[node] || !isReached(bfs, node) || typeNameOf(heap, node) !== typeName) continue;
    if (best === NO_NODE || bfs.distance[node] > bfs.distance[best]) best = node;
  }
  return best;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** "17,812 × FileBufferingReadStream (2.1 MB), 17,812 × System.Byte[] (584.4 MB)". */
export function describeRows(rows: readonly KeptAliveRow[], limit = 3): string {
  return rows
    .slice(0, limit)
    .map((row) => `${formatCount(row.count)} × ${row.type} (${formatBytes(row.bytes)})`)
    .join(', ');
}

/**
 * The rules that read a transcript's printed chains fill in what the general analysis would: the
 * anchor is the accumulation point, no owner or path beyond what the chains show, the fix is the
 * explanation's "Fix:" paragraph.
 */
export function chainRuleFinding(
  finding: Omit<Finding, 'pattern' | 'entryType' | 'shareOfHeap' | 'accumulationPoint' | 'owner' | 'rootPath' | 'fix'>,
  pattern: LeakPattern,
  entryType: string,
): Finding {
  const fix = finding.explanation.find((paragraph) => paragraph.startsWith('Fix: '))?.slice(5) ?? '';
  return {
    ...finding,
    pattern,
    entryType,
    shareOfHeap: null,
    accumulationPoint: finding.anchor,
    owner: null,
    rootPath: null,
    fix,
  };
}
