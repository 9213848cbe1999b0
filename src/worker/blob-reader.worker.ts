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
import { readBlobInto } from '../session/open-heap';

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

self.onmessage = async (event: MessageEvent<Blob | SliceRequest>) => {
  if (event.data instanceof Blob) {
    blob = event.data;
    return;
  }
  const { id, offset, length, into } = event.data;
  try {
    if (!blob) throw new Error('no file was given to the reader');
    const end = Math.min(blob.size, offset + length);
    if (into) {
      const [bytes, read] = await readBlobInto(blob, offset, end, into);
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
