/**
 * How much memory a heap needs once loaded and analysed, so that a file too large for a browser
 * tab is refused before anything big is allocated, with a message that says why.
 */

/**
 * Resident bytes per node after the load and every analysis (model columns, CSR edges, reverse
 * edges, BFS, dominators, retained sizes), as `npm run bench` measures it on the incident's shape
 * (≈1.8 references per object). Rounded up to leave room.
 */
export const ANALYSED_BYTES_PER_NODE = 80;

/**
 * What one browser tab may use: Chrome allows a 64-bit renderer a few GB before it kills the
 * tab; we stop well short of that so the page stays alive and can explain itself.
 */
export const BROWSER_MEMORY_BUDGET_BYTES = 3 * 1024 ** 3;

export class HeapTooLargeError extends Error {
  constructor(
    readonly nodeCount: number,
    readonly neededBytes: number,
    readonly budgetBytes: number,
  ) {
    super(
      `This heap has ${nodeCount.toLocaleString('en-US')} objects; analysing it needs about ${gib(neededBytes)} of memory, ` +
        `more than the ${gib(budgetBytes)} a browser tab can safely hold. ` +
        "Use the command line instead, which has the machine's memory: npx heapscope stat FILE (or roots, findings, dumpheap).",
    );
    this.name = 'HeapTooLargeError';
  }
}

/** Throws HeapTooLargeError when `nodeCount` nodes would not fit in `budgetBytes`. */
export function checkMemoryBudget(nodeCount: number, budgetBytes: number | undefined): void {
  if (budgetBytes === undefined) return;
  const needed = nodeCount * ANALYSED_BYTES_PER_NODE;
  if (needed > budgetBytes) throw new HeapTooLargeError(nodeCount, needed, budgetBytes);
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}
