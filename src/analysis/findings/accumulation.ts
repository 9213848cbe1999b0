/**
 * Accumulation points: where many objects of one type pile up under one holder and, together, keep
 * a large share of the heap alive. The general mechanism under every leak finding (in the spirit of
 * Eclipse MAT's "leak suspects": a suspect's retained bytes, and the point below it where they
 * accumulate), computed over the dominator tree in O(N) after dominators:
 *
 *  1. Same-type dominator chains collapse: a linked list n1 → n2 → … is a chain in the dominator
 *     tree (n2 is only reachable through n1), so each member's *group holder* is the nearest
 *     dominator of another type — the list's head holder. An array's elements, a dictionary's
 *     bucket nodes, an invocation list's delegates have the array as holder.
 *  2. Members are grouped by (holder, type). A group's bytes are the retained sizes of its top
 *     members (those the holder dominates directly): disjoint subtrees, so nothing counts twice.
 *  3. A group whose holder is a root pseudo-node is either a list whose head a root holds (the
 *     head is the accumulation point) or a structure reachable along several paths (a
 *     doubly-linked registration list entered from both ends, or from elsewhere): then its
 *     accumulation point is the object through which the breadth-first tree enters the most members.
 *
 * Nothing here knows an API: recognizers.ts puts words on the groups.
 */
import { NO_NODE, NodeFlag } from '../../heap/types';
import type { AnalysisContext } from '../analysis-context';
import { typeIdentityByName } from '../runs';
import { isReached } from '../bfs';
import { dominatorChildren, type DominatorChildren, type RetainedSizes } from '../retained';

/** A group of same-type objects under one holder. Node fields are NodeIndex values. */
export interface AccumulationGroup {
  /** The dominator of the group's top members (for a root pseudo-node: see `accumulationPoint`). */
  readonly holder: number;
  /**
   * The object the group accumulates in: the holder, or — when the holder is a root pseudo-node —
   * the object through which most members are first reached.
   */
  readonly accumulationPoint: number;
  /** Type identity (typeIdentityByName) of the members, and one member's TypeIndex for its name. */
  readonly identity: number;
  readonly type: number;
  /** Every member: the top members and the same-type objects chained below them. */
  readonly count: number;
  /** Retained bytes of the top members together (exact: their dominator subtrees are disjoint). */
  readonly bytes: number;
  /** The top members (dominated directly by the holder), the one with the biggest retained size first. */
  readonly topMembers: Uint32Array;
}

export interface AccumulationOptions {
  /** Smallest group reported, in bytes. */
  readonly minBytes: number;
  /** Fewest members in a group (an accumulation is many of one kind). */
  readonly minCount: number;
  /**
   * Member types held to lower thresholds (event handlers: a few views, or many handlers, matter),
   * by type identity, when their holder is an array (an invocation list): groups of these count from
   * `minBytes` here, or from `count` members whatever their bytes.
   */
  readonly relaxed?: {
    readonly identities: Uint8Array;
    readonly arrayHolders: Uint8Array;
    readonly minBytes: number;
    readonly count: number;
  };
  /** The dominator tree's children as CSR, when the caller has it (else it is built here). */
  readonly dominatorChildren?: DominatorChildren;
}

/** Moves the member with the largest retained size to the front (the others keep their order): O(n). */
function biggestFirst(members: Uint32Array, retained: RetainedSizes): Uint32Array {
  let best = 0;
  for (let i = 1; i < members.length; i++) if (retained[members[i]] > retained[members[best]]) best = i;
  if (best > 0) [members[0], members[best]] = [members[best], members[0]];
  return members;
}

