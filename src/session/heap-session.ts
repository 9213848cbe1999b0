/**
 * One loaded heap and everything computed about it, answering the questions of analysis-api.ts.
 * Pure (no comlink, no DOM): the worker owns one, and the benchmark and tests drive the same code.
 */
import { analyzeHeapBetween, type AnalysisStage } from '../analysis/analyze-heap';
import type { AnalysisContext, ComputedAnalyses } from '../analysis/analysis-context';
import type { Dominators } from '../analysis/dominators';
import { rootDistance, unreachableIn } from '../analysis/bfs';
import { computeFindings, type Finding } from '../analysis/findings';
import { formatBytes } from '../analysis/findings/finding-support';
import { dominatorPathTree, DominatorPathTreeBuilder, type DominatorPathTree } from '../analysis/dominator-path-tree';
import type { HistogramRow } from '../analysis/histogram';
import { pathSignature, resolvePathSignature } from '../analysis/path-signature';
import { summarizeRootPath, type RootPathSummary } from '../analysis/path-summary';
import { dominatorTree, dominatedChildren, type DominatorTree } from '../analysis/retained';
import { retainedByHistogramRow } from '../analysis/retained-by-name';
import type { SpareArrays } from '../analysis/spare-arrays';
import { dropReleasedArrays } from '../heap/array-memory';
import { retainerCount, retainersOf } from '../analysis/reverse-edges';
import { RootPathFinder, type RootPath } from '../analysis/root-paths';
import { baseTypeName } from '../analysis/type-names';
import { formatAddress, parseAddress } from '../heap/address';
import type { ObjectSizes } from '../heap/object-sizes';
import { NO_NODE, NodeFlag, type HeapModel, type ObjectValues } from '../heap/types';
import {
  MAX_PAGE_ROWS,
  type DominatorPage,
  type FindingSummary,
  type InstancePage,
  type InstanceQuery,
  type ObjectDetails,
  type ObjectRef,
  type ReferencePage,
  type RootPathsAnswer,
  type RunMembersPage,
  type RunMemberSearch,
  type SizeBin,
} from './answers';

/** Address text parsing, for callers that say "not an address" apart from "no object there". */
export { parseAddress } from '../heap/address';

/** Objects folded into the path tree per slice when it is built in idle time (about 60 ms each). */
const PATH_TREE_SLICE = 1 << 20;

/** Cached instance lists: one per (type, size filter) query; small (node indices of one type). */
interface InstanceCache {
  readonly key: string;
  readonly nodes: Uint32Array;
  readonly sortKey: string;
  readonly bytes: number;
  readonly sizeBins: SizeBin[];
}

export interface AnalyzeProgress {
  (stage: AnalysisStage | 'findings' | 'dominator tree', fraction: number): void;
}

export class HeapSession {
  private context: AnalysisContext | null = null;
  private tree: DominatorTree | null = null;
  private findingList: Finding[] = [];
  private finder: RootPathFinder | null = null;
  private lastPaths: RootPath[] = [];
  private instanceCache: InstanceCache | null = null;
  private rootRetained = 0;
  /** The dominators once their stage is done, before the rest of the analyses. */
  private earlyDominators: Dominators | null = null;
  private pathTree: DominatorPathTree | null = null;
  private pathTreeBuilder: DominatorPathTreeBuilder | null = null;

  constructor(readonly heap: HeapModel) {}

  get analyzed(): boolean {
    return this.context !== null;
  }

  get hasDominators(): boolean {
    return this.context?.dominators != null;
  }

  /**
   * Objects no root reaches — garbage the next GC frees — and their bytes: defined, non-pseudo nodes
   * the breadth-first search from the root never met. Null before the analysis or without a root.
   * Retained sizes are of reachable objects only (the dominator tree grows from the root).
   */
  unreachable(): { count: number; bytes: number } | null {
    const context = this.context;
    if (!context || this.heap.rootIndex === NO_NODE) return null;
    const { flags, size } = this.heap.nodes;
    const { distance } = context.bfs;
    const unreachable = unreachableIn(distance);
    let count = 0;
    let bytes = 0;
    for (let node = 0; node < this.heap.nodes.count; node++) {
      if (distance[node] !== unreachable) continue;
      if ((flags[node] & (NodeFlag.Defined | NodeFlag.Pseudo)) !== NodeFlag.Defined) continue;
      count++;
      bytes += size.get(node);
    }
    return { count, bytes };
  }

