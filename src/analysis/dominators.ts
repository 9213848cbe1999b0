import { NO_NODE, type HeapModel } from '../heap/types';
import { isTraversedEdge } from './edge-predicate';
import { progressCheckpoint, PROGRESS_INTERVAL_STEPS, type AnalysisProgressOptions } from './progress';
import type { Retainers } from './reverse-edges';
import { takeSpare, type SpareArrays } from './spare-arrays';
import { largeArray } from '../heap/array-memory';

/**
 * The dominator forest of the heap: x dominates y when every path from the roots to y passes
 * through x, so freeing x frees y.
 *
 * Objects the root does not reach are kept: a virtual root (not a node of the model) gets an edge
 *   1. to the heap's root,
 *   2. to every node the root does not reach and that nothing references (garbage "tops"),
 *   3. then, in NodeIndex order, to each node still not reached (members of unreferenced cycles),
 * and dominators are computed from the virtual root, ignoring references from unreachable objects
 * to reachable ones (garbage does not share the ownership of live objects: without this rule, one
 * dead object pointing at a cache would take the cache out of the root's retained size). Every
 * node thus has an immediate dominator; those of the virtual root are written NO_NODE. The heap's
 * root dominates exactly the reachable nodes, and an unreachable node only unreachable ones.
 */
export interface Dominators {
  /** Immediate dominator of each node; NO_NODE for the virtual root's children (the heap's root and the tops of unreachable parts). */
  readonly idom: Uint32Array;
  /**
   * How many nodes the heap's root reaches (over edges accepted by isTraversedEdge): the first
   * `reachableCount` of the search's preorder. The BFS (bfs.ts) reaches the same nodes and says which.
   */
  readonly reachableCount: number;
}

/**
 * The dominators with the search's depth-first preorder, which only the retained sizes read, right
 * after (retained.ts); the analyses then reuse its memory (spare-arrays.ts) rather than keep it. A
 * top-down order later comes from the idom column alone (top-down.ts).
 */
export interface DominatorSearch extends Dominators {
  /**
   * Every node in the depth-first preorder of the search: a node's dominators all come before it,
   * so walking it backwards visits a dominator tree bottom-up. A view of a node + 1 array (`vertex`),
   * which `preorderArray` gives back whole.
   */
  readonly preorder: Uint32Array;
}

/** The preorder's whole array (it is a view from entry 1), for the spares once it is read. */
export function preorderArray(search: DominatorSearch): Uint32Array {
  const { preorder } = search;
  return new Uint32Array(preorder.buffer, preorder.byteOffset - Uint32Array.BYTES_PER_ELEMENT, preorder.length + 1);
}

/** "No vertex" in the DFS-number arrays below (DFS number 0 is the virtual root). */
const NONE = 0xffff_ffff;

/**
 * Lengauer–Tarjan, "A Fast Algorithm for Finding Dominators in a Flowgraph", ACM TOPLAS 1(1),
 * 1979, the simple version (path compression without balanced linking): O(m log n) time for n
 * nodes and m edges, guaranteed — unlike iterative fix-point methods (Cooper–Harvey–Kennedy),
 * which need many passes over heaps with long doubly-linked structures, and unlike Semi-NCA,
 * whose NCA step is quadratic when many objects hang off the end of a long list and are also
 * referenced from near the root.
 *
 * Everything is iterative over five arrays of nodeCount+1 Uint32 (20 bytes per node while it
 * runs; the result reuses two of them). Between the depth-first numbering and the end of step 3,
 * the retainers' sources are DFS numbers instead of node indices: rewritten in place once each
 * way, so that no node-to-DFS-number column is kept while the semidominators are computed. An
 * abort in between restores them before it propagates. The DFS stack is explicit (a typed array
 * as deep as the search goes) and path compression reverses pointers instead of keeping a stack,
 * so a chain of millions of objects never touches the call stack. Progress is reported about every
 * PROGRESS_INTERVAL_STEPS nodes-or-edges, and the signal checked there (an abort throws its
 * reason, an AbortError).
 *
 * The numbering from the heap's root needs the forward edges alone: `numberFromRoot` does it, and
 * `dominatorsAfterNumbering` the rest once the retainers are known, so that a host can compute the
 * retainers on another thread meanwhile (analyze-heap.ts). `computeDominators` is the two in a row.
 */
