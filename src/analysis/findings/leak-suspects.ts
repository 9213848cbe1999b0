/**
 * Leak suspects: the accumulation groups (accumulation.ts) that keep a large share of the heap alive,
 * one finding per leak, each with its owner, its root path through that owner, what it keeps alive,
 * a severity from its bytes, and the words of the API that made it (recognizers.ts).
 *
 * After dominators everything here is O(N + E): one pass for the groups, one for what all suspects
 * keep alive together, and a bounded root-path search per suspect (a handful).
 */
import { NO_NODE, NodeFlag, type HeapModel } from '../../heap/types';
import type { AnalysisContext } from '../analysis-context';
import { isReached } from '../bfs';
import { topDownChunks } from '../top-down';
import { ROOT_KIND_LABELS, type RootKind } from '../root-kinds';
import { RootPathFinder, rootPathFromChain, type RootPath } from '../root-paths';
import { baseTypeName, simpleTypeName, withArticle } from '../type-names';
import { typeIdentityByName } from '../runs';
import { accumulationGroups, type AccumulationGroup } from './accumulation';
import { dominatorChildren as childrenOfTree, type DominatorChildren } from '../retained';
import { findingId, type Finding, type FindingKind, type FindingSeverity, type KeptAliveRow } from './finding';
import { addressOf, describeRows, formatBytes, KEPT_ALIVE_ROWS, typeNameOf } from './finding-support';
import { recognize, type GroupFacts, type LeakPattern } from './recognizers';

/**
 * When a group is a suspect, and how severe (bytes kept alive by the group; share of the reachable heap):
 *  - a suspect keeps at least SUSPECT_MIN_BYTES and SUSPECT_MIN_SHARE of the heap alive — or, for
 *    views kept by an event (where even a few matter), VIEW_MIN_BYTES; or it is an event's
 *    invocation list of HANDLER_MIN_COUNT handlers or more (an event rarely has hundreds of
 *    subscribers unless they never leave), whatever they keep;
 *  - critical from CRITICAL_BYTES, or from CRITICAL_SHARE of the heap once it is at least
 *    CRITICAL_SHARE_MIN_BYTES; every other suspect is a warning.
 */
export const SEVERITY_RULE = {
  SUSPECT_MIN_BYTES: 1 << 20,
  SUSPECT_MIN_SHARE: 0.05,
  VIEW_MIN_BYTES: 16 << 10,
  HANDLER_MIN_COUNT: 100,
  CRITICAL_BYTES: 50 << 20,
  CRITICAL_SHARE: 0.25,
  CRITICAL_SHARE_MIN_BYTES: 10 << 20,
} as const;

/** Fewest members in an accumulation. */
const MIN_MEMBERS = 2;
/** Candidate groups examined at most (biggest first): examining one costs O(its members) until it is a suspect. */
const MAX_CANDIDATES = 5_000;
/** Steps followed from a member down to what it keeps alive. */
const MAX_PAYLOAD_STEPS = 32;

/** The leak's shape (the finding's kind) for each pattern a recognizer names. */
export const KIND_OF_PATTERN: Record<LeakPattern, FindingKind> = {
  'linked-token-source': 'runaway-cancellation-registrations',
  'token-register': 'runaway-cancellation-registrations',
  'change-token-callback': 'runaway-cancellation-registrations',
  'event-subscription': 'growing-event-handler-list',
  'page-kept-by-event': 'growing-event-handler-list',
  timer: 'undisposed-timers',
  'growing-static-collection': 'growing-collection',
  general: 'accumulation',
};

/** Owners people read as "who holds it": statics and handles before stacks and incidental roots. */
const ROOT_KIND_RANK: Record<RootKind, number> = {
  staticVariable: 0,
  threadStaticVariable: 1,
  strongHandle: 2,
  pinnedHandle: 3,
  dependentHandle: 4,
  otherHandle: 5,
  comInterop: 6,
  asyncPinnedHandle: 7,
  other: 8,
  finalizerQueue: 9,
  localVariable: 10,
  pinnedLocalVariable: 11,
};

