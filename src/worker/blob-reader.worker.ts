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
 * The bytes [offset, end) of the blob into `into` from its start, through the stream's own
 * bring-your-own-buffer reader where there is one (each read hands the buffer back, moved, with
 * the bytes in it), else through a copy. Returns the buffer (the same memory) and the bytes read.
 */
async function readInto(source: Blob, offset: number, end: number, into: ArrayBuffer): Promise<[ArrayBuffer, number]> {
  const slice = source.slice(offset, end);
  let reader: ReadableStreamBYOBReader | null = null;
  try {
    reader = slice.stream().getReader({ mode: 'byob' });
  } catch {
    reader = null;
  }
  if (!reader) {
    const bytes = new Uint8Array(await slice.arrayBuffer());
    new Uint8Array(into).set(bytes);
    return [into, bytes.length];
  }
  const wanted = end - offset;
  let buffer = into;
  let filled = 0;
  while (filled < wanted) {
    const { done, value } = await reader.read(new Uint8Array(buffer, filled, wanted - filled));
    if (value) buffer = value.buffer as ArrayBuffer;
    if (done || !value) break;
    filled += value.byteLength;
  }
  reader.releaseLock();
  return [buffer, filled];
}

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
      const [bytes, read] = await readInto(blob, offset, end, into);
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
