/**
 * 64-bit addresses stored as two Uint32 halves (see types.ts, HeapNodes.addressLo/Hi).
 */

const TWO_POW_32 = 0x1_0000_0000;

/** `0x7f0000001018`-style lower-case hex, no padding; `0x0` for zero. */
export function formatAddress(lo: number, hi: number): string {
  if (hi === 0) return '0x' + (lo >>> 0).toString(16);
  return '0x' + (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, '0');
}

export interface SplitAddress {
  readonly lo: number;
  readonly hi: number;
}

/**
 * Parses `0x1f`, `1f`, `00007ffe`d06bb000` (WinDbg backtick) or `0n123` (decimal) into halves.
 * Returns null when the text is not an address of at most 64 bits.
 */
export function parseAddress(text: string): SplitAddress | null {
  let t = text.trim().replace(/`/g, '');
  if (/^0n\d+$/i.test(t)) {
    const v = BigInt(t.slice(2));
    if (v >= 1n << 64n) return null;
    return { lo: Number(v & 0xffffffffn), hi: Number(v >> 32n) };
  }
  if (/^0x/i.test(t)) t = t.slice(2);
  if (!/^[0-9a-f]{1,16}$/i.test(t)) return null;
  const padded = t.padStart(16, '0');
  return { hi: parseInt(padded.slice(0, 8), 16), lo: parseInt(padded.slice(8), 16) };
}

/** The address as a JS number; exact below 2^53 (every x64/x86 user-space address). */
export function addressToNumber(lo: number, hi: number): number {
  return hi * TWO_POW_32 + lo;
}

/** Splits a bigint (UInt64) into halves. */
export function splitBigAddress(value: bigint): SplitAddress {
  return { lo: Number(value & 0xffffffffn), hi: Number((value >> 32n) & 0xffffffffn) };
}
