/**
 * The dominator tree folded into a tree of type-name paths, for comparing two dumps of one process
 * (a `.gcdump` has no stable object identity: addresses move between dumps). Each reachable object
 * lands on the path of type names from the root to it along its dominators, with a run of one type
 * (a linked list: each member dominated by the previous) folded into one step, as in root paths.
 * Objects with the same path share one tree node, which counts them and their bytes; so the 17,812
 * registrations of one list are one node "… → Registrations → CallbackNode" with count 17,812.
 * One pass over the dominator preorder: O(N) with one map lookup per object.
 */
import { NO_NODE, type HeapModel } from '../heap/types';
import type { Dominators } from './dominators';
import { NumericMap } from './numeric-map';

export interface DominatorPathTree {
  /** Per path node: its parent (-1 for the root's), its type name, and what lands on it. */
  readonly parent: Int32Array;
  /** Per path node: its type name, as an index into `names`. */
  readonly nameId: Int32Array;
  /** The distinct type names. */
  readonly names: readonly string[];
  /** Objects on this path (pseudo-nodes count too: they are the roots' names). */
  readonly count: Float64Array;
  /** Their shallow bytes. */
  readonly bytes: Float64Array;
  /** Shallow bytes of this path node and every path below it: what it holds. */
  readonly subtreeBytes: Float64Array;
}

/** Path nodes beyond this are folded into their parent (a safety bound; real heaps have thousands). */
const MAX_PATH_NODES = 4_000_000;

export function dominatorPathTree(heap: HeapModel, dominators: Dominators): DominatorPathTree {
  const { idom, preorder } = dominators;
  const typeOf = heap.nodes.type;
  const size = heap.nodes.size;
  // Type identities by name: entries sharing a name are one type here, as in the merged histogram.
  const identity = new Int32Array(heap.types.count);
  const names: string[] = [];
  const byName = new Map<string, number>();
  heap.types.names.forEach((name, t) => {
    let id = byName.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      byName.set(name, id);
    }
    identity[t] = id;
  });

  const pathOf = new Int32Array(heap.nodes.count).fill(-1);
  const parent: number[] = [];
  const nameId: number[] = [];
  const child = new NumericMap(1 << 16);
  const count: number[] = [];
  const bytes: number[] = [];
  const nameCount = names.length;
  const pathFor = (up: number, id: number): number => {
    // One key per (parent path, type): parent * names + id stays exact below 2^53.
    const key = (up + 1) * nameCount + id;
    let path = child.get(key);
    if (path < 0) {
      if (parent.length >= MAX_PATH_NODES) return up < 0 ? 0 : up;
      path = parent.length;
      parent.push(up);
      nameId.push(id);
      count.push(0);
      bytes.push(0);
      child.set(key, path);
    }
    return path;
  };
  for (let k = 0; k < preorder.length; k++) {
    const node = preorder[k];
    const id = identity[typeOf[node]];
    const dominator = idom[node];
    const up = dominator === NO_NODE ? -1 : pathOf[dominator];
    // A run of one type folds into one step: a member dominated by a member of its own type.
    const path = up >= 0 && nameId[up] === id ? up : pathFor(up, id);
    pathOf[node] = path;
    count[path]++;
    bytes[path] += size[node];
  }
  const n = parent.length;
  const subtreeBytes = Float64Array.from(bytes);
  // Parents are created before their children: a backward pass sums the subtrees.
  for (let p = n - 1; p >= 0; p--) if (parent[p] >= 0) subtreeBytes[parent[p]] += subtreeBytes[p];
  return {
    parent: Int32Array.from(parent),
    nameId: Int32Array.from(nameId),
    names,
    count: Float64Array.from(count),
    bytes: Float64Array.from(bytes),
    subtreeBytes,
  };
}

/** The type names from the root to a path node. */
export function pathNames(tree: DominatorPathTree, node: number): string[] {
  const names: string[] = [];
  for (let p = node; p >= 0; p = tree.parent[p]) names.push(tree.names[tree.nameId[p]]);
  return names.reverse();
}
