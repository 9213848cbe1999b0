/**
 * Pure questions over a parsed transcript, for the CLI (`heapscope stat FILE.txt`,
 * `heapscope roots FILE.txt --json`) and for the heap-model builder.
 */
import type { GcRootKind, SosBlock, SosBlockKind, SosTranscript, StatBlock } from './transcript-types';
import { formatCount } from './numbers';

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
  return (
    block.filter.length === 0 &&
    isDumpheapTable(block) &&
    !(block.origin === 'listing' && block.command === null) &&
    !isBareRows(block)
  );
}

/**
 * The table is dumpheap's: its command is not shown, or is `dumpheap`. Another command's own
 * Statistics (`!GCHandles`: the objects its handles hold) say nothing of the heap.
 */
export function isDumpheapTable(block: StatBlock): boolean {
  return block.command === null || block.command.name === 'dumpheap';
}

/**
 * Rows alone: no command, no header, no footer — someone's excerpt of a table whose scope and
 * totals the transcript does not show. Its sums are lower bounds, and it is never the whole heap.
 */
export function isBareRows(block: StatBlock): boolean {
  return block.command === null && !block.hasHeader && block.totalObjects === null;
}

/**
 * What a stat table covers, in words: the whole heap, the filter it was printed for, or why its
 * scope is not known — the one judgement `show`, the golden report and `stat` share.
 */
export function statScope(block: StatBlock): string {
  if (!isDumpheapTable(block)) return `${block.command!.name}'s own Statistics, not the heap`;
  if (block.filter.length > 0) return block.filter.join(' ');
  if (isWholeHeapStat(block)) return 'none (whole heap)';
  return isBareRows(block) ? 'not shown (rows pasted alone)' : "not shown (a listing's Statistics without its command)";
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
  return blocksOfKind(transcript, 'dumpheap-stat').filter(isDumpheapTable);
}

