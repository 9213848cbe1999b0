/**
 * Files on disk for the CLI: each command opens its FILE through the session layer (the same
 * openHeap the worker uses) and asks the session; nothing here analyses or renders.
 */
import { parseAddress } from '../session/heap-session';
import { analyzeOpened, openHeap, type ByteSource, type OpenedHeap } from '../session/open-heap';
import { openTranscript } from '../session/transcript';
import { collectGarbage } from './collect';
import { openFileByteSource } from './node-byte-source';

export class UsageError extends Error {}

/** Runs `use` over FILE read by slices, closing it afterwards. */
export async function withFile<T>(path: string, use: (source: ByteSource) => Promise<T>): Promise<T> {
  const source = await openFileByteSource(path);
  try {
    return await use(source);
  } finally {
    await source.close();
  }
}

/** For a transcript of several debugger sessions: the one `--session N` chose (1-based), else the default. */
let transcriptSession: number | undefined;
export function chooseTranscriptSession(session: number | undefined): void {
  transcriptSession = session;
}

/** FILE opened as a session (any supported format), not yet analysed. */
export function openFile(path: string): Promise<OpenedHeap> {
  return withFile(path, (source) => openHeap(source, { transcriptSession }));
}

/**
 * FILE opened and analysed (reverse edges, BFS, dominators, retained sizes, findings), with a
 * collection between the stages (collect.ts).
 */
export async function openAnalyzed(path: string): Promise<OpenedHeap> {
  const opened = await openFile(path);
  await analyzeOpened(opened, undefined, undefined, async () => collectGarbage());
  return opened;
}

/** The parsed transcript when FILE is an SOS transcript (cut to its chosen session unless `whole`), else null. */
export function loadTranscript(path: string, whole = false) {
  return withFile(path, (source) => openTranscript(source, { session: transcriptSession, whole }));
}

/** The node at this address (`0x…` or bare hex), or a UsageError saying there is none. */
export function nodeAtAddress(opened: OpenedHeap, text: string): number {
  if (!parseAddress(text)) throw new UsageError(`"${text}" is not an address (expected hex such as 0x7f55c7a6cf90)`);
  const node = opened.session.nodeAtAddress(text);
  if (node === null) throw new UsageError(`no object at ${text} in this dump`);
  return node;
}

/** A size bound: decimal, `0x` hex (as SOS's `-min 0x8018`), or with thousands separators. */
export function parseSize(text: string, option: string): number {
  const clean = text.replace(/[,_]/g, '');
  const value = /^0x[0-9a-f]+$/i.test(clean) ? parseInt(clean.slice(2), 16) : /^\d+$/.test(clean) ? Number(clean) : NaN;
  if (!Number.isSafeInteger(value))
    throw new UsageError(`${option} takes a size in bytes (decimal or 0x hex), not "${text}"`);
  return value;
}
