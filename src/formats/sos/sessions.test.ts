/**
 * Several debugger sessions in one paste are kept apart, never merged into one heap. The input is
 * two real dotnet-dump transcripts pasted one after the other (sample-dumps/leaky-service and
 * sample-dumps/leaks: two processes, two dumps), as a user pasting two sessions into one box would.
 * The single transcripts of the project are each one session (no false split).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { PROJECT_ROOT, TEST_DATA } from '../../test-support/fixtures';
import { byteSourceFromBytes } from '../byte-source';
import { importSosTranscript, parseSosTranscript } from './index';
import { transcriptSessions } from './transcript-queries';

const LEAKY = join(PROJECT_ROOT, 'sample-dumps/leaky-service/runaway-cts.sos.txt');
const LINKED = join(PROJECT_ROOT, 'sample-dumps/leaks/linked-token.sos.txt');
const bytesOf = (...paths: string[]) => new Uint8Array(Buffer.concat(paths.map((path) => readFileSync(path))));
const leakyLines = readFileSync(LEAKY, 'utf8').split('\n').length - 1;

describe('several debugger sessions in one transcript', () => {
  it('two pasted dotnet-dump sessions split where the second dump is opened', async () => {
    const transcript = await parseSosTranscript(byteSourceFromBytes(bytesOf(LEAKY, LINKED), 'two.txt'));
    const sessions = transcriptSessions(transcript);
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toMatchObject({ index: 1, firstLine: 1, lastLine: leakyLines, reason: null });
    expect(sessions[1].firstLine).toBe(leakyLines + 1);
    expect(sessions[1].reason).toBe(`dotnet-dump analyze (line ${leakyLines + 1})`);
  });

  it('the heap is of one session: the last by default, the first when asked, never both', async () => {
    const alone = async (path: string) =>
      (await importSosTranscript(byteSourceFromBytes(bytesOf(path), 'one.txt'))).heap;
    const both = bytesOf(LEAKY, LINKED);
    const byDefault = (await importSosTranscript(byteSourceFromBytes(both, 'two.txt'))).heap;
    const first = (await importSosTranscript(byteSourceFromBytes(both, 'two.txt'), { transcriptSession: 1 })).heap;
    const linked = await alone(LINKED);
    const leaky = await alone(LEAKY);
    expect(byDefault.nodes.count).toBe(linked.nodes.count);
    expect(byDefault.types.names).toEqual(linked.types.names);
    expect(byDefault.totalSize).toBe(linked.totalSize);
    expect(first.nodes.count).toBe(leaky.nodes.count);
    expect(first.totalSize).toBe(leaky.totalSize);
    expect(byDefault.transcriptSessions).toMatchObject({ chosen: 2 });
    expect(byDefault.warnings[0]).toMatch(/holds 2 debugger sessions .*this heap is of session 2 alone/);
    await expect(importSosTranscript(byteSourceFromBytes(both, 'two.txt'), { transcriptSession: 3 })).rejects.toThrow(
      /holds 2 debugger sessions: there is no session 3/,
    );
  });

  it('each transcript of the project is one session', async () => {
    const files = [
      ...readdirSync(join(TEST_DATA, 'sos')).map((name) => join(TEST_DATA, 'sos', name)),
      LEAKY,
      LINKED,
      join(PROJECT_ROOT, 'sample-dumps/leaks/timer.sos.txt'),
    ].filter((path) => path.endsWith('.txt'));
    // 107 is two dumps (the same !dumpheap -stat before and after a leak), and 114 has no heap output.
    const several = new Set([
      '107-two-dumps-compared-net48-32bit.txt',
      '114-ilkay-dotnet-dump-windows-no-heap-blocks.txt',
    ]);
    for (const path of files.filter((file) => !several.has(basename(file)))) {
      const transcript = await parseSosTranscript(byteSourceFromBytes(bytesOf(path), path));
      expect(transcriptSessions(transcript).length, path).toBe(1);
    }
  });

  it('the CLI: show lists the sessions, stat answers from the default or --session N', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heapscope-sessions-'));
    const file = join(dir, 'two-sessions.txt');
    writeFileSync(file, bytesOf(LEAKY, LINKED));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'heapscope.mjs'), ...args], { encoding: 'utf8' });
    const shown = run('show', file);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/^sessions: 2 \(answers are of session 2 unless --session N says another\)/);
    const stat = (...extra: string[]) =>
      JSON.parse(run('stat', file, '--json', ...extra).stdout) as { objects: number };
    const single = (path: string) => JSON.parse(run('stat', path, '--json').stdout) as { objects: number };
    expect(stat().objects).toBe(single(LINKED).objects);
    expect(stat('--session', '1').objects).toBe(single(LEAKY).objects);
    expect(run('stat', file, '--session', '9').status).toBe(2);
  });
});
