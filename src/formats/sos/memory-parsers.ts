/**
 * Memory-level outputs: `!maddress -summary` (the `| kind | count | size | bytes |` table), WinDbg
 * `!address -summary` in its old (~2007) and modern layouts (spec §7), `eeheap -gc` in the .NET 2.0,
 * .NET 5/6 and regions forms, `finalizequeue` and `objsize`.
 */
import type { BlockParser } from './block-parser';
import { parseObjSizeLine } from './dumpobj-parser';
import { isRule, type LineView } from './line-shapes';
import { isAddressToken, normalizeHex, parseGroupedInt, parseHexNumber, parseSizePair, formatCount } from './numbers';
import { emptyStatTable, StatTableReader } from './stat-parser';
import type {
  AddressSummaryBlock,
  EeHeapBlock,
  EeHeapHeap,
  FinalizeQueueBlock,
  GcArea,
  MemorySummaryBlock,
  ObjSizeBlock,
  SosCommand,
} from './transcript-types';

/** Cells of a `|`-separated table row, empty edge cells dropped. */
function pipeCells(trimmed: string): string[] {
  const cells = trimmed.split('|').map((cell) => cell.trim());
  if (cells[0] === '') cells.shift();
  if (cells.at(-1) === '') cells.pop();
  return cells;
}

/** True for a `| Memory Type | Count | Size | Size (bytes) |` header or data row. */
export function isMemoryTableLine(trimmed: string): boolean {
  return trimmed.split('|').length >= 4;
}

export class MemorySummaryParser implements BlockParser {
  readonly block: MemorySummaryBlock;

  constructor(line: number, command: SosCommand | null) {
    this.block = {
      kind: 'memory-summary',
      line,
      endLine: line,
      command,
      elided: false,
      noiseLines: 0,
      rows: [],
      total: null,
    };
  }

  accept(view: LineView): boolean {
    const { trimmed } = view;
    if (isRule(trimmed)) return this.block.total === null || trimmed.startsWith('+');
    if (!isMemoryTableLine(trimmed)) return false;
    const cells = pipeCells(trimmed);
    if (cells.length < 3) return false;
    const count = parseGroupedInt(cells[1]);
    const bytes = parseGroupedInt(cells.at(-1) ?? '');
    if (count === null || bytes === null) {
      // the header row (`Memory Type`, `Memory Kind`)
      return this.block.rows.length === 0 && this.block.total === null;
    }
    if (cells[0] === '[TOTAL]' || cells[0].toLowerCase() === 'total') {
      this.block.total = { count, bytes };
      return true;
    }
    if (this.block.total !== null) return false;
    this.block.rows.push({ kind: cells[0], count, bytes, sizeText: cells.length >= 4 ? cells[2] : '' });
    return true;
  }

  finish(warnings: string[]): void {
    const { rows, total } = this.block;
    if (!total) return;
    let bytes = 0;
    for (const row of rows) bytes += row.bytes;
    if (bytes !== total.bytes) {
      if (bytes < total.bytes) this.block.elided = true;
      warnings.push(
        `line ${this.block.line}: maddress rows add up to ${formatCount(bytes)} bytes but [TOTAL] says ${formatCount(total.bytes)}`,
      );
    }
  }
}

/** `--- Usage Summary ---------------- RgnCount ---` (modern) or `---- Usage SUMMARY ----` (old). */
export function addressSummaryTitle(trimmed: string): { layout: 'modern' | 'old'; title: string } | null {
  if (!trimmed.startsWith('---')) return null;
  const body = trimmed.replace(/^-+\s*/, '');
  const summaryAt = body.indexOf(' Summary');
  if (summaryAt > 0 && body.includes('RgnCount')) return { layout: 'modern', title: body.slice(0, summaryAt) };
  if (body.startsWith('Largest Region')) return { layout: 'modern', title: 'Largest Region' };
  const oldAt = body.indexOf(' SUMMARY');
  if (oldAt > 0) return { layout: 'old', title: body.slice(0, oldAt) };
  return null;
}

export class AddressSummaryParser implements BlockParser {
  readonly block: AddressSummaryBlock;
  private section: { title: string; rows: AddressSummaryBlock['sections'][number]['rows'] } | null = null;

