/**
 * The row starts of a CSR column (edges, retainers) in about 2.1 bytes per row rather than 4.
 *
 * Rows are grouped in blocks of 64 entries. A block keeps the start of its first entry (4 bytes),
 * and each entry its distance from it in a Uint16Array: a block of 64 rows holding fewer than
 * 65,536 edges in all, which is every block of a .NET heap but those where an array of tens of
 * thousands of references lies. Such a block keeps its 64 starts whole, aside, and says so in its
 * block entry (negative: −1 − where they are). O(1) reads, two array reads each; exact whatever the
 * rows. Write one row by row with `RowStartsWriter`, or make one from a plain column with `RowStarts.of`.
 */
import { largeArray } from './array-memory';
const ROW_BLOCK_SHIFT = 6;
const ROW_BLOCK = 1 << ROW_BLOCK_SHIFT;
const ROW_BLOCK_MASK = ROW_BLOCK - 1;
/** A block's entries may lie this far from its first entry in the Uint16 column. */
const MAX_NARROW_SPAN = 0xffff;
/** Block bases are Int32 (negative ones point aside): a block starting past this is kept aside. */
const MAX_BLOCK_BASE = 0x7fff_ffff;

export class RowStarts {
  /** Entries: one more than the rows, the last being the column's length. */
  readonly length: number;

  constructor(
    /** Per entry: its start minus its block's base (0 in a block kept aside). */
    readonly low: Uint16Array,
    /** Per block: the start of its first entry, or −1 − (where its 64 starts lie in `wide`). */
    readonly block: Int32Array,
    /** The starts of the blocks kept aside, 64 per block (the last one's may be fewer). */
    readonly wide: Uint32Array,
  ) {
    this.length = low.length;
    if (block.length !== blockCount(low.length))
      throw new Error(`RowStarts: ${block.length} blocks for ${low.length} entries`);
  }

  /** Where row `i` starts (and row i − 1 ends); `get(rows)` is the column's length. */
  get(i: number): number {
    const base = this.block[i >>> ROW_BLOCK_SHIFT];
    return base >= 0 ? base + this.low[i] : this.wide[-1 - base + (i & ROW_BLOCK_MASK)];
  }

  /** Entries in row `i`. */
  count(i: number): number {
    return this.get(i + 1) - this.get(i);
  }

  /** The column's length: where the last row ends. */
  get total(): number {
    return this.length === 0 ? 0 : this.get(this.length - 1);
  }

  get byteLength(): number {
    return this.low.byteLength + this.block.byteLength + this.wide.byteLength;
  }

  /** The starts as a plain column (4 bytes per entry): for a file written out, or a check. */
  toUint32Array(): Uint32Array {
    const column = new Uint32Array(this.length);
    for (let i = 0; i < this.length; i++) column[i] = this.get(i);
    return column;
  }

  /** The compact form of a row-start column (nondecreasing, as CSR starts are), through the writer. O(n). */
  static of(column: Uint32Array, readByHelpers = false): RowStarts {
    const writer = new RowStartsWriter(column.length, readByHelpers);
    for (let i = 0; i < column.length; i++) writer.set(i, column[i]);
    return writer.finish();
  }

  /**
   * Whether three columns read from outside (a heap image) make row starts that begin at 0,
   * never decrease and end at `total`, with every block kept aside pointing inside `wide`. O(n).
   */
  static wellFormed(low: Uint16Array, block: Int32Array, wide: Uint32Array, total: number): boolean {
    const n = low.length;
    if (n === 0 || block.length !== blockCount(n) || wide.length % ROW_BLOCK !== 0) return false;
    for (let b = 0; b < block.length; b++) {
      const base = block[b];
      if (base < 0 && ((-1 - base) % ROW_BLOCK !== 0 || -1 - base >= wide.length)) return false;
    }
    const starts = new RowStarts(low, block, wide);
    let previous = 0;
    for (let i = 0; i < n; i++) {
      const start = starts.get(i);
      if (start < previous || (i === 0 && start !== 0)) return false;
      previous = start;
    }
    return previous === total;
  }
}

/**
 * Writes a RowStarts entry by entry, in increasing order, without a plain column first: a reader
 * that produces rows one after the other (the gcdump decoder) calls `set(i, start)` for i = 0, 1, …,
 * rows, then `finish()`. A block is moved aside when one of its entries lies too far from its first.
 */
export class RowStartsWriter {
  private readonly low: Uint16Array;
  private readonly block: Int32Array;
  private wide = new Uint32Array(0);
  private asideBlocks = 0;

  /** `readByHelpers`: the column is a heap's edges, which helper threads read (heap/array-memory.ts). */
  constructor(
    readonly length: number,
    readByHelpers = false,
  ) {
    this.low = largeArray(Uint16Array, length, readByHelpers);
    this.block = new Int32Array(blockCount(length));
  }

  set(i: number, start: number): void {
    const b = i >>> ROW_BLOCK_SHIFT;
    // A block's first entry is its base, unless it is past what an Int32 base holds.
    if ((i & ROW_BLOCK_MASK) === 0) this.block[b] = start <= MAX_BLOCK_BASE ? start : this.newAsideBlock();
    const base = this.block[b];
    if (base >= 0 && start - base <= MAX_NARROW_SPAN) this.low[i] = start - base;
    else this.setAside(i, start);
  }

  private setAside(i: number, start: number): void {
    const b = i >>> ROW_BLOCK_SHIFT;
    let base = this.block[b];
    if (base >= 0) {
      // The block's entries so far move aside, and its later ones go there too.
      const first = b << ROW_BLOCK_SHIFT;
      const at = -1 - this.newAsideBlock();
      for (let k = first; k < i; k++) {
        this.wide[at + k - first] = base + this.low[k];
        this.low[k] = 0;
      }
      base = this.block[b] = -1 - at;
    }
    this.wide[-1 - base + (i & ROW_BLOCK_MASK)] = start;
  }

  /** A block's room in `wide`, grown by doubling, as the block entry that points there. */
  private newAsideBlock(): number {
    const at = ROW_BLOCK * this.asideBlocks++;
    if (at + ROW_BLOCK > this.wide.length) {
      const grown = new Uint32Array(Math.max(4 * ROW_BLOCK, 2 * this.wide.length));
      grown.set(this.wide);
      this.wide = grown;
    }
    return -1 - at;
  }

  /** The row starts, once every entry is set. */
  finish(): RowStarts {
    return new RowStarts(this.low, this.block, this.wide.slice(0, ROW_BLOCK * this.asideBlocks));
  }
}

function blockCount(entries: number): number {
  return (entries + ROW_BLOCK_MASK) >>> ROW_BLOCK_SHIFT;
}
