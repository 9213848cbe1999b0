/**
 * Real leaks of .NET 10 processes (tools/dotnet/LeakZoo, captured with dotnet-gcdump by
 * tools/capture-leak-samples.sh): each sample has exactly one finding, with the exact count the
 * process made, its pattern, its accumulation point and owner, and at least the bytes each leaked
 * entry was built to hold; the control run, where everything is disposed, has none.
 * sample-dumps/leaks/expected.json holds the answers; sample-dumps/README.md says how they were made.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeHeap } from '../analyze-heap';
import { computeFindings } from './index';
import { readGcdump } from '../../formats/gcdump/gcdump-reader';
import { byteSourceFromBytes } from '../../formats/byte-source';
import { loadHeap } from '../../formats/load';
import { PROJECT_ROOT } from '../../test-support/fixtures';
import { summarizeRootPath } from '../path-summary';

const DIR = join(PROJECT_ROOT, 'sample-dumps/leaks');

interface Expected {
  readonly file: string;
  readonly pattern?: string;
  readonly count?: number;
  readonly entryType?: string;
  readonly accumulationPointType?: string;
  readonly ownerLabel?: string;
  /** What each entry was made to hold (the LeakZoo payload): bytes kept alive are at least count × this. */
  readonly payloadBytesPerEntry?: number;
  readonly control?: boolean;
}

const EXPECTED = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Expected[];

async function findingsOf(file: string) {
  const bytes = new Uint8Array(readFileSync(join(DIR, file)));
  const { heap } = await readGcdump(byteSourceFromBytes(bytes, file));
  const started = performance.now();
  const context = analyzeHeap(heap);
  const analysed = performance.now();
  const findings = computeFindings(context);
  return { heap, findings, findingsMs: performance.now() - analysed, analysisMs: analysed - started };
}

describe.each(EXPECTED.filter((e) => !e.control))('real leak $file', (expected) => {
  it(`one ${expected.pattern} finding: ${expected.count} × ${expected.entryType}, owner and bytes`, async () => {
    const { heap, findings } = await findingsOf(expected.file);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding.pattern).toBe(expected.pattern);
    expect(finding.count).toBe(expected.count);
    expect(finding.entryType).toBe(expected.entryType);
    expect(finding.accumulationPoint.type).toBe(expected.accumulationPointType);
    expect(finding.owner?.label).toBe(expected.ownerLabel);
    expect(finding.owner?.rootKind).toBe('staticVariable');
    const least = expected.count! * expected.payloadBytesPerEntry!;
    expect(finding.retainedBytes).toBeGreaterThanOrEqual(least);
    expect(finding.retainedBytes).toBeLessThanOrEqual(1.5 * least);
    // The root path runs through the owner and the accumulation point to what one entry keeps.
    const path = summarizeRootPath(heap, finding.rootPath!);
    expect(path.root.name).toBe(expected.ownerLabel);
    const addresses = path.steps.map((step) => ('run' in step ? step.run.first : step.address));
    expect(addresses).toContain(finding.owner!.address);
    expect(addresses).toContain(finding.accumulationPoint.address);
    expect(finding.rootPath!.chain.at(-1)).toBe(finding.pathTarget);
  });
});

describe('the control run (everything disposed, unsubscribed, removed)', () => {
  it('has no finding', async () => {
    const { findings } = await findingsOf('all-disposed.gcdump');
    expect(findings).toEqual([]);
  });
});

describe('transcripts of the same processes', () => {
  it.each([
    ['linked-token.sos.txt', 'linked-token-source', 9317, 'Linked1CancellationTokenSource'],
    ['timer.sos.txt', 'timer', 4093, 'TimerQueueTimer'],
  ])('%s: the count and bytes of its own dumpheap -stat', async (file, pattern, count, type) => {
    const heap = await loadHeap(byteSourceFromBytes(new Uint8Array(readFileSync(join(DIR, file))), file));
    const findings = computeFindings(analyzeHeap(heap));
    expect(findings.map((f) => [f.pattern, f.count])).toEqual([[pattern, count]]);
    const stat = findings[0].keptAlive.find((row) => row.type.endsWith(type))!;
    expect(stat.count).toBe(count);
    // The bytes the stat table prints for that row, never the few objects the chain printed.
    const text = readFileSync(join(DIR, file), 'utf8');
    const printed = new RegExp(
      `^\\s*[0-9a-f]+\\s+${count.toLocaleString('en-US')}\\s+([\\d,]+) \\S*${type}\\s*$`,
      'm',
    ).exec(text)!;
    expect(stat.bytes).toBe(Number(printed[1].replace(/,/g, '')));
  });
});
