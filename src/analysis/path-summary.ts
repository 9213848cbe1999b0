/**
 * A root path as people read it: the root (kind and label), then objects by type and address, with
 * every long run of one type collapsed into a single step. The session hands it to the page and the
 * CLI; its text and JSON renderings are in src/session/answer-text.ts.
 */
import { formatAddress } from '../heap/address';
import type { HeapModel } from '../heap/types';
import type { RootPath } from './root-paths';
import { ROOT_KIND_LABELS, type RootKind } from './root-kinds';
import { collapseRuns, DEFAULT_MIN_RUN_LENGTH, typeIdentityByName } from './runs';

export type PathStepSummary =
  | { readonly node: number; readonly type: string; readonly address: string }
  | {
      readonly run: {
        readonly type: string;
        readonly count: number;
        readonly first: string;
        readonly last: string;
        readonly firstNode: number;
        readonly lastNode: number;
        /** The run crosses a transcript's `...`: `count` members are shown, more may be elided. */
        readonly elided: boolean;
        /** Path entries from first to last, elision markers included (what runMembers pages over). */
        readonly span: number;
      };
    };

export interface RootPathSummary {
  readonly root: { readonly kind: RootKind; readonly label: string; readonly name: string };
  readonly steps: readonly PathStepSummary[];
}

export function summarizeRootPath(
  heap: HeapModel,
  path: RootPath,
  minRunLength = DEFAULT_MIN_RUN_LENGTH,
  typeIdentity = typeIdentityByName(heap),
): RootPathSummary {
  const address = (node: number) => formatAddress(heap.nodes.addressLo[node], heap.nodes.addressHi[node]);
  const typeName = (node: number) => heap.types.names[heap.nodes.type[node]];
  const steps = collapseRuns(heap, path.objects, minRunLength, typeIdentity).map((step): PathStepSummary =>
    step.kind === 'node'
      ? { node: step.node, type: typeName(step.node), address: address(step.node) }
      : {
          run: {
            type: heap.types.names[step.type],
            count: step.count,
            first: address(step.first),
            last: address(step.last),
            firstNode: step.first,
            lastNode: step.last,
            elided: step.elided,
            span: step.span,
          },
        },
  );
  return { root: { kind: path.kind, label: ROOT_KIND_LABELS[path.kind], name: path.rootName }, steps };
}
