import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { dropFile, MAUI_FIXTURE, projectRoot, waitForLoaded } from './helpers';

/**
 * A dump of exactly 10,000,000 nodes, dotnet-gcdump's silent cap, made by the project's generator
 * (tools/generate, the seed incident's shape; ~180 MB, a few seconds). Big enough that a load takes
 * long enough to watch its progress and to cancel it.
 */
const CAPPED_NODES = 10_000_000;
const generator = join(projectRoot, 'tools/generate/generate.ts');
const cacheDir = join(tmpdir(), 'heapscope-e2e');

/** The generated file is cached between runs, keyed by the code that writes it. */
function generatorVersion(): string {
  const hash = createHash('sha256');
  const sources = [
    ...readdirSync(dirname(generator)).map((name) => join(dirname(generator), name)),
    join(projectRoot, 'src/formats/gcdump/gcdump-writer.ts'),
  ];
  for (const path of sources.sort()) if (statSync(path).isFile()) hash.update(readFileSync(path));
  return hash.digest('hex').slice(0, 12);
}

const cappedDump = existsSync(generator)
  ? join(cacheDir, `incident-${CAPPED_NODES}-${generatorVersion()}.gcdump`)
  : join(cacheDir, 'missing.gcdump');

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  expect(existsSync(generator), 'tools/generate/generate.ts makes the large dumps').toBe(true);
  if (existsSync(cappedDump) && statSync(cappedDump).size > 0) return;
  mkdirSync(cacheDir, { recursive: true });
  // Files made by an older generator are of no further use.
  for (const name of readdirSync(cacheDir)) if (name.startsWith('incident-')) rmSync(join(cacheDir, name));
  execFileSync(
    process.execPath,
    [
      join(projectRoot, 'node_modules/tsx/dist/cli.mjs'),
      generator,
      '--objects',
      String(CAPPED_NODES),
      '--out',
      cappedDump,
    ],
    { cwd: projectRoot, stdio: 'ignore', timeout: 120_000 },
  );
});

/** Records every text the progress panel shows, from the page itself (a load can be quick). */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      const panel = document.querySelector('[data-testid="load-progress"]');
      if (panel instanceof HTMLElement) seen.push(panel.innerText);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

test('a 10,000,000-node dump shows progress, then the truncation warning', async ({ page }) => {
  test.slow();
  await page.goto('./');
  await recordProgress(page);
  await page.getByTestId('file-input').setInputFiles(cappedDump);
  await waitForLoaded(page, basename(cappedDump));
  const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  // Stages named by the reader, a growing percentage, and the throughput.
  expect(seen.some((text) => /reading|decoding/.test(text))).toBe(true);
  expect(seen.some((text) => /\d+(\.\d)? MB\/s/.test(text))).toBe(true);
  expect(seen.some((text) => /\b([1-9]\d?)%/.test(text))).toBe(true);

  await expect(page.getByTestId('summary-nodes')).toHaveText('10,000,000');
  const warning = page.getByTestId('node-cap-warning');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('exactly the 10,000,000 at which dotnet-gcdump');
  await expect(warning).toContainText('truncated');
});

test('a load can be cancelled, and a new file replaces a load in progress', async ({ page }) => {
  test.slow();
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(cappedDump);
  await expect(page.getByTestId('load-progress')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('load-progress')).toHaveCount(0);
  await expect(page.getByTestId('tab-summary')).toHaveCount(0);

  // Dropping a file while the big one loads: the small one wins, the big one is abandoned.
  await page.getByTestId('file-input').setInputFiles(cappedDump);
  await expect(page.getByTestId('load-progress')).toBeVisible();
  await dropFile(page, MAUI_FIXTURE);
  await waitForLoaded(page, basename(MAUI_FIXTURE));
  await expect(page.getByTestId('summary-nodes')).toHaveText('46,645');
  // The abandoned load never comes back to replace it.
  await page.waitForTimeout(4_000);
  await expect(page.getByTestId('loaded-file')).toHaveText(basename(MAUI_FIXTURE));
  await expect(page.getByTestId('load-error')).toHaveCount(0);
});
