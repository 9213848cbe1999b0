/**
 * Finds the .NET runtime in a core and, from .NET 10 on, its data contract descriptor — the runtime's
 * own description of its data structures, exported as `DotNetRuntimeContractDescriptor` so tools can
 * read a process or dump without the DAC (docs/specs/core-dumps.md §5):
 *
 * 1. `libcoreclr.so` in NT_FILE: its mapping at file offset 0 is the load base.
 * 2. Its ELF header and program headers in the dumped memory → PT_DYNAMIC → DT_GNU_HASH (or DT_HASH),
 *    DT_SYMTAB, DT_STRTAB → the symbol's value (an offset from the base: the library is ET_DYN).
 * 3. The descriptor: `u64 magic "DNCCDAC\0"; u32 flags (bit 0 set, bit 1: 32-bit); u32 JSON size;
 *    ptr JSON; u32 pointer-data count; u32 pad; ptr pointer data` — then the JSON (`contracts`,
 *    `types` with sizes `!` and field offsets, `globals` as `[value, type]` or `[[index], type]` where
 *    the index is into the pointer data) and the pointer data.
 * 4. The runtime's version from its `@(#)Version` string (libcoreclr's file version, whose third part
 *    is patch × 100 + build) and, for a shared framework, the directory it was loaded from.
 *
 * Every number here comes from the core: each is bounds-checked before use, every read is by slice
 * (`core-memory.ts`), and a missing piece is a status with a message, never a throw.
 */
import type { RuntimeFacts } from '../../heap/types';
import type { ElfFileMapping } from './elf-core-reader';
import type { CoreMemory } from './core-memory';

export interface RuntimeImage {
  /** The path the process loaded libcoreclr.so from. */
  readonly path: string;
  /** Where it is loaded (its mapping at file offset 0). */
  readonly base: bigint;
  /** `10.0.12`: the product version; null when no version string was found. */
  readonly version: string | null;
  /** libcoreclr's own `@(#)Version` (`10.0.1226.42308`) and commit, as it carries them. */
  readonly fileVersion: string | null;
  readonly commit: string | null;
}

export interface ContractGlobal {
  readonly name: string;
  readonly type: string | null;
  /** A direct value (`"0x8"`), or null for an indirect one. */
  readonly value: bigint | null;
  /** Indirect: the index into the pointer data, whose entry is the global's address. */
  readonly pointerIndex: number | null;
  /** The address an indirect global lives at (the pointer data's entry), or null. */
  readonly address: bigint | null;
}

export interface ContractType {
  readonly name: string;
  /** `!`: the type's size in bytes, or null when the descriptor leaves it indeterminate. */
  readonly size: number | null;
  readonly fields: readonly { readonly name: string; readonly offset: number; readonly type: string | null }[];
}

export interface ContractDescriptor {
  /** Where `DotNetRuntimeContractDescriptor` is, and its JSON. */
  readonly address: bigint;
  readonly pointerSize: 4 | 8;
  readonly jsonAddress: bigint;
  readonly jsonBytes: number;
  /** The JSON exactly as the runtime holds it (UTF-8 text; data, never markup). */
  readonly json: string;
  readonly version: number | null;
  readonly baseline: string | null;
  readonly contracts: readonly { readonly name: string; readonly version: number }[];
  readonly types: readonly ContractType[];
  readonly globals: readonly ContractGlobal[];
  readonly pointerData: readonly bigint[];
}

export type RuntimeDiscovery =
  | { readonly status: 'found'; readonly runtime: RuntimeImage; readonly descriptor: ContractDescriptor }
  | { readonly status: 'no-runtime'; readonly message: string }
  | { readonly status: 'no-descriptor'; readonly runtime: RuntimeImage; readonly message: string }
  | { readonly status: 'unreadable'; readonly runtime: RuntimeImage | null; readonly message: string };

export const DESCRIPTOR_SYMBOL = 'DotNetRuntimeContractDescriptor';
/** "DNCCDAC\0" read as a little-endian u64. */
const DESCRIPTOR_MAGIC = 0x0043414443434e44n;
const MAX_JSON_BYTES = 4 * 1024 * 1024;
const MAX_POINTER_DATA = 65_536;
const MAX_PROGRAM_HEADERS = 256;
const MAX_DYNAMIC_ENTRIES = 4096;
/** Bounds on what a symbol table may claim before it is walked. */
const MAX_GNU_BUCKETS = 1 << 20;
const MAX_CHAIN_WALK = 1 << 16;
/** How much of libcoreclr's data is searched for its version string, at most. */
const MAX_VERSION_SEARCH = 8 * 1024 * 1024;
const VERSION_MARK = '@(#)Version ';

