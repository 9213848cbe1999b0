/**
 * The dominator tree folded into a tree of type-name paths, for comparing two dumps of one process
 * (a `.gcdump` has no stable object identity: addresses move between dumps). Each reachable object
 * lands on the path of type names from the root to it along its dominators, with a run of one type
 * (a linked list: each member dominated by the previous) folded into one step, as in root paths.
 * Objects with the same path share one tree node, which counts them and their bytes; so the 17,812
 * registrations of one list are one node "… → Registrations → CallbackNode" with count 17,812.
 * One top-down pass over the dominator tree (top-down.ts): O(N), each object's path found among its
 * parent path's children (a scan of at most 16, else a map lookup).
 */
import { NO_NODE, type HeapModel } from '../heap/types';
import type { Dominators } from './dominators';
import { NumericMap } from './numeric-map';
import { topDownChunks } from './top-down';

export interface DominatorPathTree {
  /** Per path node: its parent (-1 for the root's), its type name, and what lands on it. */
  readonly parent: Int32Array;
  /** Per path node: its type name, as an index into `names`. */
  readonly nameId: Int32Array;
  /** The distinct type names. */
  readonly names: readonly string[];
  /** Objects on this path (pseudo-nodes count too: they are the roots' names). */
  readonly count: Uint32Array;
  /** Their shallow bytes. */
  readonly bytes: Float64Array;
  /** Shallow bytes of this path node and every path below it: what it holds. */
  readonly subtreeBytes: Float64Array;
}

/** Path nodes beyond this are folded into their parent (a safety bound; real heaps have thousands). */
const MAX_PATH_NODES = 4_000_000;
/**
 * A path node's children are found by scanning its list while it has at most this many; past that,
 * through a map. Most path nodes have a few children, and a short scan of small arrays costs less
 * than a lookup in a map of millions of entries; a node with thousands ([static vars]) stays linear.
 */
const SCANNED_CHILDREN = 16;

export function dominatorPathTree(heap: HeapModel, dominators: Dominators): DominatorPathTree {
  const builder = new DominatorPathTreeBuilder(heap, dominators);
  builder.step(Infinity);
  return builder.finish();
}

/**
 * The pass of `dominatorPathTree` in slices of the top-down order, so that a worker can build the
 * tree in its idle time and still answer between slices: `step(count)` folds the next `count` objects,
 * `finish()` (once `done`) gives the tree.
 */
export class DominatorPathTreeBuilder {
  /** Objects folded so far. */
  private next = 0;
  /** The objects in top-down order (top-down.ts), a chunk at a time, and the place in the current chunk. */
  private readonly order: Generator<Uint32Array, void, undefined>;
  private chunk: Uint32Array = new Uint32Array(0);
  private at = 0;
  private readonly identity: Int32Array;
  private readonly names: string[] = [];
  private readonly tree = new GrowablePathTree();
  // Children by (parent path, type) for parents with many: (parent + 1) * names + id stays exact below 2^53.
  private readonly wide = new NumericMap(1 << 12);
  /** Each object's path node, while the tree is built. */
  private pathOf: Int32Array;

  constructor(
    private readonly heap: HeapModel,
    private readonly dominators: Dominators,
  ) {
    // Type identities by name: entries sharing a name are one type here, as in the merged histogram.
    this.identity = new Int32Array(heap.types.count);
    const byName = new Map<string, number>();
    heap.types.names.forEach((name, t) => {
      let id = byName.get(name);
      if (id === undefined) {
        id = this.names.length;
        this.names.push(name);
        byName.set(name, id);
      }
      this.identity[t] = id;
    });
    this.pathOf = new Int32Array(heap.nodes.count);
    this.order = topDownChunks(dominators.idom);
  }

  get done(): boolean {
    return this.next >= this.dominators.idom.length;
  }

  step(count: number): void {
    const end = Math.min(this.dominators.idom.length, this.next + count);
    while (this.next < end) {
      if (this.at === this.chunk.length) {
        const next = this.order.next();
        if (next.done) throw new Error('DominatorPathTreeBuilder: the top-down order ended early');
        this.chunk = next.value;
        this.at = 0;
      }
      const stop = Math.min(this.chunk.length, this.at + (end - this.next));
      this.fold(this.chunk, this.at, stop);
      this.next += stop - this.at;
      this.at = stop;
    }
  }

  /** Folds the objects chunk[from … to−1], each after its dominator. */
  private fold(chunk: Uint32Array, from: number, to: number): void {
    const { idom } = this.dominators;
    const typeOf = this.heap.nodes.type;
    const size = this.heap.nodes.size;
    const { identity, tree, wide, pathOf } = this;
    const nameCount = this.names.length;
    for (let k = from; k < to; k++) {
      const node = chunk[k];
      const id = identity[typeOf[node]];
      const dominator = idom[node];
      const up = dominator === NO_NODE ? -1 : pathOf[dominator];
      let path: number;
      // A run of one type folds into one step: a member dominated by a member of its own type.
      if (up >= 0 && tree.nameId[up] === id) path = up;
      else {
        const slot = up + 1; // the root's children are slot 0
        let found = -1;
        if (tree.childCount[slot] <= SCANNED_CHILDREN) {
          for (let child = tree.firstChild[slot]; child >= 0; child = tree.nextSibling[child])
            if (tree.nameId[child] === id) {
              found = child;
              break;
            }
        } else found = wide.get(slot * nameCount + id);
        if (found >= 0) path = found;
        else if (tree.size >= MAX_PATH_NODES) path = up < 0 ? 0 : up;
        else {
          path = tree.add(up, id);
          const children = tree.childCount[slot];
          if (children === SCANNED_CHILDREN + 1) {
            for (let child = tree.firstChild[slot]; child >= 0; child = tree.nextSibling[child])
              wide.set(slot * nameCount + tree.nameId[child], child);
          } else if (children > SCANNED_CHILDREN + 1) wide.set(slot * nameCount + id, path);
        }
      }
      pathOf[node] = path;
      tree.count[path]++;
      tree.bytes[path] += size.get(node);
    }
  }