  constructor(line: number, command: SosCommand | null, layout: 'modern' | 'old') {
    this.block = {
      kind: 'address-summary',
      line,
      endLine: line,
      command,
      elided: false,
      noiseLines: 0,
      layout,
      sections: [],
    };
  }

  accept(view: LineView): boolean {
    const { trimmed, tokens } = view;
    const title = addressSummaryTitle(trimmed);
    if (title) {
      if (title.layout !== this.block.layout) return false;
      if (this.block.sections.some((section) => section.title === title.title)) return false;
      this.section = { title: title.title, rows: [] };
      this.block.sections.push(this.section);
      return true;
    }
    if (!this.section) return false;
    if (this.block.layout === 'old') {
      if (tokens[0] === 'TotSize' || tokens[0] === 'Tot:' || trimmed.startsWith('Largest free region')) return true;
      // `701000 (   7172) : 00.34%   20.69%   : RegionUsageIsVAD`: hex bytes, KB, percentages, name
      const colon = trimmed.lastIndexOf(':');
      const bytes = parseHexNumber(tokens[0] ?? '');
      if (colon < 0 || bytes === null || !tokens[1]?.startsWith('(')) return false;
      this.section.rows.push({ kind: trimmed.slice(colon + 1).trim(), count: null, bytes });
      return true;
    }
    return this.acceptModernRow(tokens);
  }

  private acceptModernRow(tokens: readonly string[]): boolean {
    const section = this.section!;
    if (section.title === 'Largest Region') {
      for (let i = 1; i + 1 < tokens.length; i++) {
        if (isAddressToken(tokens[i]) && isAddressToken(tokens[i + 1])) {
          const bytes = parseHexNumber(tokens[i + 1]);
          if (bytes === null) return false;
          section.rows.push({ kind: tokens.slice(0, i).join(' '), count: null, bytes });
          return true;
        }
      }
      return false;
    }
    for (let i = 1; i + 1 < tokens.length; i++) {
      const count = parseGroupedInt(tokens[i]);
      const bytes = count === null ? null : parseHexNumber(tokens[i + 1]);
      if (count !== null && bytes !== null && tokens[i + 2]?.startsWith('(')) {
        section.rows.push({ kind: tokens.slice(0, i).join(' '), count, bytes });
        return true;
      }
    }
    return false;
  }
}

