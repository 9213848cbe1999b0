import { FormatError } from '../byte-source';
import { widenedAddressHigh, writeLargeSize, type NodeColumns } from '../../heap/heap-builder';
import { LARGE_SIZE } from '../../heap/object-sizes';
import { largeArray } from '../../heap/array-memory';
import { NodeFlag, type TypeColumn } from '../../heap/types';
import { RowStartsWriter, type RowStarts } from '../../heap/row-starts';

/**
 * The three compressed Int32s that open a node record (type, optional size, child count) take at
 * most 5 bytes each (gcdump spec §4.4).
 */
const MAX_RECORD_HEAD_BYTES = 15;
/**
 * How far (in slices, each way) a window of received bytes is extended at once: a bound on the
 * work per window miss when slices are small; a record past the window just extends it again.
 */
const MAX_WINDOW_SLICES = 64;
/** A compressed Int32 takes at most this many bytes (§4.4). */
const MAX_VARINT_BYTES = 5;
/**
 * While the file is read, the flags of a node not decoded yet whose address is 0 carry this bit;
 * decoding the node turns it into NodeFlag.Pseudo (or clears it for an undefined node), so the
 * hot loop reads one byte it writes anyway instead of two address columns.
 */
const ZERO_ADDRESS = 0x80;
const ZERO_ADDRESS_TO_PSEUDO = 6;

/**
 * Decodes node records (§4.3–§4.4) into the node columns and CSR edges, in node order, while the
 * blob is still arriving in slices, in any order (`blobSliceReceived`): `decode` goes as far as
 * the records lying wholly in received slices allow, then names the slice it waits for
 * (`wantedBlobSlice`), so the reader can fetch what is needed next. dotnet-gcdump writes the
 * records of the root and its categories (the first nodes) last, after every object's: read front
 * to back, nothing could be decoded before the whole blob were in.
 *
 * The hot loop reads compressed Int32s straight from the blob with a local index and checks the
 * bytes left once per record (its head needs ≤ 15 bytes, each child ≤ 5), not once per byte. A
 * record near the end of what has arrived, or one that looks wrong, is decoded again by
 * `checkedRecord`, which checks every byte and names the problem: the errors are the same
 * whichever path met the record.
 */
export class NodeRecordDecoder {
  /** The next node to decode: nodes before it are in the columns. */
  next = 0;
  private edgeCount = 0;
  private target: Uint32Array;
  /** Nodes before this one have their final address in the columns (addresses follow the blob). */
  private addressesKnown = 0;
  /** The flags of a defined node of each type, before its address is looked at. */
  private readonly typeFlags: Uint8Array;
  private readonly nodeType: TypeColumn;
  private readonly flags: Uint8Array;
  private readonly addressLo: Uint32Array;
  /** The builder's columns: the high address halves are widened there when one needs 4 bytes. */
  private readonly columns: NodeColumns;
  /** Where `checkedVarint` left off, or -1 when the integer runs past the bytes received. */
  private varintEnd = 0;
  /**
   * Per type: the defined nodes decoded so far and their bytes, counted as each record is written,
   * so that the model's per-type totals need no pass over the columns after the load.
   */
  readonly typeObjects: Float64Array;
  readonly typeBytes: Float64Array;

  /** Blob slices of `blobSliceBytes` bytes received so far (1 = received). */
  private readonly sliceReceived: Uint8Array;
  /** A run of received bytes of the blob [windowStart, windowEnd): the fast path reads in it. */
  private windowStart = 0;
  private windowEnd = 0;
  /** The blob slice the last `decode` stopped for, or −1. */
  wantedBlobSlice = -1;

