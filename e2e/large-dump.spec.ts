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

/** The generated dump of `objects` objects, in the cache directory under the generator's version. */
function generatedPath(objects: number): string {
  return existsSync(generator)
    ? join(cacheDir, `incident-${objects}-${generatorVersion()}.gcdump`)
    : join(cacheDir, 'missing.gcdump');
}

const cappedDump = generatedPath(CAPPED_NODES);
/** The incident's shape at 5,000,000 objects: big enough that storing and reading its analyses take time. */
const fiveMillionDump = generatedPath(5_000_000);

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  expect(existsSync(generator), 'tools/generate/generate.ts makes the large dumps').toBe(true);
  mkdirSync(cacheDir, { recursive: true });
  const wanted = [cappedDump, fiveMillionDump];
  // Files made by an older generator are of no further use.
  for (const name of readdirSync(cacheDir)) {
    if (name.startsWith('incident-') && !wanted.includes(join(cacheDir, name))) rmSync(join(cacheDir, name));
  }
  for (const [path, objects] of [
    [cappedDump, CAPPED_NODES],
    [fiveMillionDump, 5_000_000],
  ] as const) {
    if (existsSync(path) && statSync(path).size > 0) continue;
    execFileSync(
      process.execPath,
      [join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), generator, '--objects', String(objects), '--out', path],
      { cwd: projectRoot, stdio: 'ignore', timeout: 120_000 },
    );
  }
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

test("served cross-origin isolated, helper workers touch the pages of the heap worker's large arrays and run its reverse edges and BFS; served without, the same dump loads without them, with the same answers", async ({
  page,
}) => {
  test.slow();
  const helperScripts: string[] = [];
  page.on('request', (request) => {
    const helper = ['page-toucher', 'analysis-helper'].find((name) => request.url().includes(name));
    if (helper) helperScripts.push(helper);
  });
  const load = async () => {
    await page.getByTestId('file-input').setInputFiles(fiveMillionDump);
    await waitForLoaded(page, basename(fiveMillionDump));
    await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
    const facts = {
      nodes: await page.getByTestId('summary-nodes').innerText(),
      bytes: await page.getByTestId('summary-bytes').innerText(),
      // From the BFS: objects no root reaches.
      unreachable: await page.getByTestId('summary-unreachable').innerText(),
    };
    // The findings, with their root paths (the BFS's parents) and retained sizes.
    await page.getByTestId('tab-findings').click();
    await page.getByTestId('finding').first().waitFor();
    const findings = await page.getByTestId('finding').allInnerTexts();
    await page.getByTestId('tab-summary').click();
    return { ...facts, findings };
  };
  await page.goto('./');
  expect(await page.evaluate(() => crossOriginIsolated), 'the server sends COOP and COEP').toBe(true);
  const isolated = await load();
  expect(isolated.nodes).toBe('5,000,000');
  expect(isolated.findings.length).toBeGreaterThan(0);
  expect(new Set(helperScripts), 'both helper workers were started').toEqual(
    new Set(['page-toucher', 'analysis-helper']),
  );

  // The same page from a host that sends neither header: no shared memory, no helper.
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  helperScripts.length = 0;
  await page.goto('./');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  expect(await load()).toEqual(isolated);
  expect(helperScripts).toEqual([]);
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

test('a 5,000,000-object dump: a link opened while the first tab is still caching it never shows nothing; once the analyses are kept, a link reopens from them', async ({
  page,
  context,
}) => {
  test.slow();
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(fiveMillionDump);
  await waitForLoaded(page, basename(fiveMillionDump));
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  // The race: the link taken as soon as it names its dump, opened at once in another tab, while the
  // first is still writing the dump and its analyses into this browser's cache.
  await expect.poll(() => page.evaluate(() => location.hash), { timeout: 60_000 }).toContain('dump=');
  await page.getByTestId('tab-findings').click();
  const finding = page.locator('[data-testid="finding"][data-kind="runaway-cancellation-registrations"]');
  await finding.getByTestId('copy-evidence-link').click();
  const link = await finding.getByTestId('copy-evidence-link-output').inputValue();
  expect(link).toContain('dump=');
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-image', 'storing');

  const early = await context.newPage();
  await early.goto(link);
  // At every moment: the link banner saying what it waits for (with the evidence card), the
  // loading panel, or the live view — never an empty start page.
  for (let i = 0; i < 20; i++) {
    const shown = await early.evaluate(() => ({
      banner: document.querySelector('[data-testid="link-banner"]')?.textContent ?? '',
      card: document.querySelector('[data-testid="evidence-card"]')?.textContent ?? '',
      loading: document.querySelector('[data-testid="load-progress"]') !== null,
      live: document.querySelector('[data-testid="loaded-file"]') !== null,
    }));
    expect(shown.banner !== '' || shown.loading || shown.live, `moment ${i}: ${JSON.stringify(shown)}`).toBe(true);
    // The banner always carries the link's evidence card beside what it waits for.
    if (shown.banner) {
      expect(shown.banner).toMatch(/cache|drop/i);
      expect(shown.card).toContain('17,812');
    }
    await early.waitForTimeout(250);
  }
  // It ends on the finding itself (read from the cached dump) or on the card with the cache's answer.
  await expect(early.locator('.finding-selected, [data-testid="link-cache"]').first()).toBeVisible({
    timeout: 120_000,
  });
  await early.close();

  // Once the first tab has kept the analyses with the cached dump, a link reopens from them.
  const status = page.getByTestId('analysis-status');
  await expect(status).toHaveAttribute('data-image', 'stored', { timeout: 120_000 });
  const reader = await context.newPage();
  await reader.goto(link);
  const reopened = reader.getByTestId('analysis-status');
  await expect(reopened).toHaveAttribute('data-from-image', 'true', { timeout: 60_000 });
  const selected = reader.locator('.finding-selected');
  await expect(selected).toHaveAttribute('data-kind', 'runaway-cancellation-registrations');
  await expect(selected).toHaveAttribute('data-count', '17812');
  await expect(reader.getByTestId('other-tabs')).toContainText('also open in another tab');
  // The same heap as the first tab's: its Summary's node count.
  await page.getByTestId('tab-summary').click();
  const nodes = await page.getByTestId('summary-nodes').textContent();
  expect(nodes).toMatch(/^5,0\d\d,\d{3}$/);
  await reader.getByTestId('tab-summary').click();
  await expect(reader.getByTestId('summary-nodes')).toHaveText(nodes!);
});
