/**
 * A map from non-negative integer keys (below 2^53) to non-negative int32 values, open addressing in
 * typed arrays: the hot loops that look a key up for every object of an 18.6 M-object heap spend
 * a fraction of what a JavaScript Map costs there, and allocate nothing per entry.
 */
export class NumericMap {
  private keys: Float64Array;
  private values: Int32Array;
  private used = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Float64Array(capacity).fill(-1);
    this.values = new Int32Array(capacity);
  }

  get size(): number {
    return this.used;
  }

  /** The value for `key`, or -1. */
  get(key: number): number {
    const mask = this.keys.length - 1;
    for (let slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
      const stored = this.keys[slot];
      if (stored === key) return this.values[slot];
      if (stored === -1) return -1;
    }
  }

  set(key: number, value: number): void {
    if ((this.used + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
      const stored = this.keys[slot];
      if (stored === key) {
        this.values[slot] = value;
        return;
      }
      if (stored === -1) {
        this.keys[slot] = key;
        this.values[slot] = value;
        this.used++;
        return;
      }
    }
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Float64Array(keys.length * 2).fill(-1);
    this.values = new Int32Array(keys.length * 2);
    this.used = 0;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== -1) this.set(keys[slot], values[slot]);
  }
}

/** Mixes both 32-bit halves of a key below 2^53 into a slot number. */
function hash(key: number): number {
  const low = key >>> 0;
  const high = Math.floor(key / 4294967296) >>> 0;
  return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> 0;
}