  /**
   * Runs the analyses (analyze-heap.ts) with the dominator tree (beside the BFS where a helper thread
   * runs it, else after it), then the findings. `yieldBetween` lets the worker answer queued requests
   * (histogram pages) between stages.
   */
  async analyze(
    onProgress: AnalyzeProgress = () => {},
    signal?: AbortSignal,
    yieldBetween: () => Promise<void> = async () => {},
    /** What an earlier analysis of the same heap computed (a heap image): nothing runs again. */
    computed?: ComputedAnalyses,
  ): Promise<void> {
    if (computed && computed.context.heap !== this.heap) throw new Error('the analyses are of another heap');
    // Arrays the analyses are done with, for the dominator tree (analysis/spare-arrays.ts).
    const spares: SpareArrays = [];
    // The dominator tree is built while the BFS runs on a helper thread, where there is one
    // (analysis/analyze-heap.ts), else right after it.
    let tree: DominatorTree | null = computed?.tree ?? null;
    const context =
      computed?.context ??
      (await analyzeHeapBetween(this.heap, yieldBetween, {
        onProgress,
        signal,
        onDominators: (dominators) => (this.earlyDominators = dominators),
        spares,
        alongsideBreadthFirst: (dominators, retained, treeSpares) => {
          onProgress('dominator tree', 0.97);
          tree = dominatorTree(dominators, retained, treeSpares);
        },
      }));
    spares.length = 0;
    await yieldBetween();
    if (context.dominators && context.retained) {
      this.tree = tree;
      this.rootRetained = this.heap.rootIndex !== NO_NODE ? context.retained[this.heap.rootIndex] : 0;
    }
    signal?.throwIfAborted();
    onProgress('findings', 0.99);
    this.findingList = computed
      ? [...computed.findings]
      : computeFindings(context, {
          dominatorChildren: this.tree ?? undefined,
          // One finder for the findings' paths and the page's root-path questions after them.
          rootPathFinder: () => (this.finder ??= new RootPathFinder(this.heap, context.bfs, context.retainers)),
        });
    this.context = context;
    // The load's given-back memory the analyses did not take (heap/array-memory.ts).
    dropReleasedArrays();
  }

  /** What the analyses computed, for a heap image (permalink/heap-image.ts); null before them. */
  computed(): ComputedAnalyses | null {
    return this.context ? { context: this.context, tree: this.tree, findings: this.findingList } : null;
  }

  private requireContext(): AnalysisContext {
    if (!this.context) throw new Error('the analysis of this heap has not finished yet');
    return this.context;
  }

  objectRef(node: number): ObjectRef {
    const { heap } = this;
    const pseudo = (heap.nodes.flags[node] & NodeFlag.Pseudo) !== 0 || node === heap.rootIndex;
    const distance = this.context ? rootDistance(this.context.bfs, node) : null;
    return {
      node,
      type: heap.types.names[heap.nodes.type[node]],
      address:
        pseudo && heap.nodes.addressLo[node] === 0 && heap.nodes.addressHi[node] === 0
          ? ''
          : formatAddress(heap.nodes.addressLo[node], heap.nodes.addressHi[node]),
      size: heap.nodes.size.get(node),
      retained: this.context?.retained ? this.context.retained[node] : null,
      distance,
      pseudo,
    };
  }

  /**
   * How links name a node: its address, or, when it has none (a pseudo-node, an input without
   * addresses), its path signature. Null when neither exists (no address and not reachable).
   */
  objectKey(node: number): string | null {
    if (!this.validNode(node)) return null;
    const { addressLo, addressHi } = this.heap.nodes;
    if (this.heap.capabilities.addresses && (addressLo[node] !== 0 || addressHi[node] !== 0))
      return formatAddress(addressLo[node], addressHi[node]);
    return this.context ? pathSignature(this.heap, this.context.bfs, node) : null;
  }

  /** The node a link's object key names (an address or a path signature), or null. */
  nodeAtObjectKey(key: string): number | null {
    if (!key.startsWith('path:')) return this.nodeAtAddress(key);
    const resolved = resolvePathSignature(this.heap, key);
    return 'node' in resolved ? resolved.node : null;
  }

