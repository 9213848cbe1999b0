import { gcrootChains, type GcRootChainData } from '../formats/sos';
import { runCountText } from '../analysis/path-summary';
import { DEFAULT_MIN_RUN_LENGTH } from '../analysis/runs';
import type { SosTranscript } from '../formats/sos';

type TranscriptStep =
  | { type: string; address: string }
  | { elided: true }
  | { run: { type: string; count: number; first: string; last: string; elided?: true } };

/**
 * The gcroot chains a transcript printed, with runs of one type collapsed (as for dumps) and each
 * elision (`...`) kept as an explicit step — never a false direct edge — except inside a run: an
 * elision between two objects of one type joins them into one run marked `"elided": true` (at least
 * `count` members; the incident prints 3 `CallbackNode`s around a `...`), as collapseRuns does.
 */
export function transcriptRootPaths(transcript: SosTranscript, minRunLength = DEFAULT_MIN_RUN_LENGTH) {
  return gcrootChains(transcript).map((chain: GcRootChainData) => {
    const steps: TranscriptStep[] = [];
    if (chain.elidedBefore) steps.push({ elided: true });
    let i = 0;
    while (i < chain.steps.length) {
      if (chain.steps[i].elidedBefore && i > 0) steps.push({ elided: true });
      let end = i + 1;
      let elided = false;
      while (end < chain.steps.length && chain.steps[end].type === chain.steps[i].type) {
        if (chain.steps[end].elidedBefore) elided = true;
        end++;
      }
      const count = end - i;
      if (count >= minRunLength || (elided && count >= 2)) {
        steps.push({
          run: {
            type: chain.steps[i].type,
            count,
            first: chain.steps[i].address,
            last: chain.steps[end - 1].address,
            ...(elided ? { elided: true as const } : {}),
          },
        });
      } else {
        for (let k = i; k < end; k++) {
          if (k > i && chain.steps[k].elidedBefore) steps.push({ elided: true });
          steps.push({ type: chain.steps[k].type, address: chain.steps[k].address });
        }
      }
      i = end;
    }
    return { root: { kind: chain.root.kind, name: chain.root.name }, steps, line: chain.line };
  });
}

export function renderTranscriptRootPaths(paths: ReturnType<typeof transcriptRootPaths>): string {
  if (paths.length === 0) return 'The transcript has no gcroot chains.\n';
  const blocks = paths.map((path) =>
    [
      `${path.root.name}  — ${path.root.kind} (transcript line ${path.line})`,
      ...path.steps.map((step) =>
        'elided' in step
          ? '    -> … (links elided in the transcript)'
          : 'run' in step
            ? `    -> ${runCountText({ count: step.run.count, elided: step.run.elided === true })} × ${step.run.type} (${step.run.first} … ${step.run.last})${step.run.elided ? ' (the transcript elides some)' : ''}`
            : `    -> ${step.address.padStart(18)} ${step.type}`,
      ),
    ].join('\n'),
  );
  return blocks.join('\n\n') + `\n\n${paths.length} chain${paths.length === 1 ? '' : 's'}.\n`;
}
