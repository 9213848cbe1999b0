/**
 * `dumpheap -stat` tables (spec §2) and `dumpheap -mt/-type` listings (spec §7), including the
 * Statistics that follow a listing and the `Fragmented blocks larger than 0.5 MB:` section.
 */
import type { BlockParser } from './block-parser';
import {
  hasUnbalancedBrackets,
  isElision,
  isListingHeader,
  isRule,
  isStatHeader,
  joinWrapped,
  parseListingRow,
  parsePreliminaryTotal,
  parseStatFooter,
  parseStatRow,
  type LineView,
} from './line-shapes';
import {
  hexToHalves,
  isAddressToken,
  normalizeHex,
  parseGroupedInt,
  parseHumanSize,
  restAfterTokens,
  formatCount,
  hexFormOf,
  sameHexForm,
} from './numbers';
import type { ListingBlock, SosCommand, StatBlock, StatRow, StatTable } from './transcript-types';

export function emptyStatTable(): StatTable {
  return {
    rows: [],
    totalObjects: null,
    totalBytes: null,
    preliminaryTotal: null,
    heapSections: [],
    fragmented: [],
    hasHeader: false,
  };
}

type StatState = 'prelude' | 'rows' | 'done' | 'fragmented';

/**
 * Reads one `MT Count TotalSize Class Name` table line by line into a StatTable. Shared by the
 * dumpheap statistics and finalizequeue's "Statistics for all finalizable objects".
 */
export class StatTableReader {
  private state: StatState = 'prelude';
  private sawStatistics = false;
  /** The last row while its class name may still continue on the next line. */
  private openRow: { name: string } | null = null;

  constructor(readonly table: StatTable) {}

  get hasRows(): boolean {
    return this.table.rows.length > 0;
  }

  get finished(): boolean {
    return this.state === 'done' || this.state === 'fragmented';
  }

  accept(view: LineView): boolean {
    const { trimmed, tokens } = view;
    if (this.state === 'prelude' || this.state === 'rows') {
      if (this.acceptPreludeOrRow(view)) return true;
      return this.acceptWrappedName(view);
    }
    if (trimmed.startsWith('Fragmented blocks larger than')) {
      this.state = 'fragmented';
      return true;
    }
    if (this.state === 'fragmented') {
      if (tokens[0] === 'Addr' || tokens[0] === 'Address') return true;
      const fragment = parseFragmentRow(view);
      if (fragment) {
        this.table.fragmented.push(fragment);
        return true;
      }
    }
    return false;
  }

  private acceptPreludeOrRow(view: LineView): boolean {
    const { trimmed, tokens } = view;
    const table = this.table;
    if (this.state === 'prelude') {
      const preliminary = parsePreliminaryTotal(tokens);
      if (preliminary !== null) {
        const section = table.heapSections.at(-1);
        if (section && section.objects === null) section.objects = preliminary;
        else table.preliminaryTotal = preliminary;
        return true;
      }
      if (tokens.length === 2 && tokens[0] === 'Heap' && parseGroupedInt(tokens[1]) !== null) {
        table.heapSections.push({ heap: Number(tokens[1]), objects: null });
        return true;
      }
      if (isRule(trimmed) && !table.hasHeader) return true;
      if (trimmed === 'Statistics:' && !this.sawStatistics && !table.hasHeader) {
        this.sawStatistics = true;
        // a last `total N objects` after per-heap sections is the grand total
        return true;
      }
      if (isStatHeader(tokens) && !table.hasHeader) {
        table.hasHeader = true;
        return true;
      }
    }
    const footer = parseStatFooter(tokens);
    if (footer) {
      table.totalObjects = footer.objects;
      table.totalBytes = footer.bytes;
      this.state = 'done';
      this.openRow = null;
      return true;
    }
    const row = parseStatRow(view);
    if (row) {
      const stored: StatRow = {
        mt: row.mt,
        mtText: row.mtText,
        count: row.count,
        bytes: row.bytes,
        name: row.name,
        line: view.number,
      };
      table.rows.push(stored);
      this.openRow = row.name === '' || hasUnbalancedBrackets(row.name) ? (stored as { name: string }) : null;
      this.state = 'rows';
      return true;
    }
    return false;
  }

  /** Spec §5: a long class name wraps; sometimes the whole name sits on the next line. */
  private acceptWrappedName(view: LineView): boolean {
    const open = this.openRow;
    if (!open || isElision(view.trimmed) || view.tokens.length === 0 || isAddressToken(view.tokens[0])) return false;
    if (open.name !== '' && view.trimmed.includes('  ')) return false;
    open.name = joinWrapped(open.name, view.trimmed);
    if (!hasUnbalancedBrackets(open.name)) this.openRow = null;
    return true;
  }
}

/** `000000012f9ca960    3.7MB 000000012fd7cc48 System.Byte[]` or new-style byte counts. */
function parseFragmentRow(view: LineView) {
  const t = view.tokens;
  if (t.length < 4 || !isAddressToken(t[0]) || !isAddressToken(t[2])) return null;
  const bytes = parseGroupedInt(t[1]) ?? parseHumanSize(t[1]);
  const address = normalizeHex(t[0]);
  const followedBy = normalizeHex(t[2]);
  if (bytes === null || address === null || followedBy === null) return null;
  return { address, bytes, followedBy, followedByType: restAfterTokens(view.trimmed, 3) };
}

