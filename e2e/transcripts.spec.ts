import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dropFile, projectRoot, waitForLoaded } from './helpers';

const INCIDENT = resolve(projectRoot, '../shared/fixtures/sos/seed-incident-logistics-netcore31.txt');

test('paste the incident transcript: memory table and chart, histogram, the gcroot chain', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('paste-open').click();
  await page.getByTestId('paste-text').fill(readFileSync(INCIDENT, 'utf8'));
  await page.getByTestId('paste-submit').click();
  await waitForLoaded(page, 'pasted transcript.txt');

  await expect(page.getByTestId('memory-row')).toHaveCount(17);
  await expect(page.getByTestId('memory-total')).toContainText('3,186,194,432');
  await expect(page.getByTestId('memory-row').first()).toContainText('GCHeap');
  await expect(page.getByTestId('memory-chart').locator('rect.bar')).toHaveCount(17);
  await page.getByTestId('memory-summary').scrollIntoViewIfNeeded();
  await page
    .getByTestId('memory-summary')
    .locator('xpath=..')
    .screenshot({ path: join(projectRoot, 'docs/screenshot-memory.png') });

  await page.getByTestId('tab-types').click();
  const byteRow = page.locator('[data-testid="type-row"]').filter({ hasText: 'System.Byte[]' }).first();
  await expect(byteRow.locator('td[data-column="count"]')).toHaveText('101,757');
  await expect(byteRow.locator('td[data-column="bytes"]')).toHaveText('1,047,579,498');
  // The transcript's table is elided (rows cut by the author); the footer's total stays the heap's.
  await page.getByTestId('tab-summary').click();
  await expect(page.getByTestId('summary-view').or(page.locator('main'))).toContainText('2,539,831,376');

  // The transcript's gcroot chain, through the reload token's CancellationTokenSource and CallbackNodes.
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await page.evaluate(() => {
    location.hash = '#v=1&view=roots&object=0x7f55a5b219b0';
  });
  await expect(page.getByTestId('roots-graph')).toBeVisible();
  const text = page.getByTestId('roots-text');
  await expect(text).toContainText('Microsoft.Extensions.Configuration.ConfigurationReloadToken');
  await expect(text).toContainText('System.Threading.CancellationTokenSource+CallbackNode');
  await expect(text).toContainText('Microsoft.AspNetCore.WebUtilities.FileBufferingReadStream');
  await expect(page.locator('[data-testid="graph-node-object"][aria-label*="CallbackNode"]').first()).toBeVisible();
});

test('drop the LeakyService transcript captured with dotnet-dump', async ({ page }) => {
  await page.goto('/');
  await dropFile(page, join(projectRoot, 'sample-dumps/leaky-service/runaway-cts.sos.txt'));
  await waitForLoaded(page, 'runaway-cts.sos.txt');
  await page.getByTestId('tab-types').click();
  await expect(
    page
      .locator('[data-testid="type-row"]')
      .filter({ hasText: 'CallbackNode' })
      .first()
      .locator('td[data-column="count"]'),
  ).toHaveText('17,847');
});
