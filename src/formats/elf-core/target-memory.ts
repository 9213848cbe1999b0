/**
 * The process memory of a core as the managed-heap reader needs it: addresses as numbers (user-space
 * addresses of a 64-bit process are below 2^47, exact in a double), small reads served from a cache
 * of 4 KB pages (MethodTables, EEClasses and metadata are read field by field), large reads (the GC
 * heap's regions) passed through in slices. Absent bytes are null, never zeros.
 */
import type { CoreMemory } from './core-memory';

const PAGE = 4096;
const MAX_CACHED_PAGES = 8192; // 32 MB

export interface TargetMemory {
  /** `length` bytes at `address`, or null when the core does not hold them all. */
  bytes(address: number, length: number): Promise<Uint8Array | null>;
  /** A pointer-sized (8-byte) value, or null. */
  pointer(address: number): Promise<number | null>;
  u32(address: number): Promise<number | null>;
  u16(address: number): Promise<number | null>;
  u8(address: number): Promise<number | null>;
  /** A large read, not cached (a slice of a GC region). */
  slice(address: number, length: number): Promise<Uint8Array | null>;
  readonly memory: CoreMemory;
}

/** The largest address a number holds exactly; a pointer above it is treated as invalid. */
const MAX_ADDRESS = 2 ** 53;

export function targetMemory(memory: CoreMemory): TargetMemory {
  const pages = new Map<number, Uint8Array | null>();
  const page = async (index: number): Promise<Uint8Array | null> => {
    if (pages.has(index)) return pages.get(index) ?? null;
    if (pages.size >= MAX_CACHED_PAGES) pages.clear();
    const bytes = await memory.read(BigInt(index) * BigInt(PAGE), PAGE);
    pages.set(index, bytes);
    return bytes;
  };
  const bytes = async (address: number, length: number): Promise<Uint8Array | null> => {
    if (!Number.isSafeInteger(address) || address < 0 || length < 0 || address + length > MAX_ADDRESS) return null;
    const first = Math.floor(address / PAGE);
    const offset = address - first * PAGE;
    if (offset + length <= PAGE) {
      const held = await page(first);
      return held ? held.subarray(offset, offset + length) : null;
    }
    if (length > 64 * PAGE) return memory.read(BigInt(address), length);
    const out = new Uint8Array(length);
    let done = 0;
    for (let index = first; done < length; index++) {
      const held = await page(index);
      if (!held) return memory.read(BigInt(address), length); // a page at a segment's end: read exactly
      const from = index === first ? offset : 0;
      const take = Math.min(PAGE - from, length - done);
      out.set(held.subarray(from, from + take), done);
      done += take;
    }
    return out;
  };
  const number = async (address: number, size: number): Promise<number | null> => {
    const held = await bytes(address, size);
    if (!held) return null;
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + held[i];
    return value;
  };
  return {
    memory,
    bytes,
    async pointer(address) {
      const value = await number(address, 8);
      return value !== null && value < MAX_ADDRESS ? value : null;
    },
    u32: (address) => number(address, 4),
    u16: (address) => number(address, 2),
    u8: (address) => number(address, 1),
    async slice(address, length) {
      if (!Number.isSafeInteger(address) || address < 0) return null;
      return memory.read(BigInt(address), length);
    },
  };
}

/** A little-endian u32 at `offset` of `bytes`. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return word32(bytes, offset) >>> 0;
}

/** A little-endian u64 at `offset` of `bytes` as a number (exact below 2^53). */
export function readNumber(bytes: Uint8Array, offset: number): number {
  return readU32(bytes, offset + 4) * 2 ** 32 + readU32(bytes, offset);
}

/** A little-endian i64 at `offset` of `bytes` as a number (exact within ±2^53). */
export function readSigned(bytes: Uint8Array, offset: number): number {
  return word32(bytes, offset + 4) * 2 ** 32 + readU32(bytes, offset);
}

/** The little-endian 32-bit word at `offset`, as a signed int32 (`>>> 0` for its unsigned value). */
function word32(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);
}
