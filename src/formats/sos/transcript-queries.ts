/**
 * Pure questions over a parsed transcript, for the CLI (`heapscope stat FILE.txt`,
 * `heapscope roots FILE.txt --json`) and for the heap-model builder.
 */
import type { GcRootKind, SosBlock, SosBlockKind, SosTranscript, StatBlock } from './transcript-types';

/** The block type that can carry a given kind (`dumpobj` and `dumparray` share DumpObjBlock). */
export type BlockOfKind<K extends SosBlockKind> = SosBlock extends infer B
  ? B extends { kind: infer BK }
    ? K extends BK
      ? B
      : never
    : never
  : never;

/** The blocks of one kind, in transcript order. */
export function blocksOfKind<K extends SosBlockKind>(transcript: SosTranscript, kind: K): BlockOfKind<K>[] {
  return transcript.blocks.filter((block) => block.kind === kind) as BlockOfKind<K>[];
}

export interface WholeHeapStat {
  /** Rows as printed (ascending by size in SOS), the MT as printed. */
  readonly rows: { mt: string; count: number; bytes: number; name: string }[];
  /**
   * The footer's `Total N objects`; when the footer is missing and no rows were cut, the sum of the
   * rows; otherwise null (the transcript does not say).
   */
  readonly totalObjects: number | null;
  /** The footer's bytes; else the sum of the rows when none were cut; otherwise null. */
  readonly totalBytes: number | null;
  /** Rows were cut (an elision marker, or the rows do not add up to the footer). */
  readonly elided: boolean;
  /** Where the table starts (1-based line). */
  readonly line: number;
}

/**
 * A stat block printed for the whole heap: no `-type`/`-mt`/`-min`/`-max`/range filter. The
 * Statistics that close a listing belong to the listing's command: without that command echoed, its
 * filter is unknown (`dumpheap -mt …` prints such a block), so it is never taken for the whole heap.
 */
export function isWholeHeapStat(block: StatBlock): boolean {
  return block.filter.length === 0 && !(block.origin === 'listing' && block.command === null);
}

/** How a stat block was asked for, in SOS's words: `dumpheap -stat -type X`, or what is known of it. */
export function statCommandText(block: StatBlock): string {
  if (block.command) return [block.command.name, ...block.command.args].join(' ');
  return block.origin === 'listing'
    ? 'the Statistics of a listing whose command is not shown'
    : 'dumpheap -stat (command not shown)';
}

/**
 * The whole-heap `dumpheap -stat` block: the LAST unfiltered table that has a footer; when no
 * unfiltered table has one, the last unfiltered table with rows (an excerpt). Null when the
 * transcript has no unfiltered table.
 */
export function wholeHeapStatBlock(transcript: SosTranscript): StatBlock | null {
  let withFooter: StatBlock | null = null;
  let withRows: StatBlock | null = null;
  for (const block of transcript.blocks) {
    if (block.kind !== 'dumpheap-stat' || !isWholeHeapStat(block)) continue;
    if (block.totalObjects !== null) withFooter = block;
    if (block.rows.length > 0) withRows = block;
  }
  return withFooter ?? withRows;
}

export function wholeHeapStat(transcript: SosTranscript): WholeHeapStat | null {
  const block = wholeHeapStatBlock(transcript);
  return block ? statOfBlock(block) : null;
}

/** Every stat table of the transcript, in order: what `heapscope stat` can answer from. */
export function statBlocks(transcript: SosTranscript): StatBlock[] {
  return blocksOfKind(transcript, 'dumpheap-stat');
}

/** One stat table's rows and totals (the footer's, else the rows' sums when none were cut). */
export function statOfBlock(block: StatBlock): WholeHeapStat {
  let rowObjects = 0;
  let rowBytes = 0;
  for (const row of block.rows) {
    rowObjects += row.count;
    rowBytes += row.bytes;
  }
  const complete = !block.elided;
  return {
    // The MT as printed: a user greps the transcript for it (`00007fcf…`, not `7fcf…`).
    rows: block.rows.map((row) => ({ mt: row.mtText, count: row.count, bytes: row.bytes, name: row.name })),
    totalObjects: block.totalObjects ?? (complete ? rowObjects : null),
    totalBytes:
      block.totalBytes ??
      (complete && (block.totalObjects === null || block.totalObjects === rowObjects) ? rowBytes : null),
    elided: block.elided,
    line: block.line,
  };
}

export interface GcRootChainData {
  readonly root: { kind: GcRootKind; name: string; thread?: string };
  /** From the object next to the root to the object gcroot was asked about. */
  readonly steps: {
    address: string;
    /** The address as printed. */
    addressText: string;
    type: string;
    interior?: boolean;
    dependent?: boolean;
    /** An elision (`...`) sits between the previous step (or the root) and this one. */
    elidedBefore?: boolean;
  }[];
  /** The chain starts without its root, or its first links were cut. */
  readonly elidedBefore?: boolean;
  /** Line of the chain's first step. */
  readonly line: number;
}

/** Every gcroot chain of the transcript, in order, as plain data. */
export function gcrootChains(transcript: SosTranscript): GcRootChainData[] {
  const chains: GcRootChainData[] = [];
  for (const block of transcript.blocks) {
    if (block.kind !== 'gcroot') continue;
    for (const chain of block.chains) {
      const root: GcRootChainData['root'] = { kind: chain.root.kind, name: chain.root.name };
      if (chain.root.thread !== null) root.thread = chain.root.thread;
      const steps = chain.steps.map((step) => {
        const data: GcRootChainData['steps'][number] = {
          address: step.address,
          addressText: step.addressText,
          type: step.type,
        };
        if (step.interior) data.interior = true;
        if (step.dependent) data.dependent = true;
        if (step.elidedBefore) data.elidedBefore = true;
        return data;
      });
      const elidedBefore = chain.rootMissing || (chain.steps[0]?.elidedBefore ?? false);
      chains.push(elidedBefore ? { root, steps, elidedBefore, line: chain.line } : { root, steps, line: chain.line });
    }
  }
  return chains;
}