/** Lines that open or belong to `eeheap -gc` whatever the runtime version. */
export function isEeHeapLine(trimmed: string): boolean {
  return (
    trimmed.startsWith('Number of GC Heaps:') ||
    /^DATAS = \d+$/.test(trimmed) ||
    /^(?:sd)?generation \d starts at /.test(trimmed) ||
    trimmed.startsWith('ephemeral segment allocation context') ||
    /^Heap \d+ \([0-9a-fA-Fx`]+\)$/.test(trimmed) ||
    trimmed === 'Small object heap' ||
    trimmed.startsWith('GC Heap Size') ||
    trimmed.startsWith('GC Allocated Heap Size') ||
    trimmed.startsWith('GC Committed Heap Size')
  );
}

export class EeHeapParser implements BlockParser {
  readonly block: EeHeapBlock;
  private heap: EeHeapHeap | null = null;
  private area: GcArea = 'soh';

  constructor(line: number, command: SosCommand | null) {
    this.block = {
      kind: 'eeheap',
      line,
      endLine: line,
      command,
      elided: false,
      noiseLines: 0,
      heapCount: null,
      heaps: [],
      gcHeapSize: null,
      gcCommittedSize: null,
    };
  }

  private currentHeap(): EeHeapHeap {
    if (!this.heap) {
      this.heap = { index: null, generationStarts: [], segments: [], heapSize: null, committedSize: null };
      this.block.heaps.push(this.heap);
    }
    return this.heap;
  }

  accept(view: LineView): boolean {
    const { trimmed, tokens } = view;
    const block = this.block;
    if (trimmed.startsWith('Number of GC Heaps:')) {
      block.heapCount = parseGroupedInt(tokens.at(-1) ?? '');
      return true;
    }
    if (isRule(trimmed) || /^DATAS = \d+$/.test(trimmed)) return true; // .NET 9+: dynamic adaptation
    const heapLine = /^Heap (\d+) \(/.exec(trimmed);
    if (heapLine && trimmed.endsWith(')')) {
      this.heap = {
        index: Number(heapLine[1]),
        generationStarts: [],
        segments: [],
        heapSize: null,
        committedSize: null,
      };
      block.heaps.push(this.heap);
      this.area = 'soh';
      return true;
    }
    const generationStart = /^(?:sd)?generation (\d) starts at (\S+)$/.exec(trimmed);
    if (generationStart) {
      this.currentHeap().generationStarts.push({
        generation: Number(generationStart[1]),
        address: normalizeHex(generationStart[2]) ?? generationStart[2],
        addressText: generationStart[2],
      });
      return true;
    }
    if (
      trimmed.startsWith('ephemeral segment allocation context') ||
      (tokens[0] === 'segment' && tokens[1] === 'begin')
    ) {
      return true;
    }
    if (trimmed.startsWith('Large object heap')) return this.setArea('loh');
    if (trimmed.startsWith('Pinned object heap')) return this.setArea('poh');
    if (trimmed.startsWith('Frozen object heap') || trimmed.startsWith('NonGC heap')) return this.setArea('foh');
    if (trimmed === 'Small object heap') return this.setArea('soh');
    const regionGeneration = /^generation (\d):$/.exec(trimmed);
    if (regionGeneration) return this.setArea(`gen${Math.min(2, Number(regionGeneration[1]))}` as GcArea);
    if (this.acceptSizeLine(trimmed)) return true;
    // segment rows: hex columns, then `0x…(N)` size pairs
    let hexCount = 0;
    while (
      hexCount < tokens.length &&
      isAddressToken(tokens[hexCount]) &&
      !tokens[hexCount].includes('(') &&
      !tokens[hexCount + 1]?.startsWith('(')
    ) {
      hexCount++;
    }
    if (hexCount >= 2) {
      const sizes = sizePairs(tokens.slice(hexCount).join(' '));
      if (sizes.length > 0) {
        const addresses = tokens.slice(0, hexCount).map((token) => normalizeHex(token) ?? token);
        this.currentHeap().segments.push({
          area: this.area,
          addresses,
          addressTexts: tokens.slice(0, hexCount),
          ...segmentSizes(addresses, sizes),
          line: view.number,
        });
        return true;
      }
    }
    return false;
  }

  finish(warnings: string[]): void {
    const block = this.block;
    if (block.gcHeapSize === null) return;
    let allocated = 0;
    for (const heap of block.heaps) for (const segment of heap.segments) allocated += segment.allocatedSize ?? 0;
    if (allocated !== block.gcHeapSize) {
      warnings.push(
        `line ${block.line}: eeheap segments hold ${formatCount(allocated)} allocated bytes but the GC heap size says ${formatCount(block.gcHeapSize)}`,
      );
    }
  }

  private setArea(area: GcArea): boolean {
    this.area = area;
    return true;
  }

  /** `Heap Size`, `Total Size`, `GC Heap Size`, `Allocated Heap Size:`, `GC Committed Heap Size:` … */
  private acceptSizeLine(trimmed: string): boolean {
    const match = /^(GC )?(Allocated |Committed |Total )?(Heap )?Size:?\s+(.*)$/.exec(trimmed);
    if (!match || (!match[3] && match[2] !== 'Total ')) return false;
    const size = sizePairs(match[4])[0] ?? null;
    const committed = match[2] === 'Committed ';
    if (match[1]) {
      if (committed) this.block.gcCommittedSize = size;
      else this.block.gcHeapSize = size;
    } else if (match[2] !== 'Total ' || this.block.heaps.length > 0) {
      const heap = this.currentHeap();
      if (committed) heap.committedSize = size;
      else heap.heapSize = size;
    }
    return true;
  }
}

/**
 * Which printed sizes are which. Columns are `segment begin allocated [committed]` then the sizes;
 * .NET 7+ leaves the allocated size blank when nothing is allocated (`allocated == begin`), so a
 * lone size is the committed one unless it equals `allocated − begin`.
 */
function segmentSizes(
  addresses: readonly string[],
  sizes: readonly number[],
): { allocatedSize: number | null; committedSize: number | null } {
  const span = (from: number, to: number) =>
    addresses.length > to ? parseInt(addresses[to], 16) - parseInt(addresses[from], 16) : null;
  if (sizes.length >= 2) return { allocatedSize: sizes[0], committedSize: sizes[1] };
  const allocated = span(1, 2);
  if (addresses.length >= 4 && allocated !== null && allocated !== sizes[0]) {
    return { allocatedSize: allocated, committedSize: sizes[0] };
  }
  return { allocatedSize: sizes[0], committedSize: null };
}

/** Every `0x…(N)` / `0x… (N)` / `N(0x…)` pair in a text, as decimals. */
function sizePairs(text: string): number[] {
  const sizes: number[] = [];
  let from = 0;
  for (let guard = 0; guard < 8; guard++) {
    const open = text.indexOf('(', from);
    if (open < 0) break;
    const close = text.indexOf(')', open);
    if (close < 0) break;
    let start = open - 1;
    while (start >= 0 && text[start] === ' ') start--;
    while (start >= 0 && text[start] !== ' ' && text[start] !== ')') start--;
    const size = parseSizePair(text.slice(start + 1, close + 1));
    if (size !== null) sizes.push(size);
    from = close + 1;
  }
  return sizes;
}

/** `generation 0 has 66 finalizable objects (…)` */
const FINALIZABLE_GENERATION = /^generation (\d) has (\S+) finalizable objects/;

export function isFinalizeQueueStart(trimmed: string): boolean {
  return (
    trimmed.startsWith('SyncBlocks to be cleaned up:') ||
    FINALIZABLE_GENERATION.test(trimmed) ||
    trimmed.startsWith('Statistics for all finalizable objects')
  );
}

export class FinalizeQueueParser implements BlockParser {
  readonly block: FinalizeQueueBlock;
  private readonly reader: StatTableReader;
  private heap: number | null = null;
  private inTable = false;

  constructor(line: number, command: SosCommand | null) {
    this.block = {
      kind: 'finalizequeue',
      line,
      endLine: line,
      command,
      elided: false,
      noiseLines: 0,
      generations: [],
      readyForFinalization: null,
      table: emptyStatTable(),
    };
    this.reader = new StatTableReader(this.block.table);
  }

  accept(view: LineView): boolean {
    const { trimmed, tokens } = view;
    if (this.inTable) return this.reader.accept(view);
    if (
      trimmed.startsWith('SyncBlocks to be cleaned up') ||
      trimmed.startsWith('Free-Threaded Interfaces to be released') ||
      trimmed.startsWith('MTA Interfaces to be released') ||
      trimmed.startsWith('STA Interfaces to be released') ||
      isRule(trimmed)
    ) {
      return true;
    }
    if (tokens.length === 2 && tokens[0] === 'Heap' && parseGroupedInt(tokens[1]) !== null) {
      this.heap = Number(tokens[1]);
      return true;
    }
    const generation = FINALIZABLE_GENERATION.exec(trimmed);
    if (generation) {
      this.block.generations.push({
        heap: this.heap,
        generation: Number(generation[1]),
        objects: parseGroupedInt(generation[2]) ?? 0,
      });
      return true;
    }
    if (trimmed.startsWith('Ready for finalization')) {
      this.block.readyForFinalization = parseGroupedInt(tokens[3] ?? '');
      return true;
    }
    if (trimmed.startsWith('Statistics for all finalizable objects')) {
      this.inTable = true;
      return true;
    }
    return false;
  }
}

export class ObjSizeParser implements BlockParser {
  readonly block: ObjSizeBlock;

  constructor(line: number, command: SosCommand | null) {
    this.block = { kind: 'objsize', line, endLine: line, command, elided: false, noiseLines: 0, results: [] };
  }

  accept(view: LineView): boolean {
    const result = parseObjSizeLine(view.trimmed);
    if (!result) return false;
    this.block.results.push({ ...result, line: view.number });
    return true;
  }
}
