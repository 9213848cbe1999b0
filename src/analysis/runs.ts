import { NO_NODE, NodeFlag, type HeapModel } from '../heap/types';
import type { Dominators } from './dominators';
import { isTraversedEdge } from './edge-predicate';
import type { Retainers } from './reverse-edges';

/**
 * Shortest run collapsed in a path: 8 members. Shorter runs read fine hop by hop (a few nested
 * wrappers); a runaway chain (17,812 CancellationTokenSource callbacks) is thousands long.
 */
export const DEFAULT_MIN_RUN_LENGTH = 8;

/**
 * Shortest chain the heap-wide detector reports by default: 1,000 members. Ordinary linked
 * structures (a LinkedList of tasks, a bucket chain) stay below it; the leaks we hunt are far above.
 */
export const DEFAULT_MIN_CHAIN_LENGTH = 1_000;

/** Chains reported by default, longest first. */
export const DEFAULT_MAX_CHAINS = 100;

/**
 * One identity per type *name* (gcdump §5.4: type entries repeat names), as the smallest TypeIndex
 * with that name, indexed by TypeIndex. O(types); two objects are "of the same type" in runs and
 * chains when their identities are equal.
 */
export function typeIdentityByName(heap: HeapModel): Uint32Array {
  const { names, count } = heap.types;
  const identity = new Uint32Array(count);
  const firstByName = new Map<string, number>();
  for (let t = 0; t < count; t++) {
    const first = firstByName.get(names[t]);
    if (first === undefined) firstByName.set(names[t], t);
    identity[t] = first ?? t;
  }
  return identity;
}

/** A path element after collapsing: a node, or a run of consecutive same-type nodes. */
export type PathStep =
  | { readonly kind: 'node'; readonly node: number; readonly startIndex: number }
  | {
      readonly kind: 'run';
      /** TypeIndex of the first member. */
      readonly type: number;
      readonly count: number;
      /** First and last member (NodeIndex). */
      readonly first: number;
      readonly last: number;
      /** Position of `first` in the input path. */
      readonly startIndex: number;
    };

/**
 * Collapses each maximal run of at least `minRunLength` consecutive path nodes of the same type
 * name into one run step; other nodes stay single steps. O(path length).
 */
export function collapseRuns(
  heap: HeapModel,
  path: ArrayLike<number>,
  minRunLength = DEFAULT_MIN_RUN_LENGTH,
  typeIdentity = typeIdentityByName(heap),
): PathStep[] {
  const nodeType = heap.nodes.type;
  const steps: PathStep[] = [];
  let runStart = 0;
  while (runStart < path.length) {
    const identity = typeIdentity[nodeType[path[runStart]]];
    let runEnd = runStart + 1;
    while (runEnd < path.length && typeIdentity[nodeType[path[runEnd]]] === identity) runEnd++;
    const count = runEnd - runStart;
    if (count >= minRunLength) {
      steps.push({
        kind: 'run',
        type: nodeType[path[runStart]],
        count,
        first: path[runStart],
        last: path[runEnd - 1],
        startIndex: runStart,
      });
    } else {
      for (let i = runStart; i < runEnd; i++) steps.push({ kind: 'node', node: path[i], startIndex: i });
    }
    runStart = runEnd;
  }
  return steps;
}

/** A long chain of same-type objects, each kept alive by the previous one (a runaway linked list). */
export interface HomogeneousChain {
  /** TypeIndex of the head. */
  readonly type: number;
  /** Members on the longest head-to-tail walk (exactly N for a list of N). */
  readonly length: number;
  /** All members, branches included (equal to length for a plain list). */
  readonly memberCount: number;
  /** First member (NodeIndex). */
  readonly head: number;
  /** Last member of the longest walk. */
  readonly tail: number;
  /** The head's first retainer of another type (else its first retainer), or NO_NODE. */
  readonly headRetainer: number;
  /** Sum of the members' shallow sizes. */
  readonly bytes: number;
  /** The head's retained size, when retained sizes were given; else null. */
  readonly retainedBytes: number | null;
}

export interface HomogeneousChainOptions {
  readonly minLength?: number;
  readonly maxChains?: number;
  /**
   * With dominators, a member's predecessor is its immediate dominator when that is an object of
   * the same type that references it: this also catches doubly-linked lists (each member is
   * referenced by both neighbours but dominated by the previous one). Without, a member must be
   * referenced by exactly one object (duplicate edges aside), the previous member.
   */
  readonly dominators?: Dominators;
  /** Retained sizes (retained.ts), for `retainedBytes`. */
  readonly retained?: Float64Array;
}

