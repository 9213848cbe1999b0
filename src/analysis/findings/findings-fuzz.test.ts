/**
 * Bad input reaches the finding rules too: every mutated real file that still parses (bytes flipped
 * in a gcdump's records, lines damaged in a transcript) goes through the analyses and every rule,
 * which must answer without throwing.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeHeap } from '../analyze-heap';
import { computeFindings } from './index';
import { byteSourceFromBytes, FormatError } from '../../formats/byte-source';
import { loadHeap } from '../../formats/load';
import { PROJECT_ROOT } from '../../test-support/fixtures';
import { mulberry32 as prng } from '../../test-support/prng';

const FILES = [
  'sample-dumps/leaks/linked-token.gcdump',
  'sample-dumps/leaks/page.gcdump',
  'sample-dumps/leaks/all-disposed.gcdump',
  'test-data/gcdump/gcdump-analyze-test1-maui-winui-coreclr9.gcdump',
  'sample-dumps/leaks/timer.sos.txt',
  'test-data/sos/seed-incident-logistics-netcore31.txt',
];
const MUTATIONS = 40;

describe('finding rules on mutated real files', () => {
  it.each(FILES)('%s: every mutation that parses gets findings without a throw', async (path) => {
    const original = new Uint8Array(readFileSync(join(PROJECT_ROOT, path)));
    const random = prng(0xf1d1);
    let analysed = 0;
    for (let k = 0; k < MUTATIONS; k++) {
      const damaged = original.slice();
      const flips = 1 + Math.floor(random() * 8);
      // Bytes past the header, where records and lines are (a flip in the magic just refuses the file).
      for (let f = 0; f < flips; f++)
        damaged[64 + Math.floor(random() * (damaged.length - 64))] = Math.floor(random() * 256);
      let heap;
      try {
        heap = await loadHeap(byteSourceFromBytes(damaged, `${path} #${k}`));
      } catch (error) {
        expect(error, `${path} mutation ${k}`).toBeInstanceOf(FormatError);
        continue;
      }
      const findings = computeFindings(analyzeHeap(heap));
      for (const finding of findings) expect(finding.count).toBeGreaterThan(0);
      analysed++;
    }
    expect(analysed).toBeGreaterThan(0);
  });
});
