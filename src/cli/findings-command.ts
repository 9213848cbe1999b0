import type { AnalysisContext } from '../analysis/analysis-context';
import { computeFindings, type Finding } from '../analysis/findings';
import { renderRootPath, rootPathJson, summarizeRootPath } from '../analysis/path-summary';
import { shortestRootPath } from '../analysis/root-paths';
import { formatBytes } from '../analysis/findings/finding-support';

export function findingsOf(context: AnalysisContext) {
  return computeFindings(context).map((finding) => {
    const path = shortestRootPath(context.heap, context.bfs, finding.pathTarget);
    return { finding, path: path ? summarizeRootPath(context.heap, path) : null };
  });
}

export function findingsJson(results: ReturnType<typeof findingsOf>) {
  return results.map(({ finding, path }) => ({
    id: finding.id,
    kind: finding.kind,
    severity: finding.severity,
    title: finding.title,
    count: finding.count,
    retainedBytes: finding.retainedBytes,
    anchor: { type: finding.anchor.type, address: finding.anchor.address },
    owners: finding.owners,
    keptAlive: finding.keptAlive,
    explanation: finding.explanation,
    path: path ? rootPathJson(path) : null,
  }));
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

function renderFinding({
  finding,
  path,
}: {
  finding: Finding;
  path: ReturnType<typeof summarizeRootPath> | null;
}): string {
  const lines = [
    `[${finding.severity}] ${finding.title}`,
    `  ${finding.anchor.type} at ${finding.anchor.address}   id ${finding.id}`,
  ];
  if (finding.retainedBytes !== null) lines.push(`  keeps alive: ${formatBytes(finding.retainedBytes)}`);
  for (const paragraph of finding.explanation) lines.push('', wrap(paragraph, 100, '  '));
  if (path) lines.push('', '  Root path:', renderRootPath(path).replace(/^/gm, '  '));
  return lines.join('\n');
}

export function renderFindings(results: ReturnType<typeof findingsOf>): string {
  if (results.length === 0) return 'No findings.\n';
  return (
    results.map(renderFinding).join('\n\n' + '-'.repeat(100) + '\n\n') +
    `\n\n${results.length} finding${results.length === 1 ? '' : 's'}.\n`
  );
}
