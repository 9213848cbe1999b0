import { NodeFlag, type HeapModel } from '../heap/types';
import { isReached, rootDistance, unreachableIn, type RootBreadthFirstTree } from './bfs';
import type { Retainers } from './reverse-edges';
import { rootKindOfName, type RootKind } from './root-kinds';

/** Why an object is alive: one chain of references from the heap's root to it. */
export interface RootPath {
  /** Category of the root, from the pseudo-nodes at the head of the chain ('other' when none says). */
  readonly kind: RootKind;
  /**
   * The most specific pseudo-node before the first object, e.g. `[static var Cache.instance]`,
   * `[local vars]`, `[strong Handles]`; the root itself when an object hangs directly under it.
   */
  readonly rootNode: number;
  /** Name of `rootNode` (its type name). */
  readonly rootName: string;
  /** Every node from the heap's root to the target, both included: chain[i] → chain[i+1] is an edge. */
  readonly chain: Uint32Array;
  /** The part of `chain` from the first real object (after the root and category pseudo-nodes) to the target. */
  readonly objects: Uint32Array;
}

function checkTarget(heap: HeapModel, target: number): void {
  if (!Number.isInteger(target) || target < 0 || target >= heap.nodes.count) {
    throw new RangeError(`root paths: node ${target} does not exist (the heap has ${heap.nodes.count} nodes)`);
  }
}

/** A pseudo-node (root, category, static-var label, CCW), or the root even if not flagged as one. */
function isRootSideNode(heap: HeapModel, node: number): boolean {
  return node === heap.rootIndex || (heap.nodes.flags[node] & NodeFlag.Pseudo) !== 0;
}

/** Classifies a chain that starts at the root: kind and label from its leading pseudo-nodes. */
export function rootPathFromChain(heap: HeapModel, chain: Uint32Array): RootPath {
  let kind: RootKind = 'other';
  let rootNode = chain[0];
  let firstObject = 0;
  while (firstObject < chain.length && isRootSideNode(heap, chain[firstObject])) {
    const node = chain[firstObject];
    const categoryKind = rootKindOfName(heap.types.names[heap.nodes.type[node]]);
    if (categoryKind !== null) kind = categoryKind;
    rootNode = node;
    firstObject++;
  }
  return {
    kind,
    rootNode,
    rootName: heap.types.names[heap.nodes.type[rootNode]],
    chain,
    objects: chain.subarray(firstObject),
  };
}

/** The BFS-tree chain root → … → node, or null when the root does not reach the node. O(depth). */
function chainFromRoot(tree: RootBreadthFirstTree, node: number): Uint32Array | null {
  const depth = rootDistance(tree, node);
  if (depth === null) return null;
  const chain = new Uint32Array(depth + 1);
  for (let i = depth, current = node; i >= 0; i--, current = tree.parent[current]) chain[i] = current;
  return chain;
}

/**
 * A shortest path (fewest references) from the root to `target`, read from the BFS parents in
 * O(path length); null when the target is unreachable.
 */
export function shortestRootPath(heap: HeapModel, tree: RootBreadthFirstTree, target: number): RootPath | null {
  checkTarget(heap, target);
  const chain = chainFromRoot(tree, target);
  return chain ? rootPathFromChain(heap, chain) : null;
}

export interface RootPathLimits {
  /** Paths returned at most. */
  readonly maxPaths: number;
  /** Paths per root kind (distinct root pseudo-nodes of that kind, nearest first). */
  readonly maxPathsPerKind: number;
  /** Nodes the backward search may visit before it stops. */
  readonly maxVisitedNodes: number;
}

/**
 * Defaults: one path per kind (like the kinds `gcroot` distinguishes, a dozen at most), and a visit
 * budget of 2 M nodes, about a tenth of the 18.6 M-node target heap, so an answer stays well under
 * a second even when the object is retained from everywhere.
 */
export const DEFAULT_ROOT_PATH_LIMITS: RootPathLimits = {
  maxPaths: 16,
  maxPathsPerKind: 1,
  maxVisitedNodes: 2_000_000,
};

export interface RootPathSet {
  /**
   * Distinct paths, shortest chain first; ties in the order found (nearest root-side node first).
   * When a cap stops the search, the paths kept are those whose root-side node is nearest the target.
   */
  readonly paths: RootPath[];
  /** Nodes the backward search visited. */
  readonly visitedNodes: number;
  /**
   * Why the search ended: 'complete' (every retainer chain was explored), 'maxPaths', or
   * 'maxVisitedNodes' (some root kinds may be missing: the answer is partial).
   */
  readonly stoppedBy: 'complete' | 'maxPaths' | 'maxVisitedNodes';
}

