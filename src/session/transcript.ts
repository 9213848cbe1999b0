/**
 * Answers read straight from an SOS transcript's own tables, where the transcript says more than the
 * heap model built from it: its whole-heap `dumpheap -stat` with the footer's totals, and the gcroot
 * chains it printed (with elisions kept).
 */
import type { ByteSource } from '../formats/byte-source';
import { detectFormat } from '../formats/detect';
import {
  gcrootChains,
  heapFromTranscript,
  renderTranscriptReport,
  isDumpheapTable,
  isWholeHeapStat,
  listingAddress,
  elementAddress,
  parseSosTranscript,
  transcriptBlockTexts,
  statBlocks,
  statCommandText,
  statOfBlock,
  wholeHeapStatBlock,
  transcriptSessions,
  chooseTranscriptSession,
  defaultSession,
  type GcRootChainData,
} from '../formats/sos';
import { DEFAULT_MIN_RUN_LENGTH } from '../analysis/runs';
import type { TranscriptShow } from './answers';
import type { SosTranscript } from '../formats/sos';

/**
 * The parsed transcript when the source is an SOS transcript, else null. A transcript of several
 * debugger sessions (two dumps in one paste) is cut to one — `session` (1-based), else the one
 * the heap is built from by default — unless `whole` (what `show` prints, sessions marked).
 */
export async function openTranscript(
  source: ByteSource,
  options: { readonly session?: number; readonly whole?: boolean } = {},
): Promise<SosTranscript | null> {
  const head = await source.read(0, Math.min(4096, source.size));
  if (detectFormat(head) !== 'sos') return null;
  const transcript = await parseSosTranscript(source);
  return options.whole ? transcript : chooseTranscriptSession(transcript, options.session).session;
}

/** Another stat table of the transcript than the one answered: where it is and what it covers. */
export interface OtherStatTable {
  readonly line: number;
  readonly command: string;
  readonly wholeHeap: boolean;
  readonly objects: number | null;
  readonly bytes: number | null;
}

/**
 * The stat table `heapscope stat` answers from: the whole-heap `dumpheap -stat` (the last complete
 * one), else the last table printed for a filter (`-type X`, `-mt M`, `-min/-max`, a range), marked
 * with it; the transcript's other stat tables listed beside it. `missing` only when the transcript
 * has no stat table at all, saying what it has.
 */
export function transcriptStatTable(transcript: SosTranscript) {
  const tables = statBlocks(transcript).filter((block) => block.rows.length > 0 || block.totalObjects !== null);
  if (tables.length === 0) {
    // Another command's table (`!GCHandles`' Statistics) is named by its command, not as a dumpheap table.
    const kinds =
      [
        ...new Set(
          transcript.blocks.map((block) =>
            block.kind === 'dumpheap-stat' && !isDumpheapTable(block)
              ? `${block.command!.name} Statistics`
              : block.kind,
          ),
        ),
      ].join(', ') || 'no recognisable output';
    return { missing: `has no dumpheap -stat table (it has: ${kinds})` };
  }
  const whole = wholeHeapStatBlock(transcript);
  // Without a whole-heap table: the last table `dumpheap -stat` printed for a filter, else the
  // Statistics closing a filtered listing, else whatever table there is.
  // A table whose command is echoed comes before rows pasted without one (an author's excerpt).
  const withRows = tables.filter((block) => block.rows.length > 0);
  const echoed = withRows.filter((block) => block.command !== null);
  const chosen =
    whole ??
    echoed.filter((block) => block.origin === 'stat').at(-1) ??
    echoed.at(-1) ??
    withRows.filter((block) => block.origin === 'stat').at(-1) ??
    withRows.at(-1) ??
    tables.at(-1)!;
  const others: OtherStatTable[] = tables
    .filter((block) => block !== chosen)
    .map((block) => ({
      line: block.line,
      command: statCommandText(block),
      wholeHeap: isWholeHeapStat(block),
      objects: block.totalObjects,
      bytes: block.totalBytes,
    }));
  return {
    stat: statOfBlock(chosen),
    line: chosen.line,
    command: statCommandText(chosen),
    /** The filter the table was printed for (`-type InvalidProgramException`), or null for the whole heap. */
    filter: whole ? null : chosen.filter.length > 0 ? chosen.filter.join(' ') : 'not shown',
    others,
  };
}

export type TranscriptStep =
  | { type: string; address: string; interior?: true; dependent?: true }
  | { elided: true }
  | { run: { type: string; count: number; first: string; last: string; elided?: true } };

/**
 * The gcroot chains a transcript printed, with runs of one type collapsed (as for dumps) and each
 * elision (`...`) kept as an explicit step — never a false direct edge — except inside a run: an
 * elision between two objects of one type joins them into one run marked `"elided": true` (at least
 * `count` members; the incident prints 3 `CallbackNode`s around a `...`), as collapseRuns does.
 */
