/**
 * The heap-wide scan for runaway chains: long lists of same-type objects, each linked to the next
 * (singly or doubly linked, entered from several places), found in O(N + E) with per-node marks.
 * Display runs inside one path are runs.ts.
 */
import type { ObjectSizes } from '../heap/object-sizes';
import { NO_NODE, NodeFlag, type HeapModel, type TypeColumn } from '../heap/types';
import type { RowStarts } from '../heap/row-starts';
import type { Dominators } from './dominators';
import { isTraversedEdge } from './edge-predicate';
import type { Retainers } from './reverse-edges';
import type { RetainedSizes } from './retained';
import { typeIdentityByName } from './runs';

/**
 * Shortest chain the heap-wide detector reports by default: 1,000 members. Ordinary linked
 * structures (a LinkedList of tasks, a bucket chain) stay below it; the leaks we hunt are far above.
 */
export const DEFAULT_MIN_CHAIN_LENGTH = 1_000;

/** Chains reported by default, longest first. */
export const DEFAULT_MAX_CHAINS = 100;

/** A long chain of same-type objects, each linked to the next (a runaway linked list). */
export interface HomogeneousChain {
  /** TypeIndex of the head. */
  readonly type: number;
  /** Members on the longest head-to-tail walk (exactly N for a list of N). */
  readonly length: number;
  /** All members, branches included (equal to length except for 'singleRetainer' trees). */
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

/**
 * What counts as a chain:
 *  - 'linkedList': objects of one type, each linked (by a reference either way) to at most two
 *    others of its type, form a path or a ring. This finds singly- and doubly-linked lists even when
 *    outside objects also point into them: in the real LeakyService dump every
 *    `CancellationTokenSource+CallbackNode` has Prev and Next and some are also held by a
 *    CancellationTokenRegistration, so no member is dominated by its predecessor.
 *  - 'singleRetainer': stricter: each member after the head is referenced by exactly one object
 *    (duplicate edges aside), the previous member; branches are allowed and measured by their
 *    longest walk. A ring with no way in is garbage and not reported.
 */
export type ChainStructure = 'linkedList' | 'singleRetainer';

export interface HomogeneousChainOptions {
  readonly minLength?: number;
  readonly maxChains?: number;
  /** Default 'linkedList'. */
  readonly structure?: ChainStructure;
  /**
   * Orients a linked list whose two ends both have same-type retainers (a doubly-linked list):
   * the end that immediately dominates its neighbour is the head.
   */
  readonly dominators?: Dominators;
  /** Retained sizes (retained.ts), for `retainedBytes`. */
  readonly retained?: RetainedSizes;
}

/**
 * Finds every chain of at least `minLength` objects of one type name (see ChainStructure), in
 * O(nodes + edges) with no recursion: each member is walked once. Returns the longest chains
 * first, at most `maxChains`.
 */
export function findHomogeneousChains(
  heap: HeapModel,
  retainers: Retainers,
  options: HomogeneousChainOptions = {},
): HomogeneousChain[] {
  const minLength = options.minLength ?? DEFAULT_MIN_CHAIN_LENGTH;
  const maxChains = options.maxChains ?? DEFAULT_MAX_CHAINS;
  const scan = new ChainScan(heap, retainers, options);
  const found =
    options.structure === 'singleRetainer' ? scan.singleRetainerChains(minLength) : scan.linkedLists(minLength);
  found.sort((a, b) => b.length - a.length || a.head - b.head);
  return found.slice(0, maxChains);
}

/** Bits of ChainScan.marks. */
const LINKED = 1; // linkedList: 1 or 2 distinct same-type neighbours
const HAS_SUCCESSOR = 2; // singleRetainer: some node's predecessor is this node
const VISITED = 4;

/** The state shared by both chain structures: the heap's columns, per-node marks, type identity. */
class ChainScan {
  private readonly nodeType: TypeColumn;
  private readonly nodeSize: ObjectSizes;
  private readonly flags: Uint8Array;
  private readonly edgeStart: RowStarts;
  private readonly edgeTarget: Uint32Array;
  private readonly retainerStart: RowStarts;
  private readonly retainerSource: Uint32Array;
  private readonly typeIdentity: Uint32Array;
  private readonly marks: Uint8Array;