/**
 * Finds every chain of at least `minLength` objects of one type name in which each member after
 * the head is kept alive by the previous member (see `dominators` in the options). The predecessor
 * links form a forest; each tree is walked once from its head with an explicit stack, so the whole
 * scan is O(nodes + edges). Returns the longest chains first, at most `maxChains`.
 * Without dominators, a ring of objects each referenced only by the previous one has no head and is
 * not reported (nothing else references it: it is garbage, not a leak).
 */
export function findHomogeneousChains(
  heap: HeapModel,
  retainers: Retainers,
  options: HomogeneousChainOptions = {},
): HomogeneousChain[] {
  const minLength = options.minLength ?? DEFAULT_MIN_CHAIN_LENGTH;
  const maxChains = options.maxChains ?? DEFAULT_MAX_CHAINS;
  const { dominators, retained } = options;
  const nodeCount = heap.nodes.count;
  const { type: nodeType, size: nodeSize, flags } = heap.nodes;
  const { start: edgeStart, target: edgeTarget } = heap.edges;
  const { retainerStart, retainerSource } = retainers;
  const typeIdentity = typeIdentityByName(heap);
  const isObject = (node: number) => (flags[node] & (NodeFlag.Defined | NodeFlag.Pseudo)) === NodeFlag.Defined;
  const sameType = (a: number, b: number) => typeIdentity[nodeType[a]] === typeIdentity[nodeType[b]];

  /** The member before each node in its chain, NO_NODE when the node continues no chain. */
  const chainPredecessor = new Uint32Array(nodeCount).fill(NO_NODE);
  /** Bit 1: some node's predecessor is this node. Bit 2: visited by the walk below. */
  const marks = new Uint8Array(nodeCount);
  const HAS_SUCCESSOR = 1;
  const VISITED = 2;
  let linkCount = 0;
  for (let node = 0; node < nodeCount; node++) {
    const first = retainerStart[node];
    const end = retainerStart[node + 1];
    if (first === end || !isObject(node)) continue;
    let predecessor = NO_NODE;
    if (dominators) {
      const dominator = dominators.idom[node];
      if (dominator === NO_NODE) continue;
      for (let r = first; r < end; r++) {
        if (retainerSource[r] === dominator) {
          predecessor = dominator;
          break;
        }
      }
    } else {
      predecessor = retainerSource[first];
      for (let r = first + 1; r < end; r++) {
        if (retainerSource[r] !== predecessor) {
          predecessor = NO_NODE;
          break;
        }
      }
    }
    if (predecessor === NO_NODE || !isObject(predecessor) || !sameType(predecessor, node)) continue;
    chainPredecessor[node] = predecessor;
    marks[predecessor] |= HAS_SUCCESSOR;
    linkCount++;
  }

  const chains: HomogeneousChain[] = [];
  const stackNode = new Uint32Array(linkCount + 1);
  const stackDepth = new Uint32Array(linkCount + 1);
  for (let head = 0; head < nodeCount; head++) {
    if ((marks[head] & HAS_SUCCESSOR) === 0 || chainPredecessor[head] !== NO_NODE) continue;
    let top = 0;
    stackNode[0] = head;
    stackDepth[0] = 1;
    marks[head] |= VISITED;
    let length = 0;
    let tail = head;
    let memberCount = 0;
    let bytes = 0;
    while (top >= 0) {
      const member = stackNode[top];
      const depth = stackDepth[top];
      top--;
      memberCount++;
      bytes += nodeSize[member];
      if (depth > length) {
        length = depth;
        tail = member;
      }
      for (let e = edgeStart[member], end = edgeStart[member + 1]; e < end; e++) {
        const next = edgeTarget[e];
        if (chainPredecessor[next] !== member || (marks[next] & VISITED) !== 0 || !isTraversedEdge(member, next)) {
          continue;
        }
        marks[next] |= VISITED;
        top++;
        stackNode[top] = next;
        stackDepth[top] = depth + 1;
      }
    }
    if (length < minLength) continue;
    chains.push({
      type: nodeType[head],
      length,
      memberCount,
      head,
      tail,
      headRetainer: headRetainerOf(head),
      bytes,
      retainedBytes: retained ? retained[head] : null,
    });
  }

  function headRetainerOf(head: number): number {
    const first = retainerStart[head];
    const end = retainerStart[head + 1];
    for (let r = first; r < end; r++) if (!sameType(retainerSource[r], head)) return retainerSource[r];
    return first < end ? retainerSource[first] : NO_NODE;
  }

  chains.sort((a, b) => b.length - a.length || a.head - b.head);
  return chains.slice(0, maxChains);
}
