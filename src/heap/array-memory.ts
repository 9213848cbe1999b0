/**
 * Where the memory of the heap's large arrays comes from: the node columns, the CSR edges, the gcdump
 * reader's offset table and node blob, and the arrays the analyses keep or hand on are made with
 * `largeArray(Type, length)`, which is `new Type(length)` unless a host has provided memory.
 *
 * Why a host would: new memory costs a page fault per 4 KB page the first time it is written (about
 * 11 µs on the virtual machines measured here), and a load and its analyses at the incident's 18.6 M
 * objects write about 1.3 GB of new memory: some 3.5 s of faults on the thread doing the work. Node
 * takes transparent huge pages (one fault per 2 MB, bin/huge-pages.mjs); a browser tab cannot. The
 * page's worker instead provides SharedArrayBuffers that a helper worker writes one byte per page of,
 * ahead of the heap worker (worker/page-toucher.ts): the faults are then taken on the other core.
 *
 * The memory provided must be zeroed (a new SharedArrayBuffer is) and hold exactly `byteLength`
 * bytes. Arrays under MIN_PROVIDED_BYTES are always made with `new`.
 *
 * A host whose helper threads read the heap's edges (the CLI's, cli/analysis-helper.ts) but
 * that provides no memory for the rest gives shared memory for those arrays alone
 * (`provideHelperMemory`; the callers make them with `largeArray(Type, length, true)`): the edges
 * live as long as the heap, so sharing them leaves nothing in memory that a collection would not
 * have freed, where shared scratch arrays would (below).
 *
 * Only arrays that live as long as the heap or its analyses (or are handed on between stages as
 * spares, analysis/spare-arrays.ts) are made here; a stage's own scratch arrays, and arrays touched
 * only in part, are made with `new`. Shared memory is freed when the garbage collector collects its
 * last handle, and allocating it does not prompt a collection the way a new ArrayBuffer does
 * (measured in the page: the tab's peak grew by 230 MB when the scratch arrays were shared too).
 *
 * An array the code is done with can be given back (`releaseLargeArray`): the next large array that
 * fits in its memory (no more than MAX_REUSE_SLACK times as large) reuses it, zeroed, instead of
 * new memory, whose pages cost their faults again. The gcdump reader gives back its offset table
 * (one entry longer than the table, so that node + 1 arrays fit it exactly) and, where it is shared,
 * its node blob (`releaseProvidedArray`) once the load is done; the analyses that follow take them.
 * What is not taken is let go with `dropReleasedArrays` (the session does after its analyses, and
 * before a load).
 */
export type ArrayMemory = (byteLength: number) => ArrayBufferLike;

/** Arrays smaller than this are made with `new` (a helper's touching would not pay for itself). */
export const MIN_PROVIDED_BYTES = 1 << 20;

let provided: ArrayMemory | null = null;

/** Memory for the arrays helper threads read, where `provided` is not set. */
let providedForHelpers: ArrayMemory | null = null;

/** A given-back array's memory may be reused for an array at least 1 / MAX_REUSE_SLACK as long. */
const MAX_REUSE_SLACK = 1.5;

/** Memory given back and not reused yet. */
const released: Uint8Array[] = [];

/** The buffers `largeArray` took from the provider. */
const providedBuffers = new WeakSet<ArrayBufferLike>();

/** Sets (or, with null, clears) the memory large arrays are made in, for this thread. */
export function provideArrayMemory(memory: ArrayMemory | null): void {
  provided = memory;
}

/**
 * Sets (or, with null, clears) the memory of the large arrays that helper threads read (the heap's
 * edges), for this thread, where no memory is provided for the others.
 */
export function provideHelperMemory(memory: ArrayMemory | null): void {
  providedForHelpers = memory;
}

/** The typed arrays `largeArray` makes. */
export interface LargeArrayType<T> {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * A zeroed array of `length` entries: in given-back memory when some fits, else in provided memory
 * when it is large and some is provided, else new. One that helper threads will read
 * (`readByHelpers`) is made in the memory `provideHelperMemory` gives, where only that is provided.
 */
export function largeArray<T>(Type: LargeArrayType<T>, length: number, readByHelpers = false): T {
  const byteLength = length * Type.BYTES_PER_ELEMENT;
  if (byteLength < MIN_PROVIDED_BYTES) return new Type(length);
  const source = provided ?? (readByHelpers ? providedForHelpers : null);
  // Given-back memory is the provided kind only where `provided` is set.
  const reused = source === provided ? takeReleased(byteLength, Type.BYTES_PER_ELEMENT) : null;
  if (reused) return new Type(reused.buffer, reused.byteOffset, length);
  if (source === null) return new Type(length);
  const memory = source(byteLength);
  providedBuffers.add(memory);
  return new Type(memory, 0, length);
}

/**
 * Gives back the memory of an array nothing reads or writes any more, for `largeArray` to reuse.
 * The caller must hold no other view of it. Small arrays are left to the garbage collector.
 */
export function releaseLargeArray(array: ArrayBufferView): void {
  if (array.byteLength >= MIN_PROVIDED_BYTES)
    released.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}

/**
 * Gives back an array only when it lives in provided memory. Plain memory is better left to the
 * garbage collector, which new plain arrays prompt (reused, a larger array pins its surplus for as
 * long as the array taking it lives); provided shared memory prompts no collection, and would stay.
 */
export function releaseProvidedArray(array: ArrayBufferView): void {
  if (providedBuffers.has(array.buffer)) releaseLargeArray(array);
}

/** Lets go of the memory given back and not reused. */
export function dropReleasedArrays(): void {
  released.length = 0;
}

/** The smallest given-back memory that holds `byteLength` bytes within the slack, zeroed; or null. */
function takeReleased(byteLength: number, alignment: number): Uint8Array | null {
  let best = -1;
  for (let k = 0; k < released.length; k++) {
    const memory = released[k];
    if (memory.byteLength < byteLength || memory.byteLength > byteLength * MAX_REUSE_SLACK) continue;
    if (memory.byteOffset % alignment !== 0) continue;
    if (best < 0 || memory.byteLength < released[best].byteLength) best = k;
  }
  if (best < 0) return null;
  const [memory] = released.splice(best, 1);
  const bytes = memory.subarray(0, byteLength);
  bytes.fill(0);
  return bytes;
}