  /** The node at a `0x…` address (a linear scan: a few tens of ms at 18.6 M objects), or null. */
  nodeAtAddress(text: string): number | null {
    const address = parseAddress(text);
    if (!address || (address.lo === 0 && address.hi === 0)) return null;
    const { addressLo, addressHi, count } = this.heap.nodes;
    for (let node = 0; node < count; node++)
      if (addressLo[node] === address.lo && addressHi[node] === address.hi) return node;
    return null;
  }

  /**
   * The finding's root path: the one path the page draws first, the evidence card carries and
   * `heapscope findings` prints — the finding's own (root → owner → accumulation point → members →
   * what they keep alive), else the first of the path target's distinct root paths. Null when no
   * root reaches the target.
   */
  findingPath(findingId: string): RootPathSummary | null {
    const finding = this.findingList.find((candidate) => candidate.id === findingId);
    if (!finding) return null;
    if (finding.rootPath) return summarizeRootPath(this.heap, finding.rootPath);
    const context = this.requireContext();
    if (!this.validNode(finding.pathTarget)) return null;
    this.finder ??= new RootPathFinder(this.heap, context.bfs, context.retainers);
    const path = this.finder.distinctRootPaths(finding.pathTarget).paths[0];
    return path ? summarizeRootPath(this.heap, path) : null;
  }

  findings(): FindingSummary[] {
    return this.findingList.map((finding) => ({
      id: finding.id,
      kind: finding.kind,
      pattern: finding.pattern,
      severity: finding.severity,
      title: finding.title,
      count: finding.count,
      entryType: finding.entryType,
      retainedBytes: finding.retainedBytes,
      shareOfHeap: finding.shareOfHeap,
      anchor: this.objectRef(finding.anchor.node),
      accumulationPoint: this.objectRef(finding.accumulationPoint.node),
      owner: finding.owner
        ? { ...this.objectRef(finding.owner.node), rootKind: finding.owner.rootKind, label: finding.owner.label }
        : null,
      owners: finding.owners,
      keptAlive: finding.keptAlive,
      explanation: finding.explanation,
      fix: finding.fix,
      pathTarget: this.objectRef(finding.pathTarget),
    }));
  }

  object(node: number): ObjectDetails | null {
    if (!this.validNode(node)) return null;
    const { heap } = this;
    const context = this.context;
    const dominator = context?.dominators ? context.dominators.idom[node] : NO_NODE;
    return {
      ...this.objectRef(node),
      referencesOut: heap.edges.start.get(node + 1) - heap.edges.start.get(node),
      referencesIn: context ? retainerCount(context.retainers, node) : 0,
      dominator: dominator !== NO_NODE ? this.objectRef(dominator) : null,
      module: heap.types.modules[heap.nodes.type[node]],
      fields: heap.objectFields.get(node) ?? null,
      valuesReadable: heap.values !== null && (heap.nodes.flags[node] & NodeFlag.Pseudo) === 0,
      ownershipNote: this.ownershipNote(node),
    };
  }

  /** The object's values as the input holds them (a full core: a string's characters, its fields), or null. */
  async objectValues(node: number): Promise<ObjectValues | null> {
    if (!this.validNode(node) || !this.heap.values || this.heap.nodes.flags[node] & NodeFlag.Pseudo) return null;
    return this.heap.values.read(node);
  }

  /**
   * Why an object on a finding's story keeps little by itself. An object above the accumulation
   * point that retains less than the finding frees does not dominate the entries: some other
   * reference reaches them too (the definition of dominance), so only freeing the entries frees the
   * bytes. A member of the finding keeps little alone; the members together keep the finding's bytes.
   */
  private ownershipNote(node: number): string | null {
    const retained = this.context?.retained;
    if (!retained) return null;
    for (const finding of this.findingList) {
      const freed = finding.retainedBytes;
      if (freed === null || !(retained[node] < freed / 2)) continue;
      const chain = finding.rootPath?.chain;
      const point = chain ? chain.indexOf(finding.accumulationPoint.node) : -1;
      const at = chain ? chain.indexOf(node) : -1;
      const entries = `${finding.count.toLocaleString('en-US')} × ${finding.entryType}`;
      if (node === finding.accumulationPoint.node || (at >= 0 && point >= 0 && at < point)) {
        return (
          `Retains ${formatBytes(retained[node])} by itself, while the finding "${finding.title}" frees ` +
          `${formatBytes(freed)}: the ${entries} it leads to are also reached through other references, so no ` +
          `single object above them keeps them alone. Freeing the ${entries} frees ${formatBytes(freed)}.`
        );
      }
      if (at > point && point >= 0 && this.heap.types.names[this.heap.nodes.type[node]] === finding.entryType) {
        return (
          `One of the ${entries} of the finding "${finding.title}": each keeps little alone ` +
          `(${formatBytes(retained[node])} here); together they keep ${formatBytes(freed)} alive.`
        );
      }
    }
    return null;
  }

