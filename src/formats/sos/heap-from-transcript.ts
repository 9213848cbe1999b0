/**
 * Feeds a parsed transcript into the heap model through HeapBuilder. What a transcript can answer
 * is much less than a gcdump, and the capabilities say so:
 *  - types: per-type totals from the whole-heap `dumpheap -stat` table (setTypeTotals, so the totals
 *    are the table's, not the few listed objects'); rows of `-type`/`-mt` tables without size or
 *    range filters add exact totals for the types the whole-heap table lacks. A type's MethodTable
 *    is its module (`MT 7f563b0614c0`): names repeat across MTs, MTs do not.
 *  - objects: one node per distinct address met in listings, gcroot chains and dumpobj headers.
 *  - edges and roots: each `->` link of a gcroot chain is an edge; each chain hangs off a pseudo-node
 *    for its root kind under `[Transcript Roots]`, so root-path analyses work unchanged. An elision
 *    inside a chain becomes a pseudo-node (`[… elided in transcript]`) rather than a false edge.
 *  - memory summary rows from `maddress -summary`, else from `!address -summary`'s Usage section.
 */
import { HeapBuilder, UNKNOWN_PRODUCER } from '../../heap/heap-builder';
import { ELIDED_LINKS_TYPE_NAME, NodeFlag, type HeapModel, type NodeIndex, type TypeIndex } from '../../heap/types';
import { hexToHalves } from './numbers';
import { wholeHeapStatBlock } from './transcript-queries';
import type { DumpObjField, GcRootKind, SosTranscript, StatRow } from './transcript-types';

export const TRANSCRIPT_ROOT_NAME = '[Transcript Roots]';
export const ELIDED_LINKS_NAME = ELIDED_LINKS_TYPE_NAME;

const ROOT_KIND_LABELS: Record<GcRootKind, string> = {
  stack: '[Stack roots]',
  'pinned handle': '[Pinned handles]',
  'strong handle': '[Strong handles]',
  'weak handle': '[Weak handles]',
  'dependent handle': '[Dependent handles]',
  'async pinned handle': '[Async pinned handles]',
  'ref count handle': '[Ref-counted handles]',
  'sized ref handle': '[Sized-ref handles]',
  handle: '[Handles]',
  'finalizer queue': '[Finalizer queue]',
  unknown: '[Root not shown in transcript]',
};

/** Quality of the type a source gives an object: a dumpobj's `Name:` beats a gcroot link beats an MT. */
const TYPE_FROM_MT_ONLY = 1;
const TYPE_FROM_NAME = 2;
const TYPE_FROM_DUMPOBJ = 3;

/** Growable columns of object sightings (the same address may be seen many times). */
class Sightings {
  count = 0;
  lo = new Uint32Array(64);
  hi = new Uint32Array(64);
  size = new Float64Array(64);
  type = new Uint32Array(64);
  quality = new Uint8Array(64);

  add(address: string, size: number, type: TypeIndex, quality: number): number {
    const { lo, hi } = hexToHalves(address);
    return this.addHalves(lo, hi, size, type, quality);
  }

  addHalves(lo: number, hi: number, size: number, type: TypeIndex, quality: number): number {
    if (this.count === this.lo.length) this.grow();
    const index = this.count++;
    this.lo[index] = lo;
    this.hi[index] = hi;
    this.size[index] = size;
    this.type[index] = type;
    this.quality[index] = quality;
    return index;
  }

  private grow(): void {
    const capacity = this.count * 2;
    const copy = <T extends Uint32Array | Float64Array | Uint8Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.lo = copy(this.lo, new Uint32Array(capacity));
    this.hi = copy(this.hi, new Uint32Array(capacity));
    this.size = copy(this.size, new Float64Array(capacity));
    this.type = copy(this.type, new Uint32Array(capacity));
    this.quality = copy(this.quality, new Uint8Array(capacity));
  }
}

