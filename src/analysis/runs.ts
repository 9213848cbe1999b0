/**
 * Display runs: consecutive objects of one type in a root path, collapsed into one step
 * (`-> 17,812 × CallbackNode (first … last)`). The heap-wide scan for runaway chains is chain-scan.ts.
 */
import { ELIDED_LINKS_TYPE_NAME, type HeapModel } from '../heap/types';

/**
 * Shortest run collapsed in a path: 8 members. Shorter runs read fine hop by hop (a few nested
 * wrappers); a runaway chain (17,812 CancellationTokenSource callbacks) is thousands long.
 */
export const DEFAULT_MIN_RUN_LENGTH = 8;

/**
 * One identity per type *name* (gcdump §5.4: type entries repeat names), as the smallest TypeIndex
 * with that name, indexed by TypeIndex. O(types); two objects are "of the same type" in runs and
 * chains when their identities are equal.
 */
export function typeIdentityByName(heap: HeapModel): Uint32Array {
  const { names, count } = heap.types;
  const identity = new Uint32Array(count);
  const firstByName = new Map<string, number>();
  for (let t = 0; t < count; t++) {
    const first = firstByName.get(names[t]);
    if (first === undefined) firstByName.set(names[t], t);
    identity[t] = first ?? t;
  }
  return identity;
}

/** A path element after collapsing: a node, or a run of consecutive same-type nodes. */
export type PathStep =
  | { readonly kind: 'node'; readonly node: number; readonly startIndex: number }
  | {
      readonly kind: 'run';
      /** TypeIndex of the first member. */
      readonly type: number;
      /** Members shown: objects of the type, elision markers not counted. */
      readonly count: number;
      /** First and last member (NodeIndex). */
      readonly first: number;
      readonly last: number;
      /** Position of `first` in the input path. */
      readonly startIndex: number;
      /** Path entries from `first` to `last`: `count`, plus the elision markers inside. */
      readonly span: number;
      /**
       * The run crosses a transcript's `...` (an elision marker between two members): it has at least
       * `count` members and the transcript does not say how many more.
       */
      readonly elided: boolean;
    };

/**
 * Collapses each maximal run of at least `minRunLength` consecutive path nodes of the same type
 * name into one run step; other nodes stay single steps. O(path length).
 *
 * A transcript's elision marker (ELIDED_LINKS_TYPE_NAME, where a pasted gcroot printed `...`)
 * between two objects of one type joins them into one run, however few are shown: the incident's
 * chain prints three `CallbackNode`s around a `...` that stands for thousands.
 */
export function collapseRuns(
  heap: HeapModel,
  path: ArrayLike<number>,
  minRunLength = DEFAULT_MIN_RUN_LENGTH,
  typeIdentity = typeIdentityByName(heap),
): PathStep[] {
  const nodeType = heap.nodes.type;
  const elision = elisionIdentity(heap, typeIdentity);
  const identityAt = (i: number) => typeIdentity[nodeType[path[i]]];
  const steps: PathStep[] = [];
  let runStart = 0;
  while (runStart < path.length) {
    const identity = identityAt(runStart);
    let runEnd = runStart + 1;
    let count = 1;
    let elided = false;
    if (identity !== elision) {
      for (;;) {
        if (runEnd < path.length && identityAt(runEnd) === identity) {
          runEnd++;
          count++;
        } else if (runEnd + 1 < path.length && identityAt(runEnd) === elision && identityAt(runEnd + 1) === identity) {
          runEnd += 2;
          count++;
          elided = true;
        } else break;
      }
    }
    if (count >= minRunLength || (elided && count >= 2)) {
      steps.push({
        kind: 'run',
        type: nodeType[path[runStart]],
        count,
        first: path[runStart],
        last: path[runEnd - 1],
        startIndex: runStart,
        span: runEnd - runStart,
        elided,
      });
    } else {
      for (let i = runStart; i < runEnd; i++) steps.push({ kind: 'node', node: path[i], startIndex: i });
    }
    runStart = runEnd;
  }
  return steps;
}

/** Identity of the transcript elision marker's type, or -1 when the heap has none. */
function elisionIdentity(heap: HeapModel, typeIdentity: Uint32Array): number {
  const type = heap.types.names.indexOf(ELIDED_LINKS_TYPE_NAME);
  return type < 0 ? -1 : typeIdentity[type];
}
