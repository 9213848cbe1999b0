import { FormatError } from '../byte-source';
import type { NodeColumns } from '../../heap/heap-builder';
import { NodeFlag } from '../../heap/types';

/**
 * The three compressed Int32s that open a node record (type, optional size, child count) take at
 * most 5 bytes each (gcdump spec §4.4).
 */
const MAX_RECORD_HEAD_BYTES = 15;
/** A compressed Int32 takes at most this many bytes (§4.4). */
const MAX_VARINT_BYTES = 5;

/**
 * Decodes node records (§4.3–§4.4) into the node columns and CSR edges, in node order, while the
 * blob is still arriving: `decode(received, …)` goes as far as the records lying wholly in the
 * first `received` bytes allow, so the reader can decode slice k while slice k+1 is being read.
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
  private readonly nodeType: Uint32Array;
  private readonly nodeSize: Uint32Array;
  private readonly flags: Uint8Array;
  private readonly addressLo: Uint32Array;
  private readonly addressHi: Uint32Array;
  /** Where `checkedVarint` left off, or -1 when the integer runs past the bytes received. */
  private varintEnd = 0;

  /**
   * `start` receives the CSR row starts (n+1 entries). It may share memory with `nodeOffsets`
   * (start[i] is written only once node i is decoded, and offsets[i] is not read after that),
   * which saves a node-sized array when the caller has no use for the offsets afterwards.
   */
  constructor(
    private readonly blob: Uint8Array,
    private readonly blobFileOffset: number,
    private readonly nodeOffsets: Uint32Array,
    private readonly start: Uint32Array,
    /** Default size per type (−1: none, the record must give one). */
    private readonly typeSizes: Int32Array,
    /** 1 for the types whose nodes are synthetic whatever their address (CCWs, §5.1). */
    private readonly pseudoType: Uint8Array,
    columns: NodeColumns,
  ) {
    const n = nodeOffsets.length;
    if (start.length !== n + 1) throw new Error(`NodeRecordDecoder: ${start.length} row starts for ${n} nodes`);
    // The edge array starts at two per node (≈1.8 in real heaps) and doubles if needed; edges
    // never exceed the blob's bytes (each child delta takes ≥ 1 byte, records do not overlap).
    this.target = new Uint32Array(Math.max(16, Math.min(blob.length, 2 * n)));
    this.nodeType = columns.type;
    this.nodeSize = columns.size;
    this.flags = columns.flags;
    this.addressLo = columns.addressLo;
    this.addressHi = columns.addressHi;
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

  /**
   * Decodes nodes from `next` up to (not including) `stopAt`, using only the first `received`
   * bytes of the blob. Returns false when it stopped early because the next record is not
   * wholly received yet (never once `received` is the whole blob: then a short record is an error).
   */
  decode(received: number, stopAt: number): boolean {
    const blob = this.blob;
    const b = blob.length;
    const offsets = this.nodeOffsets;
    const n = offsets.length;
    const start = this.start;
    const typeSizes = this.typeSizes;
    const typeCount = typeSizes.length;
    const pseudoType = this.pseudoType;
    const nodeType = this.nodeType;
    const nodeSize = this.nodeSize;
    const flags = this.flags;
    const addressLo = this.addressLo;
    const addressHi = this.addressHi;
    const addressesKnown = this.addressesKnown;
    const end = Math.min(stopAt, n);
    let target = this.target;
    let edgeCount = this.edgeCount;
    let i = this.next;
    let stalled = false;
    nodes: for (; i < end; i++) {
      const offset = offsets[i];
      const firstEdge = edgeCount;
      if (offset === 0) {
        start[i] = firstEdge; // referenced but never defined (§4.3)
        continue;
      }
      fast: if (offset + MAX_RECORD_HEAD_BYTES <= received) {
        let p = offset;
        // Compressed Int32s (§4.4): most significant 7-bit group first, 0x80 = more bytes,
        // sign-extended from the first group, at most 5 bytes. Unrolled; a 6th byte → checkedRecord.
        let byte = blob[p++];
        let x = (byte << 25) >> 25;
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
        if (x < 0 || type >= typeCount)
          throw this.nodeError(i, `its type index ${x >> 1} is not one of the ${typeCount} types`, offset);
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
          if (size < 0) throw this.nodeError(i, `its explicit size ${size} is negative`, offset);
        } else if (size < 0) {
          throw this.nodeError(i, `type ${type} has no default size (−1) and the record gives none`, offset);
        }
        byte = blob[p++];
        let childCount = (byte << 25) >> 25;
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
        if (p + MAX_VARINT_BYTES * childCount > received) break fast;
        if (edgeCount + childCount > target.length)
          target = grownEdges(target, edgeCount, Math.min(b, Math.max(edgeCount + childCount, 2 * target.length)));
        for (let c = 0; c < childCount; c++) {
          byte = blob[p++];
          let delta = (byte << 25) >> 25;
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
          if (child < 0 || child >= n)
            throw this.nodeError(i, `child ${c} points at node ${child}, outside 0…${n - 1}`, offset);
          target[edgeCount++] = child;
        }
        start[i] = firstEdge;
        nodeType[i] = type;
        nodeSize[i] = size;
        const pseudo = pseudoType[type] === 1 || (i < addressesKnown && addressLo[i] === 0 && addressHi[i] === 0);
        flags[i] = NodeFlag.Defined | (pseudo ? NodeFlag.Pseudo : 0);
        continue nodes;
      }
      // Near the end of what has arrived, or something is wrong: again, byte by byte.
      this.target = target;
      const after = this.checkedRecord(i, offset, firstEdge, received);
      target = this.target;
      if (after < 0) {
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
   * count after it, or −1 when the record runs past `received` bytes that are not yet the whole
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
    this.start[i] = firstEdge;
    this.nodeType[i] = type;
    this.nodeSize[i] = size;
    const pseudo =
      this.pseudoType[type] === 1 || (i < this.addressesKnown && this.addressLo[i] === 0 && this.addressHi[i] === 0);
    this.flags[i] = NodeFlag.Defined | (pseudo ? NodeFlag.Pseudo : 0);
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
   * each Int64, §4.1 field 11); a decoded node at address 0 is synthetic (§5.1).
   */
  setAddresses(words: Uint32Array, first: number, count: number): void {
    const lo = this.addressLo;
    const hi = this.addressHi;
    const flags = this.flags;
    const decoded = this.next;
    for (let k = 0; k < count; k++) {
      const low = words[2 * k];
      const high = words[2 * k + 1];
      const node = first + k;
      lo[node] = low;
      hi[node] = high;
      if ((low | high) === 0 && node < decoded && flags[node] !== 0) flags[node] |= NodeFlag.Pseudo;
    }
    this.addressesKnown = first + count;
  }

  /** Every address has been stored: the nodes without one (address 0) are synthetic. */
  addressesComplete(): void {
    const n = this.nodeOffsets.length;
    for (let node = this.addressesKnown; node < this.next; node++) {
      if (this.flags[node] !== 0 && this.addressLo[node] === 0 && this.addressHi[node] === 0)
        this.flags[node] |= NodeFlag.Pseudo;
    }
    this.addressesKnown = n;
  }

  /** The CSR edges, once `done`. */
  edges(): { start: Uint32Array; target: Uint32Array } {
    const edgeCount = this.edgeCount;
    this.start[this.nodeOffsets.length] = edgeCount;
    const target = this.target;
    // Keep the array when little is unused (no copy); else copy to the exact length.
    const edges = edgeCount >= target.length * 0.8 ? target.subarray(0, edgeCount) : target.slice(0, edgeCount);
    return { start: this.start, target: edges };
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
  const grown = new Uint32Array(capacity);
  grown.set(edges.subarray(0, used));
  return grown;
}