const PT_DYNAMIC = 2;
const DT_NULL = 0n;
const DT_HASH = 4n;
const DT_STRTAB = 5n;
const DT_SYMTAB = 6n;
const DT_STRSZ = 10n;
const DT_SYMENT = 11n;
const DT_GNU_HASH = 0x6ffffef5n;
const SYMBOL_SIZE = 24; // Elf64_Sym

const WHAT_INSTEAD =
  'capture a .gcdump instead (dotnet-gcdump collect -p PID), or open the core with dotnet-dump analyze and paste its dumpheap -stat and gcroot output';

/** The runtime library among the core's mapped files: `libcoreclr.so`, by the last part of its path. */
export function runtimeMappings(files: readonly ElfFileMapping[]): ElfFileMapping[] {
  return files.filter((file) => file.path === 'libcoreclr.so' || file.path.endsWith('/libcoreclr.so'));
}

export async function discoverRuntime(files: readonly ElfFileMapping[], memory: CoreMemory): Promise<RuntimeDiscovery> {
  const mappings = runtimeMappings(files);
  if (mappings.length === 0) {
    return {
      status: 'no-runtime',
      message: `no .NET runtime in this core: none of its ${files.length} mapped files is libcoreclr.so`,
    };
  }
  const first = mappings.find((m) => m.fileOffset === 0n) ?? null;
  if (!first) {
    return {
      status: 'unreadable',
      runtime: null,
      message: `libcoreclr.so is mapped (${mappings[0].path}) but not from its start: its load base is unknown`,
    };
  }
  const base = first.start;
  const version = await runtimeVersion(mappings, memory);
  const runtime: RuntimeImage = { path: first.path, base, ...version };
  const named = describeRuntime(runtime);
  const symbol = await findDynamicSymbol(base, DESCRIPTOR_SYMBOL, memory);
  if ('problem' in symbol) return { status: 'unreadable', runtime, message: `${named}: ${symbol.problem}` };
  if (symbol.value === null) {
    return {
      status: 'no-descriptor',
      runtime,
      message:
        `${named} exports no ${DESCRIPTOR_SYMBOL} (the runtime describes its data structures to tools from .NET 10 on), ` +
        `so heapscope cannot read this core's managed heap without the DAC: ${WHAT_INSTEAD}`,
    };
  }
  const descriptor = await readDescriptor(base + symbol.value, memory);
  if ('problem' in descriptor) return { status: 'unreadable', runtime, message: `${named}: ${descriptor.problem}` };
  return { status: 'found', runtime, descriptor };
}

/** `.NET 10.0.12 (libcoreclr.so 10.0.1226.42308 at 0x7fb998400000)`. */
export function describeRuntime(runtime: RuntimeImage): string {
  const base = `0x${runtime.base.toString(16)}`;
  if (runtime.version === null) return `the .NET runtime (libcoreclr.so at ${base}, version not found)`;
  return `.NET ${runtime.version} (libcoreclr.so ${runtime.fileVersion ? `${runtime.fileVersion} ` : ''}at ${base})`;
}

/**
 * The version string libcoreclr carries (`@(#)Version 10.0.1226.42308 @Commit: 95017c7…`), searched
 * in its mapped data, writable mappings first (where the string lives); else the version directory
 * of a shared framework's path (`…/Microsoft.NETCore.App/10.0.12/libcoreclr.so`).
 */
