/**
 * A ByteSource over a Blob whose slices are read by a second worker (blob-reader.worker.ts), so that
 * reading the next slices overlaps decoding the last one on the heap worker's thread. Falls back to
 * reading the Blob here, as `byteSourceFromBlob` does, where a worker cannot start one of its own or
 * when the reader fails: a read is then slower, never lost or stuck.
 */
import { byteSourceFromBlob, type ByteSource } from '../session/open-heap';
import type { SliceReply, SliceRequest } from './blob-reader.worker';

export interface ClosableByteSource extends ByteSource {
  /** Stops the reader worker (reads after this are made here). */
  close(): void;
}

/** Staging buffers kept for reuse (the reads in flight at once: ChunkReader's pipeline and one more). */
const MAX_STAGING = 8;

export function byteSourceThroughReader(blob: Blob, name: string): ClosableByteSource {
  const direct = byteSourceFromBlob(blob, name);
  let reader: Worker | null = null;
  try {
    if (typeof Worker !== 'undefined') {
      reader = new Worker(new URL('./blob-reader.worker.ts', import.meta.url), {
        type: 'module',
        name: 'heapscope-reader',
      });
    }
  } catch {
    reader = null;
  }
  if (!reader) return { ...direct, close: () => undefined };

  const pending = new Map<
    number,
    { offset: number; length: number; resolve: (bytes: Uint8Array) => void; reject: (error: unknown) => void }
  >();
  /**
   * Buffers read into and copied out of, lent to the reader and given back with each slice
   * (blob-reader.worker.ts): as many as reads are in flight at once, so the file's bytes pass through
   * the same few megabytes rather than through new memory.
   */
  const staging: ArrayBuffer[] = [];
  const stagingFor = (length: number) => {
    const k = staging.findIndex((buffer) => buffer.byteLength >= length);
    return k >= 0 ? staging.splice(k, 1)[0] : new ArrayBuffer(length);
  };
  let nextId = 0;
  /** The reader failed (it could not start, or a read failed): every read from now on is made here. */
  const fallBack = () => {
    reader?.terminate();
    reader = null;
    for (const [id, read] of pending) {
      pending.delete(id);
      direct.read(read.offset, read.length).then(read.resolve, read.reject);
    }
  };
  reader.onerror = (event) => {
    event.preventDefault();
    fallBack();
  };
  reader.onmessageerror = fallBack;
  reader.onmessage = (event: MessageEvent<SliceReply>) => {
    const reply = event.data;
    const read = pending.get(reply.id);
    if (!read) return;
    if ('error' in reply) {
      fallBack();
      return;
    }
    pending.delete(reply.id);
    read.resolve(new Uint8Array(reply.bytes, 0, reply.length));
  };
  reader.postMessage(blob);

  return {
    name,
    size: blob.size,
    read(offset, length) {
      if (!reader) return direct.read(offset, length);
      const id = nextId++;
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { offset, length, resolve, reject });
        reader!.postMessage({ id, offset, length } satisfies SliceRequest);
      });
    },
    async readInto(offset, target) {
      if (!reader) {
        const bytes = await direct.read(offset, target.length);
        target.set(bytes);
        return bytes.length;
      }
      const id = nextId++;
      const into = stagingFor(target.length);
      const bytes = await new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { offset, length: target.length, resolve, reject });
        reader!.postMessage({ id, offset, length: target.length, into } satisfies SliceRequest, [into]);
      });
      target.set(bytes);
      // Lent again for a later slice, unless the reader fell back (its bytes then came in new memory).
      if (bytes.buffer.byteLength >= target.length && staging.length < MAX_STAGING)
        staging.push(bytes.buffer as ArrayBuffer);
      return bytes.length;
    },
    close() {
      // The reader stops; reads still waiting (a cancelled load) are made here, so none stays unanswered.
      fallBack();
    },
  };
}
