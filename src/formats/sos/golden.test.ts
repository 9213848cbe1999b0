/**
 * Golden tests: each real transcript is imported and rendered canonically (transcript-report.ts);
 * the text must equal the snapshot checked in under __golden__/. After an intended change, run
 * `UPDATE_GOLDEN=1 npx vitest run src/formats/sos/golden.test.ts` and read every changed snapshot
 * against its transcript before committing it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fixtureBytes,
  fixtureNames,
  hasLeakyServiceTranscript,
  importBytes,
  LEAKY_SERVICE_TRANSCRIPT,
} from './test-support';
import { renderTranscriptReport } from './transcript-report';
import { FormatError } from '../byte-source';

const GOLDEN_DIR = 'src/formats/sos/__golden__';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

async function checkGolden(name: string, bytes: Uint8Array): Promise<void> {
  // A transcript the importer refuses (a session with no heap output) has its message as golden.
  const rendered = await importBytes(bytes, name).then(
    ({ heap, transcript }) => renderTranscriptReport(transcript, heap),
    (error: unknown) => {
      if (!(error instanceof FormatError)) throw error;
      return `refused: ${error.message}\n`;
    },
  );
  const path = join(GOLDEN_DIR, name.replace(/\.txt$/, '.golden.txt'));
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, rendered);
    return;
  }
  expect(existsSync(path), `missing golden ${path}; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(rendered).toBe(readFileSync(path, 'utf8'));
}

describe('SOS transcript goldens', () => {
  for (const name of fixtureNames()) {
    it(`${name} matches its golden rendering`, async () => {
      await checkGolden(name, fixtureBytes(name));
    });
  }
  it.runIf(hasLeakyServiceTranscript())('LeakyService runaway-cts.sos.txt matches its golden rendering', async () => {
    await checkGolden(basename(LEAKY_SERVICE_TRANSCRIPT), new Uint8Array(readFileSync(LEAKY_SERVICE_TRANSCRIPT)));
  });
});