/** True when a dumpheap filter only selects whole types (`-type X`, `-mt M`): its rows are exact. */
function selectsWholeTypes(filter: readonly string[]): boolean {
  for (let i = 0; i < filter.length; i++) {
    const option = filter[i].toLowerCase();
    if (option === '-type' || option === '-mt') i++;
    else return false;
  }
  return filter.length > 0;
}

export function heapFromTranscript(transcript: SosTranscript): HeapModel {
  const builder = new HeapBuilder('sos');
  for (const warning of transcript.warnings) builder.warn(warning);

  // MethodTable → class name, from every place that prints both (full names first).
  const mtNames = new Map<string, string>();
  const noteName = (mt: string | null, name: string | null) => {
    if (mt && name && !name.startsWith('...') && !mtNames.has(mt)) mtNames.set(mt, name);
  };
  for (const block of transcript.blocks) {
    if (block.kind === 'dumpheap-stat') for (const row of block.rows) noteName(row.mt, row.name);
    if (block.kind === 'finalizequeue') for (const row of block.table.rows) noteName(row.mt, row.name);
  }
  for (const block of transcript.blocks) {
    if (block.kind === 'dumpobj' || block.kind === 'dumparray') noteName(block.methodTable, block.name);
    if (block.kind === 'dumpheap-listing') block.mts.forEach((mt, i) => noteName(mt, block.mtNames[i]));
  }
  // class name → its MT when only one MT carries that name
  const nameMt = new Map<string, string | null>();
  for (const [mt, name] of mtNames) nameMt.set(name, nameMt.has(name) ? null : mt);

  const typeFor = (name: string, mt: string | null): TypeIndex => {
    const resolvedMt = mt ?? nameMt.get(name) ?? null;
    return builder.internType(name, resolvedMt === null ? null : `MT ${resolvedMt}`);
  };
  const typeForMt = (mt: string): { type: TypeIndex; named: boolean } => {
    const name = mtNames.get(mt);
    return name === undefined
      ? { type: builder.internType(`<MT ${mt}>`, `MT ${mt}`), named: false }
      : { type: typeFor(name, mt), named: true };
  };

  // Type totals.
  const totalled = new Set<string>();
  const setTotals = (row: StatRow) => {
    if (totalled.has(row.mt)) return;
    totalled.add(row.mt);
    builder.setTypeTotals(typeFor(row.name, row.mt), row.count, row.bytes);
  };
  const whole = wholeHeapStatBlock(transcript);
  if (whole) {
    for (const row of whole.rows) setTotals(row);
    if (whole.totalBytes !== null) builder.setTotalSize(whole.totalBytes);
    if (whole.totalObjects !== null) builder.setStatedObjectCount(whole.totalObjects);
    if (whole.elided)
      builder.warn(`the whole-heap dumpheap -stat table (line ${whole.line}) is incomplete: rows were cut`);
  } else if (transcript.blocks.some((block) => block.kind === 'dumpheap-stat')) {
    builder.warn(
      'the transcript has no whole-heap dumpheap -stat table; type totals come from filtered tables and listed objects',
    );
  }
  for (let i = transcript.blocks.length - 1; i >= 0; i--) {
    const block = transcript.blocks[i];
    if (block.kind === 'dumpheap-stat' && block !== whole && selectsWholeTypes(block.filter)) {
      for (const row of block.rows) setTotals(row);
    }
  }

  // Objects.
  const sightings = new Sightings();
  /** dumpobj field tables, by the sighting of the object they belong to (the last printed wins). */
  const printedFields: { sighting: number; fields: readonly DumpObjField[] }[] = [];
  let wideAddresses = false;
  for (const block of transcript.blocks) {
    if (block.kind === 'dumpheap-listing') {
      const rows = block.rows;
      const types = block.mts.map((mt) => typeForMt(mt));
      for (let r = 0; r < rows.count; r++) {
        const { type, named } = types[rows.mtIndex[r]];
        sightings.addHalves(
          rows.addressLo[r],
          rows.addressHi[r],
          rows.size[r],
          type,
          named ? TYPE_FROM_NAME : TYPE_FROM_MT_ONLY,
        );
      }
    } else if (
      (block.kind === 'dumpobj' || block.kind === 'dumparray') &&
      block.address !== null &&
      block.name !== null
    ) {
      const sighting = sightings.add(
        block.address,
        block.size ?? Number.NaN,
        typeFor(block.name, block.methodTable),
        TYPE_FROM_DUMPOBJ,
      );
      if (block.fields.length > 0) printedFields.push({ sighting, fields: block.fields });
    }
  }
  // gcroot steps, remembering which sighting each step is
  const chainSightings: number[][] = [];
  const chains = transcript.blocks.flatMap((block) => (block.kind === 'gcroot' ? block.chains : []));
  for (const chain of chains) {
    chainSightings.push(
      chain.steps.map((step) =>
        sightings.add(
          step.address,
          Number.NaN,
          typeFor(step.type || '<unknown type>', null),
          step.type ? TYPE_FROM_NAME : 0,
        ),
      ),
    );
  }

  // One node per distinct address: sort sightings by address (typed arrays, no per-object Map).
  const n = sightings.count;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => sightings.hi[a] - sightings.hi[b] || sightings.lo[a] - sightings.lo[b] || a - b);
  const sightingNode = new Uint32Array(n);
  let objectCount = 0;
  for (let k = 0; k < n;) {
    const first = order[k];
    let end = k + 1;
    while (
      end < n &&
      sightings.hi[order[end]] === sightings.hi[first] &&
      sightings.lo[order[end]] === sightings.lo[first]
    )
      end++;
    let best = first;
    let size = Number.NaN;
    for (let j = k; j < end; j++) {
      const s = order[j];
      if (sightings.quality[s] > sightings.quality[best]) best = s;
      if (Number.isNaN(size) && !Number.isNaN(sightings.size[s])) size = sightings.size[s];
    }
    if (sightings.hi[first] !== 0) wideAddresses = true;
    const node = builder.addNode(
      sightings.type[best] as TypeIndex,
      Number.isNaN(size) ? 0 : Math.min(size, 0xffff_ffff),
      sightings.lo[first],
      sightings.hi[first],
      NodeFlag.Defined,
    );
    for (let j = k; j < end; j++) sightingNode[order[j]] = node;
    objectCount++;
    k = end;
  }

  for (const { sighting, fields } of printedFields) {
    builder.setObjectFields(
      sightingNode[sighting] as NodeIndex,
      fields.map((field) => ({ name: field.name, type: field.type, value: field.value, attr: field.attr })),
    );
  }

  // Roots and edges from the chains.
  if (chains.length > 0) {
    const pseudo = (name: string): NodeIndex =>
      builder.addNode(builder.internType(name), 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
    const root = pseudo(TRANSCRIPT_ROOT_NAME);
    builder.setRoot(root);
    const kindNodes = new Map<GcRootKind, NodeIndex>();
    const edges = new EdgeSet();
    chains.forEach((chain, c) => {
      let kindNode = kindNodes.get(chain.root.kind);
      if (kindNode === undefined) {
        kindNode = pseudo(ROOT_KIND_LABELS[chain.root.kind]);
        kindNodes.set(chain.root.kind, kindNode);
        edges.add(root, kindNode);
      }
      let previous: number = kindNode;
      chain.steps.forEach((step, s) => {
        const node = sightingNode[chainSightings[c][s]];
        if (step.elidedBefore || (s === 0 && chain.rootMissing)) {
          const gap = pseudo(ELIDED_LINKS_NAME);
          edges.add(previous, gap);
          previous = gap;
        }
        edges.add(previous, node);
        previous = node;
      });
    });
    edges.emit(builder);
  }

  // The GC heap's layout: the last eeheap -gc.
  const eeheap = [...transcript.blocks].reverse().find((block) => block.kind === 'eeheap');
  if (eeheap) {
    builder.setGcHeapLayout({
      line: eeheap.line,
      heapCount: eeheap.heapCount,
      heaps: eeheap.heaps.map((heap) => ({
        index: heap.index,
        generationStarts: heap.generationStarts.map(({ generation, address }) => ({ generation, address })),
        segments: heap.segments.map((segment) => ({
          area: segment.area,
          addresses: [...segment.addresses],
          allocatedBytes: segment.allocatedSize,
          committedBytes: segment.committedSize,
        })),
        heapSize: heap.heapSize,
        committedSize: heap.committedSize,
      })),
      totalSize: eeheap.gcHeapSize,
      totalCommitted: eeheap.gcCommittedSize,
    });
  }

  // Memory summary.
  const memory = [...transcript.blocks].reverse().find((block) => block.kind === 'memory-summary');
  const address = [...transcript.blocks].reverse().find((block) => block.kind === 'address-summary');
  if (memory) {
    for (const row of memory.rows) builder.addMemoryRow({ kind: row.kind, count: row.count, bytes: row.bytes });
  } else if (address) {
    const usage = address.sections.find((section) => section.title === 'Usage') ?? address.sections[0];
    if (usage) {
      for (const row of usage.rows) builder.addMemoryRow({ kind: row.kind, count: row.count ?? 0, bytes: row.bytes });
      if (usage.rows.some((row) => row.count === null)) {
        builder.warn('the old !address -summary layout prints no region counts; they show as 0');
      }
    }
  }

  builder.setCapabilities({
    objects: objectCount > 0,
    addresses: objectCount > 0,
    // The printed chains are references, but far from all of them: reachability along the chains
    // works (root paths), dominators and retained sizes over them would be fiction.
    edges: false,
    roots: chains.length > 0,
    sampled: false,
  });
  builder.setProducer({
    ...UNKNOWN_PRODUCER,
    description: `SOS transcript (${transcript.dialect === 'unknown' ? 'debugger not shown' : transcript.dialect})`,
    pointerSize: objectCount === 0 ? null : wideAddresses ? 8 : 4,
  });
  const model = builder.build();
  if (whole?.totalBytes != null) return model;
  // Without a stated heap total, the total is what the type table adds up to (never the few
  // listed objects alone, which would understate it by orders of magnitude).
  let typeBytes = 0;
  for (let t = 0; t < model.types.count; t++) typeBytes += model.types.bytes[t];
  return { ...model, totalSize: typeBytes };
}