/** The groups at or above the thresholds, biggest first. Needs dominators; [] without them. */
export function accumulationGroups(
  context: AnalysisContext,
  options: AccumulationOptions,
  identity: Uint32Array = typeIdentityByName(context.heap),
): AccumulationGroup[] {
  const { heap, dominators, retained } = context;
  if (!dominators || !retained) return [];
  const n = heap.nodes.count;
  const { idom } = dominators;
  const type = heap.nodes.type;
  const flags = heap.nodes.flags;
  const root = heap.rootIndex;
  const PSEUDO = NodeFlag.Pseudo;
  const isPseudo = (node: number) => node === root || (flags[node] & PSEUDO) !== 0;

  const { rows, children } = options.dominatorChildren ?? dominatorChildren(idom);

  /**
   * Same-type members chained below a member (its same-type descendants in the dominator tree, each
   * reached through same-type parents): a linked list hangs off its head that way. Counted only for
   * the top members of the groups found, whose subtrees are disjoint: O(the members counted).
   */
  const stack: number[] = [];
  const chainedBelow = (member: number): number => {
    const id = identity[type[member]];
    let count = 0;
    stack.push(member);
    while (stack.length > 0) {
      const node = stack.pop()!;
      for (let c = rows.start(node), end = c + rows.count(node); c < end; c++) {
        const child = children[c];
        if (child === root || (flags[child] & PSEUDO) !== 0 || identity[type[child]] !== id) continue;
        count++;
        stack.push(child);
      }
    }
    return count;
  };

  // Per holder, per member identity: one scratch row per identity, reset after each holder.
  let identityCount = 1;
  for (let t = 0; t < identity.length; t++) identityCount = Math.max(identityCount, identity[t] + 1);
  const groupCount = new Float64Array(identityCount);
  const groupBytes = new Float64Array(identityCount);
  const groupTops = new Uint32Array(identityCount);
  const touched: number[] = [];
  const found: { holder: number; identity: number; type: number; count: number; bytes: number; tops: number[] }[] = [];
  const slot = new Int32Array(identityCount).fill(-1);
  const relaxed = options.relaxed ?? {
    identities: new Uint8Array(identityCount),
    arrayHolders: new Uint8Array(identityCount),
    minBytes: Infinity,
    count: Infinity,
  };
  const lowestBytes = Math.min(options.minBytes, relaxed.minBytes);
  // Rows lie in NodeIndex order: each holder's starts where the previous one's ends.
  for (let holder = 0, end = 0; holder < n; holder++) {
    const start = end;
    end = start + rows.count(holder);
    // A holder that keeps too little, with too few children to be counted regardless, has no group.
    const kids = end - start;
    // Most nodes are skipped on two reads: no children, or too little kept and too few children.
    if (kids === 0 || (retained[holder] < lowestBytes && kids < relaxed.count)) continue;
    const holderIdentity = identity[type[holder]];
    const relaxedHolder = relaxed.arrayHolders[holderIdentity] === 1;
    if (!relaxedHolder && retained[holder] < options.minBytes) continue;
    const holderPseudo = isPseudo(holder);
    for (let c = start; c < end; c++) {
      const child = children[c];
      if (child === root || (flags[child] & PSEUDO) !== 0) continue;
      const id = identity[type[child]];
      if (!holderPseudo && id === holderIdentity) continue;
      if (groupTops[id] === 0) touched.push(id);
      groupTops[id]++;
      groupCount[id] += 1;
      groupBytes[id] += retained[child];
    }
    const firstFound = found.length;
    for (const id of touched) {
      // Counts here are of top members; the members chained below them are counted for the groups kept.
      const qualifies =
        relaxedHolder && relaxed.identities[id]
          ? groupBytes[id] >= relaxed.minBytes || groupCount[id] >= relaxed.count
          : groupBytes[id] >= options.minBytes;
      if (qualifies) {
        slot[id] = found.length;
        found.push({ holder, identity: id, type: id, count: groupCount[id], bytes: groupBytes[id], tops: [] });
      }
      groupCount[id] = 0;
      groupBytes[id] = 0;
      groupTops[id] = 0;
    }
    touched.length = 0;
    if (found.length > firstFound) {
      // The groups' top members, in one more pass over this holder's children.
      for (let c = start; c < end; c++) {
        const child = children[c];
        if (child === root || (flags[child] & PSEUDO) !== 0) continue;
        const at = slot[identity[type[child]]];
        if (at >= firstFound) found[at].tops.push(child);
      }
      for (let k = firstFound; k < found.length; k++) slot[found[k].identity] = -1;
    }
  }

  let entries: Uint32Array | null = null;
  let inComponent: Uint8Array | null = null;
  return found
    .map(({ tops, ...found }): AccumulationGroup | null => {
      const topMembers = biggestFirst(Uint32Array.from(tops), retained);
      // Under a root pseudo-node only the biggest top member's chain matters (is it a list's head?);
      // the others are resolved through their entry point below.
      const chained = isPseudo(found.holder) ? [chainedBelow(topMembers[0])] : Array.from(topMembers, chainedBelow);
      const group = { ...found, count: topMembers.length + chained.reduce((sum, c) => sum + c, 0) };
      if (group.count < options.minCount) return null;
      if (!isPseudo(group.holder))
        return { ...group, type: type[tops[0]], topMembers, accumulationPoint: group.holder };
      // A list whose head a root holds directly: the members hang off the head, which is where they
      // accumulate (the head is a member too).
      const head = topMembers[0];
      if (chained[0] + 1 >= options.minCount && 2 * (chained[0] + 1) >= group.count) {
        return {
          ...group,
          type: type[head],
          topMembers: Uint32Array.of(head),
          count: chained[0] + 1,
          bytes: retained[head],
          accumulationPoint: head,
        };
      }
      // Members reachable along several paths: the structure is what the entry point links to.
      // Not filled: 0 says "not walked yet", so only the pages of walked nodes are ever touched.
      entries ??= new Uint32Array(n);
      inComponent ??= new Uint8Array(n);
      const accumulationPoint = entryPoint(context, topMembers, identity, entries);
      const component = linkedMembers(context, accumulationPoint, group.identity, identity, inComponent);
      if (component.count < options.minCount || component.tops.length === 0) return null;
      let bytes = 0;
      for (const member of component.tops) bytes += retained[member];
      return {
        ...group,
        type: type[component.tops[0]],
        topMembers: biggestFirst(component.tops, retained),
        count: component.count,
        bytes,
        accumulationPoint,
      };
    })
    .filter((group): group is AccumulationGroup => group !== null)
    .sort((a, b) => b.bytes - a.bytes || b.count - a.count);
}

