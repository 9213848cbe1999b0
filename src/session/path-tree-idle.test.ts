/**
 * The path tree a diff keeps of its baseline, built in the worker's idle time in slices
 * (HeapSession.prepareDominatorPathTree): the same tree as built at once, whether it runs to the
 * end, is finished early by a "Compare with…" (dominatorPathTree()), or is abandoned for another dump.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes } from '../formats/byte-source';
import { PROJECT_ROOT } from '../test-support/fixtures';
import { analyzeOpened, openHeap } from './open-heap';

async function analysed() {
  const bytes = new Uint8Array(readFileSync(join(PROJECT_ROOT, 'sample-dumps/diff/after.gcdump')));
  const opened = await openHeap(byteSourceFromBytes(bytes, 'after.gcdump'));
  await analyzeOpened(opened);
  return opened.session;
}

describe('the path tree built in idle time', () => {
  it('in slices, finished early or abandoned, is the tree built at once', async () => {
    const whole = (await analysed()).dominatorPathTree()!;
    expect(whole.parent.length).toBeGreaterThan(100);

    const sliced = await analysed();
    let slices = 0;
    await sliced.prepareDominatorPathTree(
      async () => void slices++,
      () => true,
      1000,
    );
    expect(slices).toBeGreaterThan(5); // the sample has several thousand objects: many slices
    expect(sliced.dominatorPathTree()).toEqual(whole);

    const interrupted = await analysed();
    let calls = 0;
    let early: ReturnType<typeof interrupted.dominatorPathTree> = null;
    await interrupted.prepareDominatorPathTree(
      async () => {
        // "Compare with…" after two slices: the rest is folded at once.
        if (++calls === 3) early = interrupted.dominatorPathTree();
      },
      () => true,
      1000,
    );
    expect(early).toEqual(whole);
    expect(interrupted.dominatorPathTree()).toBe(early);

    const abandoned = await analysed();
    let wanted = true;
    let abandonedCalls = 0;
    await abandoned.prepareDominatorPathTree(
      async () => {
        if (++abandonedCalls > 2) wanted = false;
      },
      () => wanted,
      1000,
    );
    // Abandoned half-way: a later call builds the whole tree, not the half.
    expect(abandoned.dominatorPathTree()).toEqual(whole);
  });
});
