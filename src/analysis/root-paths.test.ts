import { describe, expect, it } from 'vitest';
import type { HeapModel } from '../heap/types';
import { breadthFirstFromRoot } from './bfs';
import { heapFromDsl, type DslHeap } from './graph-dsl';
import { computeRetainers } from './reverse-edges';
import { RootPathFinder, shortestRootPath, type RootPath } from './root-paths';

function hasEdge(heap: HeapModel, source: number, target: number): boolean {
  const { start, target: targets } = heap.edges;
  for (let e = start.get(source), rowEnd = start.get(source + 1); e < rowEnd; e++)
    if (targets[e] === target) return true;
  return false;
}

/** Every consecutive pair is an edge, the chain starts at the root and ends at the target. */
function expectRealChain(heap: HeapModel, path: RootPath, target: number): void {
  expect(path.chain[0]).toBe(heap.rootIndex);
  expect(path.chain[path.chain.length - 1]).toBe(target);
  for (let i = 0; i + 1 < path.chain.length; i++) expect(hasEdge(heap, path.chain[i], path.chain[i + 1])).toBe(true);
}

const ids = (dsl: DslHeap, nodes: ArrayLike<number>) => Array.from(nodes, (n) => dsl.idOf(n));

const INCIDENT = `
  root -> [static vars] -> [static var Cache.instance] -> cache:Dictionary -> entries:Entry[] -> buffer:System.Byte[]:32792
  [static vars] -> [static var Pool.shared] -> pool:ArrayPool -> bucket:Bucket -> slot:Slot -> buffer
  root -> [local vars] -> handler:RequestHandler -> state:State -> buffer
  root -> [other roots] -> [strong Handles] -> gcHandle:Holder -> a:Wrapper -> b:Wrapper -> buffer
  [other roots] -> [finalizer Handles] -> stream:FileStream -> buffer
  root -> [thread static vars] -> [static var Context.current] -> ctx:Context -> handler
  dead:Garbage -> buffer
`;

describe('shortest root path', () => {
  const dsl = heapFromDsl(INCIDENT);
  const tree = breadthFirstFromRoot(dsl.heap);

  it('follows BFS parents back to the root, labelled by its category', () => {
    const path = shortestRootPath(dsl.heap, tree, dsl.node('buffer'))!;
    expectRealChain(dsl.heap, path, dsl.node('buffer'));
    expect(path.chain.length).toBe(5); // root, [local vars], handler, state, buffer
    expect(path.kind).toBe('localVariable');
    expect(path.rootName).toBe('[local vars]');
    expect(ids(dsl, path.objects)).toEqual(['handler', 'state', 'buffer']);
  });

  it('names the static field and keeps the thread-static category above it', () => {
    const path = shortestRootPath(dsl.heap, tree, dsl.node('ctx'))!;
    expect(path.kind).toBe('threadStaticVariable');
    expect(path.rootName).toBe('[static var Context.current]');
    expect(ids(dsl, path.objects)).toEqual(['ctx']);
  });

  it('has no path to an object the root does not reach', () => {
    expect(shortestRootPath(dsl.heap, tree, dsl.node('dead'))).toBeNull();
  });

  it('says plainly when asked about a node that does not exist', () => {
    expect(() => shortestRootPath(dsl.heap, tree, dsl.heap.nodes.count)).toThrow(/node \d+ does not exist/);
  });
});

describe('distinct root paths (gcroot)', () => {
  const dsl = heapFromDsl(INCIDENT);
  const tree = breadthFirstFromRoot(dsl.heap);
  const finder = new RootPathFinder(dsl.heap, tree, computeRetainers(dsl.heap));
  const buffer = dsl.node('buffer');

  it('finds one path per root kind, shortest first, each a real chain of references', () => {
    const result = finder.distinctRootPaths(buffer);
    expect(result.stoppedBy).toBe('complete');
    // chain lengths 5, 5, 6, 7, 7: the finalizer's handle is found first (nearer the buffer)
    expect(result.paths.map((p) => p.kind)).toEqual([
      'finalizerQueue',
      'localVariable',
      'staticVariable',
      'threadStaticVariable',
      'strongHandle',
    ]);
    for (const path of result.paths) expectRealChain(dsl.heap, path, buffer);
    const statics = result.paths.find((p) => p.kind === 'staticVariable')!;
    expect(statics.rootName).toBe('[static var Cache.instance]');
    expect(ids(dsl, statics.objects)).toEqual(['cache', 'entries', 'buffer']);
    const strong = result.paths.find((p) => p.kind === 'strongHandle')!;
    expect(ids(dsl, strong.chain)).toEqual([
      'root',
      '[other roots]',
      '[strong Handles]',
      'gcHandle',
      'a',
      'b',
      'buffer',
    ]);
  });

  it('gives several roots of one kind when asked, and never the garbage retainer', () => {
    const result = finder.distinctRootPaths(buffer, { maxPathsPerKind: 2 });
    const staticRoots = result.paths.filter((p) => p.kind === 'staticVariable').map((p) => p.rootName);
    expect(staticRoots).toEqual(['[static var Cache.instance]', '[static var Pool.shared]']);
    for (const path of result.paths) expect(ids(dsl, path.chain)).not.toContain('dead');
  });

  it('respects maxPaths and maxVisitedNodes, and says which cap stopped it', () => {
    const two = finder.distinctRootPaths(buffer, { maxPaths: 2 });
    expect(two.paths).toHaveLength(2);
    expect(two.stoppedBy).toBe('maxPaths');
    const few = finder.distinctRootPaths(buffer, { maxVisitedNodes: 4 });
    expect(few.visitedNodes).toBeLessThanOrEqual(4);
    expect(few.stoppedBy).toBe('maxVisitedNodes');
    for (const path of few.paths) expectRealChain(dsl.heap, path, buffer);
  });

  it('can be asked again and again (its scratch is reset)', () => {
    const first = finder.distinctRootPaths(buffer).paths.map((p) => ids(dsl, p.chain));
    finder.distinctRootPaths(dsl.node('handler'));
    const again = finder.distinctRootPaths(buffer).paths.map((p) => ids(dsl, p.chain));
    expect(again).toEqual(first);
  });

  it('returns nothing for an unreachable object, and the root itself for the root', () => {
    expect(finder.distinctRootPaths(dsl.node('dead')).paths).toEqual([]);
    const self = finder.distinctRootPaths(dsl.node('root')).paths;
    expect(self).toHaveLength(1);
    expect(ids(dsl, self[0].chain)).toEqual(['root']);
    expect(self[0].objects.length).toBe(0);
  });

  it('follows a 17,812-long chain of callbacks to the leaked buffer', () => {
    const leak = heapFromDsl(
      'root -> [static vars] -> [static var Config.reloadToken] -> cts:CancellationTokenSource -> CallbackNode:48*17812 -> leaked:System.Byte[]:32792',
    );
    const leakTree = breadthFirstFromRoot(leak.heap);
    const leaked = leak.node('leaked');
    const shortest = shortestRootPath(leak.heap, leakTree, leaked)!;
    expect(shortest.chain.length).toBe(3 + 1 + 17_812 + 1);
    expect(shortest.objects.length).toBe(1 + 17_812 + 1);
    const paths = new RootPathFinder(leak.heap, leakTree, computeRetainers(leak.heap)).distinctRootPaths(leaked).paths;
    expect(paths).toHaveLength(1);
    expect(paths[0].chain).toEqual(shortest.chain);
  });
});