export function computeDominators(
  heap: HeapModel,
  retainers: Retainers,
  options: AnalysisProgressOptions & {
    /**
     * Spare arrays to take two scratch arrays from (the reverse edges leave one); receives three
     * (nodeCount + 1 entries each) once they are done with.
     */
    readonly spares?: SpareArrays;
  } = {},
): DominatorSearch {
  return dominatorsAfterNumbering(numberFromRoot(heap, options), retainers, options.spares);
}

/**
 * Step 1 of the dominators as far as the forward edges take it: the depth-first numbering of what
 * the heap's root reaches. `dominatorsAfterNumbering` goes on from it.
 */
export interface RootNumbering {
  readonly heap: HeapModel;
  /** DFS number of each node (0 = not visited yet); once the search is done, its memory becomes `idom`. */
  readonly dfsNumber: Uint32Array;
  /** Node of each DFS number (vertex[0] is unused: the virtual root is no node). */
  readonly vertex: Uint32Array;
  /**
   * DFS-tree parent, as a DFS number; once a vertex is linked into the EVAL/LINK forest (vertices
   * numbered `firstLinked` and above), its forest ancestor, which path compression moves up. One
   * array serves both: a vertex's tree parent is read only before it is linked, and LINK(parent(w), w)
   * makes the tree parent w's first forest ancestor.
   */
  readonly parent: Uint32Array;
  /** How many nodes the heap's root reaches: DFS numbers 1…reachableCount. */
  readonly reachableCount: number;
  /** The search, to go on with: the next number and the progress reports. */
  readonly search: DepthFirstSearch;
}

/** The depth-first numbering from the root: O(reached nodes + their edges). */
export function numberFromRoot(heap: HeapModel, options: AnalysisProgressOptions = {}): RootNumbering {
  // DFS numbers: 0 = virtual root, 1…nodeCount = nodes.
  const search = new DepthFirstSearch(heap, options);
  const root = heap.rootIndex;
  if (root !== NO_NODE && root < heap.nodes.count) search.from(root);
  return {
    heap,
    dfsNumber: search.dfsNumber,
    vertex: search.vertex,
    parent: search.parent,
    reachableCount: search.nextNumber - 1,
    search,
  };
}

/** Steps 1 (what the root does not reach) to 4 of the dominators, after `numberFromRoot`. */
export function dominatorsAfterNumbering(
  numbering: RootNumbering,
  retainers: Retainers,
  /**
   * Spare arrays to take two scratch arrays from (the reverse edges leave one); receives three
   * (nodeCount + 1 entries each) once they are done with.
   */
  spares?: SpareArrays,
): DominatorSearch {
  const { heap, dfsNumber, vertex, parent, reachableCount, search } = numbering;
  const nodeCount = heap.nodes.count;
  const vertexCount = nodeCount + 1;
  const { retainerStart, retainerSource } = retainers;
  // Step 1 for what the root does not reach: garbage tops first (nothing references them), then
  // each node still not numbered (members of unreferenced cycles), in NodeIndex order.
  for (let node = 0; node < nodeCount; node++) {
    if (dfsNumber[node] === 0 && retainerStart.count(node) === 0) search.from(node);
  }
  for (let node = 0; node < nodeCount; node++) {
    if (dfsNumber[node] === 0) search.from(node);
  }
  search.numbered();
  /**
   * Semidominator, as a DFS number (then: the candidate compared in step 3). This and `label` are
   * written whole before they are read: spare arrays do (the reverse edges' row cursors).
   */
  const semi = takeSpare(spares, vertexCount);
  /**
   * For a vertex linked into the forest: the vertex of minimum semidominator on its forest path,
   * for EVAL. For a vertex s not linked yet, whose label nothing reads: the head of its bucket,
   * the first vertex whose semidominator is s (NONE when empty). A bucket is emptied before its
   * vertex is linked (bucket(s) last at the iteration of s + 1, its first DFS child), and LINK sets
   * the label: one array serves both.
   */
  const label = takeSpare(spares, vertexCount);

  // The retainers' sources in DFS numbers, so step 2 reads each retainer's number directly.
  for (let r = 0, end = retainerSource.length; r < end; r++) retainerSource[r] = dfsNumber[retainerSource[r]];
  /**
   * While v waits in a bucket, idom[v] links to the next vertex of that bucket; once its bucket is
   * emptied it holds v's (provisional, then final) immediate dominator. The two uses never overlap.
   */
  const idom = dfsNumber;
  idom[0] = 0; // the virtual root's, never read: every other entry is written before it is read
  try {
    semidominators(vertexCount, reachableCount, retainers, vertex, parent, semi, label, idom, search.step);
  } finally {
    for (let r = 0, end = retainerSource.length; r < end; r++) retainerSource[r] = vertex[retainerSource[r]];
  }

  // Step 4: in preorder, an idom differing from the semidominator is the idom of that idom.
  for (let w = 1; w < vertexCount; w++) {
    if (idom[w] !== semi[w]) idom[w] = idom[idom[w]];
  }

  // Back to node indices, in the memory of the semidominators, which are not needed any more.
  const idomByNode = semi.subarray(0, nodeCount);
  for (let w = 1; w < vertexCount; w++) idomByNode[vertex[w]] = idom[w] === 0 ? NO_NODE : vertex[idom[w]];
  search.done();
  spares?.push(parent, label, idom);
  return { idom: idomByNode, reachableCount, preorder: vertex.subarray(1) };
}