export function transcriptRootPaths(transcript: SosTranscript, minRunLength = DEFAULT_MIN_RUN_LENGTH) {
  return gcrootChains(transcript).map((chain: GcRootChainData) => {
    const steps: TranscriptStep[] = [];
    const shown = chain.root.name.trim() !== '';
    // Links cut between a printed root and the first step are an elision; a chain pasted without
    // its root line has no root to elide from (its root is said to be not shown instead).
    if (chain.elidedBefore && shown) steps.push({ elided: true });
    let i = 0;
    while (i < chain.steps.length) {
      if (chain.steps[i].elidedBefore && i > 0) steps.push({ elided: true });
      let end = i + 1;
      let elided = false;
      while (end < chain.steps.length && chain.steps[end].type === chain.steps[i].type) {
        if (chain.steps[end].elidedBefore) elided = true;
        end++;
      }
      const count = end - i;
      if (count >= minRunLength || (elided && count >= 2)) {
        steps.push({
          run: {
            type: chain.steps[i].type,
            count,
            first: chain.steps[i].addressText,
            last: chain.steps[end - 1].addressText,
            ...(elided ? { elided: true as const } : {}),
          },
        });
      } else {
        for (let k = i; k < end; k++) {
          if (k > i && chain.steps[k].elidedBefore) steps.push({ elided: true });
          const step = chain.steps[k];
          steps.push({
            type: step.type,
            address: step.addressText,
            ...(step.interior ? { interior: true as const } : {}),
            ...(step.dependent ? { dependent: true as const } : {}),
          });
        }
      }
      i = end;
    }
    // A chain pasted without its root line: say so rather than print an empty root.
    return {
      root: {
        kind: chain.root.kind,
        name: shown ? chain.root.name : 'root not shown in the transcript',
        shown,
        ...(chain.root.thread !== undefined ? { thread: chain.root.thread } : {}),
      },
      steps,
      line: chain.line,
    };
  });
}

export type TranscriptRootPath = ReturnType<typeof transcriptRootPaths>[number];

/**
 * `heapscope show FILE.txt`: every block the importer recognized, in order, with what it read from
 * it — the golden report's text (formats/sos/transcript-report.ts), the heap model's shape at the end.
 */
export function renderTranscriptShow(transcript: SosTranscript): string {
  const sessions = transcriptSessions(transcript);
  const report = renderTranscriptReport(transcript, heapFromTranscript(transcript));
  if (sessions.length === 1) return report;
  // Several debugger sessions: said first, each with its lines and why it starts there.
  const chosen = defaultSession(transcript, sessions).index;
  const lines = [
    `sessions: ${sessions.length} (answers are of session ${chosen} unless --session N says another)`,
    ...sessions.map(
      (s) =>
        `  session ${s.index}: lines ${s.firstLine}–${s.lastLine}, ${s.blocks} block(s)${s.reason ? `; starts at ${s.reason}` : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n${report}`;
}

/**
 * The same as JSON: the commands echoed, then each block as plain data (stat tables with their rows
 * and footers, listings row by row, dumpobj with its fields, dumparray elements, objsize, gcroot
 * chains, eeheap, address and memory summaries, finalizequeue), then the importer's messages.
 * Text stays as printed; columns of numbers become arrays.
 */
export function transcriptJson(transcript: SosTranscript) {
  const sessions = transcriptSessions(transcript);
  return {
    ...transcriptHeading(transcript),
    sessions,
    defaultSession: defaultSession(transcript, sessions).index,
    blocks: transcript.blocks.map((block) => plainBlock(block)),
    messages: transcript.messages,
  };
}

function plainBlock(block: SosTranscript['blocks'][number]): unknown {
  const { command, ...rest } = block as typeof block & { command?: { name: string; args: string[] } | null };
  const plain = toPlain(rest) as Record<string, unknown>;
  if (command !== undefined) plain.command = command ? [command.name, ...command.args].join(' ') : null;
  if (block.kind === 'dumpheap-listing') {
    const { rows } = block;
    // As printed: the column's width and case, each MT's own text.
    plain.rows = Array.from({ length: rows.count }, (_, i) => ({
      address: listingAddress(block, i),
      mt: block.mtTexts[rows.mtIndex[i]],
      size: rows.size[i],
    }));
  }
  if (block.kind === 'dumpobj' || block.kind === 'dumparray') {
    const { elements } = block;
    plain.elements = Array.from({ length: elements.count }, (_, i) => ({
      index: elements.index[i],
      address: elements.addressLo[i] === 0 && elements.addressHi[i] === 0 ? null : elementAddress(block, i),
    }));
  }
  return plain;
}

/** Plain JSON data: typed arrays as arrays, maps as objects; depth-bounded (blocks are shallow). */
function toPlain(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map((item) => toPlain(item, depth + 1));
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v, depth + 1)]));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v, depth + 1)]));
}

/** The Transcript view's answer: the same blocks `heapscope show` prints, one by one, with the sessions. */
export function transcriptShow(transcript: SosTranscript): TranscriptShow {
  return {
    ...transcriptHeading(transcript),
    sessions: transcriptSessions(transcript).map(({ index, firstLine, lastLine, reason }) => ({
      index,
      firstLine,
      lastLine,
      reason,
    })),
    blocks: transcriptBlockTexts(transcript),
    messages: transcript.messages,
    warnings: transcript.warnings,
  };
}

/** What `show` says first of a transcript: its name, length, prompts and the commands it echoes. */
function transcriptHeading(transcript: SosTranscript) {
  return {
    name: transcript.name,
    lineCount: transcript.lineCount,
    dialect: transcript.dialect,
    commands: transcript.commands.map((command) => ({
      line: command.line,
      command: [command.name, ...command.args].join(' '),
    })),
  };
}
