/**
 * heapscope CLI: the same importers and analyses as the browser app, in Node, without a DOM.
 * Exit status: 0 success, 1 a `--fail-on` finding exists, 2 bad usage or unreadable input.
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { FindingKind, LeakPattern } from '../session/answers';
import { FormatError, openHeap } from '../session/open-heap';
import {
  findingsJson,
  renderDiff,
  renderDumpheap,
  renderDumpobj,
  type DumpobjResult,
  renderFindings,
  renderMaddress,
  renderRoots,
  renderStat,
  renderTranscriptRootPaths,
  rootsJson,
} from '../session/answer-text';
import { renderRuntime, runtimeOf } from '../session/runtime';
import { diffHeaps, diffSideOf, growthPasses, parseGrowthThreshold } from '../session/diff';
import { LivenessUnknownError, dumpheap } from '../session/dumpheap';
import { maddressOf } from '../session/maddress';
import { StatFilterError, statOf, statOfTranscript, type StatSortKey } from '../session/stat';
import { renderTranscriptShow, transcriptJson, transcriptRootPaths, transcriptStatTable } from '../session/transcript';
import { inertJson, visibleOutput } from '../session/visible-text';
import {
  loadTranscript,
  chooseTranscriptSession,
  nodeAtAddress,
  openAnalyzed,
  openFile,
  parseSize,
  UsageError,
  withFile,
} from './analyzed-file';
import { openFileByteSource } from './node-byte-source';
import { useAnalysisHelper } from './analysis-helper';

const FINDING_KINDS: readonly FindingKind[] = [
  'runaway-cancellation-registrations',
  'growing-event-handler-list',
  'undisposed-timers',
  'growing-collection',
  'accumulation',
  'long-homogeneous-chain',
];
const FINDING_PATTERNS: readonly LeakPattern[] = [
  'linked-token-source',
  'token-register',
  'change-token-callback',
  'event-subscription',
  'page-kept-by-event',
  'timer',
  'growing-static-collection',
  'general',
];

const USAGE = `Usage: heapscope <command> FILE [options]

Commands:
  stat FILE        the type histogram, like SOS dumpheap -stat
                     --sort bytes|count|name   order of rows (ascending; default bytes)
                     --top N                   only the N largest rows (first N by name)
                     --retained                add each type's retained bytes (as Eclipse MAT counts them)
                     --filter TEXT [--regex]   only types whose name contains TEXT (or matches the RE2
                                               pattern TEXT: linear time, no backreferences)
  maddress FILE    the memory map of an ELF core or Windows minidump, like SOS maddress -summary
                     --gc-from FILE2           an SOS transcript (eeheap -gc) or PerfView .gcdump of
                                               the same process: its GC ranges become the GCHeap row
  runtime CORE     the .NET runtime in an ELF core and its data contract descriptor (.NET 10+): version,
                   contracts, types and globals (exit status 2 when the core has none, saying why)
  roots FILE       why an object is alive, like SOS gcroot: one path per root kind, runs collapsed
                     --address 0x…             the object (for a transcript without it: every
                                               gcroot chain the transcript printed)
  findings FILE    leak suspects: objects of one type accumulating under one holder, one finding per
                   leak, with its owner, what it keeps alive, the API that made it, and a root path
                     --fail-on KIND|PATTERN|any  exit status 1 when such a finding exists (for CI);
                                               KIND: ${FINDING_KINDS.join(', ')};
                                               PATTERN: ${FINDING_PATTERNS.join(', ')}
  dumpobj FILE     one object, like SOS dumpobj: its type, size and, from a .NET 10 core, its string
                   value or its fields with their values
                     --address 0x…             the object
  show FILE.txt    every block an SOS transcript holds, in order, as heapscope read it (stat tables,
                   listings, dumpobj fields, dumparray, objsize, gcroot, eeheap, address summaries,
                   finalizequeue), then the heap model it makes
  diff BASE CURRENT  what grew between two dumps of one process: the types (count, bytes, retained
                   before, after, Δ), where the growth accumulates (paths of type names from the
                   roots, runs collapsed) and which findings are new or grew
                     --top N                   rows of each list (default 20)
                     --fail-on-growth SIZE|P%  exit status 1 when the reachable heap grew by SIZE
                                               (10MB, 512KB, bytes) or by P percent (for CI)
  dumpheap FILE    the objects of a type, like SOS dumpheap -type
                     --type NAME               substring of the type name
                     --min N --max N           size bounds in bytes (decimal or 0x hex)
                     --live | --dead           only objects the roots reach, or only the others
Options:
  --json           machine-readable output
  --session N      a transcript of several debugger sessions (two dumps in one paste): answer from
                   session N (show lists them; the default is the last with a whole-heap table)
  --help           this text

FILE is a .gcdump (dotnet-gcdump, dotnet-monitor, PerfView) or a text transcript of an SOS session;
for maddress, an ELF core (dotnet-dump collect, createdump) or a Windows minidump.
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      sort: { type: 'string', default: 'bytes' },
      top: { type: 'string' },
      retained: { type: 'boolean', default: false },
      address: { type: 'string' },
      'gc-from': { type: 'string' },
      'fail-on': { type: 'string' },
      'fail-on-growth': { type: 'string' },
      type: { type: 'string' },
      filter: { type: 'string' },
      regex: { type: 'boolean', default: false },
      min: { type: 'string' },
      max: { type: 'string' },
      live: { type: 'boolean', default: false },
      dead: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      session: { type: 'string' },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const [command, file] = positionals;
  const known = ['stat', 'roots', 'findings', 'dumpheap', 'dumpobj', 'maddress', 'runtime', 'show', 'diff'];
  if (!known.includes(command)) throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  if (!file) throw new UsageError(`heapscope ${command}: which file? (heapscope ${command} FILE)`);
  if (values.session !== undefined) {
    const session = Number(values.session);
    if (!(Number.isInteger(session) && session >= 1))
      throw new UsageError(`--session takes a session number (1, 2, …), not "${values.session}"`);
    chooseTranscriptSession(session);
  }
  // Text from the dump is shown, never obeyed: direction and control characters written out.
  const print = (json: unknown, text: () => string) =>
    process.stdout.write(values.json ? inertJson(JSON.stringify(json, null, 2)) + '\n' : visibleOutput(text()));

  switch (command) {
    case 'diff': {
      const current = positionals[2];
      if (!current) throw new UsageError('heapscope diff: which two dumps? (heapscope diff BASE CURRENT)');
      const threshold = values['fail-on-growth'] === undefined ? null : parseGrowthThreshold(values['fail-on-growth']);
      if (values['fail-on-growth'] !== undefined && !threshold)
        throw new UsageError(
          `--fail-on-growth takes a size (10MB, 512KB, bytes) or a percentage (5%), not "${values['fail-on-growth']}"`,
        );
      const top = values.top === undefined ? 20 : Number(values.top);
      if (!(Number.isInteger(top) && top > 0))
        throw new UsageError(`--top takes a positive whole number, not "${values.top}"`);
      // The baseline is reduced to its aggregates before the current dump is read: one graph at a time.
      const before = diffSideOf(basename(file), await openAnalyzed(file));
      const after = diffSideOf(basename(current), await openAnalyzed(current));
      const diff = diffHeaps(before, after, { top });
      print(diff, () => renderDiff(diff));
      return threshold && growthPasses(diff, threshold) ? 1 : 0;
    }
    case 'show': {
      const transcript = await loadTranscript(file, values.session === undefined);
      if (!transcript)
        throw new UsageError(
          `heapscope show reads SOS transcripts; ${file} is not one (for a .gcdump: heapscope stat)`,
        );
      print(transcriptJson(transcript), () => renderTranscriptShow(transcript));
      return 0;
    }
    case 'maddress': {
      const gcFrom = values['gc-from'];
      const companion = gcFrom === undefined ? null : await openFileByteSource(gcFrom);
      try {
        const result = { ...(await withFile(file, (source) => maddressOf(source, companion))), file };
        print(result, () => renderMaddress(result));
      } finally {
        await companion?.close();
      }
      return 0;
    }
    case 'runtime': {
      const result = await withFile(file, (source) => runtimeOf(source));
      print(result, () => renderRuntime(result));
      // No descriptor: the message says why (an older runtime, no runtime, pages missing) and what to do.
      return result.status === 'found' ? 0 : 2;
    }
    case 'stat': {
      const sort = values.sort as StatSortKey;
      if (!['bytes', 'count', 'name'].includes(sort))
        throw new UsageError(`--sort takes bytes, count or name, not "${values.sort}"`);
      const top = values.top === undefined ? null : Number(values.top);
      if (top !== null && !(Number.isInteger(top) && top > 0))
        throw new UsageError(`--top takes a positive whole number, not "${values.top}"`);
      const transcript = await loadTranscript(file);
      if (transcript) {
        const table = transcriptStatTable(transcript);
        if (!table.stat) throw new UsageError(`${file} ${table.missing}`);
        const result = statOfTranscript(
          table.stat,
          { sort, top, filter: values.filter, regex: values.regex },
          { line: table.line, command: table.command, filter: table.filter, others: table.others },
        );
        print(result, () => renderStat(result));
        return 0;
      }
      const opened = values.retained ? await openAnalyzed(file) : await openFile(file);
      let retainedByRow: Float64Array | undefined;
      if (values.retained) {
        const retained = opened.session.retainedByRow(opened.histogram.table(true).rows);
        if (!retained)
          throw new UsageError(
            `--retained needs a complete reference graph, which this ${opened.heap.format} input does not have`,
          );
        retainedByRow = retained;
      }
      const result = statOf(opened, { sort, top, retainedByRow, filter: values.filter, regex: values.regex });
      print(result, () => renderStat(result));
      return 0;
    }
    case 'roots': {
      if (!values.address) {
        const transcript = await loadTranscript(file);
        if (!transcript) throw new UsageError('heapscope roots: which object? (--address 0x…)');
        const paths = transcriptRootPaths(transcript);
        print({ paths: paths.map(({ root, steps }) => ({ root, steps })) }, () => renderTranscriptRootPaths(paths));
        return 0;
      }
      const opened = await openAnalyzed(file);
      const answer = opened.session.rootPaths(nodeAtAddress(opened, values.address));
      print(rootsJson(answer), () => renderRoots(answer));
      return 0;
    }
    case 'findings': {
      const failOn = values['fail-on'];
      if (
        failOn !== undefined &&
        failOn !== 'any' &&
        !FINDING_KINDS.includes(failOn as FindingKind) &&
        !FINDING_PATTERNS.includes(failOn as LeakPattern)
      ) {
        throw new UsageError(
          `--fail-on takes any, a kind (${FINDING_KINDS.join(', ')}) or a pattern (${FINDING_PATTERNS.join(', ')}), not "${failOn}"`,
        );
      }
      const { session } = await openAnalyzed(file);
      const results = session.findings().map((finding) => ({ finding, path: session.findingPath(finding.id) }));
      print(findingsJson(results), () => renderFindings(results));
      const failed =
        failOn !== undefined &&
        results.some(({ finding }) => failOn === 'any' || finding.kind === failOn || finding.pattern === failOn);
      return failed ? 1 : 0;
    }
    case 'dumpobj': {
      if (!values.address) throw new UsageError('heapscope dumpobj: which object? (--address 0x…)');
      // The file stays open while the object's values are read from it (a full core reads them lazily).
      const result = await withFile(file, async (source): Promise<DumpobjResult> => {
        const opened = await openHeap(source);
        const node = nodeAtAddress(opened, values.address!);
        const details = opened.session.object(node)!;
        const read = await opened.session.objectValues(node);
        return {
          address: details.address,
          type: details.type,
          size: details.size,
          string: read?.string ?? null,
          stringLength: read?.stringLength ?? null,
          fields: read?.fields ?? details.fields ?? [],
          note: read
            ? read.note
            : details.fields
              ? null
              : `this ${opened.heap.format} holds no field values (a full core does)`,
        };
      });
      print(result, () => renderDumpobj(result));
      return 0;
    }
    case 'dumpheap': {
      if (values.type === undefined) throw new UsageError('heapscope dumpheap: which type? (--type NAME)');
      if (values.live && values.dead) throw new UsageError('--live and --dead exclude each other');
      const { session } = await openAnalyzed(file);
      const result = dumpheap(session, {
        type: values.type,
        min: values.min === undefined ? null : parseSize(values.min, '--min'),
        max: values.max === undefined ? null : parseSize(values.max, '--max'),
        liveness: values.live ? 'live' : values.dead ? 'dead' : 'all',
      });
      print(result, () => renderDumpheap(result));
      return 0;
    }
  }
  return 2;
}

// The analyses' reverse edges and BFS run on a worker thread (analysis-helper.ts).
useAnalysisHelper();

// process.exitCode, not process.exit(): exiting at once would cut off output still being piped.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (
      error instanceof UsageError ||
      error instanceof FormatError ||
      error instanceof StatFilterError ||
      error instanceof LivenessUnknownError
    )
      process.stderr.write(`heapscope: ${visibleOutput(error.message)}\n`);
    else if (code === 'ENOENT')
      process.stderr.write(`heapscope: no such file: ${(error as NodeJS.ErrnoException).path}\n`);
    else if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      process.stderr.write(`heapscope: ${(error as Error).message}\n`);
    else
      process.stderr.write(`heapscope: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
