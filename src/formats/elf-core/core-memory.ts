/**
 * The process memory a core holds, read by address: each read is a slice of the one PT_LOAD (or run
 * of adjacent PT_LOADs) that holds it, so a multi-GB core is never read whole. Bytes a segment does
 * not carry in the file (`p_filesz` below `p_memsz`: a sparse or filtered core) read as absent, never
 * as zeros. Every read is counted, and its range kept, so callers can say what they read.
 */
import type { ByteSource } from '../byte-source';
import type { ElfLoadSegment } from './elf-core-reader';

export interface CoreMemory {
  /** `length` bytes at `address`, or null when the core does not hold all of them. */
  read(address: bigint, length: number): Promise<Uint8Array | null>;
  /** Bytes read so far, and the address ranges they came from. */
  readonly bytesRead: number;
  readonly ranges: readonly { readonly address: bigint; readonly length: number }[];
}

/** A single read larger than this is refused (the callers read headers, tables and a descriptor). */
export const MAX_CORE_READ = 16 * 1024 * 1024;

export function coreMemory(source: ByteSource, loads: readonly ElfLoadSegment[]): CoreMemory {
  const segments = loads.filter((load) => load.fileSize > 0).sort((a, b) => (a.vaddr < b.vaddr ? -1 : 1));
  const ranges: { address: bigint; length: number }[] = [];
  let bytesRead = 0;

  /** The segment holding `address` in its file-backed part, by binary search, or null. */
  const holding = (address: bigint): ElfLoadSegment | null => {
    let low = 0;
    let high = segments.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const segment = segments[middle];
      if (address < segment.vaddr) high = middle - 1;
      else if (address >= segment.vaddr + BigInt(segment.fileSize)) low = middle + 1;
      else return segment;
    }
    return null;
  };

  return {
    get bytesRead() {
      return bytesRead;
    },
    ranges,
    async read(address: bigint, length: number): Promise<Uint8Array | null> {
      if (!Number.isSafeInteger(length) || length < 0 || length > MAX_CORE_READ) return null;
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const at = address + BigInt(done);
        const segment = holding(at);
        if (!segment) return null;
        const inSegment = Number(at - segment.vaddr);
        const take = Math.min(length - done, segment.fileSize - inSegment);
        const offset = segment.fileOffset + inSegment;
        if (offset + take > source.size) return null;
        const bytes = await source.read(offset, take);
        if (bytes.length < take) return null;
        out.set(bytes, done);
        bytesRead += take;
        done += take;
      }
      ranges.push({ address, length });
      return out;
    },
  };
}
