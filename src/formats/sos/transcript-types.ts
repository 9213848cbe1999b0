/**
 * The parsed structure of an SOS transcript: what the debugger printed, block by block, before it is
 * turned into a HeapModel. Views read it to show what the model cannot hold (a dumpobj's fields, an
 * eeheap's segments, a gcroot chain exactly as printed). Variations are catalogued in
 * docs/specs/sos-transcripts.md (cited below as "spec §N").
 *
 * Line numbers are 1-based lines of the input. Addresses and MethodTables are kept as normalised
 * lower-case hex without `0x`, backticks or leading zeros (see `normalizeHex` in numbers.ts), so
 * `00007F56405C1C18`, `0x7f56405c1c18` and `7f56`405c1c18` compare equal; beside each, what `show`
 * prints, the text as the debugger printed it (`…Text` fields; a listing's `addressDigits`).
 *
 * Rows that can number in the millions (dumpheap listings, dumparray elements) are columnar
 * (docs/ARCHITECTURE.md, Invariants: no JS object per heap object).
 */

/** A command line the transcript shows (`0:000> !dumpheap -stat`, `> gcroot 7f…`, `!do …`). */
import type { GcHeapArea } from '../../heap/types';
import type { HexForm } from './numbers';

export interface SosCommand {
  readonly line: number;
  /** Canonical command name: `dumpheap`, `dumpobj`, `dumparray`, `gcroot`, `maddress`, … or the
   *  lower-cased word as written when it is not an SOS heap command (`pe`, `.load`, `lm`). */
  readonly name: string;
  /** Arguments, with typographic dashes (`–stat`) turned into `-`. */
  readonly args: readonly string[];
  /** The command as written, after the prompt. */
  readonly text: string;
  /** The prompt before it (`0:049>`, `>`, `(lldb)`), or null for a bare `!command` line. */
  readonly prompt: string | null;
}

export type SosBlockKind =
  | 'memory-summary'
  | 'address-summary'
  | 'dumpheap-stat'
  | 'dumpheap-listing'
  | 'gcroot'
  | 'dumpobj'
  | 'dumparray'
  | 'dumpdelegate'
  | 'eeheap'
  | 'finalizequeue'
  | 'objsize';

interface BlockBase {
  readonly kind: SosBlockKind;
  /** First line of the output (not of the command). */
  readonly line: number;
  /** Last line that belonged to the block. */
  endLine: number;
  /** The command that printed it, when the transcript shows one that fits the output. */
  readonly command: SosCommand | null;
  /** Rows were cut: an elision marker (`...`, `… [omitted]`, `省略…`) sat inside or right before. */
  elided: boolean;
  /** Lines inside the block that were neither output nor elision (commentary, warnings). */
  noiseLines: number;
}

/** One row of a `MT Count TotalSize Class Name` table (spec §2). */
export interface StatRow {
  /** Normalised MethodTable hex. */
  readonly mt: string;
  /** The MethodTable as printed (leading zeros, `0x`, as the transcript has them). */
  readonly mtText: string;
  readonly count: number;
  readonly bytes: number;
  /** Class name as printed (`Free` for free space), wrapped parts rejoined, author notes cut. */
  readonly name: string;
  readonly line: number;
}

/** `Fragmented blocks larger than 0.5 MB:` rows (spec §2, old `11.5MB` or new byte counts). */
export interface FragmentedBlock {
  readonly address: string;
  /** Bytes; from `3.7MB` forms this is the rounded human size. */
  readonly bytes: number;
  readonly followedBy: string;
  readonly followedByType: string;
}

/** A `MT Count TotalSize Class Name` table with its prelude and footer. */
export interface StatTable {
  readonly rows: StatRow[];
  /** `Total N objects` as printed in the footer, or null when the footer is absent. */
  totalObjects: number | null;
  /** Bytes from the footer (`, Total size: N` or `, N bytes`), or null when not printed. */
  totalBytes: number | null;
  /** The lower-case `total N objects` printed before `Statistics:` (SOS 2.0), last one seen. */
  preliminaryTotal: number | null;
  /** Per-heap `Heap N` / `total K objects` sections of a multi-heap range scan. */
  readonly heapSections: { heap: number; objects: number | null }[];
  readonly fragmented: FragmentedBlock[];
  /** A header line (`MT Count TotalSize Class Name`) was present. */
  hasHeader: boolean;
}

export interface StatBlock extends BlockBase, StatTable {
  readonly kind: 'dumpheap-stat';
  /** 'stat': printed by `dumpheap -stat`; 'listing': the Statistics that close a listing. */
  readonly origin: 'stat' | 'listing';
  /** The dumpheap options that restrict the table (`-type X`, `-mt M`, `-min N`, a range), or []. */
  readonly filter: readonly string[];
}