  constructor(
    private readonly heap: HeapModel,
    retainers: Retainers,
    private readonly options: HomogeneousChainOptions,
  ) {
    ({ type: this.nodeType, size: this.nodeSize, flags: this.flags } = heap.nodes);
    ({ start: this.edgeStart, target: this.edgeTarget } = heap.edges);
    ({ retainerStart: this.retainerStart, retainerSource: this.retainerSource } = retainers);
    this.typeIdentity = typeIdentityByName(heap);
    this.marks = new Uint8Array(heap.nodes.count);
  }

  private isObject(node: number): boolean {
    return (this.flags[node] & (NodeFlag.Defined | NodeFlag.Pseudo)) === NodeFlag.Defined;
  }

  private sameType(a: number, b: number): boolean {
    return this.typeIdentity[this.nodeType[a]] === this.typeIdentity[this.nodeType[b]];
  }

  private chain(head: number, tail: number, length: number, memberCount: number, bytes: number): HomogeneousChain {
    const { retainerStart, retainerSource } = this;
    let headRetainer = NO_NODE;
    for (let r = retainerStart.get(head), rowEnd = retainerStart.get(head + 1); r < rowEnd; r++) {
      if (!this.sameType(retainerSource[r], head)) {
        headRetainer = retainerSource[r];
        break;
      }
    }
    if (headRetainer === NO_NODE && retainerStart.get(head) < retainerStart.get(head + 1))
      headRetainer = retainerSource[retainerStart.get(head)];
    const { retained } = this.options;
    return {
      type: this.nodeType[head],
      length,
      memberCount,
      head,
      tail,
      headRetainer,
      bytes,
      retainedBytes: retained ? retained[head] : null,
    };
  }

  /**
   * The next member after `current` (not `previous`, not visited): the first linked same-type
   * neighbour among its references, then among its retainers; NO_NODE at the end. O(degree).
   */
  private nextLinkedNeighbour(current: number, previous: number): number {
    const { edgeStart, edgeTarget, retainerStart, retainerSource, marks } = this;
    for (let e = edgeStart.get(current), rowEnd = edgeStart.get(current + 1); e < rowEnd; e++) {
      const next = edgeTarget[e];
      if (
        next !== previous &&
        next !== current &&
        (marks[next] & (LINKED | VISITED)) === LINKED &&
        this.sameType(next, current)
      ) {
        return next;
      }
    }
    for (let r = retainerStart.get(current), rowEnd = retainerStart.get(current + 1); r < rowEnd; r++) {
      const next = retainerSource[r];
      if (next !== previous && (marks[next] & (LINKED | VISITED)) === LINKED && this.sameType(next, current))
        return next;
    }
    return NO_NODE;
  }

  /** Set by `findLinkedNeighbours`: up to two LINKED same-type neighbours, references first. */
  private neighbourA = NO_NODE;
  private neighbourB = NO_NODE;

  /** The LINKED same-type neighbours of a node (visited or not), into neighbourA/B; returns how many. */
  private findLinkedNeighbours(node: number): number {
    const { edgeStart, edgeTarget, retainerStart, retainerSource } = this;
    this.neighbourA = NO_NODE;
    this.neighbourB = NO_NODE;
    for (
      let e = edgeStart.get(node), rowEnd = edgeStart.get(node + 1);
      e < rowEnd && this.neighbourB === NO_NODE;
      e++
    ) {
      this.addLinkedNeighbour(node, edgeTarget[e]);
    }
    for (
      let r = retainerStart.get(node), rowEnd = retainerStart.get(node + 1);
      r < rowEnd && this.neighbourB === NO_NODE;
      r++
    ) {
      this.addLinkedNeighbour(node, retainerSource[r]);
    }
    return this.neighbourA === NO_NODE ? 0 : this.neighbourB === NO_NODE ? 1 : 2;
  }

