/**
 * npm run fuzz -- [--format gcdump|sos|elf|minidump|all] [--count N] [--seed S] [--timeout MS]
 *                 [--memory MB] [--workers N] [--out DIR]
 * Runs the hostile-input campaign (campaign.ts) and prints a table per format; inputs that crashed,
 * hung, blew up or were refused without naming an offset or line are written to DIR
 * (default fuzz-crashers/) with a line saying how to replay them. Exit status 1 when any was found.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { FUZZ_FORMATS, renderTable, runCampaign, type FuzzFormat } from './campaign';

const { values } = parseArgs({
  options: {
    format: { type: 'string', default: 'all' },
    count: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '10000' },
    memory: { type: 'string', default: '1024' },
    workers: { type: 'string', default: '2' },
    out: { type: 'string', default: 'fuzz-crashers' },
  },
});
const formats: FuzzFormat[] =
  values.format === 'all' ? [...FUZZ_FORMATS] : values.format!.split(',').map((f) => f as FuzzFormat);
for (const format of formats)
  if (!FUZZ_FORMATS.includes(format))
    throw new Error(`--format takes ${FUZZ_FORMATS.join(', ')} or all, not ${format}`);
let lastShown = 0;
const result = await runCampaign({
  formats,
  count: Number(values.count),
  seed: Number(values.seed),
  timeoutMs: Number(values.timeout),
  memoryMb: Number(values.memory),
  workers: Number(values.workers),
  crashDir: resolve(values.out!),
  onProgress: (done, total) => {
    if (done - lastShown >= 500 || done === total) {
      lastShown = done;
      process.stderr.write(`fuzz: ${done} / ${total}\n`);
    }
  },
});
console.log(`seed ${values.seed}, ${values.count} inputs per format, ${result.seconds.toFixed(1)} s`);
console.log(renderTable(result));
for (const defect of result.defects) console.log(defect);
process.exitCode = result.defects.length > 0 ? 1 : 0;
