/**
 * The text (and JSON) renderings of the session's answers: what `heapscope` prints, and what the page
 * copies as text. One rendering per answer, so the page and the CLI say the same thing the same way.
 */
import type { RootPathSummary } from '../analysis/path-summary';
import { formatBytes } from '../analysis/findings/finding-support';
import type { FindingSummary, ObjectFieldValue, RootPathsAnswer } from './answers';
import type { StatResult, TranscriptStatResult } from './stat';
import type { DumpheapResult } from './dumpheap';
import type { MaddressResult } from './maddress';
import type { TranscriptRootPath } from './transcript';
import type { HeapDiff } from './diff';
import { ANALYSED_BYTES_PER_NODE } from '../heap/memory-budget';

/** Memory one tab (or the CLI) needs for a heap of this many nodes once analysed (heap/memory-budget.ts). */
export function analysedHeapBytes(nodeCount: number): number {
  return nodeCount * ANALYSED_BYTES_PER_NODE;
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

/** `heapscope roots --json`: the target and its root paths, no node indices. */
export function rootsJson(answer: RootPathsAnswer) {
  return {
    target: { type: answer.target.type, address: answer.target.address },
    paths: answer.paths.map(rootPathJson),
    complete: answer.complete,
  };
}

export function renderRoots(answer: RootPathsAnswer): string {
  const blocks = answer.paths.map(renderRootPath);
  const footer =
    answer.paths.length === 0
      ? `No root reaches ${answer.target.address} (${answer.target.type}): it is garbage the next GC frees, or its roots were not captured.`
      : `Found ${answer.paths.length} unique root${answer.paths.length === 1 ? '' : 's'}${answer.complete ? '' : ' (search capped: more may exist)'}.`;
  return [...blocks, footer].join('\n\n') + '\n';
}

/** A finding with the root path the session chose for it (HeapSession.findingPath). */
export interface FindingWithPath {
  readonly finding: FindingSummary;
  readonly path: RootPathSummary | null;
}

/**
 * `heapscope findings --json`: per finding the kind and pattern, the count and entry type, the
 * accumulation point and its owner, the bytes kept alive and their share, severity, explanation, fix
 * and the root path (runs collapsed). Addresses and names only: no node indices.
 */
export function findingsJson(results: readonly FindingWithPath[]) {
  return results.map(({ finding, path }) => ({
    id: finding.id,
    kind: finding.kind,
    pattern: finding.pattern,
    severity: finding.severity,
    title: finding.title,
    count: finding.count,
    entryType: finding.entryType,
    accumulationPoint: { address: finding.accumulationPoint.address, type: finding.accumulationPoint.type },
    owner: finding.owner
      ? {
          address: finding.owner.address,
          type: finding.owner.type,
          rootKind: finding.owner.rootKind,
          label: finding.owner.label,
        }
      : null,
    bytesKeptAlive: finding.retainedBytes,
    shareOfHeap: finding.shareOfHeap,
    owners: finding.owners,
    keptAlive: finding.keptAlive,
    explanation: finding.explanation,
    fix: finding.fix,
    rootPath: path ? rootPathJson(path) : null,
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

function renderFinding({ finding, path }: FindingWithPath): string {
  const lines = [
    `[${finding.severity}] ${finding.title}`,
    `  ${finding.count.toLocaleString('en-US')} × ${finding.entryType} in ${finding.accumulationPoint.type} at ${finding.accumulationPoint.address}`,
    `  pattern ${finding.pattern}   id ${finding.id}`,
  ];
  if (finding.owner)
    lines.push(
      `  owner: ${finding.owner.type} at ${finding.owner.address}, reached from ${finding.owner.label} (${finding.owner.rootKind})`,
    );
  if (finding.retainedBytes !== null)
    lines.push(
      `  keeps alive: ${formatBytes(finding.retainedBytes)}${finding.shareOfHeap !== null ? ` (${(finding.shareOfHeap * 100).toFixed(1)}% of the heap)` : ''}`,
    );
  for (const paragraph of finding.explanation) lines.push('', wrap(paragraph, 100, '  '));
  if (path) lines.push('', '  Root path:', renderRootPath(path).replace(/^/gm, '  '));
  return lines.join('\n');
}

export function renderFindings(results: readonly FindingWithPath[]): string {
  if (results.length === 0) return 'No findings.\n';
  return (
    results.map(renderFinding).join('\n\n' + '-'.repeat(100) + '\n\n') +
    `\n\n${results.length} finding${results.length === 1 ? '' : 's'}.\n`
  );
}

const number = (value: number) => Math.round(value).toLocaleString('en-US');

/** `dumpheap -stat`-style text: Count, TotalSize, Class Name, then the Total line. */
export function renderStat(result: StatResult): string {
  const countWidth = Math.max(9, ...result.types.map((row) => number(row.count).length));
  const bytesWidth = Math.max(13, ...result.types.map((row) => number(row.bytes).length));
  const withRetained = result.types.some((row) => row.retained !== undefined);
  const retainedColumn = (text: string) => (withRetained ? ` ${text.padStart(bytesWidth)}` : '');
  const lines = [
    'Statistics:',
    `${'Count'.padStart(countWidth)} ${'TotalSize'.padStart(bytesWidth)}${retainedColumn('Retained')} Class Name`,
  ];
  for (const row of result.types) {
    lines.push(
      `${number(row.count).padStart(countWidth)} ${number(row.bytes).padStart(bytesWidth)}${retainedColumn(number(row.retained ?? 0))} ${row.name}`,
    );
  }
  const transcript = 'table' in result ? (result as TranscriptStatResult) : null;
  const atLeast = (lowerBound: boolean | undefined) => (lowerBound ? 'at least ' : '');
  lines.push(
    `Total ${atLeast(transcript?.objectsLowerBound)}${number(result.objects)} objects, ${atLeast(transcript?.bytesLowerBound)}${number(result.bytes)} bytes${result.sampled ? ' (estimated: the dump was sampled)' : ''}`,
  );
  if (transcript?.bytesLowerBound || transcript?.objectsLowerBound)
    lines.push('("at least": the transcript prints no such total; these are the sums of the rows it shows)');
  if ('elided' in result && result.elided)
    lines.push('(rows were cut in the transcript: the rows shown add up to less than the total)');
  if (transcript?.table) {
    const { line, command } = transcript.table;
    const filter = transcript.filter;
    lines.push(
      filter === null
        ? `(the whole heap: \`${command}\` at line ${line})`
        : `(not the whole heap: the transcript has no whole-heap table; this is \`${command}\` at line ${line}, filter ${filter})`,
    );
    for (const other of transcript.otherTables)
      lines.push(
        `  also at line ${other.line}: \`${other.command}\`${other.wholeHeap ? ' (whole heap)' : ''}${other.objects !== null ? `, ${number(other.objects)} objects` : ''}`,
      );
  }
  return lines.join('\n') + '\n';
}

/** A core's roots per kind in words: `9 strong handles, 1 pinning handle, 34 on thread stacks (conservative)`. */
export function rootsInWords(roots: Readonly<Record<string, number>>): string {
  const words = Object.entries(roots).map(([kind, count]) =>
    kind === 'stack'
      ? `${count.toLocaleString('en-US')} on thread stacks (conservative)`
      : `${count.toLocaleString('en-US')} ${kind} handle${count === 1 ? '' : 's'}`,
  );
  return words.join(', ') || 'none found';
}

/** `heapscope dumpobj`: one object as SOS's dumpobj prints it — its type, size, string or fields. */
export interface DumpobjResult {
  readonly address: string | null;
  readonly type: string;
  readonly size: number;
  readonly string: string | null;
  readonly stringLength: number | null;
  readonly fields: readonly ObjectFieldValue[];
  /** Why values are missing: the input holds none (a gcdump), or what could not be read. */
  readonly note: string | null;
}

export function renderDumpobj(result: DumpobjResult): string {
  const lines = [
    `Name:        ${result.type}`,
    `Address:     ${result.address ?? '—'}`,
    `Size:        ${result.size} (0x${result.size.toString(16)}) bytes`,
  ];
  if (result.stringLength !== null) lines.push(`String:      ${result.string ?? '(not in the core)'}`);
  if (result.fields.length > 0) {
    const width = Math.max(4, ...result.fields.map((f) => f.name.length));
    const typeWidth = Math.max(4, ...result.fields.map((f) => f.type.length));
    lines.push('Fields:', `  ${'Name'.padEnd(width)}  ${'Type'.padEnd(typeWidth)}  Value`);
    for (const field of result.fields)
      lines.push(`  ${field.name.padEnd(width)}  ${field.type.padEnd(typeWidth)}  ${field.value ?? '—'}`);
  }
  if (result.note) lines.push(result.note);
  return `${lines.join('\n')}\n`;
}

export function renderDumpheap(result: DumpheapResult): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const lines = [`${'Address'.padStart(18)} ${'Size'.padStart(12)} ${'Retained'.padStart(14)}  Live  Type`];
  for (const o of result.objects) {
    lines.push(
      `${o.address.slice(2).padStart(18)} ${n(o.size).padStart(12)} ${(o.retained === null ? '?' : n(o.retained)).padStart(14)}  ${o.live === null ? '?   ' : o.live ? 'yes ' : 'dead'}  ${o.type}`,
    );
  }
  lines.push('');
  if (result.objects.some((o) => o.live === null))
    lines.push('Live ?: this input shows only the chains gcroot printed, so reachability is not known.', '');
  const stat = renderStat({
    format: '',
    nodes: 0,
    objects: result.statistics.objects,
    bytes: result.statistics.bytes,
    sampled: false,
    types: result.statistics.types,
  });
  return lines.join('\n') + '\n' + stat;
}

/** The summary table: Memory Kind, Count, Size (human) and Size (bytes), then [TOTAL]. */
export function renderMaddress(result: MaddressResult): string {
  const total = result.rows.reduce((sum, r) => ({ count: sum.count + r.count, bytes: sum.bytes + r.bytes }), {
    count: 0,
    bytes: 0,
  });
  const rows = [
    ...result.rows.map((r) => [r.kind, r.count, r.bytes] as const),
    ['[TOTAL]', total.count, total.bytes] as const,
  ];
  const kindWidth = Math.max(11, ...rows.map(([k]) => k.length));
  const line = (a: string, b: string, c: string, d: string) =>
    `${a.padStart(kindWidth)} | ${b.padStart(5)} | ${c.padStart(10)} | ${d.padStart(15)}\n`;
  const what =
    result.format === 'minidump' ? 'Windows minidump' : `ELF core of ${result.processName ?? 'an unnamed process'}`;
  let text = `${what}: ${result.threads} threads, ${result.pointerSize}-byte pointers; read ${result.bytesRead} of ${result.fileSize} bytes\n`;
  text += line('Memory Kind', 'Count', 'Size', 'Size (bytes)');
  text += '-'.repeat(kindWidth + 39) + '\n';
  for (const [kind, count, bytes] of rows)
    text += line(kind, count.toLocaleString('en-US'), humanSize(bytes), bytes.toLocaleString('en-US'));
  for (const note of result.notes) text += `${note}\n`;
  return text;
}

function humanSize(bytes: number): string {
  const units = ['b', 'kb', 'mb', 'gb', 'tb'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 3)}${units[unit]}`;
}

export function renderTranscriptRootPaths(paths: readonly TranscriptRootPath[]): string {
  if (paths.length === 0) return 'The transcript has no gcroot chains.\n';
  const blocks = paths.map((path) =>
    [
      path.root.shown
        ? `${path.root.name}  — ${path.root.kind}${path.root.thread !== undefined ? ` on thread ${path.root.thread}` : ''} (transcript line ${path.line})`
        : `[root not shown in the transcript] (chain at transcript line ${path.line})`,
      ...path.steps.map((step) =>
        'elided' in step
          ? '    -> … (links elided in the transcript)'
          : 'run' in step
            ? `    -> ${runCountText({ count: step.run.count, elided: step.run.elided === true })} × ${step.run.type} (${step.run.first} … ${step.run.last})${step.run.elided ? ' (the transcript elides some)' : ''}`
            : `    -> ${step.address.padStart(18)} ${step.type}${step.interior ? ' (interior)' : ''}${step.dependent ? ' (dependent handle)' : ''}`,
      ),
    ].join('\n'),
  );
  return blocks.join('\n\n') + `\n\n${paths.length} chain${paths.length === 1 ? '' : 's'}.\n`;
}

/** `heapscope diff` as text: the heap's growth, where it accumulates, findings, then the types diff. */
export function renderDiff(diff: HeapDiff): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const signed = (value: number) => `${value > 0 ? '+' : value < 0 ? '−' : '±'}${n(Math.abs(value))}`;
  const signedBytes = (value: number) => `${value >= 0 ? '+' : '−'}${formatBytes(Math.abs(value))}`;
  const { before, after, reachable } = diff.heap;
  const lines = [
    `${diff.before.name} (${n(diff.before.objects)} objects, ${formatBytes(diff.before.bytes)}) → ${diff.after.name} (${n(diff.after.objects)} objects, ${formatBytes(diff.after.bytes)})`,
    `${reachable ? 'reachable heap' : 'heap'}: ${signedBytes(after - before)}${before > 0 ? ` (${signed(Math.round(((after - before) / before) * 1000) / 10)}%)` : ''}`,
    '',
    diff.growthNote !== null
      ? `No growth paths: ${diff.growthNote}.`
      : diff.growth.length === 0
        ? 'No growth: no path of the heap gained objects.'
        : 'Where it grew (paths of type names from the roots, runs collapsed):',
  ];
  for (const entry of diff.growth) {
    lines.push(
      `  ${signed(entry.countDelta)} ${entry.type} (${n(entry.countBefore)} → ${n(entry.countAfter)})${entry.accumulationPoint ? ` in ${entry.accumulationPoint}` : ''}, ${signedBytes(entry.retainedDelta)} held${entry.owner ? `, under ${entry.owner}` : ''}`,
      `      ${entry.path.join(' → ')}`,
    );
  }
  if (diff.findings.length > 0) {
    lines.push('', 'Findings:');
    for (const f of diff.findings)
      lines.push(
        `  ${f.status.padEnd(6)} ${f.title}${f.countBefore !== null && f.countAfter !== null ? ` (${n(f.countBefore)} → ${n(f.countAfter)})` : ''}`,
      );
  }
  lines.push(
    '',
    'Types, by bytes grown:',
    `${'Δcount'.padStart(12)} ${'Δbytes'.padStart(14)} ${'Δretained'.padStart(14)}  Type`,
  );
  for (const row of diff.types)
    lines.push(
      `${signed(row.countDelta).padStart(12)} ${signed(row.bytesDelta).padStart(14)} ${(row.retainedDelta === null ? '?' : signed(row.retainedDelta)).padStart(14)}  ${row.name}${row.status === 'both' ? '' : ` (${row.status})`}`,
    );
  return lines.join('\n') + '\n';
}