  private addLinkedNeighbour(node: number, other: number): void {
    if (other === node || other === this.neighbourA || (this.marks[other] & LINKED) === 0) return;
    if (!this.sameType(other, node)) return;
    if (this.neighbourA === NO_NODE) this.neighbourA = other;
    else this.neighbourB = other;
  }

  /** Has this node a retainer of its own type? */
  private hasSameTypeRetainer(node: number): boolean {
    for (let r = this.retainerStart.get(node), rowEnd = this.retainerStart.get(node + 1); r < rowEnd; r++) {
      if (this.sameType(this.retainerSource[r], node)) return true;
    }
    return false;
  }

  /** Has this node a retainer of another type? */
  private hasOtherTypeRetainer(node: number): boolean {
    for (let r = this.retainerStart.get(node), rowEnd = this.retainerStart.get(node + 1); r < rowEnd; r++) {
      if (!this.sameType(this.retainerSource[r], node)) return true;
    }
    return false;
  }

  /**
   * Which end of a list is its head: the end no same-type object references (a singly-linked
   * head); else the end that immediately dominates its neighbour (when dominators are given); else
   * the end an object of another type references, when only one is; else the lower NodeIndex.
   */
  private firstIsHead(first: number, firstNeighbour: number, last: number, lastNeighbour: number): boolean {
    const firstFree = !this.hasSameTypeRetainer(first);
    if (firstFree !== !this.hasSameTypeRetainer(last)) return firstFree;
    const idom = this.options.dominators?.idom;
    if (idom) {
      const firstDominates = idom[firstNeighbour] === first;
      if (firstDominates !== (idom[lastNeighbour] === last)) return firstDominates;
    }
    const firstOwned = this.hasOtherTypeRetainer(first);
    if (firstOwned !== this.hasOtherTypeRetainer(last)) return firstOwned;
    return first < last;
  }