export function leakSuspectFindings(
  context: AnalysisContext,
  dominatorChildren?: DominatorChildren,
  rootPathFinder?: () => RootPathFinder,
): Finding[] {
  const { heap, dominators, retained } = context;
  if (!dominators || !retained || heap.rootIndex === NO_NODE) return [];
  const heapBytes = retained[heap.rootIndex];
  if (!(heapBytes > 0)) return [];
  const isPseudo = (node: number) => node === heap.rootIndex || (heap.nodes.flags[node] & NodeFlag.Pseudo) !== 0;
  const identity = typeIdentityByName(heap);

  // Delegates are held to lower thresholds (views kept by an event; events with many handlers).
  const delegates = new Uint8Array(heap.types.count);
  const arrays = new Uint8Array(heap.types.count);
  heap.types.names.forEach((name, t) => {
    if (DELEGATE_NAME.test(simpleTypeName(name))) delegates[identity[t]] = 1;
    if (/\[\]$/.test(baseTypeName(name))) arrays[identity[t]] = 1;
  });
  const tree = dominatorChildren ?? childrenOfTree(dominators.idom);
  const groups = accumulationGroups(
    context,
    {
      minBytes: Math.max(SEVERITY_RULE.SUSPECT_MIN_BYTES, SEVERITY_RULE.SUSPECT_MIN_SHARE * heapBytes),
      minCount: MIN_MEMBERS,
      relaxed: {
        identities: delegates,
        arrayHolders: arrays,
        minBytes: SEVERITY_RULE.VIEW_MIN_BYTES,
        count: SEVERITY_RULE.HANDLER_MIN_COUNT,
      },
      dominatorChildren: tree,
    },
    identity,
  )
    // Members each held by a root of their own are no accumulation.
    .filter((group) => isReached(context.bfs, group.holder) && !isPseudo(group.accumulationPoint))
    .slice(0, MAX_CANDIDATES);

  const finder =
    groups.length > 0 ? (rootPathFinder?.() ?? new RootPathFinder(heap, context.bfs, context.retainers)) : null;
  const visited = new Uint8Array(groups.length > 0 ? heap.nodes.count : 0);
  const suspects: Suspect[] = [];
  for (const group of groups) {
    const suspect = examine(context, group, finder!, identity, visited, heapBytes);
    if (suspect) suspects.push(suspect);
  }
  const kept = oneFindingPerLeak(context, suspects);
  const keptAlive = keptAliveRows(context, kept);
  return kept.map((suspect, index) => toFinding(context, suspect, keptAlive[index], heapBytes));
}

interface Suspect {
  readonly group: AccumulationGroup;
  readonly facts: GroupFacts;
  readonly path: RootPath | null;
  /** The owner: the first object under the root on the chosen path, and that path's root. */
  readonly owner: { readonly node: number; readonly kind: RootKind; readonly label: string } | null;
  /** The objects of the chosen path from the first under the root to the accumulation point (facts.pathTypes' nodes). */
  readonly pathNodes: Uint32Array;
  /** The member the root path runs through, and the path target (what it keeps alive). */
  readonly pathTarget: number;
  readonly view: boolean;
}

