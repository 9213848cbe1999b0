/**
 * A second worker that only reads slices of a Blob and hands their bytes to the heap worker
 * (transferred, not copied). A Blob read makes progress only while its worker's thread is free to
 * take in the bytes: on the heap worker itself, the next slice would wait for each slice's decoding
 * (`npm run bench:browser` measured the reads and the decoding adding up). Here, reading the next
 * slices overlaps decoding this one. See blob-reader.ts.
 */
export interface SliceRequest {
  readonly id: number;
  readonly offset: number;
  readonly length: number;
}

export type SliceReply =
  { readonly id: number; readonly bytes: ArrayBuffer } | { readonly id: number; readonly error: string };

let blob: Blob | null = null;

self.onmessage = async (event: MessageEvent<Blob | SliceRequest>) => {
  if (event.data instanceof Blob) {
    blob = event.data;
    return;
  }
  const { id, offset, length } = event.data;
  try {
    if (!blob) throw new Error('no file was given to the reader');
    const bytes = await blob.slice(offset, Math.min(blob.size, offset + length)).arrayBuffer();
    (self as unknown as Worker).postMessage({ id, bytes } satisfies SliceReply, [bytes]);
  } catch (error) {
    (self as unknown as Worker).postMessage({
      id,
      error: error instanceof Error ? error.message : String(error),
    } satisfies SliceReply);
  }
};
