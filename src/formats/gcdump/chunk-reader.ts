import { FormatError, type ByteSource } from '../byte-source';

/** Bytes fetched from the source per refill for small reads (headers, type tables). */
const REFILL_BYTES = 1 << 20;
/** Bytes per slice when copying large arrays (offset table, blob, addresses). */
export const SLICE_BYTES = 16 << 20;
/** String.fromCharCode.apply is fed at most this many code units at once (argument-count limit). */
const FROM_CHAR_CODE_CHUNK = 8192;

/** One read of `ChunkReader.readPipelined`: `target.length` bytes from file offset `at`. */
export interface PlannedRead {
  readonly at: number;
  readonly target: Uint8Array;
  /** What the bytes are, for errors. */
  readonly what: string;
}

/** Reads `readPipelined` keeps in flight while a slice is consumed. */
export const PIPELINE_DEPTH = 3;

/**
 * A cursor over a ByteSource that keeps a window of the file in memory. Small values are read
 * synchronously after an `ensure(n)` that guarantees n bytes are buffered; large arrays are copied
 * slice by slice with `readInto`. Every read past the end of the file raises a FormatError naming
 * the offset and what was being read, so a truncated file is reported, never mis-parsed.
 */
export class ChunkReader {
  private window: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.window.buffer);
  /** File offset of window[0]. */
  private windowStart = 0;
  /** Current file offset. */
  position = 0;

  constructor(
    readonly source: ByteSource,
    private readonly signal?: AbortSignal,
  ) {}

  get size(): number {
    return this.source.size;
  }

  get remaining(): number {
    return this.source.size - this.position;
  }

  /** A refusal at `offset`; `ranOut`: the file holds fewer bytes than it announced there. */
  error(message: string, offset = this.position, ranOut = false): FormatError {
    return new FormatError('gcdump', `${message} (offset 0x${offset.toString(16)})`, offset, ranOut);
  }

  /** Makes sure `count` bytes from the current position are buffered; `what` names them in errors. */
  async ensure(count: number, what: string): Promise<void> {
    if (count > this.remaining) {
      throw this.error(
        `truncated file: ${what} needs ${count} bytes but only ${this.remaining} remain`,
        undefined,
        true,
      );
    }
    const windowEnd = this.windowStart + this.window.length;
    if (this.position >= this.windowStart && this.position + count <= windowEnd) return;
    this.signal?.throwIfAborted();
    const length = Math.min(Math.max(count, REFILL_BYTES), this.remaining);
    const bytes = await this.source.read(this.position, length);
    if (bytes.length < count) {
      throw this.error(`could not read ${what}: the source returned ${bytes.length} of ${count} bytes`);
    }
    this.window = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.windowStart = this.position;
  }

  private at(): number {
    return this.position - this.windowStart;
  }

  peekU8(): number {
    return this.window[this.at()];
  }

  u8(): number {
    const v = this.window[this.at()];
    this.position++;
    return v;
  }

  i32(): number {
    const v = this.view.getInt32(this.at(), true);
    this.position += 4;
    return v;
  }

  u32(): number {
    const v = this.view.getUint32(this.at(), true);
    this.position += 4;
    return v;
  }

  i64(): bigint {
    const v = this.view.getBigInt64(this.at(), true);
    this.position += 8;
    return v;
  }

  f32(): number {
    const v = this.view.getFloat32(this.at(), true);
    this.position += 4;
    return v;
  }

  /** Copies `count` raw bytes (already ensured). */
  bytes(count: number): Uint8Array {
    const start = this.at();
    this.position += count;
    return this.window.slice(start, start + count);
  }

  async skip(count: number, what: string): Promise<void> {
    if (count > this.remaining) {
      throw this.error(
        `truncated file: ${what} needs ${count} bytes but only ${this.remaining} remain`,
        undefined,
        true,
      );
    }
    this.position += count;
  }

  /** Reads a FastSerialization string (gcdump spec §2.2): Int32 UTF-16 unit count, CESU-8-like bytes. */
  async string(what: string): Promise<string | null> {
    await this.ensure(4, `the length of ${what}`);
    const start = this.position;
    const units = this.i32();
    if (units < 0) return null;
    if (units > this.remaining) {
      throw this.error(`${what} claims ${units} characters but only ${this.remaining} bytes remain`, start, true);
    }
    // Each code unit takes 1–3 bytes; buffer the most it can take (bounded by the file).
    await this.ensure(Math.min(units * 3, this.remaining), what);
    const window = this.window;
    let p = this.at();
    const end = this.windowStart + window.length;
    let ascii = true;
    for (let i = 0; i < units; i++) {
      if (window[p + i] >= 0x80 || p + i >= window.length) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      const text = fromCharCodes(window.subarray(p, p + units));
      this.position += units;
      return text;
    }
    const codeUnits = new Uint16Array(units);
    for (let i = 0; i < units; i++) {
      if (this.windowStart + p >= end) {
        throw this.error(`truncated file: ${what} ends after ${i} of ${units} characters`);
      }
      const lead = window[p++];
      if (lead < 0x80) {
        codeUnits[i] = lead;
      } else if (lead < 0xe0) {
        if (this.windowStart + p >= end) throw this.error(`truncated file inside ${what}`);
        codeUnits[i] = ((lead & 0x1f) << 6) | (window[p++] & 0x3f);
      } else {
        if (this.windowStart + p + 1 >= end) throw this.error(`truncated file inside ${what}`);
        codeUnits[i] = ((lead & 0x0f) << 12) | ((window[p] & 0x3f) << 6) | (window[p + 1] & 0x3f);
        p += 2;
      }
    }
    this.position = this.windowStart + p;
    return fromCharCodes(codeUnits);
  }

  /**
   * Copies `byteCount` bytes from the current position into `target` (a byte view), slice by
   * slice, calling `onSlice` after each so the caller can report progress.
   */
  async readInto(target: Uint8Array, what: string, onSlice?: (copied: number) => void): Promise<void> {
    const byteCount = target.length;
    if (byteCount > this.remaining) {
      throw this.error(
        `truncated file: ${what} needs ${byteCount} bytes but only ${this.remaining} remain`,
        undefined,
        true,
      );
    }
    let copied = 0;
    while (copied < byteCount) {
      this.signal?.throwIfAborted();
      const length = Math.min(SLICE_BYTES, byteCount - copied);
      const windowEnd = this.windowStart + this.window.length;
      if (this.position >= this.windowStart && this.position + length <= windowEnd) {
        target.set(this.window.subarray(this.at(), this.at() + length), copied);
      } else if (this.source.readInto) {
        const read = await this.source.readInto(this.position, target.subarray(copied, copied + length));
        if (read < length) throw this.error(`could not read ${what}`);
      } else {
        const slice = await this.source.read(this.position, length);
        if (slice.length < length) throw this.error(`could not read ${what}`);
        target.set(slice, copied);
      }
      copied += length;
      this.position += length;
      onSlice?.(copied);
    }
  }

  /**
   * Makes `count` reads and hands each to `consume(index, bytes)` in order, with the next `depth`
   * reads already under way while `consume` runs: a Node file read runs on libuv's thread pool and a
   * Blob read off the worker's thread, so decoding one slice overlaps reading the next ones and the
   * load takes about the longer of the two, not their sum. More than one read in flight matters in
   * a browser, where each Blob read waits on the browser process (`npm run bench:browser`).
   * `plan(index)` says where read `index` is and where its bytes go (a part of the caller's array,
   * or one of `depth + 1` staging buffers taken in turn: none of them is being read into while it is
   * consumed); it is asked when that read starts, `depth` ahead of `consume`. When `consume` throws,
   * the reads in flight are abandoned. The cursor (`position`) is left alone.
   */
  async readPipelined(
    count: number,
    plan: (index: number) => PlannedRead,
    consume: (index: number, bytes: Uint8Array) => void,
    depth = PIPELINE_DEPTH,
  ): Promise<void> {
    const start = (index: number) => {
      const read = plan(index);
      const reading = this.readSlice(read.at, read.target, read.what);
      // A read that fails while an earlier one is awaited is reported when its turn comes (the
      // await below), not as an unhandled rejection.
      reading.catch(() => undefined);
      return reading;
    };
    const pending: Promise<Uint8Array>[] = [];
    let started = 0;
    for (; started < Math.min(count, depth); started++) pending.push(start(started));
    for (let index = 0; index < count; index++) {
      const bytes = await pending.shift()!;
      if (started < count) pending.push(start(started++));
      // When consume throws, the reads in flight are abandoned (their failures are handled above).
      consume(index, bytes);
    }
  }

  /** Fills `target` with the bytes at file offset `at` (from the window when they are there). */
  private async readSlice(at: number, target: Uint8Array, what: string): Promise<Uint8Array> {
    this.signal?.throwIfAborted();
    const length = target.length;
    if (at + length > this.size) {
      throw this.error(`truncated file: ${what} needs ${length} bytes but only ${this.size - at} remain`, at, true);
    }
    const windowEnd = this.windowStart + this.window.length;
    if (at >= this.windowStart && at + length <= windowEnd) {
      target.set(this.window.subarray(at - this.windowStart, at - this.windowStart + length));
    } else if (this.source.readInto) {
      const read = await this.source.readInto(at, target);
      if (read < length) throw this.error(`could not read ${what}`, at);
    } else {
      const slice = await this.source.read(at, length);
      if (slice.length < length) throw this.error(`could not read ${what}`, at);
      target.set(slice);
    }
    return target;
  }
}

function fromCharCodes(codes: Uint8Array | Uint16Array): string {
  if (codes.length <= FROM_CHAR_CODE_CHUNK) return String.fromCharCode.apply(null, codes as unknown as number[]);
  const parts: string[] = [];
  for (let i = 0; i < codes.length; i += FROM_CHAR_CODE_CHUNK) {
    parts.push(String.fromCharCode.apply(null, codes.subarray(i, i + FROM_CHAR_CODE_CHUNK) as unknown as number[]));
  }
  return parts.join('');
}
