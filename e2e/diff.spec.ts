/** Comparing two dumps of one process in the page: the real pair of sample-dumps/diff/. */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openAnalysed, projectRoot, waitForCached, waitForLoaded } from './helpers';

const BEFORE = join(projectRoot, 'sample-dumps/diff/before.gcdump');
const AFTER = join(projectRoot, 'sample-dumps/diff/after.gcdump');

test('Compare with…: the types diff by Δbytes, where it grew, the link reopens both dumps from the cache', async ({
  page,
  context,
}) => {
  await openAnalysed(page, BEFORE);
  await page.getByTestId('compare-input').setInputFiles(AFTER);
  await waitForLoaded(page, 'after.gcdump');
  await expect(page.getByTestId('tab-diff')).toHaveAttribute('aria-selected', 'true');
  const view = page.getByTestId('diff-view');
  await expect(view).toBeVisible({ timeout: 30_000 });
  await expect(view.locator('h2')).toHaveText('before.gcdump → after.gcdump');
  // Types by bytes grown: the 12,812 new 32 KB buffers first.
  const firstType = page.getByTestId('diff-type-row').first();
  await expect(firstType).toContainText('System.Byte[] (Bytes > 10K)');
  await expect(firstType).toContainText('+12,812');
  await expect(firstType).toContainText('+420,131,104');
  // Where it grew: the registrations, on the reload token's CancellationTokenSource.
  const growth = page.getByTestId('growth-entry').first();
  await expect(growth).toContainText('+12,812 CallbackNode (5,026 → 17,838) in Registrations');
  const steps = await growth.locator('.growth-step').allTextContents();
  expect(steps.slice(-4)).toEqual([
    'Microsoft.Extensions.Configuration.ConfigurationReloadToken',
    'System.Threading.CancellationTokenSource',
    'Registrations',
    'CallbackNode',
  ]);
  // The same paths drawn with the root-path graph: roots on the left, the grown type highlighted.
  const graph = page.getByTestId('growth-graph');
  await expect(graph.getByTestId('roots-graph')).toBeVisible();
  const grown = graph.getByTestId('graph-node-target').first();
  await expect(grown).toHaveAttribute('aria-label', /^CallbackNode: \+12,812 objects here \(5,026 → 17,838\)/);
  // The framework's plumbing between the static and the configuration folds; a click unfolds it.
  const gaps = graph.getByTestId('graph-node-gap');
  const before = await graph.locator('g.graph-node').count();
  await gaps.first().click();
  await expect.poll(() => graph.locator('g.graph-node').count()).toBeGreaterThan(before);
  await expect(
    graph.locator('g.graph-node[aria-label="Microsoft.Extensions.Configuration.ConfigurationReloadToken"]').first(),
  ).toBeAttached();
  await expect(page.locator('[data-testid="diff-finding"][data-status="grown"]')).toContainText('(5,006 → 17,818)');
  // Sorting by Δcount puts the most numerous new objects first.
  await page.getByTestId('diff-sort-countDelta').click();
  await expect(page.getByTestId('diff-type-row').first()).toContainText('System.String');

  await page.getByTestId('copy-link').click();
  const link = await page.getByTestId('copy-link-output').inputValue();
  expect(link).toContain('view=diff');
  expect(link).toMatch(/[#&]base=[0-9a-f]{64}&bsize=\d+&bname=before.gcdump/);

  // Another tab of this browser opens both dumps from its cache and shows the same comparison.
  await waitForCached(page);
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByTestId('loaded-file')).toHaveText('after.gcdump', { timeout: 60_000 });
  await expect(other.getByTestId('growth-entry').first()).toContainText('+12,812 CallbackNode', { timeout: 60_000 });
});

test('two dumps of one process dropped together are compared, the older one as the baseline', async ({ page }) => {
  await page.goto('/');
  // after.gcdump first in the drop, but written later: the baseline is before.gcdump.
  const older = new Date('2026-01-01T10:00:00Z').getTime();
  const newer = new Date('2026-01-01T10:05:00Z').getTime();
  const files = [
    { path: AFTER, lastModified: newer },
    { path: BEFORE, lastModified: older },
  ];
  const transfer = await page.evaluateHandle(
    (encoded) => {
      const dataTransfer = new DataTransfer();
      for (const { base64, name, lastModified } of encoded) {
        const binary = atob(base64);
        const data = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i);
        dataTransfer.items.add(new File([data], name, { lastModified }));
      }
      return dataTransfer;
    },
    files.map(({ path, lastModified }) => ({
      base64: readFileSync(path).toString('base64'),
      name: basename(path),
      lastModified,
    })),
  );
  await page.dispatchEvent('body', 'dragenter', { dataTransfer: transfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
  await waitForLoaded(page, 'after.gcdump');
  await expect(page.getByTestId('tab-diff')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('diff-view').locator('h2')).toHaveText('before.gcdump → after.gcdump', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('diff-view')).toHaveAttribute('data-pending', 'false', { timeout: 30_000 });
  await expect(page.getByTestId('growth-entry').first()).toContainText('+12,812 CallbackNode');
});
