/**
 * A heap image: an analysed heap written out whole — the heap model's columns and what the analyses
 * computed (retainers, BFS, dominators, retained sizes, the dominator tree, the findings) — so that the dump cache
 * can reopen a link without parsing the dump or running the analyses again (Eclipse MAT keeps its
 * index files beside a dump for the same reason). It belongs to one dump, named by its SHA-256.
 *
 * Layout (little-endian):
 *   0   8 bytes  magic `HSIMAGE\0`
 *   8   u32      HEAP_IMAGE_VERSION
 *   12  u32      byte length M of the meta JSON
 *   16  M bytes  meta JSON (ImageMeta): the dump it belongs to, the model's small fields, the counts,
 *                the findings, and the section table (name, element kind, element count, offset)
 *   …   sections, each starting at a multiple of 8, in the order of the table
 *
 * Reading checks what a damaged or foreign image could break: magic, version, the dump's fingerprint,
 * every section inside the file with the size its count implies, the CSR rows ending where their
 * column does, every node-, edge- and type-valued column below its bound, and every node a finding
 * names inside the heap. Any failure is an
 * `ImageError`; the caller then reads the dump itself.
 */
import type { AnalysisContext, ComputedAnalyses } from '../analysis/analysis-context';
import type { Finding } from '../analysis/findings';
import type { DistanceColumn } from '../analysis/bfs';
import { ChildRows, LONG_ROW, type RetainedSizes } from '../analysis/retained';
import { ObjectSizes } from '../heap/object-sizes';
import { RowStarts } from '../heap/row-starts';
import { NO_NODE, type AddressHighColumn, type HeapModel, type TypeColumn } from '../heap/types';

/** 3: CSR row starts in their compact form (heap/row-starts.ts), no dominator preorder. */
export const HEAP_IMAGE_VERSION = 3;
const MAGIC = 'HSIMAGE\0';
const HEADER_BYTES = 16;
/** A meta JSON larger than this is not ours (type tables of real dumps are a few MB at most). */
const MAX_META_BYTES = 256 << 20;

type ElementKind = 'u8' | 'u16' | 'u32' | 'f32' | 'f64';
const WIDTH: Record<ElementKind, number> = { u8: 1, u16: 2, u32: 4, f32: 4, f64: 8 };
type Column = Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

interface SectionEntry {
  readonly name: string;
  readonly kind: ElementKind;
  readonly length: number;
  readonly offset: number;
}

/** The dump an image belongs to. */
export interface ImageDump {
  readonly sha256: string;
  readonly size: number;
  readonly name: string;
}

interface ImageMeta {
  readonly dump: ImageDump;
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly typeCount: number;
  /** HeapModel without its columns (types' names and modules included; bigints tagged). */
  readonly model: Record<string, unknown>;
  readonly bfsReachableCount: number;
  readonly dominatorsReachableCount: number | null;
  /** The findings as computed (their root paths' typed arrays tagged). */
  readonly findings: readonly unknown[];
  readonly sections: readonly SectionEntry[];
}

/** What an image gives back: the model and everything its analyses computed. */
export interface HeapImage {
  readonly heap: HeapModel;
  readonly computed: ComputedAnalyses;
}

export class ImageError extends Error {
  constructor(message: string) {
    super(`heap image: ${message}`);
    this.name = 'ImageError';
  }
}