/** Growable typed columns for listing rows; only `count` entries are meaningful. */
export interface ListingColumns {
  count: number;
  addressLo: Uint32Array;
  addressHi: Uint32Array;
  /** Shallow size in bytes. */
  size: Float64Array;
  /** Index into `mts` of the block. */
  mtIndex: Uint32Array;
}

export interface ListingBlock extends BlockBase {
  readonly kind: 'dumpheap-listing';
  /** `Address MT Size [Gen]` header present. */
  hasHeader: boolean;
  /** The distinct MethodTables of the rows (normalised hex), and each as first printed. */
  readonly mts: string[];
  readonly mtTexts: string[];
  /**
   * How the rows' addresses were printed (width, case, `0x`), so `show` writes them as printed;
   * null when the rows do not share one form (then they are shown normalised, with `0x`).
   */
  addressForm: HexForm | null;
  /** A type name printed on a row for an MT (old SOS prints `Gen` and the type), by mts index. */
  readonly mtNames: (string | null)[];
  readonly rows: ListingColumns;
  /** Rows marked `Free`. */
  freeRows: number;
  /** The lower-case `total N objects` line closing the listing, when printed. */
  statedTotal: number | null;
  readonly filter: readonly string[];
}

export type GcRootKind =
  | 'stack'
  | 'pinned handle'
  | 'strong handle'
  | 'weak handle'
  | 'dependent handle'
  | 'async pinned handle'
  | 'ref count handle'
  | 'sized ref handle'
  | 'handle'
  | 'finalizer queue'
  | 'unknown';

export interface GcRoot {
  readonly kind: GcRootKind;
  /** Register or stack slot (`r15`, `ebp+50`, `ESP:12f4a8`) or handle address, as printed; '' when unknown. */
  readonly name: string;
  /** Thread id for stack roots (`Thread 1b84:`), when printed. */
  readonly thread: string | null;
  /** The stack frame line above the register, when printed. */
  readonly frame: string | null;
  /** The root itself is interior (`rbx:  (interior)`). */
  readonly interior: boolean;
}

export interface GcRootStep {
  /** Normalised hex address of the object. */
  readonly address: string;
  /** The address as printed (`00007f55cfe26900`, `0226c498`): what the text and JSON show. */
  readonly addressText: string;
  /** Type as printed (wrapped parts rejoined); '' when the transcript lost it. */
  type: string;
  /** The reference into this object is interior (`(interior)`). */
  readonly interior: boolean;
  /** Reached through a dependent handle (`(dependent handle)`). */
  readonly dependent: boolean;
  /** An elision (`...`) sits between the previous step (or the root) and this one. */
  readonly elidedBefore: boolean;
  /** A note printed after the type: `(static variable: Foo.s_bar)` (.NET 8+), an author's `(200 Bytes)`. */
  readonly note: string | null;
  readonly line: number;
}

export interface GcRootChain {
  readonly root: GcRoot;
  readonly steps: GcRootStep[];
  /** The chain has no root line (a bare chain, or its head was cut). */
  readonly rootMissing: boolean;
  readonly line: number;
}

export interface GcRootBlock extends BlockBase {
  readonly kind: 'gcroot';
  /** Which output family printed it (spec §6): 1 ancient, 2 DOMAIN, 3 Thread/HandleTable, 4 newest. */
  family: 1 | 2 | 3 | 4 | null;
  readonly chains: GcRootChain[];
  /** `Found N unique roots` / `Found N roots`, or null without footer. */
  foundRoots: number | null;
  /** The object gcroot was asked about (from the command), normalised hex, or null; and as printed. */
  readonly target: string | null;
  readonly targetText: string | null;
}

export interface DumpObjField {
  readonly mt: string;
  readonly field: string;
  readonly offset: string;
  /** Type column as printed, truncated names (`...urce+CallbackNode`) kept as given (spec §4). */
  readonly type: string;
  /** VT column: true for value types; null where the dialect has no VT column (1.1). */
  readonly valueType: boolean | null;
  /** `instance`, `static`, `shared static`, `TLstatic`, `CLstatic`. */
  readonly attr: string;
  /** Value column as printed, or null (shared statics print theirs on a `>> Domain:Value` line). */
  readonly value: string | null;
  name: string;
  /** `>> Domain:Value … <<` / `>> Thread:Value … <<` text after the row. */
  perDomainValues: string | null;
  readonly line: number;
}

export interface DumpObjBlock extends BlockBase {
  readonly kind: 'dumpobj' | 'dumparray';
  /** Object address from the command (`!do 7f55cfe26900`), normalised; null when not shown. */
  readonly address: string | null;
  /** The same as printed in the command. */
  readonly addressText: string | null;
  name: string | null;
  /** MethodTable and EEClass, normalised, and as printed. */
  methodTable: string | null;
  methodTableText: string | null;
  eeClass: string | null;
  eeClassText: string | null;
  size: number | null;
  generation: number | null;
  file: string | null;
  /** `String:` preview (at most MAX_PREVIEW_CHARS). */
  stringValue: string | null;
  /** `Array: Rank 1, Number of elements N, Type CLASS`. */
  array: { rank: number; length: number; elementKind: string } | null;
  elementMethodTable: string | null;
  readonly fields: DumpObjField[];
  /** `[i] addr` / `[i] null` rows of dumparray; address 0 stands for null. */
  readonly elements: { count: number; index: Float64Array; addressLo: Uint32Array; addressHi: Uint32Array };
  /** The output said it could not show the object (`Free Object`, `Unable to display fields`). */
  /** How the element addresses were printed (width, case, `0x`); null when they do not share one form. */
  elementForm: HexForm | null;
  note: string | null;
}

