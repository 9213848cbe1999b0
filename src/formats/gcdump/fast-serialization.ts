/**
 * FastSerialization framing of a .gcdump (docs/specs/gcdump-format.md §2): the header, the trailer's
 * forward-reference table, object labels, type slots (descriptors with versions), begin/end object
 * tags. The base of the gcdump reader: gcdump-metadata.ts reads the GCHeapDump fields on top of it,
 * gcdump-reader.ts the MemoryGraph. Every count is checked against what remains before it is used.
 */
import type { ByteSource } from '../byte-source';
import { HeapBuilder } from '../../heap/heap-builder';
import { ChunkReader } from './chunk-reader';
import type { DescriptorVersions, GcdumpReadOptions } from './gcdump-details';
import { Tag } from './tags';

/** §2.3: Int32 20 + "!FastSerialization.1". */
const HEADER = '!FastSerialization.1';
export const HEADER_BYTES = 24;
/** Share of the progress bar given to reading bytes; the rest is decoding. */
export const READ_SHARE = 0.8;

export interface Descriptor extends DescriptorVersions {
  readonly name: string;
}

type SlotStart =
  | { readonly kind: 'null' }
  | { readonly kind: 'object'; readonly descriptor: Descriptor; readonly label: number }
  | { readonly kind: 'reference'; readonly label: number };

const TRAILER_BROKEN = { width: 4 as const, forward: [] as number[], tableOffset: -1, intact: false };

export class FastSerializationReader {
  protected readonly r: ChunkReader;
  protected readonly descriptors = new Map<number, Descriptor>();
  protected labelWidth: 4 | 8 = 4;
  protected forward: number[] = [];
  /** The heap being built: the framing warns through it (skipped unknown fields), the rest fills it. */
  protected readonly builder = new HeapBuilder('gcdump');

  constructor(
    protected readonly source: ByteSource,
    protected readonly options: GcdumpReadOptions,
  ) {
    this.r = new ChunkReader(source, options.signal);
  }

  protected progress(stage: string, fraction: number): void {
    this.options.onProgress?.({ stage, bytesRead: this.r.position, totalBytes: this.r.size, fraction });
  }

  protected readProgress(stage: string): void {
    this.progress(stage, (this.r.position / Math.max(1, this.r.size)) * READ_SHARE);
  }

  // ── FastSerialization framing (§2) ────────────────────────────────────────────────────────

  protected async readHeader(): Promise<void> {
    const r = this.r;
    if (r.size < HEADER_BYTES) {
      throw r.error(`not a .gcdump: the file has ${r.size} bytes, fewer than the 24-byte FastSerialization header`, 0);
    }
    await r.ensure(HEADER_BYTES, 'the header');
    const length = r.i32();
    let magic = '';
    for (let i = 0; i < HEADER.length; i++) magic += String.fromCharCode(r.u8());
    if (length !== HEADER.length || magic !== HEADER) {
      throw r.error('not a .gcdump: the file does not start with the "!FastSerialization.1" header', 0);
    }
  }

