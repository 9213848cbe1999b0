/**
 * Type names from a module's ECMA-335 metadata, read in the core's memory where the runtime loaded
 * the module (docs/specs/core-dumps.md §6.3): the PE headers at the module's base → the CLI header
 * (data directory 14) → the metadata root (`BSJB`) → its `#~` (or `#-`) table stream and `#Strings`
 * heap → the TypeDef table (name, namespace), the NestedClass table (enclosing type) and the Field
 * table (field names).
 *
 * Only what names a type is read, but the row sizes of every table before NestedClass must be known
 * to find it, so the whole schema of tables 0x00–0x29 (ECMA-335 II.22) is here as column kinds.
 * The image may be laid out as mapped (sections at their RVAs) or flat (as the file): the CLI header
 * is looked for both ways, mapped first. Every count and offset comes from the core and is checked
 * before use; a damaged module is a status with a message, never a throw.
 */
import { readU32 as u32, type TargetMemory } from './target-memory';

/** A TypeDef's names: `namespace` is empty for nested types; `enclosing` is the enclosing TypeDef's row, or 0. */
export interface TypeDefName {
  readonly namespace: string;
  readonly name: string;
  readonly enclosing: number;
}

export interface ModuleMetadata {
  /** TypeDef row (1-based) → its names, or null when the row does not exist. */
  typeDef(row: number): Promise<TypeDefName | null>;
  readonly typeDefCount: number;
  /** A Field row's (1-based) name, or null when the row does not exist. */
  fieldName(row: number): Promise<string | null>;
}

export type MetadataRead = { readonly metadata: ModuleMetadata } | { readonly problem: string };

const MAX_METADATA_BYTES = 64 * 1024 * 1024;
const MAX_STREAMS = 16;
const MAX_SECTIONS = 96;
const MAX_NAME_BYTES = 1024;
const TABLE_TYPEDEF = 0x02;
const TABLE_FIELD = 0x04;
const TABLE_NESTEDCLASS = 0x29;

// Column kinds: fixed widths, heap indexes, simple table indexes and coded indexes.
type Column = number | 'string' | 'guid' | 'blob' | { table: number } | { coded: readonly number[] };
const S = 'string';
const G = 'guid';
const B = 'blob';
const T = (table: number): Column => ({ table });
const C = (...tables: number[]): Column => ({ coded: tables });
// Coded index families (II.24.2.6); -1 stands for a tag no table uses.
const TYPE_DEF_OR_REF = C(0x02, 0x01, 0x1b);
const HAS_CONSTANT = C(0x04, 0x08, 0x17);
const HAS_CUSTOM_ATTRIBUTE = C(
  0x06,
  0x04,
  0x01,
  0x02,
  0x08,
  0x09,
  0x0a,
  0x00,
  0x0e,
  0x17,
  0x14,
  0x11,
  0x1a,
  0x1b,
  0x20,
  0x23,
  0x26,
  0x27,
  0x28,
  0x2a,
  0x2c,
  0x2b,
);
const HAS_FIELD_MARSHAL = C(0x04, 0x08);
const HAS_DECL_SECURITY = C(0x02, 0x06, 0x20);
const MEMBER_REF_PARENT = C(0x02, 0x01, 0x1a, 0x06, 0x1b);
const HAS_SEMANTICS = C(0x14, 0x17);
const METHOD_DEF_OR_REF = C(0x06, 0x0a);
const MEMBER_FORWARDED = C(0x04, 0x06);
const IMPLEMENTATION = C(0x26, 0x23, 0x27);
const CUSTOM_ATTRIBUTE_TYPE = C(-1, -1, 0x06, 0x0a, -1);
const RESOLUTION_SCOPE = C(0x00, 0x1a, 0x23, 0x01);