/** The DFS stack's first depth (entries); it doubles whenever the search goes deeper. */
const FIRST_STACK_DEPTH = 1 << 12;

/**
 * Step 1's depth-first search, numbering from one start node at a time over the forward edges,
 * with its explicit stack (a node and an edge cursor per level), and the progress reports of the
 * whole computation (`step`).
 */
class DepthFirstSearch {
  readonly dfsNumber: Uint32Array;
  readonly vertex: Uint32Array;
  readonly parent: Uint32Array;
  nextNumber = 1;
  private stackNode: Uint32Array = new Uint32Array(FIRST_STACK_DEPTH);
  private stackCursor: Uint32Array = new Uint32Array(FIRST_STACK_DEPTH);
  private readonly totalSteps: number;
  private readonly report: (stepsDone: number) => void;
  private stepsDone = 0;
  private stepsToCheckpoint = PROGRESS_INTERVAL_STEPS;

  constructor(
    private readonly heap: HeapModel,
    options: AnalysisProgressOptions,
  ) {
    const vertexCount = heap.nodes.count + 1;
    this.dfsNumber = largeArray(Uint32Array, vertexCount);
    this.vertex = largeArray(Uint32Array, vertexCount);
    this.parent = largeArray(Uint32Array, vertexCount);
    this.totalSteps = 2 * (heap.nodes.count + heap.edges.count) + 2 * heap.nodes.count;
    this.report = progressCheckpoint(options, this.totalSteps);
  }

  /** Counts `count` steps done, reporting progress (and checking the signal) at each checkpoint. */
  readonly step = (count: number): void => {
    this.stepsToCheckpoint -= count;
    if (this.stepsToCheckpoint <= 0) {
      this.stepsDone += PROGRESS_INTERVAL_STEPS - this.stepsToCheckpoint;
      this.stepsToCheckpoint = PROGRESS_INTERVAL_STEPS;
      this.report(this.stepsDone);
    }
  };

  /** Numbers `start` and every node it reaches that has no number yet, in depth-first preorder. */
  from(start: number): void {
    const { dfsNumber, vertex, parent } = this;
    const { start: edgeStart, target: edgeTarget } = this.heap.edges;
    let stackNode = this.stackNode;
    let stackCursor = this.stackCursor;
    let nextNumber = this.nextNumber;
    dfsNumber[start] = nextNumber;
    vertex[nextNumber] = start;
    parent[nextNumber] = 0;
    nextNumber++;
    let top = 0;
    stackNode[0] = start;
    stackCursor[0] = edgeStart.get(start);
    while (top >= 0) {
      this.step(1);
      const source = stackNode[top];
      const cursor = stackCursor[top];
      if (cursor === edgeStart.get(source + 1)) {
        top--;
        continue;
      }
      stackCursor[top] = cursor + 1;
      const target = edgeTarget[cursor];
      if (dfsNumber[target] !== 0 || !isTraversedEdge(source, target)) continue;
      dfsNumber[target] = nextNumber;
      vertex[nextNumber] = target;
      parent[nextNumber] = dfsNumber[source];
      nextNumber++;
      top++;
      if (top === stackNode.length) {
        stackNode = this.stackNode = deeperStack(stackNode);
        stackCursor = this.stackCursor = deeperStack(stackCursor);
      }
      stackNode[top] = target;
      stackCursor[top] = edgeStart.get(target);
    }
    this.nextNumber = nextNumber;
  }

