/**
 * npx tsx tools/generate/write-test-minidumps.ts
 * Writes sample-dumps/minidumps/<name>.dmp for every hand-written minidump in
 * src/formats/minidump/sample-minidumps.test-helper.ts, with our writer. Deterministic: the same
 * source gives the same bytes (src/formats/minidump/minidump-truth.test.ts checks that the committed
 * files are what the writer writes today). Afterwards run `bash tools/dotnet/memory-map-truth.sh`
 * to refresh ClrMD's reading of them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeTestMinidump } from '../../src/formats/minidump/minidump-writer.test-helper';
import { SAMPLE_MINIDUMPS } from '../../src/formats/minidump/sample-minidumps.test-helper';

const outDir = resolve(import.meta.dirname, '../../sample-dumps/minidumps');
mkdirSync(outDir, { recursive: true });
for (const { name, dump } of SAMPLE_MINIDUMPS) {
  const bytes = writeTestMinidump(dump());
  writeFileSync(join(outDir, name), bytes);
  console.log(`wrote sample-dumps/minidumps/${name} (${bytes.length.toLocaleString('en-US')} bytes)`);
}