export interface DelegateBlock extends BlockBase {
  readonly kind: 'dumpdelegate';
  readonly address: string | null;
  readonly targets: { target: string; method: string; name: string; line: number }[];
}

/** A GC heap area a segment or region belongs to (the heap model's own type). */
export type GcArea = GcHeapArea;

export interface EeHeapSegment {
  readonly area: GcArea;
  /** The hex columns (segment, begin, allocated[, committed]), normalised. */
  readonly addresses: readonly string[];
  /** The same columns as printed (`03030000`, `000002ED8A800020`): what `show` prints. */
  readonly addressTexts: readonly string[];
  /** Allocated bytes (`allocated − begin`); null when the row does not say. */
  readonly allocatedSize: number | null;
  /** Committed bytes, printed by .NET 5+ only. */
  readonly committedSize: number | null;
  readonly line: number;
}

export interface EeHeapHeap {
  /** `Heap N`; null for a single-heap output. */
  readonly index: number | null;
  /** Normalised, and as printed (`0x0310d288`). */
  readonly generationStarts: { generation: number; address: string; addressText: string }[];
  readonly segments: EeHeapSegment[];
  /** `Heap Size` / `Allocated Heap Size` of this heap. */
  heapSize: number | null;
  committedSize: number | null;
}

export interface EeHeapBlock extends BlockBase {
  readonly kind: 'eeheap';
  heapCount: number | null;
  readonly heaps: EeHeapHeap[];
  /** `GC Heap Size` / `GC Allocated Heap Size`. */
  gcHeapSize: number | null;
  gcCommittedSize: number | null;
}

export interface FinalizeQueueBlock extends BlockBase {
  readonly kind: 'finalizequeue';
  readonly generations: { heap: number | null; generation: number; objects: number }[];
  readyForFinalization: number | null;
  readonly table: StatTable;
}

export interface ObjSizeBlock extends BlockBase {
  readonly kind: 'objsize';
  readonly results: { address: string; bytes: number; type: string; line: number }[];
}

/** One row of `!maddress -summary` (the `| kind | count | size | bytes |` table). */
export interface MemoryTableRow {
  readonly kind: string;
  readonly count: number;
  readonly bytes: number;
  /** The human size column as printed (`2.39gb`). */
  readonly sizeText: string;
}

export interface MemorySummaryBlock extends BlockBase {
  readonly kind: 'memory-summary';
  readonly rows: MemoryTableRow[];
  /** The `[TOTAL]` row. */
  total: { count: number; bytes: number } | null;
}

export interface AddressSummaryRow {
  readonly kind: string;
  /** RgnCount; null in the old (~2007) layout, which has none. */
  readonly count: number | null;
  readonly bytes: number;
}

export interface AddressSummaryBlock extends BlockBase {
  readonly kind: 'address-summary';
  /** 'modern': `--- Usage Summary ---- RgnCount ---`; 'old': `---- Usage SUMMARY ----`. */
  readonly layout: 'modern' | 'old';
  /** Sections by title (`Usage`, `Type`, `State`, `Protect`, `Largest Region`). */
  readonly sections: { title: string; rows: AddressSummaryRow[] }[];
}

export type SosBlock =
  | MemorySummaryBlock
  | AddressSummaryBlock
  | StatBlock
  | ListingBlock
  | GcRootBlock
  | DumpObjBlock
  | DelegateBlock
  | EeHeapBlock
  | FinalizeQueueBlock
  | ObjSizeBlock;

export interface SosTranscript {
  readonly name: string;
  lineCount: number;
  /** Which debugger printed it, judged by its prompts. */
  dialect: 'windbg' | 'dotnet-dump' | 'lldb' | 'unknown';
  readonly commands: SosCommand[];
  readonly blocks: SosBlock[];
  /** Lines that were not part of any output: commentary, warnings, other commands' output. */
  noiseLines: number;
  /** Elision markers met. */
  elisionLines: number;
  /** Tool messages recognised as such (`Invalid object`, SOS version mismatch, …), capped. */
  readonly messages: { line: number; text: string }[];
  /** Non-fatal problems (truncated lines, footers that disagree with rows, …). */
  readonly warnings: string[];
  /** Lines where the debugger opened a dump (`Loading Dump File […]`, `Loading core dump: …`). */
  readonly dumpOpenings: { line: number; text: string }[];
}