  /** Every node is numbered: the steps of step 1 are all counted, and the stack is let go. */
  numbered(): void {
    this.stepsDone = this.heap.nodes.count + this.heap.edges.count;
    this.stackNode = this.stackCursor = new Uint32Array(0);
  }

  /** The dominators are done: progress 1. */
  done(): void {
    this.report(this.totalSteps);
  }
}

/** A stack twice as deep, its entries copied. */
function deeperStack(stack: Uint32Array): Uint32Array {
  const deeper = new Uint32Array(stack.length * 2);
  deeper.set(stack);
  return deeper;
}

/**
 * Steps 2 and 3 of Lengauer–Tarjan over the DFS numbering: semidominators in reverse preorder, and
 * each bucket's provisional immediate dominators. Reads the retainers with DFS-number sources.
 */
function semidominators(
  vertexCount: number,
  reachableCount: number,
  retainers: Retainers,
  vertex: Uint32Array,
  parent: Uint32Array,
  semi: Uint32Array,
  label: Uint32Array,
  idom: Uint32Array,
  step: (count: number) => void,
): void {
  const { retainerStart, retainerSource } = retainers;

  for (let v = 0; v < vertexCount; v++) semi[v] = v;
  label.fill(NONE); // every bucket empty
  /**
   * Vertices numbered from here up are linked into the forest (step 2 links them in reverse
   * preorder); below it, each vertex is a forest root of its own. The virtual root (0) never is.
   */
  let firstLinked = vertexCount;

  /** EVAL(v): the vertex of minimum semidominator on v's forest path, compressing the path. */
  const evaluate = (v: number): number => {
    if (v < firstLinked) return v;
    // COMPRESS(v) without recursion and without a stack (pointer reversal): on the way up to the
    // vertex below the forest root, each vertex's ancestor pointer is turned to point down the path
    // (v's to itself); on the way back down, each vertex takes its ancestor's label when smaller and
    // its ancestor's ancestor, as the recursive version does on its way back, and the pointer
    // turned down is followed to the next vertex.
    let x = v;
    let below = v;
    while (parent[x] >= firstLinked) {
      const up = parent[x];
      parent[x] = below;
      below = x;
      x = up;
    }
    // x is the vertex below the forest root; `below` the last vertex turned (v itself if none was).
    if (x !== v) {
      let a = x;
      let y = below;
      for (;;) {
        const next = parent[y];
        if (semi[label[a]] < semi[label[y]]) label[y] = label[a];
        parent[y] = parent[a];
        if (y === v) break;
        a = y;
        y = next;
      }
    }
    return label[v];
  };

  // Step 2 (with step 3's implicit half): semidominators in reverse preorder, then the buckets.
  for (let w = vertexCount - 1; w >= 1; w--) {
    const treeParent = parent[w];
    if (treeParent === 0) {
      semi[w] = 0; // the virtual root is a predecessor, and nothing is smaller
    } else {
      const node = vertex[w];
      // Reachable nodes are numbered 1…reachableCount; their unreachable retainers are ignored.
      const ignoreFrom = w <= reachableCount ? reachableCount : vertexCount;
      const first = retainerStart.get(node);
      const end = retainerStart.get(node + 1);
      for (let r = first; r < end; r++) {
        const v = retainerSource[r];
        if (v > ignoreFrom) continue;
        const u = evaluate(v);
        if (semi[u] < semi[w]) semi[w] = semi[u];
      }
      step(end - first);
    }
    idom[w] = label[semi[w]]; // into bucket(semi(w)): semi(w) < w is not linked yet
    label[semi[w]] = w;
    // LINK(parent(w), w): parent[w] is already w's forest ancestor; w's own bucket is empty.
    label[w] = w;
    firstLinked = w;
    for (let v = label[treeParent]; v !== NONE;) {
      const nextInBucket = idom[v];
      const u = evaluate(v);
      idom[v] = semi[u] < semi[v] ? u : treeParent;
      v = nextInBucket;
    }
    label[treeParent] = NONE;
    step(1);
  }
}
