/**
 * Layout of root paths as a graph: roots on the left, the target on the right, paths merged where
 * they share a node, each collapsed run one wide node. A long stretch of plain steps (the framework's
 * plumbing between a static and the owner) folds into one "… N objects" node, so the roots, the owner
 * and the run fit in view; an expanded run shows its first and last members as nodes with its middle
 * between them. Pure (no DOM), so it is tested in Node (roots-graph.test.ts).
 */
import type { RootPathSummary } from '../../session/answers';
import { runCountText } from '../../session/answer-text';

export interface GraphNode {
  /**
   * `root:<name>`, `n:<node>`, `run:<first>:<last>` (a collapsed run, or an expanded run's middle),
   * `gap:<path>:<first>:<last>` (folded plain steps).
   */
  readonly key: string;
  readonly kind: 'root' | 'object' | 'run' | 'target' | 'gap';
  /** First line: type (or root name); second: address, or the run's count. */
  readonly title: string;
  readonly subtitle: string;
  readonly tooltip: string;
  /** NodeIndex for objects; the first member for runs. */
  readonly node: number | null;
  /** For runs: which path it belongs to and its bounds (for runMembers). */
  readonly run: {
    readonly pathIndex: number;
    readonly firstNode: number;
    readonly lastNode: number;
    readonly count: number;
    /** Path entries from first to last member, elision markers included (runMembers pages over them). */
    readonly span: number;
    /** The run crosses a transcript's `...`: more members than `count` may exist. */
    readonly elided: boolean;
    /** Address of the first member: how links name an expanded run. */
    readonly firstAddress: string;
  } | null;
  /** For gaps: the steps folded into it. */
  readonly gap: { readonly count: number } | null;
  /** For an expanded run's middle: true (a click folds the run again). */
  readonly expandedMiddle?: boolean;
  readonly column: number;
  readonly row: number;
}

export interface LayoutOptions {
  /** The key of the expanded run (`run:<first>:<last>`), or null. */
  readonly expandedRun?: string | null;
  /** Gaps the user unfolded (their keys). */
  readonly openGaps?: ReadonlySet<string>;
}

/** Plain steps in a row beyond this fold into a gap node… */
export const MAX_PLAIN_STRETCH = 6;
/** …keeping none after its start (the root names the static or handle) and this many before its end (the owner's side). */
const KEEP_HEAD = 0;
const KEEP_TAIL = 4;

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
}

export interface RootsGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly columns: number;
  readonly rows: number;
  /** For keyboard navigation: the node keys of each path, left to right. */
  readonly pathKeys: readonly (readonly string[])[];
}

/** Right-aligns the paths (the target is the last column), one row per path, shared nodes placed once. */
export function layoutRootsGraph(paths: readonly RootPathSummary[], options: LayoutOptions = {}): RootsGraph {
  const items = paths.map((path, pathIndex) => pathItems(path, pathIndex, options));
  const columns = Math.max(0, ...items.map((list) => list.length));
  const placed = new Map<string, { node: GraphNode; rows: number[] }>();
  const edges = new Map<string, GraphEdge>();
  const pathKeys: string[][] = [];
  items.forEach((list, pathIndex) => {
    const offset = columns - list.length;
    const keys: string[] = [];
    list.forEach((item, index) => {
      const existing = placed.get(item.key);
      if (existing) existing.rows.push(pathIndex);
      else placed.set(item.key, { node: { ...item, column: offset + index, row: pathIndex }, rows: [pathIndex] });
      keys.push(item.key);
    });
    for (let i = 1; i < keys.length; i++) edges.set(`${keys[i - 1]}>${keys[i]}`, { from: keys[i - 1], to: keys[i] });
    pathKeys.push(keys);
  });
  const nodes = [...placed.values()].map(({ node, rows }) => ({
    ...node,
    row: rows.reduce((a, b) => a + b, 0) / rows.length,
  }));
  return { nodes, edges: [...edges.values()], columns, rows: Math.max(1, paths.length), pathKeys };
}

