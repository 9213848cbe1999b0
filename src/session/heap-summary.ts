/**
 * The Summary view's answer, computed once per load in the worker from the heap model: counts,
 * producer facts, roots, the segment table and the byte categories. O(nodes + edges) and no
 * allocation per node, so it stays cheap on the 18.6-million-object target heap.
 */
import { byteCategories } from '../analysis/byte-categories';
import type { HistogramRow } from '../analysis/histogram';
import { addressToNumber, formatAddress, splitBigAddress } from '../heap/address';
import { NO_NODE, NodeFlag, type GcSegment, type HeapModel, type InputFormat } from '../heap/types';
import type { HeapSummary, SegmentRow } from './answers';
import type { NodeKinds } from './histogram-query';

/** Root categories listed by name in the summary (a dump has a handful; a bound keeps the answer small). */
const MAX_LISTED_ROOT_CATEGORIES = 20;

/** dotnet-gcdump stops adding nodes at this count and says nothing in the file (gcdump spec §5.3). */
export const DOTNET_GCDUMP_NODE_CAP = 10_000_000;

/**
 * Whether dotnet-gcdump's cap can have cut this heap (gcdump spec §5.3): it stops adding objects at
 * 10,000,000 nodes, so its files end at the cap, plus the few pseudo-nodes and never-defined nodes
 * added around it (1% allowed). A gcdump far beyond the cap was written by a producer without it
 * (PerfView, a generator, a newer tool): it gets no truncation warning.
 */
export function mayHaveReachedNodeCap(format: InputFormat, nodeCount: number): boolean {
  return format === 'gcdump' && nodeCount >= DOTNET_GCDUMP_NODE_CAP && nodeCount < DOTNET_GCDUMP_NODE_CAP * 1.01;
}

export interface SummaryInput {
  readonly heap: HeapModel;
  /** The histogram merged by name (the same rows the Types view shows by default). */
  readonly histogram: readonly HistogramRow[];
  /** The nodes counted by kind (the histogram index counts them once for both). */
  readonly nodeKinds: NodeKinds;
  readonly fileName: string;
  readonly fileBytes: number;
  readonly loadMs: number;
}

export function heapSummary({ heap, histogram, nodeKinds, fileName, fileBytes, loadMs }: SummaryInput): HeapSummary {
  const { nodes, edges, producer } = heap;
  const { pseudoNodes: pseudoNodeCount, undefinedNodes: undefinedNodeCount } = nodeKinds;
  let objectCount = 0;
  let histogramBytes = 0;
  for (const row of histogram) {
    objectCount += row.count;
    histogramBytes += row.bytes;
  }
  const hasRoot = heap.rootIndex !== NO_NODE && heap.rootIndex < nodes.count;
  return {
    fileName,
    fileBytes,
    format: heap.format,
    nodeCount: nodes.count,
    objectCount,
    pseudoNodeCount,
    undefinedNodeCount,
    edgeCount: edges.count,
    totalBytes: heap.totalSize,
    statedObjectCount: heap.statedObjectCount,
    histogramBytes,
    typeTableEntries: heap.types.count,
    distinctTypeNames: histogram.length,
    rootName: hasRoot ? heap.types.names[nodes.type[heap.rootIndex]] : null,
    rootCategoryCount: hasRoot ? edges.start.get(heap.rootIndex + 1) - edges.start.get(heap.rootIndex) : 0,
    rootCategories: hasRoot ? rootCategories(heap) : [],
    rootReferenceCount: countRootReferences(heap),
    creationTool: producer.creationTool,
    producerDescription: producer.description,
    pointerSize: producer.pointerSize,
    processName: producer.processName,
    processId: producer.processId,
    machineName: producer.machineName,
    timeCollected: producer.timeCollected,
    sampled: heap.capabilities.sampled,
    reachedNodeCap: mayHaveReachedNodeCap(heap.format, nodes.count),
    capabilities: { ...heap.capabilities },
    segments: segmentRows(heap),
    gcHeapLayout: heap.gcHeapLayout,
    dumpFacts: heap.dumpFacts,
    transcriptSessions: heap.transcriptSessions,
    memorySummary: heap.memorySummary.map(({ kind, count, bytes }) => ({ kind, count, bytes })),
    warnings: [...heap.warnings],
    byteCategories: byteCategories(histogram),
    loadMs,
  };
}

