/**
 * The one rule every traversal in this folder applies to an edge (reverse edges, BFS, root paths,
 * dominators, chains). Keeping it in one place means "reachable", "retained by" and "dominated by"
 * always describe the same graph.
 *
 * The rule: follow every edge except a self-edge.
 *  - Self-edges (gcdump §5.5: "self-references occur") never change reachability, a shortest path
 *    or a dominator, but they would make an object look like its own retainer (a linked-list node
 *    would no longer be "retained by exactly one other object").
 *  - Duplicate edges are followed (a `[local vars]` pseudo-node lists an object once per stack slot);
 *    they appear as repeated retainers, which consumers treat as one.
 *  - Edges into undefined nodes are followed: such a node was referenced but never described
 *    (size 0, no children), so it is a harmless leaf, and hiding it would hide a real reference.
 */
export function isTraversedEdge(source: number, target: number): boolean {
  return source !== target;
}
