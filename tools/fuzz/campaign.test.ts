/**
 * A short, seeded run of the hostile-input campaign on every format: no crash, no hang, no blow-up,
 * and every refusal names an offset or a line. (`npm run fuzz -- --count 10000` is the full run.)
 */
import { describe, expect, it } from 'vitest';
import { FUZZ_FORMATS, runCampaign } from './campaign';

describe('hostile-input campaign (short)', () => {
  it('200 mutations per format: only ok or refused-with-a-place', { timeout: 240_000 }, async () => {
    const result = await runCampaign({
      formats: FUZZ_FORMATS,
      count: 200,
      seed: 20261203,
      timeoutMs: 20_000,
      memoryMb: 1024,
      crashDir: null,
      workers: 2,
    });
    expect(result.defects).toEqual([]);
    for (const format of FUZZ_FORMATS) {
      const counts = result.table[format];
      expect(counts.ok + counts.refused, format).toBe(200);
      // Both outcomes occur: the mutations reach past the magic, and the readers refuse what is broken.
      expect(counts.ok, format).toBeGreaterThan(0);
      expect(counts.refused, format).toBeGreaterThan(0);
    }
  });
});