  /** References out of (`out`) or into (`in`) a node, one page. */
  references(node: number, direction: 'out' | 'in', offset: number, limit: number): ReferencePage {
    if (!this.validNode(node)) return { total: 0, offset: 0, rows: [] };
    let list: Uint32Array;
    if (direction === 'out') {
      list = this.heap.edges.target.subarray(this.heap.edges.start.get(node), this.heap.edges.start.get(node + 1));
    } else {
      list = retainersOf(this.requireContext().retainers, node);
    }
    return this.page(list, offset, limit);
  }

  /**
   * `gcroot`: distinct root paths of a node, runs collapsed; remembered for `runMembers`. For a
   * finding's path target, the finding's own path (root → owner → accumulation point → the members →
   * what they keep) comes first: the story the finding tells, the same in the page and the CLI.
   */
  rootPaths(node: number): RootPathsAnswer {
    const context = this.requireContext();
    if (!this.validNode(node)) return { target: this.objectRef(node), paths: [], complete: true };
    // Made on the first question: its scratch arrays take 8 bytes per node, not needed until then.
    this.finder ??= new RootPathFinder(this.heap, context.bfs, context.retainers);
    const found = this.finder.distinctRootPaths(node);
    const story = this.findingList.find((finding) => finding.pathTarget === node && finding.rootPath)?.rootPath;
    const sameChain = (a: RootPath, b: RootPath) =>
      a.chain.length === b.chain.length && a.chain.every((n, i) => n === b.chain[i]);
    this.lastPaths = story ? [story, ...found.paths.filter((path) => !sameChain(path, story))] : found.paths;
    return {
      target: this.objectRef(node),
      paths: this.lastPaths.map((path) => summarizeRootPath(this.heap, path)),
      complete: found.stoppedBy === 'complete',
    };
  }

  /**
   * Members of a collapsed run of the last `rootPaths` answer: the objects of path `pathIndex` from
   * `firstNode` to `lastNode`, one page (the graph shows the first and last few, the middle paged).
   */
  runMembers(
    pathIndex: number,
    firstNode: number,
    lastNode: number,
    offset: number,
    limit: number,
    search: RunMemberSearch | null | undefined = null,
  ): RunMembersPage {
    const path = this.lastPaths[pathIndex];
    if (!path) return { total: 0, offset: 0, rows: [] };
    const objects = path.objects;
    const start = objects.indexOf(firstNode);
    const end = objects.indexOf(lastNode, Math.max(0, start));
    if (start < 0 || end < start) return { total: 0, offset: 0, rows: [] };
    const members = objects.subarray(start, end + 1);
    const text = search?.text.trim().toLowerCase() ?? '';
    if (text === '') return this.page(members, offset, limit);
    // `#N` or a bare decimal number: member N and the page from it (an address is asked with `0x`).
    const number = /^#?(\d{1,9})$/.exec(text);
    if (number) {
      const at = Math.min(Math.max(0, Number(number[1]) - 1), Math.max(0, members.length - 1));
      return this.page(members, at, limit);
    }
    // An address fragment: the members whose address contains it, with their places in the run.
    const fragment = text.replace(/^0x/, '');
    if (!/^[0-9a-f]{1,16}$/.test(fragment)) return { total: 0, offset: 0, rows: [], positions: [] };
    // One string per member, no answer object: a run can hold millions.
    const { addressLo, addressHi } = this.heap.nodes;
    const places: number[] = [];
    for (let i = 0; i < members.length; i++) {
      const member = members[i];
      if (formatAddress(addressLo[member], addressHi[member]).includes(fragment, 2)) places.push(i);
    }
    const picked = places.slice(offset, offset + Math.min(limit, MAX_PAGE_ROWS));
    return {
      total: places.length,
      offset,
      rows: picked.map((i) => this.objectRef(members[i])),
      positions: picked.map((i) => i + 1),
    };
  }