/** One part of an image as it is written: bytes at an offset of the file. */
export interface ImagePart {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

export interface ImageParts {
  readonly totalBytes: number;
  /** The header first, then the sections in file order; gaps between them are zero padding. */
  readonly parts: readonly ImagePart[];
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

function bytesOf(column: Column): Uint8Array {
  return new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
}

const kindOf = (column: Column): ElementKind =>
  column instanceof Uint8Array
    ? 'u8'
    : column instanceof Uint16Array
      ? 'u16'
      : column instanceof Uint32Array
        ? 'u32'
        : column instanceof Float32Array
          ? 'f32'
          : 'f64';

/** JSON with bigints (GC segment bounds) kept exact and node lists (root paths) kept as Uint32Arrays. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? { $bigint: v.toString() } : v instanceof Uint32Array ? { $u32: Array.from(v) } : v,
  );
}

function fromJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object') return v;
    const tagged = v as { $bigint?: unknown; $u32?: unknown };
    if (typeof tagged.$bigint === 'string') return BigInt(tagged.$bigint);
    if (Array.isArray(tagged.$u32)) {
      if (!tagged.$u32.every((n) => Number.isInteger(n) && n >= 0 && n <= NO_NODE)) {
        throw new ImageError('a node list in the meta holds something else than node numbers');
      }
      return Uint32Array.from(tagged.$u32 as number[]);
    }
    return v;
  });
}

const isNode = (value: unknown, nodeCount: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < nodeCount;

/** Every node a finding names lies inside the heap (the fields Finding declares as NodeIndex). */
function findingNodesInside(finding: Finding, nodeCount: number): boolean {
  const path = finding.rootPath;
  return (
    isNode(finding.anchor?.node, nodeCount) &&
    isNode(finding.accumulationPoint?.node, nodeCount) &&
    (finding.owner === null || isNode(finding.owner?.node, nodeCount)) &&
    isNode(finding.pathTarget, nodeCount) &&
    (path === null ||
      (isNode(path?.rootNode, nodeCount) &&
        path.chain instanceof Uint32Array &&
        path.objects instanceof Uint32Array &&
        allBelow(path.chain, nodeCount) &&
        allBelow(path.objects, nodeCount)))
  );
}

/**
 * The parts of an analysed heap's image, to be written at their offsets. The columns are views of
 * the heap's own arrays: nothing is copied here.
 */
export function heapImageParts(dump: ImageDump, computed: ComputedAnalyses): ImageParts {
  const { context, tree, findings } = computed;
  const { heap } = context;
  const columns: [string, Column][] = [
    ['nodes.type', heap.nodes.type],
    ['nodes.size', heap.nodes.size.values],
    ['nodes.largeSizeNodes', heap.nodes.size.largeNodes],
    ['nodes.largeSizes', heap.nodes.size.largeSizes],
    ['nodes.addressLo', heap.nodes.addressLo],
    ['nodes.addressHi', heap.nodes.addressHi],
    ['nodes.flags', heap.nodes.flags],
    ...rowStartColumns('edges.start', heap.edges.start),
    ['edges.target', heap.edges.target],
    ['types.objectCount', heap.types.objectCount],
    ['types.bytes', heap.types.bytes],
    ...rowStartColumns('retainers.start', context.retainers.retainerStart),
    ['retainers.source', context.retainers.retainerSource],
    ['bfs.parent', context.bfs.parent],
    ['bfs.distance', context.bfs.distance],
  ];
  if (heap.types.countMultiplier) columns.push(['types.countMultiplier', heap.types.countMultiplier]);
  if (context.dominators) {
    columns.push(['dominators.idom', context.dominators.idom]);
  }
  if (context.retained) columns.push(['retained', context.retained]);
  if (tree) {
    columns.push(
      ['tree.rowCounts', tree.rows.counts],
      ['tree.longRows', Uint32Array.from([...tree.rows.longRows].flat())],
      ['tree.children', tree.children],
      ['tree.topLevel', tree.topLevel],
    );
  }
  // The value reader reads the dump itself: it is not kept (a reopened image shows no values).
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { nodes, edges, types, objectFields, values, ...rest } = heap;
  const model = {
    ...rest,
    types: { names: types.names, modules: types.modules },
    objectFields: [...objectFields.entries()],
  };
  // The section offsets depend on the meta's length, which holds them: lay the sections out after
  // a meta written with placeholder offsets of the same width, then write it again with the real ones.
  const entries = columns.map(([name, column]) => ({ name, kind: kindOf(column), length: column.length, offset: 0 }));
  const metaOf = (sections: SectionEntry[]): ImageMeta => ({
    dump: { sha256: dump.sha256, size: dump.size, name: dump.name },
    nodeCount: nodes.count,
    edgeCount: edges.count,
    typeCount: types.count,
    model,
    bfsReachableCount: context.bfs.reachableCount,
    dominatorsReachableCount: context.dominators?.reachableCount ?? null,
    findings,
    sections,
  });
  const encoder = new TextEncoder();
  // Offsets are at most 2^53; padding the placeholder to 16 digits keeps the meta's length fixed.
  const placeholderLength = encoder.encode(toJson(metaOf(entries.map((e) => ({ ...e, offset: 1e15 }))))).length;
  let offset = align8(HEADER_BYTES + placeholderLength);
  let end = offset;
  const sections = entries.map((e) => {
    const placed = { ...e, offset };
    end = offset + e.length * WIDTH[e.kind];
    offset = align8(end);
    return placed;
  });
  const metaBytes = encoder.encode(toJson(metaOf(sections)));
  const header = new Uint8Array(HEADER_BYTES + metaBytes.length);
  header.set(encoder.encode(MAGIC), 0);
  const view = new DataView(header.buffer);
  view.setUint32(8, HEAP_IMAGE_VERSION, true);
  view.setUint32(12, metaBytes.length, true);
  header.set(metaBytes, HEADER_BYTES);
  if (header.length > sections[0].offset) throw new Error('heap image: the meta outgrew its placeholder');
  return {
    // The file ends with its last section: a cut of even one byte is seen.
    totalBytes: end,
    parts: [
      { offset: 0, bytes: header },
      ...sections.map((s, i) => ({ offset: s.offset, bytes: bytesOf(columns[i][1]) })),
    ],
  };
}

/** Bytes handed to the sink per write: big columns go in slices, so no write copies a whole one. */
const WRITE_SLICE_BYTES = 16 << 20;

/**
 * Writes an image's parts in file order to a sequential sink (an OPFS writable stream, a file),
 * zeros between them. `between` runs after each slice: a caller may yield, or throw to stop.
 */
export async function writeImageParts(
  image: ImageParts,
  sink: { write(bytes: Uint8Array): Promise<unknown> },
  between: () => Promise<void> | void = () => {},
): Promise<void> {
  let position = 0;
  for (const part of image.parts) {
    if (part.offset > position) await sink.write(new Uint8Array(part.offset - position));
    for (let at = 0; at < part.bytes.length; at += WRITE_SLICE_BYTES) {
      await sink.write(part.bytes.subarray(at, Math.min(part.bytes.length, at + WRITE_SLICE_BYTES)));
      await between();
    }
    position = part.offset + part.bytes.length;
  }
}

/** Where an image is read from: its size and slices of it (a File from the cache, bytes in a test). */
export interface ImageSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

function column(bytes: Uint8Array, kind: ElementKind, length: number): Column {
  const width = WIDTH[kind];
  // A slice read from a Blob starts its own buffer; anything else unaligned is copied once.
  const aligned = bytes.byteOffset % width === 0 ? bytes : bytes.slice();
  switch (kind) {
    case 'u8':
      return aligned;
    case 'u16':
      return new Uint16Array(aligned.buffer, aligned.byteOffset, length);
    case 'u32':
      return new Uint32Array(aligned.buffer, aligned.byteOffset, length);
    case 'f32':
      return new Float32Array(aligned.buffer, aligned.byteOffset, length);
    case 'f64':
      return new Float64Array(aligned.buffer, aligned.byteOffset, length);
  }
}

/** True when every value is below `bound` (or is NO_NODE, where `allowNone`). */
function allBelow(values: Uint16Array | Uint32Array, bound: number, allowNone = false): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v >= bound && !(allowNone && v === NO_NODE)) return false;
  }
  return true;
}

