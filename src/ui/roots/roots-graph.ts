/**
 * Layout of root paths as a graph: roots on the left, the target on the right, paths merged where
 * they share a node, each collapsed run one wide node. Pure (no DOM), so it is tested in Node.
 */
import type { RootPathSummary } from '../../session/answers';
import { runCountText } from '../../session/answer-text';

export interface GraphNode {
  /** `root:<name>`, `n:<node>` or `run:<first>:<last>`. */
  readonly key: string;
  readonly kind: 'root' | 'object' | 'run' | 'target';
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
  readonly column: number;
  readonly row: number;
}

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
export function layoutRootsGraph(paths: readonly RootPathSummary[]): RootsGraph {
  const length = (path: RootPathSummary) => path.steps.length + 1;
  const columns = Math.max(0, ...paths.map(length));
  const placed = new Map<string, { node: GraphNode; rows: number[] }>();
  const edges = new Map<string, GraphEdge>();
  const pathKeys: string[][] = [];
  paths.forEach((path, pathIndex) => {
    const keys: string[] = [];
    const offset = columns - length(path);
    const place = (key: string, make: (column: number) => Omit<GraphNode, 'row'>, column: number) => {
      const existing = placed.get(key);
      if (existing) existing.rows.push(pathIndex);
      else placed.set(key, { node: { ...make(column), row: pathIndex }, rows: [pathIndex] });
      keys.push(key);
    };
    const rootKey = `root:${path.root.name}`;
    place(
      rootKey,
      (column) => ({
        key: rootKey,
        kind: 'root',
        title: path.root.name,
        subtitle: path.root.label,
        tooltip: `${path.root.name} — ${path.root.label}`,
        node: null,
        run: null,
        column,
      }),
      offset,
    );
    path.steps.forEach((step, index) => {
      const column = offset + index + 1;
      const last = index === path.steps.length - 1;
      if ('run' in step) {
        const key = `run:${step.run.firstNode}:${step.run.lastNode}`;
        const count = runCountText(step.run);
        place(
          key,
          (c) => ({
            key,
            kind: 'run',
            title: `${step.run.type} × ${count}`,
            subtitle: `${step.run.first} … ${step.run.last}`,
            tooltip: step.run.elided
              ? `${count} consecutive ${step.run.type} objects, from ${step.run.first} to ${step.run.last}: the transcript shows ${step.run.count.toLocaleString('en-US')} and elides the rest (…)`
              : `${count} consecutive ${step.run.type} objects, from ${step.run.first} to ${step.run.last}`,
            node: step.run.firstNode,
            run: {
              pathIndex,
              firstNode: step.run.firstNode,
              lastNode: step.run.lastNode,
              count: step.run.count,
              span: step.run.span,
              elided: step.run.elided,
              firstAddress: step.run.first,
            },
            column: c,
          }),
          column,
        );
      } else {
        const key = `n:${step.node}`;
        place(
          key,
          (c) => ({
            key,
            kind: last ? 'target' : 'object',
            title: step.type,
            subtitle: step.address,
            tooltip: `${step.type} at ${step.address}`,
            node: step.node,
            run: null,
            column: c,
          }),
          column,
        );
      }
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