type Item = Omit<GraphNode, 'column' | 'row'>;

/** One path as graph items, left to right: its root, its steps (gaps folded, an expanded run opened). */
function pathItems(path: RootPathSummary, pathIndex: number, options: LayoutOptions): Item[] {
  const items: Item[] = [
    {
      key: `root:${path.root.name}`,
      kind: 'root',
      title: path.root.name,
      subtitle: path.root.label,
      tooltip: `${path.root.name} — ${path.root.label}`,
      node: null,
      run: null,
      gap: null,
    },
  ];
  const steps = path.steps;
  let stretch: Item[] = [];
  const flush = () => {
    if (stretch.length > MAX_PLAIN_STRETCH) {
      const folded = stretch.slice(KEEP_HEAD, stretch.length - KEEP_TAIL);
      const key = `gap:${pathIndex}:${folded[0].node}:${folded[folded.length - 1].node}`;
      if (!options.openGaps?.has(key)) {
        const types = folded.map((item) => item.title);
        stretch = [
          ...stretch.slice(0, KEEP_HEAD),
          {
            key,
            kind: 'gap',
            title: `… ${folded.length} objects`,
            subtitle: 'click to show them',
            tooltip: `${folded.length} objects on the way: ${types.join(' → ')}`,
            node: null,
            run: null,
            gap: { count: folded.length },
          },
          ...stretch.slice(stretch.length - KEEP_TAIL),
        ];
      }
    }
    items.push(...stretch);
    stretch = [];
  };
  steps.forEach((step, index) => {
    if ('run' in step) {
      flush();
      const key = `run:${step.run.firstNode}:${step.run.lastNode}`;
      const count = runCountText(step.run);
      const run = {
        pathIndex,
        firstNode: step.run.firstNode,
        lastNode: step.run.lastNode,
        count: step.run.count,
        span: step.run.span,
        elided: step.run.elided,
        firstAddress: step.run.first,
      };
      const tooltip = step.run.elided
        ? `${count} consecutive ${step.run.type} objects, from ${step.run.first} to ${step.run.last}: the transcript shows ${step.run.count.toLocaleString('en-US')} and elides the rest (…)`
        : `${count} consecutive ${step.run.type} objects, from ${step.run.first} to ${step.run.last}`;
      if (options.expandedRun === key) {
        // Open in the graph: the first member, the middle (still the run: a click folds it), the last.
        const member = (node: number, address: string, which: string): Item => ({
          key: `n:${node}`,
          kind: 'object',
          title: step.run.type,
          subtitle: address,
          tooltip: `${which} of the ${count} ${step.run.type} objects, at ${address}`,
          node,
          run: null,
          gap: null,
        });
        items.push(member(step.run.firstNode, step.run.first, 'The first'));
        items.push({
          key,
          kind: 'run',
          title: `… ${(step.run.count - 2).toLocaleString('en-US')}${step.run.elided ? '+' : ''} more`,
          subtitle: `${step.run.type}, listed below`,
          tooltip: `${tooltip}; the middle members are listed below the graph. Click to fold the run again.`,
          node: step.run.firstNode,
          run,
          gap: null,
          expandedMiddle: true,
        });
        items.push(member(step.run.lastNode, step.run.last, 'The last'));
      } else {
        items.push({
          key,
          kind: 'run',
          title: `${step.run.type} × ${count}`,
          subtitle: `${step.run.first} … ${step.run.last}`,
          tooltip,
          node: step.run.firstNode,
          run,
          gap: null,
        });
      }
      return;
    }
    const item: Item = {
      key: `n:${step.node}`,
      kind: index === steps.length - 1 ? 'target' : 'object',
      title: step.type,
      subtitle: step.address,
      tooltip: `${step.type} at ${step.address}`,
      node: step.node,
      run: null,
      gap: null,
    };
    if (item.kind === 'target') {
      flush();
      items.push(item);
    } else stretch.push(item);
  });
  flush();
  return items;
}
