/**
 * Where the memory of the heap's large arrays comes from: the node columns, the CSR edges, the
 * importers' transient tables and the analyses' node- and edge-sized arrays are made with
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
 * bytes. Arrays under MIN_PROVIDED_BYTES are always made with `new`. The CLI provides nothing.
 */
export type ArrayMemory = (byteLength: number) => ArrayBufferLike;

/** Arrays smaller than this are made with `new` (a helper's touching would not pay for itself). */
export const MIN_PROVIDED_BYTES = 1 << 20;

let provided: ArrayMemory | null = null;

/** Sets (or, with null, clears) the memory large arrays are made in, for this thread. */
export function provideArrayMemory(memory: ArrayMemory | null): void {
  provided = memory;
}

/** The typed arrays `largeArray` makes. */
export interface LargeArrayType<T> {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** A zeroed array of `length` entries, in provided memory when it is large and some is provided. */
export function largeArray<T>(Type: LargeArrayType<T>, length: number): T {
  const byteLength = length * Type.BYTES_PER_ELEMENT;
  if (provided === null || byteLength < MIN_PROVIDED_BYTES) return new Type(length);
  return new Type(provided(byteLength), 0, length);
}
