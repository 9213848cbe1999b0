/** The growth graph's layout: rows per entry, shared starts merged, the grown type last, long stretches folded. */
import { describe, expect, it } from 'vitest';
import type { GrowthEntry } from '../../session/answers';
import { layoutGrowthGraph } from './growth-graph';

const entry = (path: string[], countBefore: number, countAfter: number): GrowthEntry => ({
  path,
  type: path[path.length - 1],
  accumulationPoint: path[path.length - 2] ?? null,
  owner: path[0],
  countBefore,
  countAfter,
  countDelta: countAfter - countBefore,
  retainedDelta: (countAfter - countBefore) * 100,
});

describe('growth graph layout', () => {
  it('merges the shared start of two entries and ends each with its grown type, highlighted', () => {
    const graph = layoutGrowthGraph([
      entry(['[static var A.s]', 'A', 'List<B>', 'B[]', 'B'], 10, 110),
      entry(['[static var A.s]', 'A', 'Handler[]', 'Handler'], 1, 51),
    ]);
    expect(graph.rows).toBe(2);
    expect(graph.nodes.filter((n) => n.title === 'A')).toHaveLength(1);
    expect(graph.nodes.find((n) => n.title === '[static var A.s]')?.kind).toBe('root');
    const targets = graph.nodes.filter((n) => n.kind === 'target');
    expect(targets.map((n) => [n.title, n.subtitle])).toEqual([
      ['B', '+100 (10 → 110)'],
      ['Handler', '+50 (1 → 51)'],
    ]);
    // Every edge joins nodes that exist, left to right.
    const byKey = new Map(graph.nodes.map((n) => [n.key, n]));
    for (const edge of graph.edges) expect(byKey.get(edge.from)!.column).toBeLessThan(byKey.get(edge.to)!.column);
    expect(graph.edges).toHaveLength(6);
    // Type nodes are not objects: nothing to open.
    expect(graph.nodes.every((n) => n.node === null && n.run === null)).toBe(true);
  });

  it('folds a long plain stretch, keeping the last steps before the grown type, and unfolds it on request', () => {
    const plain = Array.from({ length: 12 }, (_, i) => `Step${i}`);
    const path = ['[static var S.s]', ...plain, 'Owner', 'Token', 'Source', 'Registrations', 'CallbackNode'];
    const folded = layoutGrowthGraph([entry(path, 5, 17)]);
    const gap = folded.nodes.find((n) => n.kind === 'gap')!;
    expect(gap.gap?.count).toBe(12);
    expect(folded.nodes.map((n) => n.title)).toEqual([
      '[static var S.s]',
      '… 12 types',
      'Owner',
      'Token',
      'Source',
      'Registrations',
      'CallbackNode',
    ]);
    const open = layoutGrowthGraph([entry(path, 5, 17)], new Set([gap.key]));
    expect(open.nodes).toHaveLength(path.length);
    expect(open.nodes.some((n) => n.kind === 'gap')).toBe(false);
  });
});
