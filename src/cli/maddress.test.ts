/**
 * `heapscope maddress FILE` run as a user runs it (bin/heapscope.mjs): an ELF core (checked against
 * the committed ClrMD truth) and a Windows minidump (hand-written: no real Windows dump can be made
 * here), told apart by their first bytes; anything else is refused with both signatures named.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTestMinidump } from '../formats/minidump/minidump-writer.test-helper';
import { PROJECT_ROOT } from '../test-support/fixtures';

const BIN = join(PROJECT_ROOT, 'bin', 'heapscope.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'heapscope-maddress-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function heapscope(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT });
}

interface Row {
  kind: string;
  count: number;
  bytes: number;
}
const byKind = (rows: readonly Row[]) => [...rows].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));

describe('heapscope maddress', () => {
  it('ELF core: --json rows are the ClrMD truth rows of the same core', () => {
    const core = 'sample-dumps/cores/leaky-service-crash.core';
    const truth = JSON.parse(
      readFileSync(join(PROJECT_ROOT, 'sample-dumps/cores/leaky-service-crash.memory-map.truth.json'), 'utf8'),
    ) as {
      threads: unknown[];
      pointerSize: number;
      rows: Row[];
    };
    const run = heapscope('maddress', core, '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as {
      format: string;
      processName: string;
      threads: number;
      pointerSize: number;
      rows: Row[];
    };
    expect(result.format).toBe('elf-core');
    expect(result.processName).toBe('dotnet');
    expect(result.threads).toBe(truth.threads.length);
    expect(result.pointerSize).toBe(truth.pointerSize);
    expect(byKind(result.rows)).toEqual(byKind(truth.rows));
  });

  it('--gc-from a transcript of the same dump: its eeheap -gc ranges become the GCHeap row', () => {
    const core = 'sample-dumps/cores/leaky-service-full.core';
    const plain = JSON.parse(heapscope('maddress', core, '--json').stdout) as { rows: Row[] };
    const run = heapscope('maddress', core, '--gc-from', 'sample-dumps/leaky-service/runaway-cts.sos.txt', '--json');
    expect(run.stderr).toBe('');
    const named = JSON.parse(run.stdout) as { rows: Row[]; notes: string[] };
    // 716,369,920 = the transcript's `GC Committed Heap Size`; every byte moved from another row.
    expect(named.rows.find((r) => r.kind === 'GCHeap')?.bytes).toBe(716_369_920);
    const total = (rows: readonly Row[]) => rows.reduce((sum, r) => sum + r.bytes, 0);
    expect(total(named.rows)).toBe(total(plain.rows));
    expect(named.notes).toEqual([
      'The GCHeap row (716,369,920 bytes) comes from runaway-cts.sos.txt (eeheap -gc, line 5). The loader heaps are not named.',
    ]);
    const refused = heapscope('maddress', core, '--gc-from', 'sample-dumps/leaky-service/runaway-cts.gcdump');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('runaway-cts.gcdump carries no GC segment table (dotnet-gcdump writes none)');
  });

  // A small x64 process: a thread stack (its guard page and committed part share one allocation),
  // an image with a module name, a read-only file mapping, a private read/write region, a
  // reservation and a free range. maddress -summary drops MEM_FREE and (without -reserve) MEM_RESERVE.
  const COMMIT = 0x1000,
    RESERVE = 0x2000,
    FREE = 0x10000;
  const IMAGE = 0x1000000,
    MAPPED = 0x40000,
    PRIVATE = 0x20000;
  const PAGE_READONLY = 0x02,
    PAGE_READWRITE = 0x04,
    PAGE_EXECUTE_READ = 0x20,
    PAGE_GUARD = 0x100;
  const minidump = writeTestMinidump({
    regions: [
      {
        base: 0x7ff0000n,
        allocationBase: 0x7ff0000n,
        size: 0x1000n,
        state: COMMIT,
        protect: PAGE_READWRITE | PAGE_GUARD,
        type: PRIVATE,
      },
      {
        base: 0x7ff1000n,
        allocationBase: 0x7ff0000n,
        size: 0xf000n,
        state: COMMIT,
        protect: PAGE_READWRITE,
        type: PRIVATE,
      },
      {
        base: 0x10000000n,
        allocationBase: 0x10000000n,
        size: 0x24000n,
        state: COMMIT,
        protect: PAGE_EXECUTE_READ,
        type: IMAGE,
      },
      {
        base: 0x20000000n,
        allocationBase: 0x20000000n,
        size: 0x3000n,
        state: COMMIT,
        protect: PAGE_READONLY,
        type: MAPPED,
      },
      {
        base: 0x30000000n,
        allocationBase: 0x30000000n,
        size: 0x200000n,
        state: COMMIT,
        protect: PAGE_READWRITE,
        type: PRIVATE,
      },
      { base: 0x30200000n, allocationBase: 0x30000000n, size: 0xe00000n, state: RESERVE, protect: 0, type: PRIVATE },
      { base: 0x40000000n, allocationBase: 0n, size: 0x10000n, state: FREE, protect: 0x01, type: 0 },
    ],
    threads: [{ tid: 4242, sp: 0x7ffe800n }],
    modules: [
      {
        base: 0x10000000n,
        size: 0x24000,
        name: 'C:\\Program Files\\dotnet\\shared\\Microsoft.NETCore.App\\10.0.12\\coreclr.dll',
      },
    ],
  });
  const minidumpPath = join(scratch, 'service.dmp');
  writeFileSync(minidumpPath, minidump);
  // By the rules (core-dumps.md §3.1–3.2): both committed regions of the stack's allocation are
  // Stack; MEM_IMAGE is Image; MEM_MAPPED read-only is MAPPED_READONLY; the private RW region is
  // PAGE_READWRITE; the reservation and the free range are not rows.
  const expectedRows: Row[] = [
    { kind: 'PAGE_READWRITE', count: 1, bytes: 0x200000 },
    { kind: 'Image', count: 1, bytes: 0x24000 },
    { kind: 'Stack', count: 2, bytes: 0x10000 },
    { kind: 'MAPPED_READONLY', count: 1, bytes: 0x3000 },
  ];

  it('Windows minidump (MDMP): --json gives the rows maddress -summary names', () => {
    const run = heapscope('maddress', minidumpPath, '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as {
      format: string;
      processName: string | null;
      threads: number;
      pointerSize: number;
      bytesRead: number;
      fileSize: number;
      rows: Row[];
    };
    expect(result.format).toBe('minidump');
    expect(result.processName).toBeNull();
    expect(result.threads).toBe(1);
    expect(result.pointerSize).toBe(8);
    expect(result.fileSize).toBe(minidump.length);
    expect(result.bytesRead).toBeLessThanOrEqual(minidump.length);
    expect(result.rows).toEqual(expectedRows);
  });

  it('Windows minidump: the text table as SOS prints it, with the [TOTAL] of every row', () => {
    const run = heapscope('maddress', minidumpPath);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^Windows minidump: 1 threads, 8-byte pointers; read \d+ of \d+ bytes$/);
    const table = lines
      .filter((line) => line.includes(' | '))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(table[0]).toEqual(['Memory Kind', 'Count', 'Size', 'Size (bytes)']);
    const printed = table.slice(1).map(([kind, count, , bytes]) => ({
      kind,
      count: Number(count.replaceAll(',', '')),
      bytes: Number(bytes.replaceAll(',', '')),
    }));
    const total = expectedRows.reduce((sum, row) => ({ count: sum.count + row.count, bytes: sum.bytes + row.bytes }), {
      count: 0,
      bytes: 0,
    });
    expect(printed).toEqual([...expectedRows, { kind: '[TOTAL]', ...total }]);
  });

  it('refuses a file that is neither, naming both signatures and the bytes it found', () => {
    const path = join(scratch, 'notes.txt');
    writeFileSync(path, 'hello, not a dump\n');
    const run = heapscope('maddress', path);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /neither an ELF core .*\\x7fELF.* nor a Windows minidump .*MDMP.*first bytes are 68 65 6c 6c/,
    );
  });

  it('a truncated minidump is a format error, not a crash', () => {
    const path = join(scratch, 'truncated.dmp');
    writeFileSync(path, minidump.subarray(0, 40));
    const run = heapscope('maddress', path);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/^heapscope: minidump: /);
  });
});