  constructor(
    private readonly blob: Uint8Array,
    readonly blobSliceBytes: number,
    private readonly blobFileOffset: number,
    private readonly nodeOffsets: Uint32Array,
    /** Receives the CSR row starts (n+1 entries), in node order, in their compact form. */
    private readonly start: RowStartsWriter,
    /** Default size per type (−1: none, the record must give one). */
    private readonly typeSizes: Int32Array,
    /** 1 for the types whose nodes are synthetic whatever their address (CCWs, §5.1). */
    pseudoType: Uint8Array,
    columns: NodeColumns,
  ) {
    this.typeFlags = pseudoType.map((pseudo) => NodeFlag.Defined | (pseudo ? NodeFlag.Pseudo : 0));
    this.typeObjects = new Float64Array(typeSizes.length);
    this.typeBytes = new Float64Array(typeSizes.length);
    const n = nodeOffsets.length;
    this.sliceReceived = new Uint8Array(Math.ceil(blob.length / blobSliceBytes));
    if (start.length !== n + 1) throw new Error(`NodeRecordDecoder: ${start.length} row starts for ${n} nodes`);
    // The edge array starts at two per node (≈1.8 in real heaps) and doubles if needed; edges
    // never exceed the blob's bytes (each child delta takes ≥ 1 byte, records do not overlap).
    this.target = largeArray(Uint32Array, Math.max(16, Math.min(blob.length, 2 * n)), true);
    this.nodeType = columns.type;
    this.flags = columns.flags;
    this.addressLo = columns.addressLo;
    this.columns = columns;
  }

  get done(): boolean {
    return this.next === this.nodeOffsets.length;
  }

  get nodeCount(): number {
    return this.nodeOffsets.length;
  }

  get blobLength(): number {
    return this.blob.length;
  }

  get blobSliceCount(): number {
    return this.sliceReceived.length;
  }

  /** Slice `slice` of the blob (`blobSliceBytes` from slice × blobSliceBytes) is in `blob`. */
  blobSliceArrived(slice: number): void {
    this.sliceReceived[slice] = 1;
  }

  /**
   * Makes the window the run of received slices around blob offset `offset`; false when the
   * slice holding `offset` has not arrived.
   */
  private windowAround(offset: number, maxSlices = MAX_WINDOW_SLICES): boolean {
    const received = this.sliceReceived;
    const slice = Math.floor(offset / this.blobSliceBytes);
    if (received[slice] !== 1) return false;
    let first = slice;
    while (first > 0 && slice - first < maxSlices && received[first - 1] === 1) first--;
    let last = slice;
    while (last + 1 < received.length && last - slice < maxSlices && received[last + 1] === 1) last++;
    this.windowStart = first * this.blobSliceBytes;
    this.windowEnd = Math.min(this.blob.length, (last + 1) * this.blobSliceBytes);
    return true;
  }