function examine(
  context: AnalysisContext,
  examined: AccumulationGroup,
  finder: RootPathFinder,
  identity: Uint32Array,
  visited: Uint8Array,
  heapBytes: number,
): Suspect | null {
  const { heap } = context;
  let group = examined;
  const member = group.topMembers[0];
  const delegates = DELEGATE_NAME.test(simpleTypeName(heap.types.names[group.type]));
  const bigByBytes =
    group.bytes >= SEVERITY_RULE.SUSPECT_MIN_BYTES && group.bytes >= SEVERITY_RULE.SUSPECT_MIN_SHARE * heapBytes;
  // Only delegates get the lower thresholds below; anything else is decided by its bytes at once.
  if (!delegates && !bigByBytes) return null;
  // Views kept by an event: delegates whose target is a page, view or window. Even a few matter.
  const views = delegates
    ? group.topMembers.filter((delegate) =>
        edgeTargets(heap, delegate).some((target) => VIEW_NAME.test(simpleTypeName(typeNameOf(heap, target)))),
      )
    : new Uint32Array(0);
  let viewBytes = 0;
  for (const delegate of views) viewBytes += context.retained![delegate];
  const view = views.length > 0 && viewBytes >= SEVERITY_RULE.VIEW_MIN_BYTES;
  const handlerList =
    delegates &&
    simpleTypeName(typeNameOf(heap, group.accumulationPoint)) === 'Object[]' &&
    group.count >= SEVERITY_RULE.HANDLER_MIN_COUNT;
  if (!(view || handlerList || bigByBytes)) return null;
  const memberTargets = targetNames(heap, [member, ...group.topMembers.subarray(1, 4)]);
  const memberTargets2 = targetNames(heap, edgeTargets(heap, member));
  if (view && views.length < group.topMembers.length) {
    // Only the handlers that keep views are the finding; the others are the event's ordinary subscribers.
    group = { ...group, topMembers: views, count: views.length, bytes: viewBytes };
  }

  const toPoint = chooseRootPath(
    heap,
    finder,
    group.accumulationPoint,
    (node) => identity[heap.nodes.type[node]] === identity[group.type],
  );
  const chain = toPoint ? extendThroughMembers(context, toPoint.chain, group, identity, visited) : null;
  const path = chain ? rootPathFromChain(heap, chain) : null;
  const owner =
    toPoint && toPoint.objects.length > 0
      ? { node: toPoint.objects[0], kind: toPoint.kind, label: toPoint.rootName }
      : toPoint
        ? { node: group.accumulationPoint, kind: toPoint.kind, label: toPoint.rootName }
        : null;
  const pathTypes = toPoint ? Array.from(toPoint.objects, (node) => typeNameOf(heap, node)) : [];
  const facts: GroupFacts = {
    count: group.count,
    entryType: heap.types.names[group.type],
    pointType: typeNameOf(heap, group.accumulationPoint),
    pathTypes,
    rootName: toPoint?.rootName ?? 'no root',
    rootKind: toPoint ? ROOT_KIND_LABELS[toPoint.kind] : 'unreachable',
    memberTargets,
    memberTargets2,
    biggestKeptType: null,
  };
  return {
    group,
    facts,
    path,
    owner,
    pathNodes: toPoint ? toPoint.objects : new Uint32Array(0),
    pathTarget: chain ? chain[chain.length - 1] : member,
    view,
  };
}

const VIEW_NAME = /(Page|View|Window|Form|UserControl|Dialog|Screen|Activity|Fragment)$/;
const DELEGATE_NAME = /(EventHandler|Handler|Action|Func|Callback|Delegate)(<.*>)?$/;

function edgeTargets(heap: HeapModel, node: number): number[] {
  const targets: number[] = [];
  for (
    let e = heap.edges.start.get(node), rowEnd = heap.edges.start.get(node + 1);
    e < rowEnd && targets.length < 16;
    e++
  )
    targets.push(heap.edges.target[e]);
  return targets;
}

function targetNames(heap: HeapModel, nodes: Iterable<number>): string[] {
  const names = new Set<string>();
  for (const node of nodes) for (const target of edgeTargets(heap, node)) names.add(typeNameOf(heap, target));
  return [...names];
}

/**
 * The accumulation point's root path through the owner people look for: one that does not enter the
 * structure backwards through one of its own members (a registration's pointer back to its list,
 * reached from another list), then statics and handles before stacks, then the shortest.
 */