  /** The objects of one histogram row, filtered like `dumpheap -mt -min -max`, one sorted page. */
  instances(query: InstanceQuery): InstancePage {
    const { heap } = this;
    const key = JSON.stringify([
      query.typeName,
      query.match,
      query.includeSizeVariants,
      query.minSize,
      query.maxSize,
      query.liveness,
    ]);
    let cache = this.instanceCache;
    if (!cache || cache.key !== key) {
      const typeMatches = matchingTypes(heap, query);
      const distance = this.context?.bfs.distance;
      const unreachable = distance ? unreachableIn(distance) : 0;
      const { type, size, flags } = heap.nodes;
      let count = 0;
      const matching = new Uint32Array(heap.nodes.count);
      for (let node = 0; node < heap.nodes.count; node++) {
        if (!typeMatches[type[node]] || (flags[node] & (NodeFlag.Defined | NodeFlag.Pseudo)) !== NodeFlag.Defined)
          continue;
        if (
          (query.minSize !== null && size.get(node) < query.minSize) ||
          (query.maxSize !== null && size.get(node) > query.maxSize)
        )
          continue;
        if (query.liveness !== 'all' && distance && this.livenessKnown) {
          const live = distance[node] !== unreachable;
          if (live !== (query.liveness === 'live')) continue;
        }
        matching[count++] = node;
      }
      const nodes = matching.slice(0, count);
      let bytes = 0;
      for (const node of nodes) bytes += size.get(node);
      cache = { key, nodes, sortKey: '', bytes, sizeBins: sizeBins(nodes, size) };
      this.instanceCache = cache;
    }
    const sortKey = `${query.sortKey}:${query.descending}`;
    if (cache.sortKey !== sortKey) {
      const value = this.instanceSortValue(query.sortKey);
      const direction = query.descending ? -1 : 1;
      cache.nodes.sort((a, b) => direction * (value(a) - value(b)) || a - b);
      this.instanceCache = { ...cache, sortKey };
    }
    const page = this.page(cache.nodes, query.offset, query.limit);
    return {
      totalRows: page.total,
      offset: page.offset,
      rows: page.rows,
      matching: { count: cache.nodes.length, bytes: cache.bytes },
      sizeBins: cache.sizeBins,
      livenessKnown: this.livenessKnown,
    };
  }

  /** Reachability from the roots means something only over a complete reference graph (not a transcript's few chains). */
  get livenessKnown(): boolean {
    return this.heap.capabilities.edges && this.heap.rootIndex !== NO_NODE;
  }

  /** The children of `node` in the dominator tree (null: the top), biggest retained first. */
  dominatorChildren(node: number | null, offset: number, limit: number): DominatorPage {
    const tree = this.tree;
    if (!tree) return { total: 0, offset: 0, rows: [] };
    const all = dominatedChildren(tree, node ?? NO_NODE);
    const page = this.page(all, offset, limit);
    const total = this.rootRetained || this.heap.totalSize || 1;
    return {
      total: page.total,
      offset: page.offset,
      rows: page.rows.map((row) => ({
        ...row,
        children: tree.rows.count(row.node),
        percent: ((row.retained ?? 0) / total) * 100,
      })),
    };
  }

  /**
   * The dominator tree folded into type-name paths (dominator-path-tree.ts), for diffs: computed once,
   * as soon as the dominators are known (before retained sizes and findings); null before them or
   * without dominators.
   */
  dominatorPathTree(): DominatorPathTree | null {
    const dominators = this.context?.dominators ?? this.earlyDominators;
    if (!dominators) return null;
    if (!this.pathTree && this.pathTreeBuilder) {
      // Being built in slices (prepareDominatorPathTree): the rest now.
      this.pathTreeBuilder.step(Infinity);
      this.pathTree = this.pathTreeBuilder.finish();
    }
    this.pathTreeBuilder = null;
    this.pathTree ??= dominatorPathTree(this.heap, dominators);
    return this.pathTree;
  }

