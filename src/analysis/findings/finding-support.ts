/** What the finding rules share: owners, words for what is kept alive, addresses. */
import { NO_NODE, NodeFlag, type HeapModel } from '../../heap/types';
import { formatAddress } from '../../heap/address';
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
