import { describe, expect, it } from 'vitest';
import type { RootPathSummary } from '../../session/answers';
import { layoutRootsGraph, MAX_PLAIN_STRETCH } from './roots-graph';

/** A path: root, `plain` objects, optionally a run of `run` members, then two objects and the target. */
function path(rootName: string, plain: number, run: number | null, base = 0): RootPathSummary {
  const object = (i: number) => ({ node: base + i, type: `T${i}`, address: `0x${(base + i).toString(16)}` });
  const steps: RootPathSummary['steps'][number][] = [];
  for (let i = 0; i < plain; i++) steps.push(object(i));
  if (run !== null) {
    steps.push({
      run: {
        type: 'CallbackNode',
        count: run,
        span: run,
        elided: false,
        first: '0xa000',
        last: '0xb000',
        firstNode: base + 1000,
        lastNode: base + 1000 + run - 1,
      },
    } as RootPathSummary['steps'][number]);
  }
  steps.push(object(500), object(501), object(502));
  return { root: { name: rootName, label: 'static variable', kind: 'staticVariable' }, steps } as RootPathSummary;
}

describe('root-path graph layout', () => {
  it('folds a long stretch of plain steps into one gap, keeping the four before the run', () => {
    const graph = layoutRootsGraph([path('[static var A.s]', 17, 17_812)]);
    const keys = graph.pathKeys[0];
    const kinds = keys.map((key) => graph.nodes.find((n) => n.key === key)!.kind);
    expect(kinds).toEqual(['root', 'gap', 'object', 'object', 'object', 'object', 'run', 'object', 'object', 'target']);
    const gap = graph.nodes.find((n) => n.kind === 'gap')!;
    expect(gap.title).toBe('… 13 objects');
    expect(gap.tooltip).toContain('T0 → T1');
    // The four kept before the run are the last four plain steps: the owner's side.
    expect(keys.slice(2, 6)).toEqual(['n:13', 'n:14', 'n:15', 'n:16']);
  });

  it('keeps a short stretch whole, and unfolds a gap the user opened', () => {
    const short = layoutRootsGraph([path('[static var A.s]', MAX_PLAIN_STRETCH, 9)]);
    expect(short.nodes.some((n) => n.kind === 'gap')).toBe(false);
    const folded = layoutRootsGraph([path('[static var A.s]', 17, 9)]);
    const gap = folded.nodes.find((n) => n.kind === 'gap')!;
    const open = layoutRootsGraph([path('[static var A.s]', 17, 9)], { openGaps: new Set([gap.key]) });
    expect(open.nodes.some((n) => n.kind === 'gap')).toBe(false);
    expect(open.pathKeys[0]).toHaveLength(1 + 17 + 1 + 3);
  });

  it('opens an expanded run in the graph: first member, the middle (still the run), last member', () => {
    const collapsed = layoutRootsGraph([path('[static var A.s]', 2, 17_812)]);
    const run = collapsed.nodes.find((n) => n.kind === 'run')!;
    expect(run.title).toBe('CallbackNode × 17,812');
    const open = layoutRootsGraph([path('[static var A.s]', 2, 17_812)], { expandedRun: run.key });
    const keys = open.pathKeys[0];
    const at = keys.indexOf(run.key);
    expect(keys[at - 1]).toBe('n:1000');
    expect(keys[at + 1]).toBe(`n:${1000 + 17_812 - 1}`);
    const middle = open.nodes.find((n) => n.key === run.key)!;
    expect(middle.kind).toBe('run');
    expect(middle.expandedMiddle).toBe(true);
    expect(middle.title).toBe('… 17,810 more');
    expect(open.nodes.find((n) => n.key === 'n:1000')!.subtitle).toBe('0xa000');
    // Every edge joins neighbours on the path: first → middle → last.
    expect(open.edges).toContainEqual({ from: 'n:1000', to: run.key });
    expect(open.edges).toContainEqual({ from: run.key, to: `n:${1000 + 17_812 - 1}` });
  });

  it('right-aligns paths and merges a node they share', () => {
    const graph = layoutRootsGraph([path('[static var A.s]', 3, null), path('[local vars]', 1, null)]);
    expect(graph.columns).toBe(1 + 3 + 3);
    const target = graph.nodes.filter((n) => n.kind === 'target');
    expect(target).toHaveLength(1);
    expect(target[0].column).toBe(graph.columns - 1);
    expect(target[0].row).toBe(0.5);
  });
});