/** A CSR row-start column: starts at 0, never decreases, ends at `end`. */
/** A RowStarts as the three sections `readRowStarts` reads (the block bases' Int32 bits as u32). */
function rowStartColumns(name: string, starts: RowStarts): [string, Column][] {
  const { low, block, wide } = starts;
  return [
    [`${name}.low`, low],
    [`${name}.blocks`, new Uint32Array(block.buffer, block.byteOffset, block.length)],
    [`${name}.wide`, wide],
  ];
}

/**
 * Reads an image written by `heapImageParts` for the dump `expected`. Throws ImageError when it is
 * not one, belongs to another dump, or fails the checks listed at the top of this file.
 */
export async function readHeapImage(
  source: ImageSource,
  expected: ImageDump,
  onProgress: (bytesRead: number, totalBytes: number) => void = () => {},
): Promise<HeapImage> {
  if (source.size < HEADER_BYTES) throw new ImageError(`${source.size} bytes is too short for an image`);
  const head = await source.read(0, HEADER_BYTES);
  if (new TextDecoder().decode(head.subarray(0, 8)) !== MAGIC) throw new ImageError('no image magic at offset 0');
  const headView = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = headView.getUint32(8, true);
  if (version !== HEAP_IMAGE_VERSION)
    throw new ImageError(`version ${version}, this build reads ${HEAP_IMAGE_VERSION}`);
  const metaLength = headView.getUint32(12, true);
  if (metaLength > MAX_META_BYTES || HEADER_BYTES + metaLength > source.size) {
    throw new ImageError(`meta of ${metaLength} bytes does not fit the ${source.size}-byte file`);
  }
  let meta: ImageMeta;
  try {
    meta = fromJson(new TextDecoder().decode(await source.read(HEADER_BYTES, metaLength))) as ImageMeta;
  } catch (error) {
    throw error instanceof ImageError ? error : new ImageError('the meta at offset 16 is not JSON');
  }
  if (meta?.dump?.sha256 !== expected.sha256 || meta.dump.size !== expected.size) {
    throw new ImageError(`it belongs to another dump (${String(meta?.dump?.sha256).slice(0, 12)}…)`);
  }
  const { nodeCount, edgeCount, typeCount } = meta;
  for (const [what, n] of [
    ['node count', nodeCount],
    ['edge count', edgeCount],
    ['type count', typeCount],
  ] as const) {
    if (!Number.isSafeInteger(n) || n < 0) throw new ImageError(`bad ${what} ${String(n)}`);
  }
  const table = new Map<string, SectionEntry>();
  for (const s of Array.isArray(meta.sections) ? meta.sections : []) {
    const width = WIDTH[s?.kind as ElementKind] as number | undefined;
    if (
      !width ||
      !Number.isSafeInteger(s.length) ||
      !Number.isSafeInteger(s.offset) ||
      s.length < 0 ||
      s.offset % 8 !== 0 ||
      s.offset < HEADER_BYTES + metaLength ||
      s.offset + s.length * width > source.size
    ) {
      throw new ImageError(`section ${String(s?.name)} does not lie inside the file`);
    }
    table.set(s.name, s);
  }
  // Every section's read starts at once (each lies inside the file: checked above), so the
  // browser's storage can read them concurrently; they are awaited in order below.
  let bytesRead = HEADER_BYTES + metaLength;
  const reads = new Map<string, Promise<Uint8Array>>();
  for (const s of table.values()) {
    const reading = source.read(s.offset, s.length * WIDTH[s.kind]).then((bytes) => {
      bytesRead += bytes.length;
      onProgress(bytesRead, source.size);
      return bytes;
    });
    reading.catch(() => undefined); // awaited (and its failure thrown) below, or not needed
    reads.set(s.name, reading);
  }
  const read = async <C extends Column>(name: string, kind: ElementKind, length: number | null): Promise<C> => {
    const s = table.get(name);
    if (!s || s.kind !== kind || (length !== null && s.length !== length)) {
      throw new ImageError(`section ${name} is missing or not ${length ?? 'any'} × ${kind}`);
    }
    const bytes = await reads.get(name)!;
    if (bytes.length !== s.length * WIDTH[kind]) throw new ImageError(`section ${name} ends early`);
    return column(bytes, kind, s.length) as C;
  };
  const optional = (name: string) => table.has(name);

  // Columns kept in the width they were built in (heap/types.ts, analysis/retained.ts).
  const kindAs = (name: string, narrow: ElementKind, wide: ElementKind) =>
    table.get(name)?.kind === narrow ? narrow : wide;
  const type = await read<TypeColumn>('nodes.type', kindAs('nodes.type', 'u16', 'u32'), nodeCount);
  const sizeValues = await read<Uint16Array | Uint32Array>('nodes.size', kindAs('nodes.size', 'u16', 'u32'), nodeCount);
  // Images before the narrow sizes have no large list: their sizes are all in 4 bytes.
  const largeSizeNodes = optional('nodes.largeSizeNodes')
    ? await read<Uint32Array>('nodes.largeSizeNodes', 'u32', null)
    : new Uint32Array(0);
  const largeSizes = optional('nodes.largeSizes')
    ? await read<Uint32Array>('nodes.largeSizes', 'u32', null)
    : new Uint32Array(0);
  const addressLo = await read<Uint32Array>('nodes.addressLo', 'u32', nodeCount);
  const addressHi = await read<AddressHighColumn>(
    'nodes.addressHi',
    kindAs('nodes.addressHi', 'u16', 'u32'),
    nodeCount,
  );
  const flags = await read<Uint8Array>('nodes.flags', 'u8', nodeCount);
  /** Row starts (row-starts.ts) as three sections: `name.low`, `name.blocks` (Int32 bits) and `name.wide`. */
  const readRowStarts = async (name: string, total: number): Promise<RowStarts> => {
    const low = await read<Uint16Array>(`${name}.low`, 'u16', nodeCount + 1);
    const blocks = await read<Uint32Array>(`${name}.blocks`, 'u32', null);
    const wide = await read<Uint32Array>(`${name}.wide`, 'u32', null);
    const block = new Int32Array(blocks.buffer, blocks.byteOffset, blocks.length);
    if (!RowStarts.wellFormed(low, block, wide, total))
      throw new ImageError(`the rows of ${name} do not end at their column`);
    return new RowStarts(low, block, wide);
  };
  const edgeTarget = await read<Uint32Array>('edges.target', 'u32', edgeCount);
  const edgeStart = await readRowStarts('edges.start', edgeCount);
  const objectCount = await read<Float64Array>('types.objectCount', 'f64', typeCount);
  const typeBytes = await read<Float64Array>('types.bytes', 'f64', typeCount);
  const countMultiplier = optional('types.countMultiplier')
    ? await read<Float32Array>('types.countMultiplier', 'f32', typeCount)
    : null;
  const retainerSource = await read<Uint32Array>('retainers.source', 'u32', null);
  const retainerStart = await readRowStarts('retainers.start', retainerSource.length);
  const parent = await read<Uint32Array>('bfs.parent', 'u32', nodeCount);
  const distance = await read<DistanceColumn>('bfs.distance', kindAs('bfs.distance', 'u16', 'u32'), nodeCount);
  const hasDominators = optional('dominators.idom');
  const idom = hasDominators ? await read<Uint32Array>('dominators.idom', 'u32', nodeCount) : null;
  const retained = optional('retained')
    ? await read<RetainedSizes>('retained', kindAs('retained', 'u32', 'f64'), nodeCount)
    : null;
  const hasTree = optional('tree.rowCounts');
  const rowCounts = hasTree ? await read<Uint8Array>('tree.rowCounts', 'u8', nodeCount) : null;
  const longRows = hasTree ? await read<Uint32Array>('tree.longRows', 'u32', null) : null;
  const children = hasTree ? await read<Uint32Array>('tree.children', 'u32', null) : null;
  const topLevel = hasTree ? await read<Uint32Array>('tree.topLevel', 'u32', null) : null;

  const check = (ok: boolean, what: string) => {
    if (!ok) throw new ImageError(what);
  };
  check(allBelow(type, Math.max(typeCount, 1)), 'a node type is outside the type table');
  check(
    ObjectSizes.wellFormed(sizeValues, largeSizeNodes, largeSizes),
    'the large object sizes are not listed as they are written',
  );
  const size = new ObjectSizes(sizeValues, largeSizeNodes, largeSizes);
  check(allBelow(edgeTarget, nodeCount), 'an edge target is outside the nodes');
  check(allBelow(retainerSource, nodeCount), 'a retainer is outside the nodes');
  check(allBelow(parent, nodeCount, true), 'a BFS parent is outside the nodes');
  if (idom) check(allBelow(idom, nodeCount, true), 'an immediate dominator is outside the nodes');
  let rows: ChildRows | null = null;
  if (rowCounts && longRows && children && topLevel) {
    // Counts of LONG_ROW and more are (node, count) pairs, one for each node whose byte says so.
    const long = new Map<number, number>();
    for (let k = 0; k + 1 < longRows.length; k += 2) long.set(longRows[k], longRows[k + 1]);
    let longCount = 0;
    for (let node = 0; node < nodeCount; node++) if (rowCounts[node] === LONG_ROW) longCount++;
    check(
      longRows.length % 2 === 0 &&
        long.size === longCount &&
        [...long].every(([node, count]) => node < nodeCount && rowCounts[node] === LONG_ROW && count >= LONG_ROW),
      'the dominator tree rows are not counted as they are written',
    );
    rows = new ChildRows(rowCounts, long);
    check(rows.total === children.length, 'the dominator tree rows do not end at their column');
    check(
      allBelow(children, nodeCount) && allBelow(topLevel, nodeCount),
      'a dominator-tree child is outside the nodes',
    );
  }
  if (retained && !idom) throw new ImageError('retained sizes without dominators');

  const model = meta.model as Record<string, unknown> & {
    types: { names: string[]; modules: (string | null)[] };
    objectFields: [number, unknown][];
  };
  if (
    !Array.isArray(model?.types?.names) ||
    model.types.names.length !== typeCount ||
    !Array.isArray(model.types.modules) ||
    !Array.isArray(model.objectFields)
  ) {
    throw new ImageError('the type table does not match the type count');
  }
  const heap = {
    ...model,
    nodes: { count: nodeCount, type, size, addressLo, addressHi, flags },
    edges: { count: edgeCount, start: edgeStart, target: edgeTarget },
    types: {
      count: typeCount,
      names: model.types.names,
      modules: model.types.modules,
      objectCount,
      bytes: typeBytes,
      countMultiplier,
    },
    objectFields: new Map(model.objectFields),
    values: null,
  } as unknown as HeapModel;
  if (!(heap.rootIndex === NO_NODE || (Number.isInteger(heap.rootIndex) && heap.rootIndex < nodeCount))) {
    throw new ImageError(`root ${String(heap.rootIndex)} is outside the nodes`);
  }
  const context: AnalysisContext = {
    heap,
    retainers: { retainerStart, retainerSource },
    bfs: { parent, distance, reachableCount: meta.bfsReachableCount, order: new Uint32Array(0) },
    dominators: idom ? { idom, reachableCount: meta.dominatorsReachableCount ?? 0 } : null,
    retained,
  };
  const findings = Array.isArray(meta.findings) ? (meta.findings as Finding[]) : null;
  if (!findings || !findings.every((f) => f !== null && typeof f === 'object' && findingNodesInside(f, nodeCount))) {
    throw new ImageError('a finding names a node outside the heap');
  }
  const tree = rows && children && topLevel ? { rows, children, topLevel } : null;
  return { heap, computed: { context, tree, findings } };
}