  /** §2.9–§2.10: the forward-reference table and the StreamLabel width, from the last bytes. */
  protected async readTrailer(): Promise<{ width: 4 | 8; forward: number[]; tableOffset: number; intact: boolean }> {
    const size = this.r.size;
    if (size < HEADER_BYTES + 16) return TRAILER_BROKEN;
    const tail = await this.source.read(size - 16, 16);
    const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    for (const width of [4, 8] as const) {
      const trailerAt = width === 4 ? view.getUint32(12, true) : Number(view.getBigUint64(8, true));
      if (trailerAt !== size - 2 * width) continue;
      const tableAtBytes = await this.source.read(trailerAt, width);
      const tableView = new DataView(tableAtBytes.buffer, tableAtBytes.byteOffset, tableAtBytes.byteLength);
      const tableOffset = width === 4 ? tableView.getUint32(0, true) : Number(tableView.getBigUint64(0, true));
      if (tableOffset < HEADER_BYTES || tableOffset + 4 > trailerAt) continue;
      const table = await this.source.read(tableOffset, trailerAt - tableOffset);
      const tv = new DataView(table.buffer, table.byteOffset, table.byteLength);
      const count = tv.getInt32(0, true);
      if (count < 0 || tableOffset + 4 + width * count !== trailerAt) continue;
      const forward: number[] = [];
      let consistent = true;
      for (let i = 0; i < count; i++) {
        const at = width === 4 ? tv.getUint32(4 + 4 * i, true) : Number(tv.getBigUint64(4 + 8 * i, true));
        if (at >= tableOffset) consistent = false;
        forward.push(at);
      }
      if (consistent) return { width, forward, tableOffset, intact: true };
    }
    return TRAILER_BROKEN;
  }

