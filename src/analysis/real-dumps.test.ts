/**
 * The analyses on real dumps (test-data/gcdump and sample-dumps/leaky-service): the
 * invariants issues 4 and 5 ask for. (The test reads files through src/formats; the analyses
 * themselves import only src/heap.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes } from '../formats/byte-source';
import { readGcdump } from '../formats/gcdump';
import { NO_NODE, type HeapModel } from '../heap/types';
import { listFixtures, PROJECT_ROOT, readFixture } from '../test-support/fixtures';
import { breadthFirstFromRoot, isReached } from './bfs';
import { computeDominators } from './dominators';
import { retainedSizes } from './retained';
import { computeRetainers } from './reverse-edges';
import { RootPathFinder } from './root-paths';
import { findHomogeneousChains } from './chain-scan';

const LEAKY_SERVICE = join(PROJECT_ROOT, 'sample-dumps', 'leaky-service');
const SAMPLES: [string, () => Uint8Array][] = [
  ...listFixtures('gcdump', '.gcdump').map((name): [string, () => Uint8Array] => [
    name,
    () => readFixture('gcdump', name),
  ]),
  ...['runaway-cts.gcdump', 'control.gcdump']
    .filter((name) => existsSync(join(LEAKY_SERVICE, name)))
    .map((name): [string, () => Uint8Array] => [name, () => new Uint8Array(readFileSync(join(LEAKY_SERVICE, name)))]),
];
/** Objects whose root paths are checked per dump: spread evenly over the node indices. */
const PATH_TARGETS_PER_DUMP = 200;

async function analyse(name: string, bytes: Uint8Array) {
  const { heap } = await readGcdump(byteSourceFromBytes(bytes, name));
  const retainers = computeRetainers(heap);
  const tree = breadthFirstFromRoot(heap);
  const dominators = computeDominators(heap, retainers);
  const retained = retainedSizes(heap, dominators);
  return { heap, retainers, tree, dominators, retained };
}

function hasEdge(heap: HeapModel, source: number, target: number): boolean {
  const { start, target: targets } = heap.edges;
  for (let e = start.get(source), rowEnd = start.get(source + 1); e < rowEnd; e++)
    if (targets[e] === target) return true;
  return false;
}

describe.each(SAMPLES)('analyses on %s', (name, read) => {
  it('dominate every reachable object from the root, and retain at least the shallow size', async () => {
    const { heap, tree, dominators, retained } = await analyse(name, read());
    expect(dominators.reachableCount).toBe(tree.reachableCount);
    // The same nodes, not just as many: the findings ask the BFS which nodes the root reaches.
    const outsideBfs = dominators.preorder
      .subarray(0, dominators.reachableCount)
      .filter((node) => !isReached(tree, node));
    expect(outsideBfs.length).toBe(0);
    let reachableBytes = 0;
    for (let node = 0; node < heap.nodes.count; node++) {
      if (isReached(tree, node)) reachableBytes += heap.nodes.size.get(node);
      expect(retained[node]).toBeGreaterThanOrEqual(heap.nodes.size.get(node));
    }
    expect(retained[heap.rootIndex]).toBe(reachableBytes);
    // The idom chain of every reachable object ends at the root: check it top-down in preorder.
    const endsAtRoot = new Uint8Array(heap.nodes.count);
    let broken = 0;
    for (const node of dominators.preorder) {
      if (!isReached(tree, node)) continue;
      const dominator = dominators.idom[node];
      endsAtRoot[node] = node === heap.rootIndex || (dominator !== NO_NODE && endsAtRoot[dominator] === 1) ? 1 : 0;
      if (!endsAtRoot[node]) broken++;
    }
    expect(broken).toBe(0);
  });

  it('gives every reachable object root paths that are real chains of references', async () => {
    const { heap, tree, retainers } = await analyse(name, read());
    const finder = new RootPathFinder(heap, tree, retainers);
    const stride = Math.max(1, Math.floor(heap.nodes.count / PATH_TARGETS_PER_DUMP));
    for (let target = 0; target < heap.nodes.count; target += stride) {
      const { paths, stoppedBy } = finder.distinctRootPaths(target);
      if (!isReached(tree, target)) {
        expect(paths).toEqual([]);
        continue;
      }
      expect(paths.length > 0 || stoppedBy === 'maxVisitedNodes').toBe(true);
      for (const path of paths) {
        expect(path.chain[0]).toBe(heap.rootIndex);
        expect(path.chain[path.chain.length - 1]).toBe(target);
        let missingEdges = 0;
        for (let i = 0; i + 1 < path.chain.length; i++)
          if (!hasEdge(heap, path.chain[i], path.chain[i + 1])) missingEdges++;
        expect(missingEdges).toBe(0);
      }
      expect(new Set(paths.map((p) => p.kind)).size).toBe(paths.length);
    }
  });
});

describe.runIf(existsSync(join(LEAKY_SERVICE, 'runaway-cts.gcdump')))('the LeakyService runaway token', () => {
  it('shows up as one doubly-linked list of at least 17,812 callback nodes, owned by the registrations', async () => {
    const bytes = new Uint8Array(readFileSync(join(LEAKY_SERVICE, 'runaway-cts.gcdump')));
    const { heap, retainers, dominators, retained } = await analyse('runaway-cts.gcdump', bytes);
    const chains = findHomogeneousChains(heap, retainers, { dominators, retained });
    expect(chains).toHaveLength(1);
    const [list] = chains;
    expect(list.length).toBeGreaterThanOrEqual(17_812);
    expect(heap.types.names[list.type]).toMatch(/CallbackNode$/);
    expect(heap.types.names[heap.nodes.type[list.headRetainer]]).toMatch(/Registrations$/);
    // Prev and Next, and registrations holding members: no member is dominated by its predecessor.
    expect(findHomogeneousChains(heap, retainers, { structure: 'singleRetainer' })).toEqual([]);
  });
});