/**
 * Finds `gcroot`-like sets of distinct root paths. It owns one scratch array of nodeCount entries
 * (allocated once, reset in O(visited) after each query), so asking about many objects in a row
 * allocates nothing per heap object.
 */
export class RootPathFinder {
  /**
   * For a node met by the backward search: 1 + the node it references on the way to the target (0: not
   * met). Stored plus one so that a fresh, zeroed array needs no fill: the OS hands it over untouched.
   */
  private readonly towardTarget: Uint32Array;
  /** The backward BFS queue; its prefix lists the nodes to reset after a query. */
  private readonly queue: Uint32Array;

  constructor(
    private readonly heap: HeapModel,
    private readonly tree: RootBreadthFirstTree,
    private readonly retainers: Retainers,
  ) {
    this.towardTarget = new Uint32Array(heap.nodes.count);
    this.queue = new Uint32Array(heap.nodes.count);
  }

  /**
   * Backward BFS from `target` over the retainers, skipping objects the root does not reach. The
   * first time it meets a root-side pseudo-node (a category or label such as `[local vars]` or
   * `[static var T.f]`), that node's path is complete: the BFS-tree chain from the root to it, then
   * the backward search's links down to the target. A pseudo-node is kept when its kind still has
   * room (maxPathsPerKind) and is not searched past (its own retainers are other pseudo-nodes).
   * Each node is visited at most once, so the cost is O(visited nodes + their retainers), never
   * exponential; then the (few) paths are sorted by length.
   */
  distinctRootPaths(target: number, limits: Partial<RootPathLimits> = {}): RootPathSet {
    const { maxPaths, maxPathsPerKind, maxVisitedNodes } = { ...DEFAULT_ROOT_PATH_LIMITS, ...limits };
    const { heap, tree, towardTarget, queue } = this;
    const unreachable = unreachableIn(tree.distance);
    const { retainerStart, retainerSource } = this.retainers;
    checkTarget(heap, target);
    const paths: RootPath[] = [];
    if (!isReached(tree, target) || maxPaths <= 0) {
      return { paths, visitedNodes: 0, stoppedBy: 'complete' };
    }
    const pathsByKind = new Map<RootKind, number>();
    let stoppedBy: RootPathSet['stoppedBy'] = 'complete';
    let tail = 0;
    towardTarget[target] = target + 1;
    queue[tail++] = target;
    search: for (let head = 0; head < tail; head++) {
      const node = queue[head];
      if (isRootSideNode(heap, node)) {
        const path = this.pathThrough(node, target);
        const kindCount = pathsByKind.get(path.kind) ?? 0;
        if (kindCount < maxPathsPerKind) {
          pathsByKind.set(path.kind, kindCount + 1);
          paths.push(path);
          if (paths.length >= maxPaths) {
            stoppedBy = 'maxPaths';
            break;
          }
        }
        continue;
      }
      for (let r = retainerStart.get(node), end = retainerStart.get(node + 1); r < end; r++) {
        const retainer = retainerSource[r];
        if (towardTarget[retainer] !== 0 || tree.distance[retainer] === unreachable) continue;
        if (tail >= maxVisitedNodes) {
          stoppedBy = 'maxVisitedNodes';
          break search;
        }
        towardTarget[retainer] = node + 1;
        queue[tail++] = retainer;
      }
    }
    for (let i = 0; i < tail; i++) towardTarget[queue[i]] = 0;
    paths.sort((a, b) => a.chain.length - b.chain.length);
    return { paths, visitedNodes: tail, stoppedBy };
  }

  /** Root → (BFS tree) → rootSideNode → (backward links) → target. */
  private pathThrough(rootSideNode: number, target: number): RootPath {
    const { tree, towardTarget } = this;
    let downLength = 0;
    for (let node = rootSideNode; node !== target; node = towardTarget[node] - 1) downLength++;
    const upLength = tree.distance[rootSideNode];
    const chain = new Uint32Array(upLength + downLength + 1);
    for (let i = upLength, node = rootSideNode; i >= 0; i--, node = tree.parent[node]) chain[i] = node;
    for (
      let i = upLength + 1, node = towardTarget[rootSideNode] - 1;
      i < chain.length;
      i++, node = towardTarget[node] - 1
    ) {
      chain[i] = node;
    }
    return rootPathFromChain(this.heap, chain);
  }
}