  /**
   * Decodes nodes from `next` up to (not including) `stopAt`, with the blob slices received so
   * far. Returns false when it stopped early because the next record is not wholly received yet,
   * and names the slice it needs in `wantedBlobSlice` (never once the whole blob is in: then a
   * short record is an error).
   */
  decode(stopAt: number): boolean {
    const blob = this.blob;
    const offsets = this.nodeOffsets;
    const n = offsets.length;
    const start = this.start;
    const typeSizes = this.typeSizes;
    const typeFlags = this.typeFlags;
    const { typeObjects, typeBytes } = this;
    const typeCount = typeSizes.length;
    const nodeType = this.nodeType;
    // Sizes of LARGE_SIZE and more are left to checkedRecord (writeLargeSize), which may widen the
    // column: it is read again after each record that path decodes.
    let nodeSize = this.columns.size;
    const flags = this.flags;
    const end = Math.min(stopAt, n);
    let target = this.target;
    let edgeCount = this.edgeCount;
    let i = this.next;
    let stalled = false;
    let windowStart = this.windowStart;
    let windowEnd = this.windowEnd;
    this.wantedBlobSlice = -1;
    for (; i < end; i++) {
      const offset = offsets[i];
      const firstEdge = edgeCount;
      if (offset === 0) {
        // Referenced but never defined (§4.3): no type, no size, no children, not Defined.
        start.set(i, firstEdge);
        flags[i] = 0;
        continue;
      }
      // The fast path checks the bytes left once per record and leaves anything unusual (a
      // record near the end of what has arrived, a value out of range, an edge array to grow)
      // to checkedRecord, which either decodes the record or names what is wrong with it.
      fast: if (offset >= windowStart && offset + MAX_RECORD_HEAD_BYTES <= windowEnd) {
        let p = offset;
        // Compressed Int32s (§4.4): most significant 7-bit group first, 0x80 = more bytes,
        // sign-extended from the first group, at most 5 bytes. Unrolled; a 6th byte → checkedRecord.
        let byte: number;
        let x: number;
        byte = blob[p++];
        x = (byte << 25) >> 25;
        if (byte & 0x80) {
          byte = blob[p++];
          x = (x << 7) | (byte & 0x7f);
          if (byte & 0x80) {
            byte = blob[p++];
            x = (x << 7) | (byte & 0x7f);
            if (byte & 0x80) {
              byte = blob[p++];
              x = (x << 7) | (byte & 0x7f);
              if (byte & 0x80) {
                byte = blob[p++];
                x = (x << 7) | (byte & 0x7f);
                if (byte & 0x80) break fast;
              }
            }
          }
        }
        const type = x >>> 1;
        if (x < 0 || type >= typeCount) break fast;
        let size = typeSizes[type];
        if (x & 1) {
          byte = blob[p++];
          size = (byte << 25) >> 25;
          if (byte & 0x80) {
            byte = blob[p++];
            size = (size << 7) | (byte & 0x7f);
            if (byte & 0x80) {
              byte = blob[p++];
              size = (size << 7) | (byte & 0x7f);
              if (byte & 0x80) {
                byte = blob[p++];
                size = (size << 7) | (byte & 0x7f);
                if (byte & 0x80) {
                  byte = blob[p++];
                  size = (size << 7) | (byte & 0x7f);
                  if (byte & 0x80) break fast;
                }
              }
            }
          }
        }
        if (size < 0 || size >= LARGE_SIZE) break fast;
        let childCount: number;
        byte = blob[p++];
        childCount = (byte << 25) >> 25;
        if (byte & 0x80) {
          byte = blob[p++];
          childCount = (childCount << 7) | (byte & 0x7f);
          if (byte & 0x80) {
            byte = blob[p++];
            childCount = (childCount << 7) | (byte & 0x7f);
            if (byte & 0x80) {
              byte = blob[p++];
              childCount = (childCount << 7) | (byte & 0x7f);
              if (byte & 0x80) {
                byte = blob[p++];
                childCount = (childCount << 7) | (byte & 0x7f);
                if (byte & 0x80) break fast;
              }
            }
          }
        }
        if (childCount < 0 || p + MAX_VARINT_BYTES * childCount > windowEnd || edgeCount + childCount > target.length)
          break fast;
        for (let c = 0; c < childCount; c++) {
          let delta: number;
          byte = blob[p++];
          delta = (byte << 25) >> 25;
          if (byte & 0x80) {
            byte = blob[p++];
            delta = (delta << 7) | (byte & 0x7f);
            if (byte & 0x80) {
              byte = blob[p++];
              delta = (delta << 7) | (byte & 0x7f);
              if (byte & 0x80) {
                byte = blob[p++];
                delta = (delta << 7) | (byte & 0x7f);
                if (byte & 0x80) {
                  byte = blob[p++];
                  delta = (delta << 7) | (byte & 0x7f);
                  if (byte & 0x80) break fast;
                }
              }
            }
          }
          const child = i + delta;
          if (child < 0 || child >= n) break fast;
          target[edgeCount++] = child;
        }
        start.set(i, firstEdge);
        nodeType[i] = type;
        nodeSize[i] = size;
        flags[i] = typeFlags[type] | ((flags[i] & ZERO_ADDRESS) >> ZERO_ADDRESS_TO_PSEUDO);
        typeObjects[type]++;
        typeBytes[type] += size;
        continue;
      }
      if (offset < this.blob.length && !this.windowAround(offset)) {
        this.wantedBlobSlice = Math.floor(offset / this.blobSliceBytes);
        stalled = true;
        break;
      }
      windowStart = this.windowStart;
      windowEnd = this.windowEnd;
      this.target = target;
      let after = this.checkedRecord(i, offset, firstEdge, windowEnd);
      if (after < 0 && this.sliceReceived[Math.floor(windowEnd / this.blobSliceBytes)] === 1) {
        // The window stopped short of received bytes (MAX_WINDOW_SLICES): the whole run, once.
        this.windowAround(offset, Infinity);
        windowStart = this.windowStart;
        windowEnd = this.windowEnd;
        after = this.checkedRecord(i, offset, firstEdge, windowEnd);
      }
      target = this.target;
      nodeSize = this.columns.size;
      if (after < 0) {
        // The record runs on into a slice not received yet: the one after the window.
        this.wantedBlobSlice = Math.floor(windowEnd / this.blobSliceBytes);
        stalled = true;
        break;
      }
      edgeCount = after;
    }
    this.next = i;
    this.edgeCount = edgeCount;
    this.target = target;
    return !stalled;
  }

