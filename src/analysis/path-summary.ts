/**
 * A root path as people read it: the root (kind and label), then objects by type and address, with
 * every long run of one type collapsed into a single step. The CLI prints it, `--json` emits it,
 * the worker sends it to the UI, and findings link to it.
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

/** The JSON the CLI prints (`heapscope roots --json`): no node indices, only what a dump says. */
export function rootPathJson(summary: RootPathSummary) {
  return {
    root: { kind: summary.root.kind, name: summary.root.name },
    steps: summary.steps.map((step) =>
      'run' in step
        ? {
            run: {
              type: step.run.type,
              count: step.run.count,
              first: step.run.first,
              last: step.run.last,
              ...(step.run.elided ? { elided: true } : {}),
            },
          }
        : { type: step.type, address: step.address },
    ),
  };
}

/** gcroot-style text: the root line, then `-> address type` per step, runs as `-> N × type (first … last)`. */
export function renderRootPath(summary: RootPathSummary): string {
  const lines = [`${summary.root.name}  — ${summary.root.label}`];
  for (const step of summary.steps) {
    if ('run' in step) {
      lines.push(`    -> ${runCountText(step.run)} × ${step.run.type} (${step.run.first} … ${step.run.last})`);
    } else {
      lines.push(`    -> ${step.address.padStart(18)} ${step.type}`);
    }
  }
  return lines.join('\n');
}

/** "8,904", or "≥ 3" for a run that crosses a transcript's elision (more members may be cut). */
export function runCountText(run: { readonly count: number; readonly elided: boolean }): string {
  return `${run.elided ? '≥ ' : ''}${run.count.toLocaleString('en-US')}`;
}
