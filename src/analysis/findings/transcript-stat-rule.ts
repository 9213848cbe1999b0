/**
 * Accumulations a transcript shows: a gcroot chain the author printed runs into objects of a type
 * the transcript's own `dumpheap -stat` counts in the thousands. That type is where the chain enters
 * the accumulation; its count and bytes come from the stat table (never from the few objects the
 * chain prints), and the words from the recognizers, as for a dump. A transcript has no complete
 * reference graph, so nothing here claims what the entries keep alive beyond the stat rows of the
 * types printed below them.
 */
import { ELIDED_LINKS_TYPE_NAME, NO_NODE, NodeFlag } from '../../heap/types';
import type { AnalysisContext } from '../analysis-context';
import { isReached } from '../bfs';
import { ROOT_KIND_LABELS } from '../root-kinds';
import { rootPathFromChain } from '../root-paths';
import { simpleTypeName } from '../type-names';
import { chainRuleFinding } from './finding-support';
import { findingId, type Finding, type KeptAliveRow } from './finding';
import { addressOf, formatBytes, formatCount, typeNameOf } from './finding-support';
import { KIND_OF_PATTERN, severityOf } from './leak-suspects';
import { recognize } from './recognizers';

/** Fewest objects of one type, by the stat table, for a printed chain's type to be an accumulation. */
export const TRANSCRIPT_MIN_COUNT = 1_000;

export function transcriptStatFindings(context: AnalysisContext, alreadyReported: ReadonlySet<string>): Finding[] {
  const { heap, bfs } = context;
  if (heap.format !== 'sos') return [];
  // The stat table's rows by type name (entries of one name: the largest row).
  const stat = new Map<string, { count: number; bytes: number }>();
  let statBytes = 0;
  for (let t = 0; t < heap.types.count; t++) {
    const name = heap.types.names[t];
    const row = stat.get(name);
    if (!row || heap.types.objectCount[t] > row.count)
      stat.set(name, { count: heap.types.objectCount[t], bytes: heap.types.bytes[t] });
  }
  for (const row of stat.values()) statBytes += row.bytes;
  const isObject = (node: number) =>
    node !== heap.rootIndex &&
    (heap.nodes.flags[node] & NodeFlag.Pseudo) === 0 &&
    typeNameOf(heap, node) !== ELIDED_LINKS_TYPE_NAME;

  // BFS order (parents first), rebuilt from the distances: the analyses do not keep it, and a
  // transcript's model is small (the objects it printed).
  const order: number[] = [];
  for (let node = 0; node < heap.nodes.count; node++) if (isReached(bfs, node)) order.push(node);
  order.sort((a, b) => bfs.distance[a] - bfs.distance[b] || a - b);

  // Along each printed chain, the first object whose type the stat table counts in the thousands
  // and that a recognizer names (a registration, a timer, an event's handler…); what the chain
  // prints below it belongs to it. A type that is merely numerous (strings, arrays) says nothing.
  const claimed = new Uint8Array(heap.nodes.count);
  const findings: Finding[] = [];
  const seen = new Set(alreadyReported);
  for (const entry of order) {
    const point = bfs.parent[entry];
    if (point !== NO_NODE && claimed[point]) {
      claimed[entry] = 1;
      continue;
    }
    if (!isObject(entry) || point === NO_NODE || !isObject(point)) continue;
    const entryType = typeNameOf(heap, entry);
    if ((stat.get(entryType)?.count ?? 0) < TRANSCRIPT_MIN_COUNT || typeNameOf(heap, point) === entryType) continue;
    const toPoint: number[] = [];
    for (let node = point; node !== NO_NODE; node = bfs.parent[node]) toPoint.unshift(node);
    const below: number[] = [];
    for (let node = entry, guard = 0; node !== NO_NODE && guard < heap.nodes.count; guard++) {
      below.push(node);
      let next = NO_NODE as number;
      for (let e = heap.edges.start.get(node), rowEnd = heap.edges.start.get(node + 1); e < rowEnd; e++)
        if (bfs.parent[heap.edges.target[e]] === node) next = heap.edges.target[e];
      node = next;
    }
    const path = rootPathFromChain(heap, Uint32Array.from([...toPoint, ...below]));
    const targets = below
      .slice(1)
      .filter(isObject)
      .map((node) => typeNameOf(heap, node));
    // A linked source is counted by its own stat row: its registration on the parent token is one of
    // the CallbackNodes, its own registrations are the others.
    const linked = targets.find((name) => /Linked\w*CancellationTokenSource$/.test(name));
    const counted = linked && /CallbackNode$/.test(entryType) ? linked : entryType;
    const row = stat.get(counted)!;
    const words = recognize({
      count: row.count,
      entryType,
      pointType: typeNameOf(heap, point),
      pathTypes: Array.from(path.objects.subarray(0, path.objects.indexOf(point) + 1), (node) =>
        typeNameOf(heap, node),
      ),
      rootName: path.rootName,
      rootKind: ROOT_KIND_LABELS[path.kind],
      memberTargets: targets.slice(0, 1),
      memberTargets2: targets.slice(1, 2),
      biggestKeptType: null,
    });
    if (words.pattern === 'general') continue;
    claimed[entry] = 1;
    if (seen.has(simpleTypeName(entryType))) continue;
    seen.add(simpleTypeName(entryType));
    const rows: KeptAliveRow[] = [...new Set([entryType, ...targets])]
      .map((type) => ({ type, count: stat.get(type)?.count ?? 0, bytes: stat.get(type)?.bytes ?? 0 }))
      .filter((r) => r.count > 0);
    const kind = KIND_OF_PATTERN[words.pattern];
    findings.push(
      chainRuleFinding(
        {
          id: findingId(kind, addressOf(heap, point)),
          kind,
          severity: severityOf(row.bytes, statBytes > 0 ? row.bytes / statBytes : 0),
          title: `${formatCount(row.count)} × ${simpleTypeName(counted)} (${words.pattern}), counted by the transcript's dumpheap -stat`,
          count: row.count,
          retainedBytes: null,
          anchor: { node: point, type: typeNameOf(heap, point), address: addressOf(heap, point) },
          owners: Array.from(path.objects.subarray(0, path.objects.indexOf(point) + 1), (node) =>
            simpleTypeName(typeNameOf(heap, node)),
          ).reverse(),
          keptAlive: rows,
          pathTarget: below[below.length - 1],
          explanation: [
            words.what,
            `The transcript's dumpheap -stat lists ${formatCount(row.count)} × ${counted} (${formatBytes(row.bytes)} of their own); its gcroot chain runs through one of them into ${targets.map(simpleTypeName).join(' → ') || 'nothing more'}. A transcript has no complete reference graph, so what they keep alive in all is not known here: the stat rows of the types below them are listed.`,
            words.cause,
            `Fix: ${words.fix}`,
          ],
        },
        words.pattern,
        counted,
      ),
    );
  }
  return findings;
}