  /**
   * One record with a check before every byte, for a record near the end of what has been
   * received or one the fast loop found wrong. Writes the node's columns and returns the edge
   * count after it, or −1 when the record runs past `received` (the end of the run of received
   * bytes the record starts in) before the end of the
   * blob. A record that is wrong whatever follows raises the FormatError naming it.
   */
  private checkedRecord(i: number, offset: number, firstEdge: number, received: number): number {
    const blob = this.blob;
    const b = blob.length;
    const n = this.nodeOffsets.length;
    const typeCount = this.typeSizes.length;
    let edgeCount = firstEdge;
    if (offset >= b)
      throw this.nodeError(
        i,
        `its record offset 0x${offset.toString(16)} lies outside the ${b}-byte blob (which starts at offset 0x${this.blobFileOffset.toString(16)})`,
      );
    const x = this.checkedVarint(offset, i, received);
    if (this.varintEnd < 0) return -1;
    let p = this.varintEnd;
    const type = x >>> 1;
    if (x < 0 || type >= typeCount)
      throw this.nodeError(i, `its type index ${x >> 1} is not one of the ${typeCount} types`, offset);
    let size = this.typeSizes[type];
    if (x & 1) {
      size = this.checkedVarint(p, i, received);
      if (this.varintEnd < 0) return -1;
      p = this.varintEnd;
      if (size < 0) throw this.nodeError(i, `its explicit size ${size} is negative`, offset);
    } else if (size < 0) {
      throw this.nodeError(i, `type ${type} has no default size (−1) and the record gives none`, offset);
    }
    const childCount = this.checkedVarint(p, i, received);
    if (this.varintEnd < 0) return -1;
    p = this.varintEnd;
    if (childCount < 0 || childCount > b - p) {
      throw this.nodeError(
        i,
        `it claims ${childCount} children but its record has ${b - p} bytes left in the blob`,
        offset,
      );
    }
    if (edgeCount + childCount > b)
      throw this.nodeError(
        i,
        `the child counts so far (${edgeCount + childCount}) exceed the blob's ${b} bytes: records overlap`,
        offset,
      );
    if (edgeCount + childCount > this.target.length)
      this.target = grownEdges(
        this.target,
        edgeCount,
        Math.min(b, Math.max(edgeCount + childCount, 2 * this.target.length)),
      );
    const target = this.target;
    const complete = received >= b;
    for (let c = 0; c < childCount; c++) {
      if (p >= received) {
        if (!complete) return -1;
        throw this.nodeError(i, 'its record runs past the end of the blob', offset);
      }
      let byte = blob[p++];
      let delta = (byte << 25) >> 25;
      for (let length = 1; byte & 0x80; length++) {
        if (length === MAX_VARINT_BYTES)
          throw this.nodeError(i, `child ${c} is not a valid compressed integer`, offset);
        if (p >= received) {
          if (!complete) return -1;
          throw this.nodeError(i, `child ${c} is not a valid compressed integer`, offset);
        }
        byte = blob[p++];
        delta = (delta << 7) | (byte & 0x7f);
      }
      const child = i + delta;
      if (child < 0 || child >= n)
        throw this.nodeError(i, `child ${c} points at node ${child}, outside 0…${n - 1}`, offset);
      target[edgeCount++] = child;
    }
    this.start.set(i, firstEdge);
    this.nodeType[i] = type;
    if (size >= LARGE_SIZE) writeLargeSize(this.columns, i, size);
    else this.columns.size[i] = size;
    this.flags[i] = this.typeFlags[type] | ((this.flags[i] & ZERO_ADDRESS) >> ZERO_ADDRESS_TO_PSEUDO);
    this.typeObjects[type]++;
    this.typeBytes[type] += size;
    return edgeCount;
  }

