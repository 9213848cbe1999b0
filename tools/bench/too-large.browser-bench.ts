/**
 * Beyond one tab: a dump too large for a browser tab (60 M objects by default; TOO_LARGE_OBJECTS=N
 * for another size) is refused early, with the limit, the memory it would need, and the CLI to use.
 * Not part of `npm test` (making the file takes minutes); run with
 * `npx playwright test -c tools/bench/playwright.bench.config.ts`.
 */
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const OBJECTS = Number(process.env.TOO_LARGE_OBJECTS ?? 60_000_000);
const FILE = join(ROOT, 'bench', `incident-${OBJECTS}.gcdump`);

test.beforeAll(() => {
  if (existsSync(FILE)) return;
  const made = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'tools/generate/generate.ts'), '--objects', String(OBJECTS), '--out', FILE],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  expect(made.status, 'the generator made the file').toBe(0);
});

test(`a ${OBJECTS.toLocaleString('en-US')}-object dump is refused early and points to the CLI`, async ({ page }) => {
  await page.goto('/');
  const started = Date.now();
  await page.getByTestId('file-input').setInputFiles(FILE);
  const alert = page.getByRole('alert').filter({ hasText: 'Use the command line' }).first();
  await alert.waitFor({ timeout: 120_000 });
  const seconds = (Date.now() - started) / 1000;
  const text = (await alert.textContent()) ?? '';
  console.log(`refused after ${seconds.toFixed(2)} s: ${text}`);
  // Which limit and how much memory it would need, in the message itself.
  expect(text).toMatch(/needs about [\d.]+ GB/);
  expect(text).toMatch(/more than the [\d.]+ GB a browser tab/);
  expect(text).toMatch(/heapscope/);
  // Early: from the node count read in the header, before any object is decoded (the time is printed, not asserted).
  expect(text).toContain(`${OBJECTS.toLocaleString('en-US')} objects`);
});
