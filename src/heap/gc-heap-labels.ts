/**
 * Naming the GC heap in a full dump's memory map with what another input of the same process knows
 * (issue #9, docs/specs/core-dumps.md §3): a core alone cannot tell the GC's memory from any other
 * read-write memory, but a transcript's `eeheap -gc` lists every segment or region (begin,
 * allocated, committed) and PerfView's .gcdump carries the segment table. The parts of the core's
 * regions inside those ranges become `GCHeap` rows, as SOS's maddress names them; nothing else is
 * renamed, and ranges that lie outside the core's memory are counted so a mismatched file shows.
 */
import type { MemoryRegion } from './memory-map';
import type { GcHeapLayout, GcSegment } from './types';

export const GC_HEAP_KIND = 'GCHeap';

/** A half-open address range [start, end). */
export interface AddressRange {
  readonly start: bigint;
  readonly end: bigint;
}

const PAGE = 0x1000n;

/**
 * The GC's memory per `eeheap -gc`: from the page holding each segment's `begin` to its `committed`
 * end (to `allocated`, rounded up to a page, where the runtime prints no committed column).
 */
export function gcRangesFromLayout(layout: GcHeapLayout): AddressRange[] {
  const ranges: AddressRange[] = [];
  for (const heap of layout.heaps) {
    for (const segment of heap.segments) {
      const [, begin, allocated, committed] = segment.addresses.map((text) =>
        /^[0-9a-f]{1,16}$/.test(text) ? BigInt(`0x${text}`) : null,
      );
      if (begin === null || begin === undefined) continue;
      const start = begin - (begin % PAGE);
      let end = committed ?? null;
      if (end === null && allocated !== null && allocated !== undefined) end = ((allocated + PAGE - 1n) / PAGE) * PAGE;
      if (end !== null && end > start) ranges.push({ start, end });
    }
  }
  return mergeRanges(ranges);
}

/** PerfView's segment table (a dotnet-gcdump file has none). */
export function gcRangesFromSegments(segments: readonly GcSegment[]): AddressRange[] {
  return mergeRanges(segments.filter((s) => s.end > s.start).map((s) => ({ start: s.start, end: s.end })));
}

function mergeRanges(ranges: AddressRange[]): AddressRange[] {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: { start: bigint; end: bigint }[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) last.end = range.end > last.end ? range.end : last.end;
    else merged.push({ ...range });
  }
  return merged;
}

export interface GcHeapLabelling {
  readonly regions: MemoryRegion[];
  /** Bytes of the core now named GCHeap. */
  readonly labelledBytes: bigint;
  /** Bytes of the GC ranges that no region of the core holds (a different process, or not dumped). */
  readonly outsideBytes: bigint;
  readonly rangeBytes: bigint;
}

/**
 * Splits each region at the GC ranges' edges and names the parts inside them GCHeap. Regions and
 * ranges are both sorted by start, so one merge pass: O(regions + ranges).
 */
export function labelGcHeap(regions: readonly MemoryRegion[], ranges: readonly AddressRange[]): GcHeapLabelling {
  const sorted = [...regions].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: MemoryRegion[] = [];
  let labelledBytes = 0n;
  let r = 0;
  for (const region of sorted) {
    const end = region.start + region.size;
    while (r < ranges.length && ranges[r].end <= region.start) r++;
    let cursor = region.start;
    for (let k = r; k < ranges.length && ranges[k].start < end; k++) {
      const from = ranges[k].start > cursor ? ranges[k].start : cursor;
      const to = ranges[k].end < end ? ranges[k].end : end;
      if (to <= from) continue;
      if (from > cursor) out.push({ ...region, start: cursor, size: from - cursor });
      out.push({ ...region, start: from, size: to - from, kind: GC_HEAP_KIND });
      labelledBytes += to - from;
      cursor = to;
    }
    if (cursor < end) out.push({ ...region, start: cursor, size: end - cursor });
  }
  let rangeBytes = 0n;
  for (const range of ranges) rangeBytes += range.end - range.start;
  return { regions: out, labelledBytes, outsideBytes: rangeBytes - labelledBytes, rangeBytes };
}

/** A sentence for the summary: how much was named, and from what. */
export function describeLabelling(labelling: GcHeapLabelling, from: string): string {
  const bytes = (value: bigint) => `${value.toLocaleString('en-US')} bytes`;
  const outside =
    labelling.outsideBytes > 0n
      ? ` ${bytes(labelling.outsideBytes)} of its GC ranges lie outside this dump's memory${
          labelling.outsideBytes * 10n > labelling.rangeBytes ? ': is it of the same process?' : '.'
        }`
      : '';
  return `The GCHeap row (${bytes(labelling.labelledBytes)}) comes from ${from}.${outside}`;
}

/** The reader's note on a full dump's GC heap: where its GCHeap row came from, or how to get one. */
export function gcHeapNote(labelling: GcHeapLabelling | null, from: string | null, alone: string): string {
  return labelling && from !== null
    ? `${describeLabelling(labelling, from)} The loader heaps are not named.`
    : `The GC heap and loader heaps are not named from ${alone} alone: load a .gcdump or SOS transcript of the same process to name them.`;
}