function chooseRootPath(
  heap: HeapModel,
  finder: RootPathFinder,
  point: number,
  isMemberType: (node: number) => boolean,
): RootPath | null {
  const { paths } = finder.distinctRootPaths(point, { maxPathsPerKind: 4 });
  const rank = (path: RootPath) => {
    let throughMember = 0;
    for (let i = 0; i < path.objects.length - 1; i++) if (isMemberType(path.objects[i])) throughMember = 1;
    return throughMember * 100 + ROOT_KIND_RANK[path.kind];
  };
  let best: RootPath | null = null;
  for (const path of paths) {
    if (
      best === null ||
      rank(path) < rank(best) ||
      (rank(path) === rank(best) && path.chain.length < best.chain.length)
    )
      best = path;
  }
  void heap;
  return best;
}

/**
 * root → … → accumulation point, then into the group: a member the point references, along the
 * members linked to it (a linked list walked one way, so the whole list reads as one run), then down
 * what the last member alone keeps alive, biggest first. Every step is a real reference.
 */
function extendThroughMembers(
  context: AnalysisContext,
  toPoint: Uint32Array,
  group: AccumulationGroup,
  identity: Uint32Array,
  visited: Uint8Array,
): Uint32Array {
  const { heap, dominators, retained } = context;
  const { start, target } = heap.edges;
  const type = heap.nodes.type;
  const memberIdentity = identity[group.type];
  const chain = Array.from(toPoint);
  const walked: number[] = [];
  const mark = (node: number) => {
    visited[node] = 1;
    walked.push(node);
  };
  chain.forEach(mark);
  let current = group.accumulationPoint;
  // Into the group: the member the point references with the biggest retained size (the point
  // itself when it is the head of a list).
  let entry = NO_NODE;
  if (identity[type[current]] === memberIdentity) {
    chain.pop();
    visited[current] = 0;
    entry = current;
  }
  for (let e = start.get(current), rowEnd = start.get(current + 1); e < rowEnd && entry !== current; e++) {
    const next = target[e];
    if (
      identity[type[next]] === memberIdentity &&
      !visited[next] &&
      (entry === NO_NODE || retained![next] > retained![entry])
    )
      entry = next;
  }
  if (entry !== NO_NODE) {
    current = entry;
    chain.push(current);
    mark(current);
    // Along the members linked to each other.
    for (;;) {
      let next = NO_NODE;
      for (let e = start.get(current), rowEnd = start.get(current + 1); e < rowEnd; e++) {
        const candidate = target[e];
        if (identity[type[candidate]] === memberIdentity && !visited[candidate] && isReached(context.bfs, candidate)) {
          next = candidate;
          break;
        }
      }
      if (next === NO_NODE) break;
      current = next;
      chain.push(current);
      mark(current);
    }
    // The list may end in members that keep nothing (the oldest, or the framework's own): the path
    // stops at the last member that keeps something alive, and goes on down what it keeps.
    const keepsPayload = (member: number) => {
      for (let e = start.get(member), rowEnd = start.get(member + 1); e < rowEnd; e++)
        if (dominators!.idom[target[e]] === member && identity[type[target[e]]] !== memberIdentity) return true;
      return false;
    };
    let keeper = chain.length - 1;
    while (keeper > toPoint.length && !keepsPayload(chain[keeper])) keeper--;
    if (keepsPayload(chain[keeper])) {
      chain.length = keeper + 1;
      current = chain[keeper];
    }
    // Down what the last member alone keeps alive.
    for (let step = 0; step < MAX_PAYLOAD_STEPS; step++) {
      let next = NO_NODE;
      for (let e = start.get(current), rowEnd = start.get(current + 1); e < rowEnd; e++) {
        const candidate = target[e];
        if (dominators!.idom[candidate] !== current || visited[candidate]) continue;
        if (next === NO_NODE || retained![candidate] > retained![next]) next = candidate;
      }
      if (next === NO_NODE) break;
      current = next;
      chain.push(current);
      mark(current);
    }
  }
  for (const node of walked) visited[node] = 0;
  return Uint32Array.from(chain);
}

