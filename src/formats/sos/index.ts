/**
 * SOS transcript importer: the text of a WinDbg / dotnet-dump / lldb session (spec:
 * docs/specs/sos-transcripts.md) → the parsed SosTranscript and a HeapModel.
 */
import type { HeapModel } from '../../heap/types';
import { FormatError, type ByteSource, type LoadOptions } from '../byte-source';
import { heapFromTranscript } from './heap-from-transcript';
import { readLines, type LineReaderOptions } from './line-reader';
import { TranscriptParser } from './transcript-parser';
import { defaultSession, sessionTranscript, transcriptSessions } from './transcript-queries';
import type { SosTranscript } from './transcript-types';

export type { SosTranscript, SosBlock, SosBlockKind } from './transcript-types';
export { elementAddress, listingAddress, renderTranscriptReport, transcriptBlockTexts } from './transcript-report';
export { heapFromTranscript } from './heap-from-transcript';
export {
  blocksOfKind,
  gcrootChains,
  isDumpheapTable,
  isWholeHeapStat,
  statBlocks,
  statCommandText,
  statOfBlock,
  wholeHeapStat,
  wholeHeapStatBlock,
  transcriptSessions,
  sessionTranscript,
  defaultSession,
  type GcRootChainData,
  type TranscriptSession,
  type WholeHeapStat,
} from './transcript-queries';

/** How much of the first non-blank line a "not a transcript" error quotes. */
const QUOTE_CHARS = 60;

/** Reads a transcript line by line (never as one string) into its parsed blocks. */
export async function parseSosTranscript(source: ByteSource, options: LineReaderOptions = {}): Promise<SosTranscript> {
  const parser = new TranscriptParser(source.name);
  let firstText: { number: number; text: string } | null = null;
  for await (const line of readLines(source, options)) {
    if (firstText === null && line.text.trim() !== '') firstText = { number: line.number, text: line.text.trim() };
    parser.push(line);
  }
  const transcript = parser.finish();
  if (transcript.blocks.length === 0) {
    const where = firstText
      ? `line ${firstText.number} ("${firstText.text.slice(0, QUOTE_CHARS)}${firstText.text.length > QUOTE_CHARS ? '…' : ''}")`
      : 'line 1';
    const none = `from ${where} to line ${transcript.lineCount} there is no dumpheap, gcroot, dumpobj, eeheap, maddress or address output`;
    // A debugger session whose commands printed no heap output: say so, with the commands it has.
    const commands = [...new Set(transcript.commands.map((command) => command.name))];
    throw new FormatError(
      'sos',
      commands.length > 0 && transcript.dialect !== 'unknown'
        ? `${source.name} is a ${transcript.dialect} session with no heap output (its commands: ${commands.slice(0, 8).join(', ')}${commands.length > 8 ? ', …' : ''}): ${none}`
        : `${source.name} is not an SOS transcript: ${none}`,
      firstText?.number ?? 1,
    );
  }
  return transcript;
}

/**
 * The debugger session answers come from (transcript-queries.ts `transcriptSessions`): `wanted`
 * (1-based), else `defaultSession`; `session` is the transcript cut to it. Several sessions are never
 * merged. A FormatError when there is no session `wanted`.
 */
export function chooseTranscriptSession(transcript: SosTranscript, wanted: number | undefined) {
  const sessions = transcriptSessions(transcript);
  if (wanted !== undefined && !(Number.isInteger(wanted) && wanted >= 1 && wanted <= sessions.length)) {
    const count = `${sessions.length} debugger session${sessions.length === 1 ? '' : 's'}`;
    throw new FormatError('sos', `${transcript.name} holds ${count}: there is no session ${wanted}`, null);
  }
  const chosen = wanted !== undefined ? sessions[wanted - 1] : defaultSession(transcript, sessions);
  return { sessions, chosen, session: sessions.length === 1 ? transcript : sessionTranscript(transcript, chosen) };
}

/**
 * Imports an SOS transcript: the parsed structure (blocks, rows, chains, fields) for views that show
 * what the debugger printed, and the HeapModel built from it. Throws FormatError only when the input
 * is not a transcript at all (binary, or no recognisable output); anything partial is a warning.
 */
export async function importSosTranscript(
  source: ByteSource,
  options: LoadOptions = {},
): Promise<{ heap: HeapModel; transcript: SosTranscript }> {
  const transcript = await parseSosTranscript(source, options);
  options.signal?.throwIfAborted();
  options.onProgress?.({ stage: 'building heap model', bytesRead: source.size, totalBytes: source.size, fraction: 1 });
  const { sessions, chosen, session } = chooseTranscriptSession(transcript, options.transcriptSession);
  if (sessions.length === 1) return { heap: heapFromTranscript(transcript), transcript };
  const model = heapFromTranscript(session);
  const heap: HeapModel = {
    ...model,
    transcriptSessions: { sessions, chosen: chosen.index },
    warnings: [
      `this transcript holds ${sessions.length} debugger sessions (${sessions.map((s) => `${s.index}: lines ${s.firstLine}–${s.lastLine}`).join(', ')}); this heap is of session ${chosen.index} alone`,
      ...model.warnings,
    ],
  };
  return { heap, transcript };
}