  /**
   * A compressed Int32 at `position` with every byte checked against `received`; leaves the
   * position after it in `varintEnd`, or −1 there when it runs past bytes not yet received.
   */
  private checkedVarint(position: number, node: number, received: number): number {
    const blob = this.blob;
    const complete = received >= blob.length;
    let p = position;
    this.varintEnd = -1;
    if (p >= received) {
      if (!complete) return 0;
      throw this.varintError(node, 'its record runs past the end of the blob', p);
    }
    let byte = blob[p++];
    let value = (byte << 25) >> 25;
    let count = 1;
    while (byte & 0x80) {
      if (count === MAX_VARINT_BYTES) throw this.varintError(node, 'a compressed integer has more than 5 bytes', p - 1);
      if (p >= received) {
        if (!complete) return 0;
        throw this.varintError(node, 'its record runs past the end of the blob', p);
      }
      byte = blob[p++];
      value = (value << 7) | (byte & 0x7f);
      count++;
    }
    this.varintEnd = p;
    return value;
  }

  /**
   * Stores the addresses of nodes first … first+count−1 from `words` (low, high 32-bit halves of
   * each Int64, §4.1 field 11). A defined node at address 0 is synthetic (§5.1): marked now if it
   * is decoded, else when it is.
   */
  setAddresses(words: Uint32Array, first: number, count: number): void {
    const lo = this.addressLo;
    let hi = this.columns.addressHi;
    for (let k = 0; k < count; k++) {
      const low = words[2 * k];
      const high = words[2 * k + 1];
      if (high > 0xffff && !(hi instanceof Uint32Array)) hi = widenedAddressHigh(this.columns);
      lo[first + k] = low;
      hi[first + k] = high;
      if ((low | high) === 0) this.markZeroAddress(first + k);
    }
    this.addressesKnown = first + count;
  }

  /** Every address has been stored: the nodes left without one are at address 0. */
  addressesComplete(): void {
    const n = this.nodeOffsets.length;
    for (let node = this.addressesKnown; node < n; node++) this.markZeroAddress(node);
    this.addressesKnown = n;
  }

  private markZeroAddress(node: number): void {
    if (node >= this.next) this.flags[node] |= ZERO_ADDRESS;
    else if (this.flags[node] !== 0) this.flags[node] |= NodeFlag.Pseudo;
  }

  /** The CSR edges, once `done`. */
  edges(): { start: RowStarts; target: Uint32Array } {
    const edgeCount = this.edgeCount;
    this.start.set(this.nodeOffsets.length, edgeCount);
    const target = this.target;
    // Keep the array when little is unused (no copy); else copy to the exact length.
    const edges = edgeCount >= target.length * 0.8 ? target.subarray(0, edgeCount) : target.slice(0, edgeCount);
    return { start: this.start.finish(), target: edges };
  }

  /** An error about one node record, naming the file offset of the record. */
  private nodeError(node: number, message: string, blobOffset = -1): FormatError {
    const offset = this.blobFileOffset + Math.max(0, blobOffset);
    const where = blobOffset >= 0 ? ` (record at offset 0x${offset.toString(16)})` : '';
    return new FormatError(
      'gcdump',
      `node ${node.toLocaleString('en-US')}${where}: ${message}`,
      blobOffset >= 0 ? offset : null,
    );
  }

  /** An error inside a compressed integer, naming the file offset of the byte. */
  private varintError(node: number, message: string, blobOffset: number): FormatError {
    const offset = this.blobFileOffset + blobOffset;
    return new FormatError(
      'gcdump',
      `node ${node.toLocaleString('en-US')}: ${message} (offset 0x${offset.toString(16)})`,
      offset,
    );
  }
}

function grownEdges(edges: Uint32Array, used: number, capacity: number): Uint32Array {
  const grown = largeArray(Uint32Array, capacity, true);
  grown.set(edges.subarray(0, used));
  return grown;
}