/** The dumpheap options that restrict what a table covers (anything but -stat, /d, -short). */
export function dumpheapFilter(command: SosCommand | null): string[] {
  if (!command || command.name !== 'dumpheap') return [];
  return command.args.filter((arg) => !NON_FILTER_OPTIONS.has(arg.toLowerCase()));
}

const NON_FILTER_OPTIONS = new Set(['-stat', '/d', '-short', '-nostrings', '-thinlock']);

export class StatBlockParser implements BlockParser {
  readonly block: StatBlock;
  private readonly reader: StatTableReader;

  constructor(line: number, command: SosCommand | null, origin: 'stat' | 'listing') {
    this.block = {
      kind: 'dumpheap-stat',
      line,
      endLine: line,
      command,
      elided: false,
      noiseLines: 0,
      origin,
      filter: dumpheapFilter(command),
      ...emptyStatTable(),
    };
    this.reader = new StatTableReader(this.block);
  }

  accept(view: LineView): boolean {
    return this.reader.accept(view);
  }

  finish(warnings: string[]): void {
    const block = this.block;
    if (block.totalObjects === null || block.rows.length === 0) return;
    let objects = 0;
    for (const row of block.rows) objects += row.count;
    if (objects !== block.totalObjects) {
      if (objects < block.totalObjects) block.elided = true;
      warnings.push(
        `line ${block.line}: dumpheap statistics rows add up to ${formatCount(objects)} objects but the footer says ${formatCount(block.totalObjects)}` +
          (objects < block.totalObjects ? ' (rows were cut)' : ''),
      );
    }
  }
}

/** Initial capacity of listing columns; they grow by doubling. */
const INITIAL_LISTING_ROWS = 256;

export class ListingBlockParser implements BlockParser {
  readonly block: ListingBlock;
  private readonly mtIndex = new Map<string, number>();

  constructor(line: number, command: SosCommand | null) {
    this.block = {
      kind: 'dumpheap-listing',
      line,
      endLine: line,
      command,
      elided: false,
      noiseLines: 0,
      hasHeader: false,
      mts: [],
      mtTexts: [],
      addressForm: null,
      mtNames: [],
      rows: {
        count: 0,
        addressLo: new Uint32Array(INITIAL_LISTING_ROWS),
        addressHi: new Uint32Array(INITIAL_LISTING_ROWS),
        size: new Float64Array(INITIAL_LISTING_ROWS),
        mtIndex: new Uint32Array(INITIAL_LISTING_ROWS),
      },
      freeRows: 0,
      statedTotal: null,
      filter: dumpheapFilter(command),
    };
  }

  accept(view: LineView): boolean {
    const block = this.block;
    const { trimmed, tokens } = view;
    if (trimmed === 'Using our cache to search the heap.' || trimmed.startsWith('Loading the heap objects')) {
      return block.rows.count === 0;
    }
    if (isListingHeader(tokens)) {
      if (block.hasHeader || block.rows.count > 0) return false;
      block.hasHeader = true;
      return true;
    }
    const total = parsePreliminaryTotal(tokens);
    if (total !== null && block.rows.count > 0 && block.statedTotal === null) {
      block.statedTotal = total;
      return true;
    }
    if (block.statedTotal !== null) return false;
    const row = parseListingRow(view);
    if (!row) return false;
    this.addRow(row.address, row.mt, row.mtText, row.size, row.typeName);
    this.noteAddressForm(row.addressText);
    if (row.free) block.freeRows++;
    return true;
  }

  /** The rows' printed address form: the first row's, unless a later row differs. */
  private noteAddressForm(text: string): void {
    const form = hexFormOf(text);
    if (this.block.rows.count === 1) this.block.addressForm = form;
    else if (this.block.addressForm && (!form || !sameHexForm(form, this.block.addressForm))) {
      this.block.addressForm = null;
    }
  }

  private addRow(address: string, mt: string, mtText: string, size: number, typeName: string | null): void {
    const rows = this.block.rows;
    if (rows.count === rows.addressLo.length) {
      const capacity = rows.count * 2;
      rows.addressLo = grow(rows.addressLo, new Uint32Array(capacity));
      rows.addressHi = grow(rows.addressHi, new Uint32Array(capacity));
      rows.size = grow(rows.size, new Float64Array(capacity));
      rows.mtIndex = grow(rows.mtIndex, new Uint32Array(capacity));
    }
    let index = this.mtIndex.get(mt);
    if (index === undefined) {
      index = this.block.mts.length;
      this.mtIndex.set(mt, index);
      this.block.mts.push(mt);
      this.block.mtTexts.push(mtText);
      this.block.mtNames.push(null);
    }
    if (typeName !== null && this.block.mtNames[index] === null) this.block.mtNames[index] = typeName;
    const halves = hexToHalves(address);
    rows.addressLo[rows.count] = halves.lo;
    rows.addressHi[rows.count] = halves.hi;
    rows.size[rows.count] = size;
    rows.mtIndex[rows.count] = index;
    rows.count++;
  }

  finish(warnings: string[]): void {
    const block = this.block;
    if (block.statedTotal !== null && block.statedTotal !== block.rows.count) {
      if (block.statedTotal > block.rows.count) block.elided = true;
      warnings.push(
        `line ${block.line}: dumpheap listing shows ${formatCount(block.rows.count)} rows but says total ${formatCount(block.statedTotal)} objects`,
      );
    }
  }
}

function grow<T extends Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