/** One stat table's rows and totals: the footer's (its bytes from the rows when its count proves them all there), else null. */
export function statOfBlock(block: StatBlock): WholeHeapStat {
  let rowObjects = 0;
  let rowBytes = 0;
  for (const row of block.rows) {
    rowObjects += row.count;
    rowBytes += row.bytes;
  }
  // SOS always prints the footer: without it the copy was cut, so the rows' sums are lower bounds.
  // The bytes are exact only when the footer's count proves every row is there.
  return {
    // The MT as printed: a user greps the transcript for it (`00007fcf…`, not `7fcf…`).
    rows: block.rows.map((row) => ({ mt: row.mtText, count: row.count, bytes: row.bytes, name: row.name })),
    totalObjects: block.totalObjects,
    totalBytes:
      block.totalBytes ?? (block.totalObjects !== null && block.totalObjects === rowObjects ? rowBytes : null),
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

/** One debugger session of a transcript: the lines from one dump's opening to the next's. */
export interface TranscriptSession {
  /** 1-based, in order. */
  readonly index: number;
  readonly firstLine: number;
  readonly lastLine: number;
  /** What says a new session starts here; null for the first. */
  readonly reason: string | null;
  /** Heap blocks (stat tables, listings, gcroot, dumpobj …) inside it. */
  readonly blocks: number;
}

/** On one line, a dump's opening comes before a command, a command before its table. */
const EVENT_ORDER = { opening: 0, command: 1, stat: 2 } as const;

/** A command that moves WinDbg to another thread or process (the prompt changes within one session). */
const CONTEXT_SWITCH = /^(~|\||\.thread\b|\.process\b|\.cxr\b|\.ecxr\b)/;

/**
 * Where a transcript holds several debugger sessions (two dumps pasted one after the other): a dump
 * opened again (`Loading Dump File`, `Loading core dump:`, `$ dotnet-dump analyze`) after commands;
 * WinDbg's prompt naming another target (`0:000>` then `1:000>`) with no `|N s` between them; a
 * second whole-heap `dumpheap -stat` (its command echoed) whose totals, or rows of one type, differ from the session's first. A thread's number
 * in the prompt (`0:049>` then `0:000>`) is not enough: it changes within one session.
 * One session when none of these is met.
 */
export function transcriptSessions(transcript: SosTranscript): TranscriptSession[] {
  const starts: { line: number; reason: string | null }[] = [{ line: 1, reason: null }];
  const events: { line: number; kind: 'opening' | 'command' | 'stat'; text: string; index: number }[] = [
    ...transcript.dumpOpenings.map((o) => ({ line: o.line, kind: 'opening' as const, text: o.text, index: -1 })),
    ...transcript.commands.map((c, index) => ({ line: c.line, kind: 'command' as const, text: c.text, index })),
    ...transcript.blocks.flatMap((b, index) =>
      // Only tables whose `dumpheap -stat` is echoed: a table without its command may have been
      // printed for a filter (`-type Free`) the fragment does not show.
      b.kind === 'dumpheap-stat' &&
      b.command !== null &&
      isWholeHeapStat(b) &&
      b.rows.length + (b.totalObjects ?? 0) > 0
        ? [{ line: b.line, kind: 'stat' as const, text: '', index }]
        : [],
    ),
  ].sort((a, b) => a.line - b.line || EVENT_ORDER[a.kind] - EVENT_ORDER[b.kind]);
  // Commands of this session other than the one that launched the debugger (`$ dotnet-dump analyze`).
  let commandsInSession = 0;
  let lastPrompt: string | null = null;
  let switched = false;
  let firstTable: StatBlock | null = null;
  const begin = (line: number, reason: string) => {
    starts.push({ line, reason });
    commandsInSession = 0;
    firstTable = null;
  };
  for (const event of events) {
    if (event.kind === 'opening') {
      if (commandsInSession > 0) begin(event.line, `"${event.text.slice(0, 80)}" (line ${event.line})`);
      continue;
    }
    if (event.kind === 'stat') {
      const block = transcript.blocks[event.index] as StatBlock;
      if (firstTable === null) firstTable = block;
      else {
        const difference = heapDifference(firstTable, block);
        if (difference !== null) {
          const at = block.command?.line ?? block.line;
          begin(at, `a second whole-heap dumpheap -stat (line ${at}) with ${difference}`);
          firstTable = block;
        }
      }
      continue;
    }
    const command = transcript.commands[event.index];
    if (command.name === 'dotnet-dump' && command.args[0] === 'analyze' && commandsInSession > 0) {
      begin(command.line, `dotnet-dump analyze (line ${command.line})`);
    } else if (command.prompt !== null && /^\d/.test(command.prompt)) {
      // Only the target's number (`0:` → `1:`) says another dump: a thread's number changes within
      // one session (published snippets often drop the `~0s` that switched it).
      const target = (prompt: string) => prompt.slice(0, prompt.indexOf(':'));
      if (lastPrompt !== null && target(command.prompt) !== target(lastPrompt) && !switched && commandsInSession > 0) {
        begin(
          command.line,
          `the prompt changed from ${lastPrompt} to ${command.prompt} (line ${command.line}): another target, with no process switch`,
        );
      }
      lastPrompt = command.prompt;
      switched = false;
    }
    if (CONTEXT_SWITCH.test(command.text)) switched = true;
    if (command.name !== 'dotnet-dump') commandsInSession++;
  }
  return starts.map((start, i) => {
    const lastLine = i + 1 < starts.length ? starts[i + 1].line - 1 : transcript.lineCount;
    return {
      index: i + 1,
      firstLine: start.line,
      lastLine,
      reason: start.reason,
      blocks: transcript.blocks.filter((b) => b.line >= start.line && b.line <= lastLine).length,
    };
  });
}

/**
 * Why two whole-heap tables cannot be of one heap, or null when nothing says so: other footer
 * totals, or — when a footer is missing — a type both print with another count or size. (Without a
 * `g` between them the heap does not change; tables that share no row prove nothing.)
 */
function heapDifference(first: StatBlock, second: StatBlock): string | null {
  if (first.totalObjects !== null && second.totalObjects !== null) {
    if (first.totalObjects !== second.totalObjects || (first.totalBytes ?? 0) !== (second.totalBytes ?? 0)) {
      return `other totals: ${formatCount(second.totalObjects)} objects against ${formatCount(first.totalObjects)}`;
    }
    return null;
  }
  const before = new Map(first.rows.map((row) => [row.mt, row]));
  for (const row of second.rows) {
    const earlier = before.get(row.mt);
    if (earlier && (earlier.count !== row.count || earlier.bytes !== row.bytes)) {
      return `other rows: ${row.name} ${formatCount(row.count)} objects against ${formatCount(earlier.count)}`;
    }
  }
  return null;
}

/**
 * The transcript restricted to one session's lines: its commands, blocks, messages and openings;
 * every answer (the heap, stat, roots, show) is then of that session alone.
 */
export function sessionTranscript(transcript: SosTranscript, session: TranscriptSession): SosTranscript {
  const inside = (line: number) => line >= session.firstLine && line <= session.lastLine;
  return {
    ...transcript,
    commands: transcript.commands.filter((c) => inside(c.line)),
    blocks: transcript.blocks.filter((b) => inside(b.line)),
    messages: transcript.messages.filter((m) => inside(m.line)),
    dumpOpenings: transcript.dumpOpenings.filter((o) => inside(o.line)),
    warnings: transcript.warnings.filter((w) => {
      const line = /^line (\d+)/.exec(w);
      return line === null || inside(Number(line[1]));
    }),
  };
}

/**
 * The session answers come from by default: the last one with a whole-heap `dumpheap -stat` (the
 * heap's own totals), else the last one with any heap block.
 */
export function defaultSession(transcript: SosTranscript, sessions: readonly TranscriptSession[]): TranscriptSession {
  const inside = (s: TranscriptSession, line: number) => line >= s.firstLine && line <= s.lastLine;
  for (let i = sessions.length - 1; i >= 0; i--) {
    if (
      transcript.blocks.some((b) => b.kind === 'dumpheap-stat' && isWholeHeapStat(b) && inside(sessions[i], b.line))
    ) {
      return sessions[i];
    }
  }
  for (let i = sessions.length - 1; i >= 0; i--) if (sessions[i].blocks > 0) return sessions[i];
  return sessions[sessions.length - 1];
}
