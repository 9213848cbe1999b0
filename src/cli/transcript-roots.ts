import { gcrootChains, type GcRootChainData } from '../formats/sos';
import { DEFAULT_MIN_RUN_LENGTH } from '../analysis/runs';
import type { SosTranscript } from '../formats/sos';

type TranscriptStep =
  | { type: string; address: string }
  | { elided: true }
  | { run: { type: string; count: number; first: string; last: string } };

/**
 * The gcroot chains a transcript printed, with runs of one type collapsed (as for dumps) and each
 * elision (`...`) kept as an explicit step — never a false direct edge.
 */
export function transcriptRootPaths(transcript: SosTranscript, minRunLength = DEFAULT_MIN_RUN_LENGTH) {
  return gcrootChains(transcript).map((chain: GcRootChainData) => {
    const steps: TranscriptStep[] = [];
    if (chain.elidedBefore) steps.push({ elided: true });
    let i = 0;
    while (i < chain.steps.length) {
      if (chain.steps[i].elidedBefore && i > 0) steps.push({ elided: true });
      let end = i + 1;
      while (
        end < chain.steps.length &&
        chain.steps[end].type === chain.steps[i].type &&
        !chain.steps[end].elidedBefore
      )
        end++;
      if (end - i >= minRunLength) {
        steps.push({
          run: {
            type: chain.steps[i].type,
            count: end - i,
            first: chain.steps[i].address,
            last: chain.steps[end - 1].address,
          },
        });
      } else {
        for (let k = i; k < end; k++) steps.push({ type: chain.steps[k].type, address: chain.steps[k].address });
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
            ? `    -> ${step.run.count.toLocaleString('en-US')} × ${step.run.type} (${step.run.first} … ${step.run.last})`
            : `    -> ${step.address.padStart(18)} ${step.type}`,
      ),
    ].join('\n'),
  );
  return blocks.join('\n\n') + `\n\n${paths.length} chain${paths.length === 1 ? '' : 's'}.\n`;
}
