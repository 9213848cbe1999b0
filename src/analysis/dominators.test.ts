import { describe, expect, it } from 'vitest';
import { NO_NODE } from '../heap/types';
import { computeDominators } from './dominators';
import { chainHeap, heapFromDsl, type DslHeap } from './graph-dsl';
import { computeRetainers } from './reverse-edges';

function dominatorsOf(dsl: DslHeap) {
  return computeDominators(dsl.heap, computeRetainers(dsl.heap));
}

describe('dominators', () => {
  it('puts a shared object under the nearest common owner', () => {
    const dsl = heapFromDsl('root -> A -> C -> D; root -> B -> C; A -> E; B -> E; E -> D');
    const { idom } = dominatorsOf(dsl);
    const idomId = (id: string) => (idom[dsl.node(id)] === NO_NODE ? 'virtual root' : dsl.idOf(idom[dsl.node(id)]));
    expect(idomId('root')).toBe('virtual root');
    expect(idomId('A')).toBe('root');
    expect(idomId('C')).toBe('root');
    expect(idomId('E')).toBe('root');
    expect(idomId('D')).toBe('root');
  });

  it('follows the only way into a cycle, through self and duplicate edges', () => {
    const dsl = heapFromDsl('root -> A -> B -> C -> A; C -> D; D -> D; B -> D; B -> D');
    const { idom } = dominatorsOf(dsl);
    expect(dsl.idOf(idom[dsl.node('B')])).toBe('A');
    expect(dsl.idOf(idom[dsl.node('C')])).toBe('B');
    expect(dsl.idOf(idom[dsl.node('D')])).toBe('B');
  });

  it('keeps unreachable objects, flagged, under the virtual root', () => {
    // `garbage` is referenced by nothing; the ring P <-> Q has no way in at all.
    const dsl = heapFromDsl('root -> A; garbage -> Y -> Z -> Y; P -> Q -> P; Q -> R');
    const { idom, reachableCount, preorder } = dominatorsOf(dsl);
    const at = (id: string) => dsl.node(id);
    expect(reachableCount).toBe(2);
    expect(idom[at('garbage')]).toBe(NO_NODE);
    expect(idom[at('Y')]).toBe(at('garbage'));
    expect(idom[at('Z')]).toBe(at('Y'));
    expect(idom[at('P')]).toBe(NO_NODE); // the first ring member in NodeIndex order tops the ring
    expect(idom[at('Q')]).toBe(at('P'));
    expect(idom[at('R')]).toBe(at('Q'));
    expect(preorder.length).toBe(dsl.heap.nodes.count);
    expect(Array.from(preorder.subarray(0, reachableCount), (n) => dsl.idOf(n))).toEqual(['root', 'A']);
  });

  it('does not let a dead object share the ownership of a live one', () => {
    const dsl = heapFromDsl('root -> holder -> cache -> entry; dead -> cache');
    const { idom } = dominatorsOf(dsl);
    expect(idom[dsl.node('cache')]).toBe(dsl.node('holder'));
    expect(idom[dsl.node('dead')]).toBe(NO_NODE);
  });

  it('treats everything as unreachable in a model without a root', () => {
    const dsl = heapFromDsl('A -> B');
    const heap = { ...dsl.heap, rootIndex: NO_NODE };
    const dominators = computeDominators(heap, computeRetainers(heap));
    expect(dominators.reachableCount).toBe(0);
    expect(dominators.idom[dsl.node('A')]).toBe(NO_NODE);
    expect(dominators.idom[dsl.node('B')]).toBe(dsl.node('A'));
  });

  it.each([17_812, 1_000_000])('gives each member of a %i-long doubly-linked list its predecessor', (length) => {
    const dsl = chainHeap(length, 'CallbackNode', true);
    const { idom, reachableCount } = dominatorsOf(dsl);
    const { first } = dsl.chains[0];
    expect(reachableCount).toBe(dsl.heap.nodes.count);
    expect(idom[first]).toBe(dsl.node('[static var Holder.head]'));
    let wrong = 0;
    for (let k = 1; k < length; k++) if (idom[first + k] !== first + k - 1) wrong++;
    expect(wrong).toBe(0);
  });

  it('reports progress up to 1 and stops when aborted', () => {
    const dsl = chainHeap(3_000_000);
    const retainers = computeRetainers(dsl.heap);
    const fractions: number[] = [];
    computeDominators(dsl.heap, retainers, { onProgress: (f) => fractions.push(f) });
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(fractions[fractions.length - 1]).toBe(1);

    const controller = new AbortController();
    let calls = 0;
    const run = () =>
      computeDominators(dsl.heap, retainers, {
        signal: controller.signal,
        onProgress: () => {
          if (++calls === 2) controller.abort();
        },
      });
    expect(run).toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(calls).toBe(2);
  });

  it('leaves the retainers as it found them, also when aborted while it reads them in DFS numbers', () => {
    const dsl = heapFromDsl('root -> A -> B -> C; root -> C; A -> D -> B; D -> D; X -> B');
    const before = computeRetainers(dsl.heap);
    const retainers = computeRetainers(dsl.heap);
    const first = computeDominators(dsl.heap, retainers);
    expect(retainers).toEqual(before);

    const chain = chainHeap(3_000_000);
    const chainRetainers = computeRetainers(chain.heap);
    const chainBefore = computeRetainers(chain.heap);
    const controller = new AbortController();
    const fractions: number[] = [];
    const run = () =>
      computeDominators(chain.heap, chainRetainers, {
        signal: controller.signal,
        onProgress: (fraction) => {
          fractions.push(fraction);
          // Past the depth-first numbering (a third of the steps here): in step 2.
          if (fraction > 0.5) controller.abort();
        },
      });
    expect(run).toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(fractions.at(-1)).toBeGreaterThan(0.5);
    expect(fractions.at(-1)).toBeLessThan(0.9);
    let changed = 0;
    for (let r = 0; r < chainBefore.retainerSource.length; r++)
      if (chainRetainers.retainerSource[r] !== chainBefore.retainerSource[r]) changed++;
    expect(changed).toBe(0);
    expect(computeDominators(dsl.heap, retainers).idom).toEqual(first.idom);
  });
});
