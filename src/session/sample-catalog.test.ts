/**
 * The samples the page offers (sample-dumps/catalog.json, served by vite.config.ts): every entry is a
 * file heapscope opens, described in one line; the incident comes first; and no committed file that
 * heapscope opens is left out of the list.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { byteSourceFromBytes } from '../formats/byte-source';
import { openHeap } from './open-heap';
import { PROJECT_ROOT } from '../test-support/fixtures';

interface Catalog {
  readonly groups: readonly {
    readonly title: string;
    readonly samples: readonly { path: string; description: string }[];
  }[];
}

const catalog = JSON.parse(readFileSync(join(PROJECT_ROOT, 'sample-dumps/catalog.json'), 'utf8')) as Catalog;
const entries = catalog.groups.flatMap((group) => group.samples);

/** What heapscope opens: gcdumps, cores, minidumps, and SOS transcripts (test-data/sos, *.sos.txt). */
/** A real transcript heapscope refuses, saying why (src/formats/sos/wild-transcripts.test.ts). */
const REFUSED = new Set(['test-data/sos/114-ilkay-dotnet-dump-windows-no-heap-blocks.txt']);

function openable(path: string): boolean {
  if (REFUSED.has(path)) return false;
  return (
    /\.(gcdump|core|dmp)$/.test(path) ||
    (path.endsWith('.txt') && (path.startsWith('test-data/sos/') || path.endsWith('.sos.txt')))
  );
}

describe('the sample catalogue', () => {
  it('starts with the incident, and lists every committed file heapscope opens, once', () => {
    expect(entries[0].path).toBe('test-data/sos/seed-incident-logistics-netcore31.txt');
    const committed = execFileSync('git', ['ls-files', 'sample-dumps', 'test-data'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(openable);
    expect(committed.length).toBeGreaterThan(30);
    const listed = entries.map((entry) => entry.path);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...committed].sort());
  });

  it.each(entries.map((entry) => [entry.path, entry.description]))(
    '%s opens, and says in one line what it is',
    async (path, description) => {
      expect(description.length).toBeGreaterThan(20);
      expect(description).not.toContain('\n');
      const bytes = readFileSync(join(PROJECT_ROOT, path));
      const opened = await openHeap(byteSourceFromBytes(bytes, path.split('/').pop()));
      expect(opened.summary.fileName).toBe(path.split('/').pop());
    },
  );
});