/** ECMA-335 II.22, tables 0x00 (Module) to 0x29 (NestedClass): each table's columns. */
const SCHEMA: readonly (readonly Column[])[] = [
  [2, S, G, G, G], // 0x00 Module
  [RESOLUTION_SCOPE, S, S], // 0x01 TypeRef
  [4, S, S, TYPE_DEF_OR_REF, T(0x04), T(0x06)], // 0x02 TypeDef
  [T(0x04)], // 0x03 FieldPtr
  [2, S, B], // 0x04 Field
  [T(0x06)], // 0x05 MethodPtr
  [4, 2, 2, S, B, T(0x08)], // 0x06 MethodDef
  [T(0x08)], // 0x07 ParamPtr
  [2, 2, S], // 0x08 Param
  [T(0x02), TYPE_DEF_OR_REF], // 0x09 InterfaceImpl
  [MEMBER_REF_PARENT, S, B], // 0x0A MemberRef
  [2, HAS_CONSTANT, B], // 0x0B Constant
  [HAS_CUSTOM_ATTRIBUTE, CUSTOM_ATTRIBUTE_TYPE, B], // 0x0C CustomAttribute
  [HAS_FIELD_MARSHAL, B], // 0x0D FieldMarshal
  [2, HAS_DECL_SECURITY, B], // 0x0E DeclSecurity
  [2, 4, T(0x02)], // 0x0F ClassLayout
  [4, T(0x04)], // 0x10 FieldLayout
  [B], // 0x11 StandAloneSig
  [T(0x02), T(0x14)], // 0x12 EventMap
  [T(0x14)], // 0x13 EventPtr
  [2, S, TYPE_DEF_OR_REF], // 0x14 Event
  [T(0x02), T(0x17)], // 0x15 PropertyMap
  [T(0x17)], // 0x16 PropertyPtr
  [2, S, B], // 0x17 Property
  [2, T(0x06), HAS_SEMANTICS], // 0x18 MethodSemantics
  [T(0x02), METHOD_DEF_OR_REF, METHOD_DEF_OR_REF], // 0x19 MethodImpl
  [S], // 0x1A ModuleRef
  [B], // 0x1B TypeSpec
  [2, MEMBER_FORWARDED, S, T(0x1a)], // 0x1C ImplMap
  [4, T(0x04)], // 0x1D FieldRVA
  [4, 4], // 0x1E EncLog
  [4], // 0x1F EncMap
  [4, 2, 2, 2, 2, 4, B, S, S], // 0x20 Assembly
  [4], // 0x21 AssemblyProcessor
  [4, 4, 4], // 0x22 AssemblyOS
  [2, 2, 2, 2, 4, B, S, S, B], // 0x23 AssemblyRef
  [4, T(0x23)], // 0x24 AssemblyRefProcessor
  [4, 4, 4, T(0x23)], // 0x25 AssemblyRefOS
  [4, S, B], // 0x26 File
  [4, 4, S, S, IMPLEMENTATION], // 0x27 ExportedType
  [4, 4, S, IMPLEMENTATION], // 0x28 ManifestResource
  [T(0x02), T(0x02)], // 0x29 NestedClass
];

