/**
 * The growth paths of a diff as a graph, drawn by the root-path graph's SVG (ui/roots): each entry a
 * row from its root on the left to the type that grew, highlighted, on the right; entries that share
 * their start share those nodes (the paths fold into the tree they came from). A long stretch of
 * plain steps folds into one "… N types" node that a click unfolds, as in the root-path graph. The
 * nodes are types on aggregated paths, not objects: clicking one opens nothing.
 * Pure (no DOM), tested in Node (growth-graph.test.ts).
 */
import type { GrowthEntry } from '../../session/answers';
import { formatInteger } from '../common/format';
import { MAX_PLAIN_STRETCH, type GraphEdge, type GraphNode, type RootsGraph } from '../roots/roots-graph';

/** Plain steps kept before the grown type when a stretch folds (the accumulation point's side). */
const KEEP_TAIL = 4;
const SEPARATOR = '\u0000';

const signed = (value: number) => `${value >= 0 ? '+' : '−'}${formatInteger(Math.abs(value))}`;

interface Item {
  readonly key: string;
  readonly kind: GraphNode['kind'];
  readonly title: string;
  readonly subtitle: string;
  readonly tooltip: string;
  readonly gap: { readonly count: number } | null;
}

function entryItems(entry: GrowthEntry, index: number, openGaps: ReadonlySet<string>): Item[] {
  const names = entry.path;
  const items: Item[] = [];
  const keyOf = (end: number) => `g:${names.slice(0, end + 1).join(SEPARATOR)}`;
  const last = names.length - 1;
  const isRoot = (name: string) => /^\[.*\]$/.test(name);
  // The plain stretch: between the root labels at the start and the steps kept before the grown type.
  let start = 0;
  while (start < last && isRoot(names[start])) start++;
  const foldEnd = last - KEEP_TAIL; // exclusive
  const gapKey = `gap:${index}:${keyOf(start)}`;
  const fold = foldEnd - start > MAX_PLAIN_STRETCH && !openGaps.has(gapKey);
  for (let i = 0; i <= last; i++) {
    if (fold && i === start) {
      const count = foldEnd - start;
      items.push({
        key: gapKey,
        kind: 'gap',
        title: `… ${formatInteger(count)} types`,
        subtitle: 'click to unfold',
        tooltip: names.slice(start, foldEnd).join(' → '),
        gap: { count },
      });
      i = foldEnd - 1;
      continue;
    }
    const name = names[i];
    if (i === last) {
      items.push({
        key: keyOf(i),
        kind: 'target',
        title: name,
        subtitle: `${signed(entry.countDelta)} (${formatInteger(entry.countBefore)} → ${formatInteger(entry.countAfter)})`,
        tooltip: `${name}: ${signed(entry.countDelta)} objects here (${formatInteger(entry.countBefore)} → ${formatInteger(entry.countAfter)}), ${signed(entry.retainedDelta)} bytes held`,
        gap: null,
      });
    } else {
      items.push({
        key: keyOf(i),
        kind: isRoot(name) && i < start ? 'root' : 'object',
        title: name,
        subtitle: '',
        tooltip: name,
        gap: null,
      });
    }
  }
  return items;
}

/** One row per growth entry, shared starts placed once (on the first row that has them), left to right by depth. */
export function layoutGrowthGraph(
  entries: readonly GrowthEntry[],
  openGaps: ReadonlySet<string> = new Set(),
): RootsGraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const pathKeys: string[][] = [];
  let rows = 0;
  let columns = 0;
  entries.forEach((entry, index) => {
    const items = entryItems(entry, index, openGaps);
    let usedRow = false;
    items.forEach((item, column) => {
      if (!nodes.has(item.key)) {
        usedRow = true;
        nodes.set(item.key, { ...item, node: null, run: null, column, row: rows });
      }
      if (column > 0) {
        const from = items[column - 1].key;
        edges.set(`${from}>${item.key}`, { from, to: item.key });
      }
    });
    if (usedRow) rows++;
    columns = Math.max(columns, items.length);
    pathKeys.push(items.map((item) => item.key));
  });
  return { nodes: [...nodes.values()], edges: [...edges.values()], columns, rows, pathKeys };
}
