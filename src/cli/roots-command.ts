import { RootPathFinder } from '../analysis/root-paths';
import { renderRootPath, rootPathJson, summarizeRootPath } from '../analysis/path-summary';
import type { AnalysisContext } from '../analysis/analysis-context';
import { formatAddress } from '../heap/address';

/** `heapscope roots`: gcroot for one object, each distinct root kind once, runs collapsed. */
export function rootsOf(context: AnalysisContext, target: number) {
  const { heap } = context;
  const finder = new RootPathFinder(heap, context.bfs, context.retainers);
  const found = finder.distinctRootPaths(target);
  const paths = found.paths.map((path) => summarizeRootPath(heap, path));
  return {
    target: {
      type: heap.types.names[heap.nodes.type[target]],
      address: formatAddress(heap.nodes.addressLo[target], heap.nodes.addressHi[target]),
    },
    paths,
    complete: found.stoppedBy === 'complete',
  };
}

export function rootsJson(result: ReturnType<typeof rootsOf>) {
  return { target: result.target, paths: result.paths.map(rootPathJson), complete: result.complete };
}

export function renderRoots(result: ReturnType<typeof rootsOf>): string {
  const blocks = result.paths.map(renderRootPath);
  const footer =
    result.paths.length === 0
      ? `No root reaches ${result.target.address} (${result.target.type}): it is garbage the next GC frees, or its roots were not captured.`
      : `Found ${result.paths.length} unique root${result.paths.length === 1 ? '' : 's'}${result.complete ? '' : ' (search capped: more may exist)'}.`;
  return [...blocks, footer].join('\n\n') + '\n';
}