/**
 * Edges without duplicates (the same chain prefix is printed once per root and per gcroot run),
 * deduplicated by sorting typed (from, to) pairs rather than with a per-edge Set.
 */
class EdgeSet {
  private from = new Uint32Array(64);
  private to = new Uint32Array(64);
  private count = 0;

  add(from: number, to: number): void {
    if (this.count === this.from.length) {
      const from2 = new Uint32Array(this.count * 2);
      from2.set(this.from);
      const to2 = new Uint32Array(this.count * 2);
      to2.set(this.to);
      this.from = from2;
      this.to = to2;
    }
    this.from[this.count] = from;
    this.to[this.count] = to;
    this.count++;
  }

  /** Adds the distinct edges to the builder in first-seen order; returns how many. */
  emit(builder: HeapBuilder): number {
    const m = this.count;
    const order = new Uint32Array(m);
    for (let i = 0; i < m; i++) order[i] = i;
    order.sort((a, b) => this.from[a] - this.from[b] || this.to[a] - this.to[b] || a - b);
    const keep = new Uint8Array(m);
    for (let k = 0; k < m; k++) {
      const e = order[k];
      const p = k > 0 ? order[k - 1] : -1;
      if (p < 0 || this.from[p] !== this.from[e] || this.to[p] !== this.to[e]) keep[e] = 1;
    }
    let emitted = 0;
    for (let e = 0; e < m; e++) {
      if (!keep[e]) continue;
      builder.addEdge(this.from[e] as NodeIndex, this.to[e] as NodeIndex);
      emitted++;
    }
    return emitted;
  }
}