/**
 * One finding per leak: a suspect inside another's members (its point dominated by the other's
 * point) merges into the more specific one when that one holds most of the bytes, else into the
 * outer one; suspects on the same accumulation point or under the same owner merge into the biggest.
 */
function oneFindingPerLeak(context: AnalysisContext, suspects: Suspect[]): Suspect[] {
  const { idom } = context.dominators!;
  const dominatedBy = (inner: number, outer: number) => {
    for (let node = inner, steps = 0; node !== NO_NODE && steps <= idom.length; node = idom[node], steps++)
      if (node === outer) return true;
    return false;
  };
  const sorted = [...suspects].sort((a, b) => b.group.bytes - a.group.bytes || b.group.count - a.group.count);
  const kept: Suspect[] = [];
  for (const suspect of sorted) {
    const point = suspect.group.accumulationPoint;
    const clash = kept.findIndex(
      (other) =>
        other.group.accumulationPoint === point ||
        (other.owner !== null && suspect.owner !== null && other.owner.node === suspect.owner.node) ||
        dominatedBy(point, other.group.accumulationPoint) ||
        dominatedBy(other.group.accumulationPoint, point),
    );
    if (clash < 0) {
      kept.push(suspect);
      continue;
    }
    const other = kept[clash];
    const inner = dominatedBy(point, other.group.accumulationPoint) && point !== other.group.accumulationPoint;
    if (inner && suspect.group.count > other.group.count && suspect.group.bytes >= 0.5 * other.group.bytes)
      kept[clash] = suspect;
  }
  return kept;
}

/**
 * What each suspect's members keep alive, by type: every node dominated by a member gets the
 * suspect's number in one top-down pass over the dominator tree; O(N) for all suspects together.
 */
function keptAliveRows(context: AnalysisContext, suspects: readonly Suspect[]): KeptAliveRow[][] {
  const { heap } = context;
  if (suspects.length === 0) return [];
  // Per suspect and type: counts and bytes in flat typed arrays (a few suspects × the type table).
  // Every node dominated by a member gets the suspect's number in one top-down pass over the
  // dominator tree (top-down.ts): O(N) for all suspects together, and faster than walking their subtrees.
  const types = heap.types.count;
  const counts = new Float64Array(suspects.length * types);
  const bytes = new Float64Array(suspects.length * types);
  // A byte per node while the suspects' numbers fit one (real heaps have a few suspects).
  const label = suspects.length < 0xff ? new Uint8Array(heap.nodes.count) : new Uint16Array(heap.nodes.count);
  suspects.forEach((suspect, index) => {
    for (const member of suspect.group.topMembers) label[member] = index + 1;
  });
  const { idom } = context.dominators!;
  const { type, size } = heap.nodes;
  for (const chunk of topDownChunks(idom)) {
    for (let k = 0; k < chunk.length; k++) {
      const node = chunk[k];
      let mark = label[node];
      if (mark === 0) {
        const dominator = idom[node];
        if (dominator === NO_NODE || (mark = label[dominator]) === 0) continue;
        label[node] = mark;
      }
      const at = (mark - 1) * types + type[node];
      counts[at]++;
      bytes[at] += size.get(node);
    }
  }
  return suspects.map((_, index) => {
    const byName = new Map<string, { count: number; bytes: number }>();
    for (let t = 0; t < types; t++) {
      const at = index * types + t;
      if (counts[at] === 0) continue;
      const name = heap.types.names[t];
      const sum = byName.get(name) ?? { count: 0, bytes: 0 };
      sum.count += counts[at];
      sum.bytes += bytes[at];
      byName.set(name, sum);
    }
    return [...byName]
      .map(([type, row]) => ({ type, ...row }))
      .sort((a, b) => b.bytes - a.bytes || b.count - a.count)
      .slice(0, KEPT_ALIVE_ROWS);
  });
}

export function severityOf(bytes: number, share: number): FindingSeverity {
  return bytes >= SEVERITY_RULE.CRITICAL_BYTES ||
    (share >= SEVERITY_RULE.CRITICAL_SHARE && bytes >= SEVERITY_RULE.CRITICAL_SHARE_MIN_BYTES)
    ? 'critical'
    : 'warning';
}