async function runtimeVersion(
  mappings: readonly ElfFileMapping[],
  memory: CoreMemory,
): Promise<{ version: string | null; fileVersion: string | null; commit: string | null }> {
  const fromPath =
    /\/Microsoft\.NETCore\.App\/(\d+\.\d+\.\d+[^/]*)\/libcoreclr\.so$/.exec(mappings[0].path)?.[1] ?? null;
  const mark = new TextEncoder().encode(VERSION_MARK);
  let searched = 0;
  // Later mappings (data) before earlier ones (headers, text): the string is a data variable.
  for (const mapping of [...mappings].reverse()) {
    const length = Number(mapping.end - mapping.start);
    for (let at = 0; at < length && searched < MAX_VERSION_SEARCH; at += 256 * 1024) {
      const take = Math.min(256 * 1024 + 128, length - at);
      const bytes = await memory.read(mapping.start + BigInt(at), take);
      if (!bytes) break; // not in the core: the rest of this mapping is not either
      searched += take;
      const found = indexOf(bytes, mark);
      if (found < 0) continue;
      const text = new TextDecoder().decode(bytes.subarray(found, Math.min(bytes.length, found + 128)));
      const parsed = /^@\(#\)Version (\d+)\.(\d+)\.(\d+)(?:\.(\d+))?(?: @Commit: ([0-9a-f]{7,40}))?/.exec(text);
      if (!parsed) continue;
      const [, major, minor, third, fourth, commit] = parsed;
      return {
        // The file version's third part is the patch × 100 plus a build number (10.0.1226 → 10.0.12).
        version: fromPath ?? `${major}.${minor}.${Math.floor(Number(third) / 100)}`,
        fileVersion: `${major}.${minor}.${third}${fourth ? `.${fourth}` : ''}`,
        commit: commit ?? null,
      };
    }
  }
  return { version: fromPath, fileVersion: null, commit: null };
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (
    let i = haystack.indexOf(needle[0]);
    i >= 0 && i + needle.length <= haystack.length;
    i = haystack.indexOf(needle[0], i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

type SymbolLookup = { value: bigint | null } | { problem: string };

/** A dynamic symbol of the ELF image loaded at `base`, by the image's own hash table. */
export async function findDynamicSymbol(base: bigint, name: string, memory: CoreMemory): Promise<SymbolLookup> {
  const hex = (n: bigint) => `0x${n.toString(16)}`;
  const header = await memory.read(base, 64);
  if (!header)
    return { problem: `its ELF header at ${hex(base)} is not in the core (a core without the library's pages)` };
  const h = view(header);
  if (h.getUint32(0, false) !== 0x7f454c46) return { problem: `no ELF header at its load base ${hex(base)}` };
  if (h.getUint8(4) !== 2 || h.getUint8(5) !== 1)
    return { problem: `its ELF header at ${hex(base)} is not 64-bit little-endian` };
  const phoff = h.getBigUint64(32, true);
  const phentsize = h.getUint16(54, true);
  const phnum = h.getUint16(56, true);
  if (phentsize !== 56 || phnum === 0 || phnum > MAX_PROGRAM_HEADERS)
    return { problem: `its ELF header at ${hex(base)} has ${phnum} program headers of ${phentsize} bytes` };
  const table = await memory.read(base + phoff, phnum * 56);
  if (!table) return { problem: `its program headers at ${hex(base + phoff)} are not in the core` };
  const t = view(table);
  let dynamic: { address: bigint; size: number } | null = null;
  for (let i = 0; i < phnum; i++) {
    if (t.getUint32(i * 56, true) !== PT_DYNAMIC) continue;
    const size = Number(t.getBigUint64(i * 56 + 40, true));
    dynamic = { address: base + t.getBigUint64(i * 56 + 16, true), size: Math.min(size, MAX_DYNAMIC_ENTRIES * 16) };
  }
  if (!dynamic) return { problem: 'its ELF image has no PT_DYNAMIC segment' };
  const entries = await memory.read(dynamic.address, dynamic.size - (dynamic.size % 16));
  if (!entries) return { problem: `its dynamic section at ${hex(dynamic.address)} is not in the core` };
  const d = view(entries);
  const tags = new Map<bigint, bigint>();
  for (let at = 0; at + 16 <= entries.length; at += 16) {
    const tag = d.getBigInt64(at, true);
    if (tag === DT_NULL) break;
    if (!tags.has(tag)) tags.set(tag, d.getBigUint64(at + 8, true));
  }
  // The loader relocates these addresses in place on glibc; where it did not, they are offsets.
  const address = (tag: bigint): bigint | null => {
    const value = tags.get(tag);
    if (value === undefined) return null;
    return value < base ? base + value : value;
  };
  const symtab = address(DT_SYMTAB);
  const strtab = address(DT_STRTAB);
  const strsz = tags.get(DT_STRSZ) ?? null;
  const syment = tags.get(DT_SYMENT) ?? BigInt(SYMBOL_SIZE);
  if (symtab === null || strtab === null || strsz === null)
    return { problem: 'its dynamic section lacks DT_SYMTAB, DT_STRTAB or DT_STRSZ' };
  if (syment !== BigInt(SYMBOL_SIZE)) return { problem: `its symbols are ${syment} bytes, not ${SYMBOL_SIZE}` };
  const wanted = new TextEncoder().encode(name);
  const symbolAt = async (index: number): Promise<{ value: bigint } | null | 'absent'> => {
    const symbol = await memory.read(symtab + BigInt(index) * BigInt(SYMBOL_SIZE), SYMBOL_SIZE);
    if (!symbol) return 'absent';
    const s = view(symbol);
    const nameOffset = BigInt(s.getUint32(0, true));
    if (nameOffset + BigInt(wanted.length) + 1n > strsz) return null;
    const text = await memory.read(strtab + nameOffset, wanted.length + 1);
    if (!text) return 'absent';
    if (text[wanted.length] !== 0 || !wanted.every((byte, i) => text[i] === byte)) return null;
    // Defined symbols only (section index 0 is undefined: an import).
    return s.getUint16(6, true) === 0 ? null : { value: s.getBigUint64(8, true) };
  };

  const gnu = address(DT_GNU_HASH);
  if (gnu !== null) {
    const head = await memory.read(gnu, 16);
    if (!head) return { problem: `its DT_GNU_HASH table at ${hex(gnu)} is not in the core` };
    const g = view(head);
    const nbuckets = g.getUint32(0, true);
    const symoffset = g.getUint32(4, true);
    const bloomSize = g.getUint32(8, true);
    if (nbuckets === 0 || nbuckets > MAX_GNU_BUCKETS || bloomSize > MAX_GNU_BUCKETS)
      return { problem: `its DT_GNU_HASH table claims ${nbuckets} buckets and ${bloomSize} bloom words` };
    const hash = gnuHash(wanted);
    const bucketsAt = gnu + 16n + BigInt(bloomSize) * 8n;
    const bucket = await memory.read(bucketsAt + BigInt((hash % nbuckets) * 4), 4);
    if (!bucket) return { problem: `its DT_GNU_HASH buckets at ${hex(bucketsAt)} are not in the core` };
    let index = view(bucket).getUint32(0, true);
    if (index === 0) return { value: null };
    if (index < symoffset) return { problem: `its DT_GNU_HASH bucket points below the hashed symbols (${index})` };
    const chainsAt = bucketsAt + BigInt(nbuckets) * 4n;
    for (let walked = 0; walked < MAX_CHAIN_WALK; walked++, index++) {
      const link = await memory.read(chainsAt + BigInt(index - symoffset) * 4n, 4);
      if (!link) return { problem: `its DT_GNU_HASH chains at ${hex(chainsAt)} are not in the core` };
      const chained = view(link).getUint32(0, true);
      if ((chained | 1) === (hash | 1)) {
        const found = await symbolAt(index);
        if (found === 'absent') return { problem: `its dynamic symbols at ${hex(symtab)} are not in the core` };
        if (found) return found;
      }
      if (chained & 1) return { value: null };
    }
    return { problem: 'its DT_GNU_HASH chain does not end' };
  }
  const sysv = address(DT_HASH);
  if (sysv !== null) {
    const head = await memory.read(sysv, 8);
    if (!head) return { problem: `its DT_HASH table at ${hex(sysv)} is not in the core` };
    const nbucket = view(head).getUint32(0, true);
    const nchain = view(head).getUint32(4, true);
    if (nbucket === 0 || nbucket > MAX_GNU_BUCKETS || nchain > MAX_GNU_BUCKETS * 16)
      return { problem: `its DT_HASH table claims ${nbucket} buckets and ${nchain} chains` };
    const hash = sysvHash(wanted);
    const bucket = await memory.read(sysv + 8n + BigInt((hash % nbucket) * 4), 4);
    if (!bucket) return { problem: `its DT_HASH buckets at ${hex(sysv)} are not in the core` };
    let index = view(bucket).getUint32(0, true);
    for (let walked = 0; index !== 0 && walked < MAX_CHAIN_WALK; walked++) {
      if (index >= nchain) return { problem: `its DT_HASH chain leaves the table (${index} ≥ ${nchain})` };
      const found = await symbolAt(index);
      if (found === 'absent') return { problem: `its dynamic symbols at ${hex(symtab)} are not in the core` };
      if (found) return found;
      const next = await memory.read(sysv + 8n + BigInt(nbucket) * 4n + BigInt(index) * 4n, 4);
      if (!next) return { problem: `its DT_HASH chains are not in the core` };
      index = view(next).getUint32(0, true);
    }
    return { value: null };
  }
  return { problem: 'its dynamic section has neither DT_GNU_HASH nor DT_HASH' };
}

function gnuHash(name: Uint8Array): number {
  let h = 5381;
  for (const byte of name) h = (Math.imul(h, 33) + byte) >>> 0;
  return h;
}

function sysvHash(name: Uint8Array): number {
  let h = 0;
  for (const byte of name) {
    h = ((h << 4) + byte) >>> 0;
    const g = h & 0xf0000000;
    if (g !== 0) h ^= g >>> 24;
    h &= ~g >>> 0;
    h >>>= 0;
  }
  return h;
}

async function readDescriptor(address: bigint, memory: CoreMemory): Promise<ContractDescriptor | { problem: string }> {
  const hex = (n: bigint) => `0x${n.toString(16)}`;
  const raw = await memory.read(address, 40);
  if (!raw) return { problem: `its ${DESCRIPTOR_SYMBOL} at ${hex(address)} is not in the core` };
  const v = view(raw);
  if (v.getBigUint64(0, true) !== DESCRIPTOR_MAGIC)
    return { problem: `${DESCRIPTOR_SYMBOL} at ${hex(address)} does not start with "DNCCDAC\\0"` };
  const flags = v.getUint32(8, true);
  if ((flags & 1) === 0)
    return { problem: `${DESCRIPTOR_SYMBOL} at ${hex(address)} has flags 0x${flags.toString(16)} (bit 0 unset)` };
  const pointerSize = flags & 2 ? 4 : 8;
  if (pointerSize !== 8)
    return { problem: `${DESCRIPTOR_SYMBOL} describes a 32-bit runtime, which a 64-bit core cannot hold` };
  const jsonBytes = v.getUint32(12, true);
  const jsonAddress = v.getBigUint64(16, true);
  const pointerCount = v.getUint32(24, true);
  const pointerAddress = v.getBigUint64(32, true);
  if (jsonBytes === 0 || jsonBytes > MAX_JSON_BYTES)
    return { problem: `${DESCRIPTOR_SYMBOL} claims a ${jsonBytes}-byte JSON descriptor (at most ${MAX_JSON_BYTES})` };
  if (pointerCount > MAX_POINTER_DATA)
    return {
      problem: `${DESCRIPTOR_SYMBOL} claims ${pointerCount} pointer-data entries (at most ${MAX_POINTER_DATA})`,
    };
  const jsonRaw = await memory.read(jsonAddress, jsonBytes);
  if (!jsonRaw)
    return { problem: `its JSON descriptor at ${hex(jsonAddress)} (${jsonBytes} bytes) is not in the core` };
  const nul = jsonRaw.indexOf(0);
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(nul < 0 ? jsonRaw : jsonRaw.subarray(0, nul));
  } catch {
    return { problem: `its JSON descriptor at ${hex(jsonAddress)} is not UTF-8 text` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return {
      problem: `its JSON descriptor at ${hex(jsonAddress)} does not parse: ${(error as Error).message.slice(0, 120)}`,
    };
  }
  if (!isRecord(parsed)) return { problem: `its JSON descriptor at ${hex(jsonAddress)} is not an object` };
  const pointerRaw = pointerCount === 0 ? new Uint8Array(0) : await memory.read(pointerAddress, pointerCount * 8);
  if (!pointerRaw)
    return { problem: `its pointer data at ${hex(pointerAddress)} (${pointerCount} entries) is not in the core` };
  const pointerData: bigint[] = [];
  for (let i = 0; i < pointerCount; i++) pointerData.push(view(pointerRaw).getBigUint64(i * 8, true));
  return {
    address,
    pointerSize,
    jsonAddress,
    jsonBytes,
    json,
    version: typeof parsed.version === 'number' ? parsed.version : null,
    baseline: typeof parsed.baseline === 'string' ? parsed.baseline : null,
    contracts: isRecord(parsed.contracts)
      ? Object.entries(parsed.contracts)
          .filter((entry): entry is [string, number] => Number.isSafeInteger(entry[1]))
          .map(([name, version]) => ({ name, version }))
      : [],
    types: isRecord(parsed.types) ? Object.entries(parsed.types).map(([name, body]) => contractType(name, body)) : [],
    globals: isRecord(parsed.globals)
      ? Object.entries(parsed.globals).map(([name, body]) => contractGlobal(name, body, pointerData))
      : [],
    pointerData,
  };
}

/** `{"!": 64, "MTFlags": 0, "GCHandle": [304, "GCHandle"]}`: the size, then fields as offset or [offset, type]. */
function contractType(name: string, body: unknown): ContractType {
  if (!isRecord(body)) return { name, size: null, fields: [] };
  const size = body['!'];
  const fields: { name: string; offset: number; type: string | null }[] = [];
  for (const [field, spec] of Object.entries(body)) {
    if (field === '!') continue;
    if (Number.isSafeInteger(spec)) fields.push({ name: field, offset: spec as number, type: null });
    else if (Array.isArray(spec) && Number.isSafeInteger(spec[0]))
      fields.push({ name: field, offset: spec[0] as number, type: typeof spec[1] === 'string' ? spec[1] : null });
  }
  return { name, size: Number.isSafeInteger(size) ? (size as number) : null, fields };
}

/** `["0x8", "uint64"]` (direct), `[[10], "pointer"]` (indirect: pointer data 10), or a bare value. */
function contractGlobal(name: string, body: unknown, pointerData: readonly bigint[]): ContractGlobal {
  const spec = Array.isArray(body) ? body : [body];
  const type = typeof spec[1] === 'string' ? spec[1] : null;
  if (Array.isArray(spec[0])) {
    const index = spec[0][0];
    const valid = Number.isSafeInteger(index) && index >= 0 && index < pointerData.length;
    return { name, type, value: null, pointerIndex: valid ? index : null, address: valid ? pointerData[index] : null };
  }
  return { name, type, value: integerOf(spec[0]), pointerIndex: null, address: null };
}

function integerOf(value: unknown): bigint | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value !== 'string' || !/^-?(0x[0-9a-f]{1,16}|\d{1,20})$/i.test(value)) return null;
  try {
    return value.startsWith('-') ? -BigInt(value.slice(1)) : BigInt(value);
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The globals a managed-heap walk starts from (issue #19): shown with their values. */
export const KEY_GLOBALS = [
  'ObjectMethodTable',
  'StringMethodTable',
  'FreeObjectMethodTable',
  'ObjectArrayMethodTable',
  'ObjectToMethodTableUnmask',
  'ObjectHeaderSize',
] as const;

/**
 * The discovery as small facts for the Summary and the CLI: the runtime, the descriptor's contracts
 * and counts, and the key globals' values — a pointer global read through (where it lives → what
 * it holds, one 8-byte read each).
 */
export async function runtimeFacts(discovery: RuntimeDiscovery, memory: CoreMemory): Promise<RuntimeFacts> {
  const hex = (n: bigint) => `0x${n.toString(16)}`;
  const runtime = discovery.status === 'no-runtime' ? null : discovery.runtime;
  const common = {
    status: discovery.status,
    description: runtime ? describeRuntime(runtime) : null,
    version: runtime?.version ?? null,
    fileVersion: runtime?.fileVersion ?? null,
    path: runtime?.path ?? null,
    base: runtime ? hex(runtime.base) : null,
  };
  if (discovery.status !== 'found')
    return { ...common, message: discovery.message, descriptor: null, managedHeap: null };
  const { descriptor } = discovery;
  const keyGlobals: { name: string; type: string | null; value: string }[] = [];
  for (const name of KEY_GLOBALS) {
    const global = descriptor.globals.find((g) => g.name === name);
    if (!global) continue;
    let value = global.value !== null ? hex(global.value) : 'unknown';
    if (global.address !== null) {
      const held = global.type === 'pointer' ? await memory.read(global.address, 8) : null;
      value = held
        ? `${hex(new DataView(held.buffer, held.byteOffset, 8).getBigUint64(0, true))} (at ${hex(global.address)})`
        : `at ${hex(global.address)}`;
    }
    keyGlobals.push({ name, type: global.type, value });
  }
  return {
    ...common,
    message: null,
    descriptor: {
      address: hex(descriptor.address),
      jsonBytes: descriptor.jsonBytes,
      contracts: descriptor.contracts,
      typeCount: descriptor.types.length,
      globalCount: descriptor.globals.length,
      keyGlobals,
    },
    managedHeap: null,
  };
}