/** Reads the metadata of the module loaded at `base`: the names of its TypeDefs. */
export async function readModuleMetadata(memory: TargetMemory, base: number): Promise<MetadataRead> {
  const where = `module at 0x${base.toString(16)}`;
  const dos = await memory.bytes(base, 64);
  if (!dos || dos[0] !== 0x4d || dos[1] !== 0x5a) return { problem: `${where}: no PE image (MZ) in the core` };
  const lfanew = u32(dos, 0x3c);
  if (lfanew > 4096) return { problem: `${where}: PE header offset ${lfanew} is implausible` };
  const pe = await memory.bytes(base + lfanew, 24 + 240);
  if (!pe || u32(pe, 0) !== 0x00004550) return { problem: `${where}: no PE signature at +0x${lfanew.toString(16)}` };
  const sectionCount = u16(pe, 6);
  const optionalSize = u16(pe, 20);
  const magic = u16(pe, 24);
  const directories = magic === 0x20b ? 24 + 112 : magic === 0x10b ? 24 + 96 : -1;
  if (directories < 0)
    return { problem: `${where}: optional header magic 0x${magic.toString(16)} is not PE32 or PE32+` };
  const cliRva = u32(pe, directories + 14 * 8);
  if (cliRva === 0) return { problem: `${where}: the image has no CLI header (not a .NET assembly)` };
  if (sectionCount > MAX_SECTIONS) return { problem: `${where}: ${sectionCount} sections is implausible` };
  const sectionBytes = await memory.bytes(base + lfanew + 24 + optionalSize, sectionCount * 40);
  if (!sectionBytes) return { problem: `${where}: its section table is not in the core` };
  const sections = Array.from({ length: sectionCount }, (_, i) => ({
    rva: u32(sectionBytes, i * 40 + 12),
    size: u32(sectionBytes, i * 40 + 8),
    fileOffset: u32(sectionBytes, i * 40 + 20),
  }));
  // Mapped (sections at their RVAs) or flat (as the file): whichever holds a CLI header whose size is 72.
  const flat = (rva: number): number | null => {
    const section = sections.find((s) => rva >= s.rva && rva < s.rva + Math.max(s.size, 1));
    return section ? rva - section.rva + section.fileOffset : null;
  };
  let at: ((rva: number) => number | null) | null = null;
  for (const layout of [(rva: number) => rva, flat]) {
    const offset = layout(cliRva);
    const cli = offset === null ? null : await memory.bytes(base + offset, 16);
    if (cli && u32(cli, 0) === 72) {
      at = layout;
      break;
    }
  }
  if (!at) return { problem: `${where}: its CLI header (RVA 0x${cliRva.toString(16)}) is not in the core` };
  const cli = await memory.bytes(base + (at(cliRva) ?? 0), 72);
  if (!cli) return { problem: `${where}: its CLI header is not in the core` };
  const metadataRva = u32(cli, 8);
  const metadataSize = u32(cli, 12);
  const metadataOffset = at(metadataRva);
  if (metadataOffset === null || metadataSize < 32 || metadataSize > MAX_METADATA_BYTES) {
    return {
      problem: `${where}: metadata at RVA 0x${metadataRva.toString(16)} (${metadataSize} bytes) is out of the image`,
    };
  }
  const root = base + metadataOffset;
  const header = await memory.bytes(root, 16);
  if (!header || u32(header, 0) !== 0x424a5342) return { problem: `${where}: no metadata signature (BSJB)` };
  const versionLength = u32(header, 12);
  if (versionLength > 256) return { problem: `${where}: metadata version string of ${versionLength} bytes` };
  const streamsAt = 16 + versionLength;
  const streamHeader = await memory.bytes(root + streamsAt, 4 + MAX_STREAMS * 44);
  const streamBytes = streamHeader ?? (await memory.bytes(root + streamsAt, 4 + 5 * 44));
  if (!streamBytes) return { problem: `${where}: its metadata stream headers are not in the core` };
  const streamCount = u16(streamBytes, 2);
  if (streamCount > MAX_STREAMS) return { problem: `${where}: ${streamCount} metadata streams is implausible` };
  const streams = new Map<string, { offset: number; size: number }>();
  let cursor = 4;
  for (let i = 0; i < streamCount; i++) {
    if (cursor + 8 > streamBytes.length) return { problem: `${where}: metadata stream header ${i} is cut` };
    const offset = u32(streamBytes, cursor);
    const size = u32(streamBytes, cursor + 4);
    let end = cursor + 8;
    while (end < streamBytes.length && streamBytes[end] !== 0) end++;
    const name = String.fromCharCode(...streamBytes.subarray(cursor + 8, end));
    if (offset + size > metadataSize) return { problem: `${where}: metadata stream ${name} runs past the metadata` };
    streams.set(name, { offset, size });
    cursor = (end + 4) & ~3;
  }
  const tables = streams.get('#~') ?? streams.get('#-');
  const strings = streams.get('#Strings');
  if (!tables || !strings) return { problem: `${where}: metadata without a #~ table stream or #Strings heap` };
  const tableHeader = await memory.bytes(root + tables.offset, 24 + 64 * 4);
  if (!tableHeader) return { problem: `${where}: its metadata tables are not in the core` };
  const heapSizes = tableHeader[6];
  const valid = [u32(tableHeader, 8), u32(tableHeader, 12)];
  const rows = new Array<number>(64).fill(0);
  let rowCursor = 24;
  for (let table = 0; table < 64; table++) {
    if (!(valid[table >> 5] & (1 << (table & 31)))) continue;
    if (rowCursor + 4 > tableHeader.length) return { problem: `${where}: metadata row counts are cut` };
    rows[table] = u32(tableHeader, rowCursor);
    rowCursor += 4;
  }
  if (heapSizes & 0x40) rowCursor += 4; // #- streams: an extra u32
  const width = (column: Column): number => {
    if (typeof column === 'number') return column;
    if (column === S) return heapSizes & 1 ? 4 : 2;
    if (column === G) return heapSizes & 2 ? 4 : 2;
    if (column === B) return heapSizes & 4 ? 4 : 2;
    if ('table' in column) return rows[column.table] < 0x10000 ? 2 : 4;
    const tagBits = Math.ceil(Math.log2(column.coded.length));
    const largest = Math.max(...column.coded.map((t) => (t < 0 ? 0 : rows[t])));
    return largest < 1 << (16 - tagBits) ? 2 : 4;
  };
  const rowSize = SCHEMA.map((columns) => columns.reduce((sum: number, column) => sum + width(column), 0));
  const tableStart: number[] = [];
  let tableCursor = tables.offset + rowCursor;
  for (let table = 0; table <= TABLE_NESTEDCLASS; table++) {
    tableStart[table] = tableCursor;
    tableCursor += rows[table] * rowSize[table];
  }
  if (tableCursor > tables.offset + tables.size) {
    return {
      problem: `${where}: metadata tables (${tableCursor - tables.offset} bytes to NestedClass) exceed their stream`,
    };
  }
  const typeDefCount = rows[TABLE_TYPEDEF];
  const stringWidth = width(S);
  const typeDefIndexWidth = width(T(TABLE_TYPEDEF));
  const readIndex = (bytes: Uint8Array, offset: number, size: number): number =>
    size === 2 ? u16(bytes, offset) : u32(bytes, offset);
  /** Row `index` (1-based) of a table, read where it lies: only the rows a name needs are read. */
  const rowOf = (table: number, index: number): Promise<Uint8Array | null> =>
    memory.bytes(root + tableStart[table] + (index - 1) * rowSize[table], rowSize[table]);
  // NestedClass is sorted by its nested type (ECMA-335 II.22.32, and the header's sorted mask says so):
  // a type's enclosing type by binary search; a table not marked sorted is searched row by row.
  const nestedSorted = (u32(tableHeader, 16 + (TABLE_NESTEDCLASS >> 5) * 4) & (1 << (TABLE_NESTEDCLASS & 31))) !== 0;
  const enclosingOf = async (typeRow: number): Promise<number> => {
    const count = rows[TABLE_NESTEDCLASS];
    if (!nestedSorted) {
      for (let index = 1; index <= count; index++) {
        const bytes = await rowOf(TABLE_NESTEDCLASS, index);
        if (bytes && readIndex(bytes, 0, typeDefIndexWidth) === typeRow)
          return readIndex(bytes, typeDefIndexWidth, typeDefIndexWidth);
      }
      return 0;
    }
    let low = 1;
    let high = count;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const bytes = await rowOf(TABLE_NESTEDCLASS, middle);
      if (!bytes) return 0;
      const nested = readIndex(bytes, 0, typeDefIndexWidth);
      if (nested === typeRow) return readIndex(bytes, typeDefIndexWidth, typeDefIndexWidth);
      if (nested < typeRow) low = middle + 1;
      else high = middle - 1;
    }
    return 0;
  };
  const stringsAt = root + strings.offset;
  const names = new Map<number, string>();
  const stringAt = async (index: number): Promise<string> => {
    if (index === 0 || index >= strings.size) return '';
    const known = names.get(index);
    if (known !== undefined) return known;
    const bytes = await memory.bytes(stringsAt + index, Math.min(MAX_NAME_BYTES, strings.size - index));
    let end = 0;
    while (bytes && end < bytes.length && bytes[end] !== 0) end++;
    const text = bytes ? new TextDecoder().decode(bytes.subarray(0, end)) : '';
    names.set(index, text);
    return text;
  };
  const resolved = new Map<number, TypeDefName | null>();
  const typeDef = async (row: number): Promise<TypeDefName | null> => {
    const known = resolved.get(row);
    if (known !== undefined) return known;
    if (!Number.isInteger(row) || row < 1 || row > typeDefCount) return null;
    const bytes = await rowOf(TABLE_TYPEDEF, row);
    if (!bytes) return null;
    const name = await stringAt(readIndex(bytes, 4, stringWidth));
    const namespace = await stringAt(readIndex(bytes, 4 + stringWidth, stringWidth));
    const entry = { namespace, name, enclosing: await enclosingOf(row) };
    resolved.set(row, entry);
    return entry;
  };
  const fieldNames = new Map<number, string | null>();
  const fieldName = async (row: number): Promise<string | null> => {
    const known = fieldNames.get(row);
    if (known !== undefined) return known;
    if (!Number.isInteger(row) || row < 1 || row > rows[TABLE_FIELD]) return null;
    const bytes = await rowOf(TABLE_FIELD, row);
    const name = bytes ? await stringAt(readIndex(bytes, 2, stringWidth)) : null;
    fieldNames.set(row, name);
    return name;
  };
  return { metadata: { typeDefCount, typeDef, fieldName } };
}

function u16(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8);
}