  finish(): DominatorPathTree {
    if (!this.done) throw new Error('DominatorPathTreeBuilder: finish() before every object was folded');
    const tree = this.tree;
    const n = tree.size;
    // The objects' paths are not needed any more: let them go before the copies below.
    this.pathOf = new Int32Array(0);
    // Copies to the exact length: keeping views of the builder's arrays instead was measured worse in
    // a tab (its peak after the analyses 120 MB higher at 18.6 M objects). A full array (a tree at
    // its cap) has nothing to trim: it is kept, not copied.
    const exact = <T extends Int32Array | Uint32Array | Float64Array>(column: T): T =>
      column.length === n ? column : (column.slice(0, n) as T);
    const parent = exact(tree.parent);
    const subtreeBytes = tree.bytes.slice(0, n);
    // Parents are created before their children: a backward pass sums the subtrees.
    for (let p = n - 1; p >= 0; p--) if (parent[p] >= 0) subtreeBytes[parent[p]] += subtreeBytes[p];
    return {
      parent,
      nameId: exact(tree.nameId),
      names: this.names,
      count: exact(tree.count),
      bytes: exact(tree.bytes),
      subtreeBytes,
    };
  }
}

/** The path nodes in typed arrays that double as they fill, each with its list of children. */
class GrowablePathTree {
  size = 0;
  parent = new Int32Array(1 << 12);
  nameId = new Int32Array(1 << 12);
  nextSibling = new Int32Array(1 << 12);
  count = new Uint32Array(1 << 12);
  bytes = new Float64Array(1 << 12);
  /** By slot (path + 1; slot 0 is the root's): the first child and how many. */
  firstChild = new Int32Array((1 << 12) + 1).fill(-1);
  childCount = new Int32Array((1 << 12) + 1);

  add(parent: number, nameId: number): number {
    if (this.size === this.parent.length) this.grow();
    const path = this.size++;
    const slot = parent + 1;
    this.parent[path] = parent;
    this.nameId[path] = nameId;
    this.nextSibling[path] = this.firstChild[slot];
    this.firstChild[slot] = path;
    this.childCount[slot]++;
    return path;
  }

  private grow(): void {
    // No more than the most path nodes a tree may have.
    const capacity = Math.min(this.parent.length * 2, MAX_PATH_NODES);
    const int32 = (from: Int32Array, length: number, fill = 0) => {
      const to = new Int32Array(length).fill(fill);
      to.set(from);
      return to;
    };
    const float64 = (from: Float64Array) => {
      const to = new Float64Array(capacity);
      to.set(from);
      return to;
    };
    const uint32 = (from: Uint32Array) => {
      const to = new Uint32Array(capacity);
      to.set(from);
      return to;
    };
    this.parent = int32(this.parent, capacity);
    this.nameId = int32(this.nameId, capacity);
    this.nextSibling = int32(this.nextSibling, capacity);
    this.count = uint32(this.count);
    this.bytes = float64(this.bytes);
    this.firstChild = int32(this.firstChild, capacity + 1, -1);
    this.childCount = int32(this.childCount, capacity + 1);
  }
}

/**
 * A finished path tree's children by parent, in arrays (CSR), found as the tree was built: a short
 * list scanned, a long one ([static vars] with its thousands of statics) looked up in a map of the
 * long lists' children only — far smaller and faster than a map of every path node. `find` gives the
 * child of `parent` (-1: the roots) with that type name id, or -1.
 */
export function pathChildren(tree: DominatorPathTree): { find(parent: number, nameId: number): number } {
  const n = tree.parent.length;
  const names = tree.names.length;
  // Slot s = parent + 1 (the root's children are slot 0); start[s]..start[s + 1] are its children.
  const start = new Int32Array(n + 2);
  for (let p = 0; p < n; p++) start[tree.parent[p] + 2]++;
  for (let s = 1; s < start.length; s++) start[s] += start[s - 1];
  const fill = start.slice(0, n + 1);
  const child = new Int32Array(n);
  for (let p = 0; p < n; p++) child[fill[tree.parent[p] + 1]++] = p;
  const wide = new NumericMap(1024);
  for (let s = 0; s <= n; s++) {
    if (start[s + 1] - start[s] <= SCANNED_CHILDREN) continue;
    for (let i = start[s]; i < start[s + 1]; i++) wide.set(s * names + tree.nameId[child[i]], child[i]);
  }
  return {
    find(parent: number, nameId: number): number {
      const slot = parent + 1;
      if (start[slot + 1] - start[slot] > SCANNED_CHILDREN) return wide.get(slot * names + nameId);
      for (let i = start[slot]; i < start[slot + 1]; i++) if (tree.nameId[child[i]] === nameId) return child[i];
      return -1;
    },
  };
}

/** The type names from the root to a path node. */
export function pathNames(tree: DominatorPathTree, node: number): string[] {
  const names: string[] = [];
  for (let p = node; p >= 0; p = tree.parent[p]) names.push(tree.names[tree.nameId[p]]);
  return names.reverse();
}