/** Children of the root node with their direct reference counts, in the file's order. */
function rootCategories(heap: HeapModel): { name: string; references: number }[] {
  const { nodes, edges, types } = heap;
  const categories: { name: string; references: number }[] = [];
  const end = Math.min(
    edges.start.get(heap.rootIndex + 1),
    edges.start.get(heap.rootIndex) + MAX_LISTED_ROOT_CATEGORIES,
  );
  for (let edge = edges.start.get(heap.rootIndex); edge < end; edge++) {
    const category = edges.target[edge];
    categories.push({
      name: types.names[nodes.type[category]],
      references: edges.start.get(category + 1) - edges.start.get(category),
    });
  }
  return categories;
}

/** Edges from a pseudo-node (root, root category, static-var label) to a real object. */
function countRootReferences(heap: HeapModel): number {
  const { nodes, edges } = heap;
  const realObject = NodeFlag.Defined;
  let references = 0;
  for (let node = 0; node < nodes.count; node++) {
    if ((nodes.flags[node] & NodeFlag.Pseudo) === 0) continue;
    for (let edge = edges.start.get(node), rowEnd = edges.start.get(node + 1); edge < rowEnd; edge++) {
      const target = edges.target[edge];
      if ((nodes.flags[target] & (NodeFlag.Defined | NodeFlag.Pseudo)) === realObject) references++;
    }
  }
  return references;
}

/** Small-, large- or pinned-object segment, from how writers set the generation ends (spec §3.3). */
function segmentKind(segment: GcSegment): SegmentRow['kind'] {
  const [gen0, gen1, gen2, gen3, gen4] = segment.genEnds;
  const { start, end } = segment;
  if (gen0 === end && gen1 === end && gen2 === end && gen3 === end && gen4 === end) return 'POH';
  if (gen0 === end && gen1 === end && gen2 === end && gen3 === end) return 'LOH';
  if (gen3 === start && (gen4 === start || gen4 === 0n)) return 'SOH';
  return 'range';
}

/**
 * One row per segment with the dumped objects inside it, attributed to generations by PerfView's
 * rule (spec §3.3): gen 4 if a < Gen4End, else 3 if a < Gen3End, … else 0 if a < Gen0End.
 * Addresses are compared as doubles: exact below 2^53, i.e. every x86/x64 user-space address.
 * O(nodes · log segments).
 */
function segmentRows(heap: HeapModel): SegmentRow[] {
  if (heap.segments.length === 0) return [];
  const segments = [...heap.segments].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const bound = (value: bigint) => {
    const { lo, hi } = splitBigAddress(value);
    return addressToNumber(lo, hi);
  };
  const starts = segments.map((s) => bound(s.start));
  const ends = segments.map((s) => bound(s.end));
  const genEnds = segments.map((s) => s.genEnds.map(bound));
  const objectCount = new Float64Array(segments.length);
  const objectBytes = new Float64Array(segments.length);
  const generationBytes = segments.map(() => [0, 0, 0, 0, 0] as [number, number, number, number, number]);
  const { nodes } = heap;
  for (let node = 0; node < nodes.count; node++) {
    if ((nodes.flags[node] & (NodeFlag.Defined | NodeFlag.Pseudo)) !== NodeFlag.Defined) continue;
    const address = addressToNumber(nodes.addressLo[node], nodes.addressHi[node]);
    // The last segment starting at or below the address (binary search).
    let low = 0;
    let high = segments.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (starts[middle] <= address) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (found < 0 || address >= ends[found]) continue;
    const size = nodes.size.get(node);
    objectCount[found]++;
    objectBytes[found] += size;
    const ends5 = genEnds[found];
    for (let generation = 4; generation >= 0; generation--) {
      if (address < ends5[generation]) {
        generationBytes[found][generation] += size;
        break;
      }
    }
  }
  return segments.map((segment, index) => {
    const start = splitBigAddress(segment.start);
    const end = splitBigAddress(segment.end);
    return {
      start: formatAddress(start.lo, start.hi),
      end: formatAddress(end.lo, end.hi),
      sizeBytes: Number(segment.end - segment.start),
      kind: segmentKind(segment),
      objectCount: objectCount[index],
      objectBytes: objectBytes[index],
      generationBytes: generationBytes[index],
    };
  });
}
