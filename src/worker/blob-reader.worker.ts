/**
 * A second worker that only reads slices of a Blob and hands their bytes to the heap worker
 * (transferred, not copied). A Blob read makes progress only while its worker's thread is free to
 * take in the bytes: on the heap worker itself, the next slice would wait for each slice's decoding
 * (`npm run bench:browser` measured the reads and the decoding adding up). Here, reading the next
 * slices overlaps decoding this one. See blob-reader.ts.
 *
 * A request may bring a buffer to read into (`into`, transferred here and back): the heap worker
 * recycles a few of them, so that a 330 MB file does not pass through 330 MB of new memory, whose
 * every page costs a fault the first time it is written (about 11 µs per 4 KB on the machines
 * measured here, where a tab's memory has no huge pages).
 */
import { byobReaderOf, fillFromStream, readBlobInto } from '../session/open-heap';

export interface SliceRequest {
  readonly id: number;
  readonly offset: number;
  readonly length: number;
  /** A buffer of at least `length` bytes to read into; without it, the bytes come in a new one. */
  readonly into?: ArrayBuffer;
}

export type SliceReply =
  | {
      readonly id: number;
      readonly bytes: ArrayBuffer;
      /** Bytes read: the first `length` bytes of `bytes` (all of it without `into`). */
      readonly length: number;
    }
  | { readonly id: number; readonly error: string };

let blob: Blob | null = null;

/**
 * Streams left open where a read ended, to go on from there: a Blob stream opened per slice takes
 * 2–3 times as long over a file as one stream read through (measured in a worker: 1.0–1.3 s against
 * 0.4–0.5 s for 332 MB), and the reads come as a few runs of consecutive slices (the offset table,
 * the node blob, the addresses). A read at an offset where no stream stands opens one to the end of
 * the file; the least recently used beyond MAX_CURSORS is cancelled.
 */
interface Cursor {
  readonly reader: ReadableStreamBYOBReader;
  /** Where the next read of this stream starts (claimed when a read is asked, before it is made). */
  position: number;
  /** The reads asked of this stream, one after another. */
  busy: Promise<unknown>;
}
const MAX_CURSORS = 4;
const cursors: Cursor[] = [];

function cursorAt(file: Blob, offset: number): Cursor | null {
  const k = cursors.findIndex((cursor) => cursor.position === offset);
  if (k >= 0) {
    const [cursor] = cursors.splice(k, 1);
    cursors.push(cursor);
    return cursor;
  }
  const reader = byobReaderOf(file.slice(offset));
  if (!reader) return null;
  const cursor: Cursor = { reader, position: offset, busy: Promise.resolve() };
  cursors.push(cursor);
  while (cursors.length > MAX_CURSORS) {
    const dropped = cursors.shift()!;
    dropped.busy = dropped.busy.then(() => dropped.reader.cancel()).catch(() => undefined);
  }
  return cursor;
}

/** The bytes [offset, end) into `into`, from a stream standing there or one opened there. */
async function readAt(file: Blob, offset: number, end: number, into: ArrayBuffer): Promise<[ArrayBuffer, number]> {
  const cursor = cursorAt(file, offset);
  if (!cursor) return readBlobInto(file, offset, end, into);
  cursor.position = end;
  const reading = cursor.busy.then(() => fillFromStream(cursor.reader, into, end - offset));
  cursor.busy = reading.catch(() => undefined);
  const [bytes, read] = await reading;
  const k = cursors.indexOf(cursor);
  // The stream ended early: nothing more to go on from (unless it was let go of meanwhile).
  if (read < end - offset && k >= 0) cursors.splice(k, 1);
  return [bytes, read];
}

self.onmessage = async (event: MessageEvent<Blob | SliceRequest>) => {
  if (event.data instanceof Blob) {
    for (const cursor of cursors.splice(0)) void cursor.reader.cancel().catch(() => undefined);
    blob = event.data;
    return;
  }
  const { id, offset, length, into } = event.data;
  try {
    if (!blob) throw new Error('no file was given to the reader');
    const end = Math.min(blob.size, offset + length);
    if (into) {
      const [bytes, read] = await readAt(blob, offset, end, into);
      (self as unknown as Worker).postMessage({ id, bytes, length: read } satisfies SliceReply, [bytes]);
    } else {
      const bytes = await blob.slice(offset, end).arrayBuffer();
      (self as unknown as Worker).postMessage({ id, bytes, length: bytes.byteLength } satisfies SliceReply, [bytes]);
    }
  } catch (error) {
    (self as unknown as Worker).postMessage({
      id,
      error: error instanceof Error ? error.message : String(error),
    } satisfies SliceReply);
  }
};
