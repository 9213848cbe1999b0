/**
 * A helper of the heap worker that only writes one byte per 4 KB page of the shared memory it is
 * given (page-toucher.ts), so that the page faults of that memory's first writes are taken on this
 * thread, on the other core, rather than on the heap worker's in the middle of its work.
 *
 * Every array given is touched a 64th at a time, in turn with the others, from its start: an array
 * the heap worker writes front to back over a stage (a column filled in node order) is touched
 * ahead of it. A page is touched with `Atomics.or(…, 0)`: a write that keeps whatever the heap worker
 * may have written there already. Between bursts the worker yields, so that arrays given meanwhile
 * join the round. When every array it received is touched it says so (`TouchedAll`), and the heap
 * worker ends it (page-toucher.ts says why).
 */

/** The message saying every array received so far is touched. */
export interface TouchedAll {
  /** How many arrays were received. */
  readonly received: number;
}

const PAGE_BYTES = 4096;
/** Each array is touched in this many parts, one per round. */
const PARTS = 64;
/** Bytes touched between two yields (about 20 ms of faults here). */
const BURST_BYTES = 8 << 20;

interface Touching {
  readonly bytes: Uint8Array;
  readonly step: number;
  next: number;
}

const touching: Touching[] = [];
let received = 0;
let turn = 0;
let scheduled = false;
const wake = new MessageChannel();

function schedule(): void {
  if (scheduled || touching.length === 0) return;
  scheduled = true;
  wake.port2.postMessage(null);
}

function burst(): void {
  scheduled = false;
  let budget = BURST_BYTES;
  while (budget > 0 && touching.length > 0) {
    turn %= touching.length;
    const array = touching[turn];
    const bytes = array.bytes;
    const end = Math.min(bytes.length, array.next + array.step);
    for (let at = array.next; at < end; at += PAGE_BYTES) Atomics.or(bytes, at, 0);
    budget -= end - array.next;
    array.next = end;
    if (end >= bytes.length) {
      // The last page, when the array does not start on a page boundary.
      if (bytes.length > 0) Atomics.or(bytes, bytes.length - 1, 0);
      touching.splice(turn, 1);
    } else turn++;
  }
  if (touching.length === 0) (self as unknown as Worker).postMessage({ received } satisfies TouchedAll);
  schedule();
}

wake.port1.onmessage = burst;

self.onmessage = (event: MessageEvent<SharedArrayBuffer>) => {
  const bytes = new Uint8Array(event.data);
  const step = Math.max(PAGE_BYTES, Math.ceil(bytes.length / PARTS / PAGE_BYTES) * PAGE_BYTES);
  touching.push({ bytes, step, next: 0 });
  received++;
  schedule();
};