/**
 * The objects of one identity linked to each other from `point` (a list entered from its holder and
 * walked over same-type references, both ways where it is doubly linked): how many, and those that
 * top their own dominator subtree (their retained sizes add up without counting anything twice).
 * `mark` is a scratch array left clear on return. O(component + its edges).
 */
function linkedMembers(
  context: AnalysisContext,
  point: number,
  memberIdentity: number,
  identity: Uint32Array,
  mark: Uint8Array,
): { count: number; tops: Uint32Array } {
  const { heap, bfs } = context;
  const { start, target } = heap.edges;
  const type = heap.nodes.type;
  const component: number[] = [];
  const stack: number[] = [];
  const visit = (node: number) => {
    if (mark[node] || identity[type[node]] !== memberIdentity || !isReached(bfs, node)) return;
    mark[node] = 1;
    component.push(node);
    stack.push(node);
  };
  for (let e = start.get(point), rowEnd = start.get(point + 1); e < rowEnd; e++) visit(target[e]);
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (let e = start.get(node), rowEnd = start.get(node + 1); e < rowEnd; e++) visit(target[e]);
  }
  for (const node of component) mark[node] = 0;
  // Tops only: a member dominated by another member is counted inside that one's retained size.
  const tops = component.filter((node) => identity[type[context.dominators!.idom[node]]] !== memberIdentity);
  return { count: component.length, tops: Uint32Array.from(tops) };
}

/**
 * For members reachable along several paths (their holder is a root pseudo-node): the non-member
 * object through which the breadth-first tree enters the most of them. A member's entry is found by
 * walking its BFS parents back over objects of its own type; `entries` remembers each walked node's
 * entry plus one (0: not walked yet), so every node is walked once whatever the number of groups:
 * O(members + runs).
 */
function entryPoint(
  context: AnalysisContext,
  members: Uint32Array,
  identity: Uint32Array,
  entries: Uint32Array,
): number {
  const { heap, bfs } = context;
  const type = heap.nodes.type;
  const votes = new Map<number, number>();
  const walk: number[] = [];
  for (const member of members) {
    const id = identity[type[member]];
    let node = member;
    // Back over same-type BFS parents until a node whose entry is known, or the run's first member.
    while (entries[node] === 0) {
      const parent = bfs.parent[node];
      walk.push(node);
      if (parent === NO_NODE || identity[type[parent]] !== id) {
        entries[node] = (parent === NO_NODE ? node : parent) + 1;
        walk.pop();
        break;
      }
      node = parent;
    }
    const entry = entries[node] - 1;
    for (const walked of walk) entries[walked] = entry + 1;
    walk.length = 0;
    if (entry !== member) votes.set(entry, (votes.get(entry) ?? 0) + 1);
  }
  let best = members[0];
  let bestVotes = -1;
  for (const [node, count] of votes) if (count > bestVotes) [best, bestVotes] = [node, count];
  return best;
}