  protected async readLabel(what: string): Promise<number> {
    const r = this.r;
    await r.ensure(this.labelWidth, what);
    if (this.labelWidth === 4) return r.u32();
    const value = r.i64();
    if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER))
      throw r.error(`${what} is not a valid offset`, r.position - 8);
    return Number(value);
  }

  /** §2.5: the start of an object slot. */
  protected async beginObject(what: string): Promise<SlotStart> {
    const r = this.r;
    await r.ensure(1, what);
    let tagAt = r.position;
    let tag = r.u8();
    while (tag === Tag.Blob) {
      await r.ensure(4, `the length of a blob before ${what}`);
      const length = r.i32();
      if (length < 0) throw r.error(`a blob before ${what} has a negative length ${length}`, tagAt);
      await r.skip(length, `a blob before ${what}`);
      await r.ensure(1, what);
      tagAt = r.position;
      tag = r.u8();
    }
    switch (tag) {
      case Tag.NullReference:
        return { kind: 'null' };
      case Tag.ObjectReference:
        return { kind: 'reference', label: await this.readLabel(`a reference for ${what}`) };
      case Tag.ForwardDefinition: {
        await r.ensure(5, `a forward definition of ${what}`);
        r.i32();
        const begin = r.u8();
        if (begin !== Tag.BeginObject) {
          throw r.error(
            `a forward definition of ${what} must be followed by 0x04, found 0x${hex(begin)}`,
            r.position - 1,
          );
        }
        return { kind: 'object', descriptor: await this.readTypeSlot(what), label: tagAt };
      }
      case Tag.BeginObject:
      case Tag.BeginPrivateObject:
        return { kind: 'object', descriptor: await this.readTypeSlot(what), label: tagAt };
      case Tag.ForwardReference:
        throw r.error(`${what} is a forward reference, which .gcdump files never use`, tagAt);
      default:
        throw r.error(`expected ${what} (an object slot: tag 0x01 or 0x04), found byte 0x${hex(tag)}`, tagAt);
    }
  }

  /** §2.6: a type descriptor, new (0x04 0x01 …) or repeated (0x02 label). */
  protected async readTypeSlot(what: string): Promise<Descriptor> {
    const r = this.r;
    await r.ensure(1, `the type of ${what}`);
    const at = r.position;
    const tag = r.u8();
    if (tag === Tag.ObjectReference) {
      const label = await this.readLabel(`the type reference of ${what}`);
      const known = this.descriptors.get(label);
      if (!known)
        throw r.error(
          `the type of ${what} refers to offset 0x${label.toString(16)}, where no type descriptor was defined`,
          at,
        );
      return known;
    }
    if (tag !== Tag.BeginObject)
      throw r.error(`expected the type descriptor of ${what} (0x04 or 0x02), found 0x${hex(tag)}`, at);
    await r.ensure(1, `the type descriptor of ${what}`);
    const own = r.u8();
    if (own === Tag.ObjectReference) await this.readLabel('a self-reference in a type descriptor');
    else if (own !== Tag.NullReference)
      throw r.error(`a type descriptor's own type slot must be 0x01, found 0x${hex(own)}`, r.position - 1);
    await r.ensure(8, `the versions of the type descriptor of ${what}`);
    const version = r.i32();
    const minReaderVersion = r.i32();
    const name = await r.string(`the type name of ${what}`);
    await r.ensure(1, `the end of the type descriptor of ${what}`);
    const end = r.u8();
    if (end !== Tag.EndObject)
      throw r.error(`a type descriptor must end with 0x06, found 0x${hex(end)}`, r.position - 1);
    const descriptor = { name: name ?? '', version, minReaderVersion };
    this.descriptors.set(at, descriptor);
    return descriptor;
  }

  protected expectType(
    slot: SlotStart,
    name: string,
    what: string,
  ): asserts slot is Extract<SlotStart, { kind: 'object' }> {
    if (slot.kind !== 'object') throw this.r.error(`expected ${what} (a ${name} object)`);
    if (slot.descriptor.name !== name)
      throw this.r.error(`expected ${what} to be a ${name}, found a ${slot.descriptor.name}`);
  }

  /**
   * §2.8: skips newer tagged fields up to and including the object's EndObject. Returns how many
   * bytes were skipped (0 for files whose objects hold exactly what this reader knows).
   */
  protected async endObject(what: string): Promise<number> {
    const r = this.r;
    const start = r.position;
    let depth = 0;
    for (;;) {
      await r.ensure(1, `the end of ${what}`);
      const at = r.position;
      const tag = r.u8();
      switch (tag) {
        case Tag.EndObject:
          if (--depth < 0) {
            const skipped = at - start;
            if (skipped > 0)
              this.builder.warn(
                `Skipped ${skipped} bytes of fields this reader does not know at the end of ${what} (offset 0x${start.toString(16)}).`,
              );
            return skipped;
          }
          break;
        case Tag.NullReference:
          break;
        case Tag.Byte:
          await r.skip(1, 'a tagged byte');
          break;
        case Tag.Int16:
          await r.skip(2, 'a tagged Int16');
          break;
        case Tag.Int32:
        case Tag.ForwardReference:
        case Tag.ForwardDefinition:
          await r.skip(4, 'a tagged Int32');
          break;
        case Tag.Int64:
          await r.skip(8, 'a tagged Int64');
          break;
        case Tag.String:
          await r.string('a tagged string');
          break;
        case Tag.ObjectReference:
          await this.readLabel('a tagged reference');
          break;
        case Tag.BeginObject:
        case Tag.BeginPrivateObject:
          depth++;
          break;
        case Tag.SkipRegion: {
          await r.ensure(4, 'a skip region index');
          const index = r.i32();
          const target = this.forward[index];
          if (target === undefined || target <= r.position) {
            throw r.error(`skip region ${index} in ${what} has no usable forward-reference entry`, at);
          }
          r.position = target;
          break;
        }
        case Tag.Blob: {
          await r.ensure(4, 'a blob length');
          const length = r.i32();
          if (length < 0) throw r.error(`a blob in ${what} has a negative length`, at);
          await r.skip(length, 'a blob');
          break;
        }
        default:
          throw r.error(`expected the end of ${what} (0x06) or a tagged field, found byte 0x${hex(tag)}`, at);
      }
    }
  }

  /** Peeks for a tagged field (§2.8): consumes the tag and returns true when it is there. */
  protected async takeTag(tag: number): Promise<boolean> {
    const r = this.r;
    if (r.remaining < 1) return false;
    await r.ensure(1, 'a tagged field');
    if (r.peekU8() !== tag) return false;
    r.u8();
    return true;
  }
}

export function versionsOf(descriptor: Descriptor): DescriptorVersions {
  return { version: descriptor.version, minReaderVersion: descriptor.minReaderVersion };
}

export function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
