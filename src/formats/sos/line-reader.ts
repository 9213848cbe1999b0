import { FormatError, type ByteSource, type LoadOptions } from '../byte-source';

/** Bytes decoded per read: large enough to be fast, small enough never to hold a big file whole. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;

/**
 * Longest line kept. SOS never prints lines this long (the widest are gcroot frames with generic
 * signatures, a few KB); a longer one is hostile or binary, and capping it bounds every per-line
 * scan below.
 */
export const MAX_LINE_CHARS = 64 * 1024;

export interface TextLine {
  /** 1-based line number. */
  readonly number: number;
  readonly text: string;
  /** The line was longer than MAX_LINE_CHARS and was cut. */
  readonly truncated: boolean;
}

export interface LineReaderOptions extends LoadOptions {
  /** Bytes per read; tests use tiny chunks to exercise boundaries. */
  chunkBytes?: number;
}

/** Picks the decoder from a byte-order mark; UTF-8 otherwise (TextDecoder drops a UTF-8 BOM). */
function decoderFor(head: Uint8Array): { decoder: TextDecoder; skip: number } {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) {
    return { decoder: new TextDecoder('utf-16le'), skip: 2 };
  }
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) {
    return { decoder: new TextDecoder('utf-16be'), skip: 2 };
  }
  return { decoder: new TextDecoder('utf-8'), skip: 0 };
}

/**
 * Reads the source slice by slice with a streaming TextDecoder and yields its lines (`\n`, `\r\n`
 * or lone `\r` endings). Never builds a string of the whole file. A NUL character means the input is
 * binary, not a transcript: that is a FormatError naming the line.
 */
export async function* readLines(source: ByteSource, options: LineReaderOptions = {}): AsyncGenerator<TextLine> {
  const chunkBytes = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  const head = await source.read(0, Math.min(4, source.size));
  const { decoder, skip } = decoderFor(head);
  let offset = skip;
  let lineNumber = 1;
  let current = '';
  let truncated = false;
  let pendingCR = false;

  const take = (): TextLine => {
    const line = { number: lineNumber, text: current, truncated };
    lineNumber++;
    current = '';
    truncated = false;
    return line;
  };

  while (offset < source.size) {
    options.signal?.throwIfAborted();
    const bytes = await source.read(offset, Math.min(chunkBytes, source.size - offset));
    if (bytes.length === 0) break;
    offset += bytes.length;
    const text = decoder.decode(bytes, { stream: offset < source.size });
    const lines: TextLine[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */ || c === 13 /* \r */) {
        if (c === 10 && pendingCR && i === start && current === '') {
          // second half of a \r\n split across the previous segment
          pendingCR = false;
          start = i + 1;
          continue;
        }
        append(text, start, i);
        lines.push(take());
        pendingCR = c === 13;
        if (c === 13 && i + 1 < text.length && text.charCodeAt(i + 1) === 10) {
          i++;
          pendingCR = false;
        }
        start = i + 1;
      } else if (c === 0) {
        throw new FormatError(
          'sos',
          `line ${lineNumber} contains a NUL character (byte offset about ${offset - bytes.length}); this is binary data, not a text transcript`,
          lineNumber,
        );
      } else {
        pendingCR = false;
      }
    }
    append(text, start, text.length);
    yield* lines;
    options.onProgress?.({
      stage: 'reading transcript',
      bytesRead: offset,
      totalBytes: source.size,
      fraction: source.size === 0 ? 1 : offset / source.size,
    });
  }
  const rest = decoder.decode();
  if (rest.length > 0) append(rest, 0, rest.length);
  if (current.length > 0) yield take();

  function append(text: string, from: number, to: number): void {
    if (to <= from) return;
    const room = MAX_LINE_CHARS - current.length;
    if (room <= 0) {
      truncated = true;
      return;
    }
    if (to - from > room) {
      current += text.slice(from, from + room);
      truncated = true;
    } else {
      current += text.slice(from, to);
    }
  }
}