function toFinding(context: AnalysisContext, suspect: Suspect, rows: KeptAliveRow[], heapBytes: number): Finding {
  const { heap } = context;
  const { group } = suspect;
  const facts = {
    ...suspect.facts,
    biggestKeptType: rows.find((row) => row.type !== suspect.facts.entryType)?.type ?? null,
  };
  const words = recognize(facts);
  const kind = KIND_OF_PATTERN[words.pattern];
  const point = group.accumulationPoint;
  const share = group.bytes / heapBytes;
  // The recognizer may name the owner the API gives the structure (the object whose token it is);
  // it is on the path, so the root that reaches it stays the path's.
  const ownerNode =
    words.holder !== undefined && words.holder < suspect.pathNodes.length
      ? suspect.pathNodes[words.holder]
      : suspect.owner?.node;
  const ownerRef = suspect.owner
    ? {
        node: ownerNode!,
        type: typeNameOf(heap, ownerNode!),
        address: addressOf(heap, ownerNode!),
        rootKind: suspect.owner.kind,
        label: suspect.owner.label,
      }
    : null;
  const entry = simpleTypeName(facts.entryType);
  return {
    id: findingId(kind, addressOf(heap, point)),
    kind,
    pattern: words.pattern,
    severity: severityOf(group.bytes, share),
    title: titleOf(words.pattern, group.count, entry, facts.pointType),
    count: group.count,
    entryType: facts.entryType,
    retainedBytes: group.bytes,
    shareOfHeap: share,
    anchor: { node: point, type: facts.pointType, address: addressOf(heap, point) },
    accumulationPoint: { node: point, type: facts.pointType, address: addressOf(heap, point) },
    owner: ownerRef,
    owners: suspect.path ? ownersOf(heap, suspect.path, point) : [],
    keptAlive: rows,
    pathTarget: suspect.pathTarget,
    rootPath: suspect.path,
    explanation: [
      `${words.what} Together they keep ${formatBytes(group.bytes)} alive (${(share * 100).toFixed(1)}% of the heap) that nothing else holds${rows.length > 0 ? `: ${describeRows(rows)}` : ''}.`,
      words.cause,
      `Fix: ${words.fix}`,
    ],
    fix: words.fix,
  };
}

function titleOf(pattern: LeakPattern, count: number, entry: string, pointType: string): string {
  const n = count.toLocaleString('en-US');
  switch (pattern) {
    case 'linked-token-source':
      return `${n} linked CancellationTokenSources never disposed (CreateLinkedTokenSource)`;
    case 'token-register':
      return `${n} CancellationToken.Register registrations never disposed`;
    case 'change-token-callback':
      return `${n} change-token callbacks never disposed (RegisterChangeCallback / ChangeToken.OnChange)`;
    case 'event-subscription':
      return `${n} event handlers never unsubscribed`;
    case 'page-kept-by-event':
      return `${n} views kept alive by an event of a longer-lived object`;
    case 'timer':
      return `${n} System.Threading.Timers never disposed`;
    case 'growing-static-collection':
      return `${n} entries in a static collection that only grows`;
    default:
      // Members holding one another (each the next one's only holder) are a list, not a container.
      return simpleTypeName(pointType) === entry
        ? `${n} × ${entry} in one linked list`
        : `${n} × ${entry} accumulate in ${withArticle(simpleTypeName(pointType))}`;
  }
}

/** Type names from the accumulation point up to the owner, nearest first (as the UI lists owners). */
function ownersOf(heap: HeapModel, path: RootPath, point: number): string[] {
  const names: string[] = [];
  const at = path.objects.indexOf(point);
  for (let i = at - 1; i >= 0 && names.length < 3; i--) names.push(simpleTypeName(typeNameOf(heap, path.objects[i])));
  if (names.length < 3) names.push(path.rootName);
  return names;
}
