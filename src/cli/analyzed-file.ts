import { analyzeHeap } from '../analysis/analyze-heap';
import type { AnalysisContext } from '../analysis/analysis-context';
import { loadHeap } from '../formats/load';
import type { HeapModel } from '../heap/types';
import { parseAddress } from '../heap/address';
import { openFileByteSource } from './node-byte-source';
import { detectFormat } from '../formats/detect';
import { parseSosTranscript, wholeHeapStat } from '../formats/sos';

export class UsageError extends Error {}

/** Reads FILE into a heap model (any supported format). */
export async function loadFile(path: string): Promise<HeapModel> {
  const source = await openFileByteSource(path);
  try {
    return await loadHeap(source);
  } finally {
    await source.close();
  }
}

/** The parsed transcript when FILE is an SOS transcript, else null. */
export async function loadTranscript(path: string) {
  const source = await openFileByteSource(path);
  try {
    const head = await source.read(0, Math.min(4096, source.size));
    return detectFormat(head) === 'sos' ? await parseSosTranscript(source) : null;
  } finally {
    await source.close();
  }
}

/**
 * For an SOS transcript: its whole-heap `dumpheap -stat` (null for other formats). A transcript
 * without one is a usage error that says what the transcript does contain.
 */
export async function transcriptStat(path: string) {
  const transcript = await loadTranscript(path);
  if (!transcript) return null;
  {
    const stat = wholeHeapStat(transcript);
    if (!stat) {
      const kinds = [...new Set(transcript.blocks.map((block) => block.kind))].join(', ') || 'no recognisable output';
      throw new UsageError(`${path} has no whole-heap dumpheap -stat table (it has: ${kinds})`);
    }
    return stat;
  }
}

export async function analyzeFile(path: string): Promise<AnalysisContext> {
  return analyzeHeap(await loadFile(path));
}

/** The node at this address (`0x…` or bare hex), or a UsageError saying there is none. O(nodes). */
export function nodeAtAddress(heap: HeapModel, text: string): number {
  const address = parseAddress(text);
  if (!address) throw new UsageError(`"${text}" is not an address (expected hex such as 0x7f55c7a6cf90)`);
  const { addressLo, addressHi, count } = heap.nodes;
  for (let node = 0; node < count; node++) {
    if (addressLo[node] === address.lo && addressHi[node] === address.hi) return node;
  }
  throw new UsageError(`no object at ${text} in this dump`);
}

/** A size bound: decimal, `0x` hex (as SOS's `-min 0x8018`), or with thousands separators. */
export function parseSize(text: string, option: string): number {
  const clean = text.replace(/[,_]/g, '');
  const value = /^0x[0-9a-f]+$/i.test(clean) ? parseInt(clean.slice(2), 16) : /^\d+$/.test(clean) ? Number(clean) : NaN;
  if (!Number.isSafeInteger(value))
    throw new UsageError(`${option} takes a size in bytes (decimal or 0x hex), not "${text}"`);
  return value;
}
