/**
 * heapscope CLI: the same importers and analyses as the browser app, in Node, without a DOM.
 *   heapscope stat FILE [--json] [--sort bytes|count|name] [--top N]
 * Exit status: 0 success, 1 a `--fail-on` condition held, 2 bad usage or unreadable input.
 */
import { parseArgs } from 'node:util';
import { loadHeap } from '../formats/load';
import { FormatError } from '../formats/byte-source';
import { openFileByteSource } from './node-byte-source';
import { renderStat, statOf } from './stat-command';
import type { HistogramSortKey } from '../analysis/histogram';

const USAGE = `Usage: heapscope <command> FILE [options]

Commands:
  stat FILE       the type histogram, like SOS dumpheap -stat
                  --sort bytes|count|name   order of rows (ascending; default bytes)
                  --top N                   only the N largest rows (first N by name)
Options:
  --json          machine-readable output
  --help          this text

FILE is a .gcdump (dotnet-gcdump, dotnet-monitor, PerfView) or a text transcript of an SOS session.
`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      sort: { type: 'string', default: 'bytes' },
      top: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const [command, file] = positionals;
  if (!file) throw new UsageError(`heapscope ${command}: which file? (${USAGE.split('\n')[0]})`);
  switch (command) {
    case 'stat': {
      const sort = values.sort as HistogramSortKey;
      if (!['bytes', 'count', 'name'].includes(sort)) throw new UsageError(`--sort takes bytes, count or name, not "${values.sort}"`);
      const top = values.top === undefined ? null : Number(values.top);
      if (top !== null && !(Number.isInteger(top) && top > 0)) throw new UsageError(`--top takes a positive whole number, not "${values.top}"`);
      const heap = await loadFile(file);
      const result = statOf(heap, { sort, top });
      process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : renderStat(result));
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

async function loadFile(path: string) {
  const source = await openFileByteSource(path);
  try {
    return await loadHeap(source);
  } finally {
    await source.close();
  }
}

// process.exitCode, not process.exit(): exiting at once would cut off output still being piped.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof FormatError) process.stderr.write(`heapscope: ${error.message}\n`);
    else if (error instanceof Error && 'code' in error && (error as NodeJS.ErrnoException).code === 'ENOENT') process.stderr.write(`heapscope: no such file: ${(error as NodeJS.ErrnoException).path}\n`);
    else if (error instanceof Error && error.name === 'TypeError' && /parseArgs|Unknown option/i.test(error.message + String((error as NodeJS.ErrnoException).code))) process.stderr.write(`heapscope: ${error.message}\n`);
    else process.stderr.write(`heapscope: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