  /**
   * Builds the path tree in slices of `sliceObjects` objects, awaiting `between` after each, while
   * `wanted()` holds: the worker does it in its idle time after the analyses, so that a later
   * "Compare with…", which keeps this dump's path tree as the baseline's, does not wait for it
   * (about a second at the incident's scale). A `dominatorPathTree()` meanwhile finishes it at once.
   */
  async prepareDominatorPathTree(
    between: () => Promise<void>,
    wanted: () => boolean,
    sliceObjects = PATH_TREE_SLICE,
  ): Promise<void> {
    const dominators = this.context?.dominators;
    if (!dominators || this.pathTree || this.pathTreeBuilder) return;
    const builder = new DominatorPathTreeBuilder(this.heap, dominators);
    this.pathTreeBuilder = builder;
    try {
      while (!builder.done) {
        await between();
        if (this.pathTreeBuilder !== builder) return; // finished by dominatorPathTree()
        if (!wanted()) break;
        builder.step(sliceObjects);
      }
      if (builder.done) this.pathTree = builder.finish();
    } finally {
      // Done, abandoned or failed: a later dominatorPathTree() builds it whole if it is not there.
      if (this.pathTreeBuilder === builder) this.pathTreeBuilder = null;
    }
  }

  /** MAT-style retained bytes for each row of a histogram (see retained-by-name.ts), or null. */
  retainedByRow(rows: readonly HistogramRow[]): Float64Array | null {
    const context = this.context;
    if (!context?.dominators || !this.tree) return null;
    return retainedByHistogramRow(context, rows, this.tree);
  }

  private page(list: Uint32Array, offset: number, limit: number): ReferencePage {
    const start = Math.max(0, Math.min(Math.floor(offset) || 0, list.length));
    const count = Math.max(0, Math.min(Math.floor(limit) || 0, MAX_PAGE_ROWS, list.length - start));
    const rows: ObjectRef[] = [];
    for (let i = start; i < start + count; i++) rows.push(this.objectRef(list[i]));
    return { total: list.length, offset: start, rows };
  }

  private validNode(node: number): boolean {
    return Number.isInteger(node) && node >= 0 && node < this.heap.nodes.count;
  }

  private instanceSortValue(key: InstanceQuery['sortKey']): (node: number) => number {
    const { heap } = this;
    const retained = this.context?.retained;
    const distance = this.context?.bfs.distance;
    switch (key) {
      case 'retained':
        return retained ? (node) => retained[node] : (node) => heap.nodes.size.get(node);
      case 'distance':
        return distance ? (node) => distance[node] : () => 0;
      case 'address':
        return (node) => heap.nodes.addressHi[node] * 0x1_0000_0000 + heap.nodes.addressLo[node];
      default:
        return (node) => heap.nodes.size.get(node);
    }
  }
}

/**
 * Which type-table entries a query names: the whole name as the histogram row shows it
 * (`match: 'name'`, optionally with its collector size variants), or any name containing the text
 * (`match: 'substring'`, as SOS `dumpheap -type` matches). The one type matcher of the page and the CLI.
 */
export function matchingTypes(
  heap: HeapModel,
  query: Pick<InstanceQuery, 'typeName' | 'includeSizeVariants' | 'match'>,
): boolean[] {
  if (query.match === 'substring') return heap.types.names.map((name) => name.includes(query.typeName));
  const wanted = query.includeSizeVariants ? baseTypeName(query.typeName) : query.typeName;
  return heap.types.names.map((name) => (query.includeSizeVariants ? baseTypeName(name) : name) === wanted);
}

/** Log-spaced bins (powers of two) of the sizes of `nodes`; at most ~32 bins. */
function sizeBins(nodes: Uint32Array, size: ObjectSizes): SizeBin[] {
  const counts = new Map<number, number>();
  for (const node of nodes) {
    const bin = size.get(node) === 0 ? -1 : Math.floor(Math.log2(size.get(node)));
    counts.set(bin, (counts.get(bin) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => a[0] - b[0])
    .map(([bin, count]) => (bin < 0 ? { from: 0, to: 0, count } : { from: 2 ** bin, to: 2 ** (bin + 1) - 1, count }));
}
