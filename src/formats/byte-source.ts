/**
 * Where importers read bytes from: a browser File/Blob, an in-memory array, or (in the CLI) a
 * Node file handle (src/cli/node-byte-source.ts). Importers only ever ask for slices, so a file
 * is never held whole as one string, and no slice is larger than the caller asked for.
 */
export interface ByteSource {
  /** Display name (the file name). */
  readonly name: string;
  /** Total length in bytes. */
  readonly size: number;
  /** Reads `length` bytes at `offset`; the result may be shorter only at the end of the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: reads exactly `target.length` bytes at `offset` straight into `target`, saving a copy
   * of the big tables (a Node file handle can; a Blob cannot). Resolves to the bytes read.
   */
  readInto?(offset: number, target: Uint8Array): Promise<number>;
}

export function byteSourceFromBytes(bytes: Uint8Array, name = 'bytes'): ByteSource {
  return {
    name,
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, Math.min(bytes.length, offset + length))),
  };
}

export function byteSourceFromBlob(blob: Blob, name: string): ByteSource {
  return {
    name,
    size: blob.size,
    read: async (offset, length) =>
      new Uint8Array(await blob.slice(offset, Math.min(blob.size, offset + length)).arrayBuffer()),
  };
}

/**
 * The bytes [offset, end) of a Blob into `into` from its start, through the stream's own
 * bring-your-own-buffer reader where there is one (each read hands the buffer back, moved, with the
 * bytes in it), else through a copy. Resolves to the buffer (the same memory, which the caller must
 * use from now on: the one passed in is detached) and the bytes read. So a file can pass through a
 * few reused megabytes instead of new memory, whose every page costs a fault the first time it is
 * written. `into` must hold at least `end - offset` bytes.
 */
export async function readBlobInto(
  blob: Blob,
  offset: number,
  end: number,
  into: ArrayBuffer,
): Promise<[ArrayBuffer, number]> {
  const slice = blob.slice(offset, end);
  const reader = byobReaderOf(slice);
  if (!reader) {
    const bytes = new Uint8Array(await slice.arrayBuffer());
    new Uint8Array(into).set(bytes);
    return [into, bytes.length];
  }
  try {
    return await fillFromStream(reader, into, slice.size);
  } finally {
    reader.releaseLock();
  }
}

/** A Blob's stream with its bring-your-own-buffer reader, or null where the stream has none. */
export function byobReaderOf(blob: Blob): ReadableStreamBYOBReader | null {
  try {
    return blob.stream().getReader({ mode: 'byob' });
  } catch {
    return null;
  }
}

/**
 * Reads from `reader` into `buffer` from its start until `wanted` bytes are in it or the stream
 * ends. Resolves to the buffer (the same memory; the one passed in is detached) and the bytes read.
 */
export async function fillFromStream(
  reader: ReadableStreamBYOBReader,
  buffer: ArrayBuffer,
  wanted: number,
): Promise<[ArrayBuffer, number]> {
  let filled = 0;
  while (filled < wanted) {
    const { done, value } = await reader.read(new Uint8Array(buffer, filled, wanted - filled));
    if (value) buffer = value.buffer as ArrayBuffer;
    if (done || !value) break;
    filled += value.byteLength;
  }
  return [buffer, filled];
}

/** Progress of a long read, reported by importers and forwarded by the worker. */
export interface LoadProgress {
  /** What is happening now, e.g. "reading node records". */
  readonly stage: string;
  readonly bytesRead: number;
  readonly totalBytes: number;
  /** 0 … 1 over the whole load. */
  readonly fraction: number;
}

import type { AddressRange } from '../heap/gc-heap-labels';

export interface LoadOptions {
  /** For a transcript of several debugger sessions: which one (1-based); the default is transcriptSessions' choice. */
  transcriptSession?: number;
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
  /**
   * Refuse, before allocating, a heap whose analysis would need more than this many bytes
   * (the browser passes its tab budget; the CLI passes none). See heap/memory-budget.ts.
   */
  memoryBudgetBytes?: number;
  /**
   * For a full dump: the GC heap's address ranges as another input of the same process knows them
   * (a transcript's eeheap -gc, PerfView's segments), and that input's name; those parts of the
   * memory map are named GCHeap (heap/gc-heap-labels.ts).
   */
  gcHeapFrom?: { readonly ranges: readonly AddressRange[]; readonly from: string };
  /**
   * For a .NET 10+ core: walk its managed heap (formats/elf-core/managed-heap.ts), reading the GC's
   * regions. Default true; the memory map alone (`heapscope maddress`) passes false and reads the
   * headers, notes and runtime descriptor only.
   */
  managedHeap?: boolean;
}

/**
 * Thrown by importers for malformed input; the message names the offset (or line) and what was
 * expected. A message that does not name its place gets the byte offset appended, so no refusal of a
 * binary file leaves the user guessing where.
 */
export class FormatError extends Error {
  constructor(
    readonly format: string,
    message: string,
    readonly offset: number | null = null,
    /** The input ended before what it announced: more bytes were needed than remain. */
    readonly ranOut = false,
  ) {
    super(
      `${format}: ${message}${offset !== null && !/\b(offset|line)\b/i.test(message) ? ` (at offset 0x${offset.toString(16)})` : ''}`,
    );
    this.name = 'FormatError';
  }
}
