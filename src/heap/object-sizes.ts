/**
 * The shallow size of every node, in 2 bytes per node when few sizes need more.
 *
 * Most objects of a .NET heap are small (tens to hundreds of bytes); sizes of 65,535 bytes and more
 * belong to arrays and strings on the large object heap, a few thousand in a heap of millions. So a
 * size below 65,535 is stored as it is in a Uint16Array, and a larger one as 0xffff there with the
 * exact size kept aside, the large nodes in increasing order and their sizes beside them (a binary
 * search finds one). When more than one node in LARGE_SHARE_LIMIT is large, that side list would
 * cost more than it saves, and every size is kept in a Uint32Array instead. Exact either way.
 */
import { largeArray } from './array-memory';
/** Sizes from this up are kept aside; 0xffff in the narrow column says so. */
export const LARGE_SIZE = 0xffff;
/** At most one node in this many may be large for the narrow form (8 bytes each aside: ≤ 0.25 B/node). */
export const LARGE_SHARE_LIMIT = 32;

export class ObjectSizes {
  /** The sizes, or 0xffff for a large one (narrow); or every size (wide: `largeNodes` is empty). */
  readonly values: Uint16Array | Uint32Array;
  /** The nodes whose size is in `largeSizes`, in increasing order (narrow only). */
  readonly largeNodes: Uint32Array;
  readonly largeSizes: Uint32Array;
  /** The value of `values` that says "look in the large sizes": 0xffff when narrow, none (−1) when wide. */
  private readonly escape: number;

  constructor(
    values: Uint16Array | Uint32Array,
    largeNodes: Uint32Array = new Uint32Array(0),
    largeSizes: Uint32Array = new Uint32Array(0),
  ) {
    if (largeNodes.length !== largeSizes.length)
      throw new Error(`ObjectSizes: ${largeNodes.length} large nodes but ${largeSizes.length} sizes`);
    this.values = values;
    this.largeNodes = largeNodes;
    this.largeSizes = largeSizes;
    this.escape = values instanceof Uint16Array ? LARGE_SIZE : -1;
  }

  get length(): number {
    return this.values.length;
  }

  /** The shallow size of `node`, in bytes. */
  get(node: number): number {
    const value = this.values[node];
    return value === this.escape ? this.large(node) : value;
  }

  private large(node: number): number {
    const nodes = this.largeNodes;
    let low = 0;
    let high = nodes.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = nodes[middle];
      if (at === node) return this.largeSizes[middle];
      if (at < node) low = middle + 1;
      else high = middle - 1;
    }
    throw new Error(`ObjectSizes: node ${node} is marked large but has no size`);
  }

  /** The sum of every size. */
  total(): number {
    const values = this.values;
    let sum = 0;
    for (let node = 0; node < values.length; node++) sum += values[node];
    for (let k = 0; k < this.largeNodes.length; k++) sum += this.largeSizes[k] - LARGE_SIZE;
    return sum;
  }

  /** Writes every size into `target` (as long as this), at typed-array copy speed. */
  copyTo(target: Uint32Array | Float64Array): void {
    target.set(this.values);
    for (let k = 0; k < this.largeNodes.length; k++) target[this.largeNodes[k]] = this.largeSizes[k];
  }

  /** Every size in a Uint32Array (a copy when narrow): for writers and checks, not for analyses. */
  toUint32Array(): Uint32Array {
    if (this.values instanceof Uint32Array) return this.values;
    const wide = Uint32Array.from(this.values);
    for (let k = 0; k < this.largeNodes.length; k++) wide[this.largeNodes[k]] = this.largeSizes[k];
    return wide;
  }

  /** A narrow column with its large sizes listed as gathered (nodes in increasing order). */
  static withLarge(values: Uint16Array, largeNodes: readonly number[], largeSizes: readonly number[]): ObjectSizes {
    return new ObjectSizes(values, Uint32Array.from(largeNodes), Uint32Array.from(largeSizes));
  }

  /**
   * The first `count` sizes of `sizes` in the width they need. Returns null when they do not fit
   * the narrow form (too many large ones): the caller keeps `sizes` itself.
   */
  static narrowed(sizes: Uint32Array, count: number): ObjectSizes | null {
    const values = largeArray(Uint16Array, count);
    const largeNodes: number[] = [];
    const largeSizes: number[] = [];
    const limit = Math.floor(count / LARGE_SHARE_LIMIT);
    for (let from = 0; from < count; from += NARROW_BLOCK) {
      const to = Math.min(count, from + NARROW_BLOCK);
      if (!markLarge(sizes, values, from, to, largeNodes, largeSizes, limit)) return null;
    }
    return ObjectSizes.withLarge(values, largeNodes, largeSizes);
  }

  /**
   * Whether the parts are as `narrowed` writes them (a stored copy read back): wide with no large
   * list, or narrow with exactly the 0xffff entries listed, in increasing order, each 0xffff or more.
   */
  static wellFormed(values: Uint16Array | Uint32Array, largeNodes: Uint32Array, largeSizes: Uint32Array): boolean {
    if (largeNodes.length !== largeSizes.length) return false;
    if (values instanceof Uint32Array) return largeNodes.length === 0;
    let escapes = 0;
    for (let node = 0; node < values.length; node++) if (values[node] === LARGE_SIZE) escapes++;
    if (escapes !== largeNodes.length) return false;
    for (let k = 0; k < largeNodes.length; k++) {
      const node = largeNodes[k];
      if ((k > 0 && node <= largeNodes[k - 1]) || node >= values.length || values[node] !== LARGE_SIZE) return false;
      if (largeSizes[k] < LARGE_SIZE) return false;
    }
    return true;
  }

  /** The first `count` sizes of `sizes`, narrow when they fit, else kept in 4 bytes per node. */
  static of(sizes: Uint32Array, count = sizes.length): ObjectSizes {
    return (
      ObjectSizes.narrowed(sizes, count) ?? new ObjectSizes(sizes.length === count ? sizes : sizes.slice(0, count))
    );
  }
}

/** Nodes per call of markLarge (a loop in a function called many times is optimized early). */
const NARROW_BLOCK = 1 << 16;

/**
 * Copies the sizes of nodes from … to−1 into `values`, LARGE_SIZE for those of LARGE_SIZE or more,
 * appended to `largeNodes` and `largeSizes`; false as soon as more than `limit` are large. (A loop, not `set`: V8
 * converts between typed-array kinds element by element on a slow path, 5 times slower.)
 */
function markLarge(
  sizes: Uint32Array,
  values: Uint16Array,
  from: number,
  to: number,
  largeNodes: number[],
  largeSizes: number[],
  limit: number,
): boolean {
  for (let node = from; node < to; node++) {
    const size = sizes[node];
    if (size < LARGE_SIZE) {
      values[node] = size;
      continue;
    }
    values[node] = LARGE_SIZE;
    largeNodes.push(node);
    largeSizes.push(size);
    if (largeNodes.length > limit) return false;
  }
  return true;
}