  /** Paths and rings of objects linked to at most two others of their type. */
  linkedLists(minLength: number): HomogeneousChain[] {
    const { marks, nodeSize } = this;
    const nodeCount = this.heap.nodes.count;
    const { edgeStart, edgeTarget, retainerStart, retainerSource } = this;
    // A node is LINKED when it has 1 or 2 distinct same-type neighbours (references either way).
    // Hot loop over every edge twice: no closures, type identities compared directly.
    const { typeIdentity, nodeType, flags } = this;
    for (let node = 0; node < nodeCount; node++) {
      if ((flags[node] & (NodeFlag.Defined | NodeFlag.Pseudo)) !== NodeFlag.Defined) continue;
      const identity = typeIdentity[nodeType[node]];
      let first = NO_NODE;
      let second = NO_NODE;
      let tooMany = false;
      const edgeEnd = edgeStart.get(node + 1);
      const retainerEnd = retainerStart.get(node + 1);
      // Positions below edgeEnd - edgeStart.get(node) read references; the rest read retainers.
      const referenceCount = edgeEnd - edgeStart.get(node);
      const neighbourCount = referenceCount + retainerEnd - retainerStart.get(node);
      for (let k = 0; k < neighbourCount && !tooMany; k++) {
        const other =
          k < referenceCount
            ? edgeTarget[edgeStart.get(node) + k]
            : retainerSource[retainerStart.get(node) + k - referenceCount];
        if (other === node || other === first || other === second || typeIdentity[nodeType[other]] !== identity)
          continue;
        if ((flags[other] & (NodeFlag.Defined | NodeFlag.Pseudo)) !== NodeFlag.Defined) continue;
        if (first === NO_NODE) first = other;
        else if (second === NO_NODE) second = other;
        else tooMany = true;
      }
      if (first !== NO_NODE && !tooMany) marks[node] |= LINKED;
    }
    const chains: HomogeneousChain[] = [];
    /** Walks from `start` until the path ends (or the ring closes); returns the last member. */
    let walkedCount = 0;
    let walkedBytes = 0;
    const walk = (start: number): number => {
      let previous = NO_NODE;
      let current = start;
      walkedCount = 0;
      walkedBytes = 0;
      for (;;) {
        marks[current] |= VISITED;
        walkedCount++;
        walkedBytes += nodeSize.get(current);
        const next = this.nextLinkedNeighbour(current, previous);
        if (next === NO_NODE) return current;
        previous = current;
        current = next;
      }
    };
    // Paths: start at an end (a member linked to at most one other member).
    for (let node = 0; node < nodeCount; node++) {
      if ((marks[node] & (LINKED | VISITED)) !== LINKED || this.findLinkedNeighbours(node) > 1) continue;
      const firstNeighbour = this.neighbourA;
      const last = walk(node);
      if (walkedCount < minLength) continue;
      this.findLinkedNeighbours(last);
      const lastNeighbour = this.neighbourA;
      const [head, tail] = this.firstIsHead(node, firstNeighbour, last, lastNeighbour) ? [node, last] : [last, node];
      chains.push(this.chain(head, tail, walkedCount, walkedCount, walkedBytes));
    }
    // Rings: what is left. The head is the lowest-indexed member that an object of another type
    // references (else the lowest-indexed member); the tail is the head's neighbour reached last
    // when walking from the head towards its first referenced neighbour.
    for (let node = 0; node < nodeCount; node++) {
      if ((marks[node] & (LINKED | VISITED)) !== LINKED) continue;
      let ownedHead = NO_NODE;
      let lowest = node;
      let count = 0;
      let bytes = 0;
      for (let current = node, previous = NO_NODE; current !== NO_NODE;) {
        marks[current] |= VISITED;
        count++;
        bytes += nodeSize.get(current);
        if (current < lowest) lowest = current;
        if ((ownedHead === NO_NODE || current < ownedHead) && this.hasOtherTypeRetainer(current)) ownedHead = current;
        const next = this.nextLinkedNeighbour(current, previous);
        previous = current;
        current = next;
      }
      if (count < minLength) continue;
      const head = ownedHead === NO_NODE ? lowest : ownedHead;
      this.findLinkedNeighbours(head);
      const tail = this.neighbourB === NO_NODE ? this.neighbourA : this.neighbourB;
      chains.push(this.chain(head, tail, count, count, bytes));
    }
    return chains;
  }

  /**
   * Chains in which each member after the head is referenced only by the previous member. The
   * predecessor links form a forest; each tree is walked once from its head with an explicit stack.
   */
  singleRetainerChains(minLength: number): HomogeneousChain[] {
    const { marks, nodeSize, edgeStart, edgeTarget, retainerStart, retainerSource } = this;
    const nodeCount = this.heap.nodes.count;
    /** The member before each node in its chain, NO_NODE when the node continues no chain. */
    const chainPredecessor = new Uint32Array(nodeCount).fill(NO_NODE);
    let linkCount = 0;
    for (let node = 0; node < nodeCount; node++) {
      const first = retainerStart.get(node);
      const end = retainerStart.get(node + 1);
      if (first === end || !this.isObject(node)) continue;
      let predecessor = retainerSource[first];
      for (let r = first + 1; r < end; r++) {
        if (retainerSource[r] !== predecessor) {
          predecessor = NO_NODE;
          break;
        }
      }
      if (predecessor === NO_NODE || !this.isObject(predecessor) || !this.sameType(predecessor, node)) continue;
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
        bytes += nodeSize.get(member);
        if (depth > length) {
          length = depth;
          tail = member;
        }
        for (let e = edgeStart.get(member), end = edgeStart.get(member + 1); e < end; e++) {
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
      if (length >= minLength) chains.push(this.chain(head, tail, length, memberCount, bytes));
    }
    return chains;
  }
}
