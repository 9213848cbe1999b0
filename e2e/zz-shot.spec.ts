import { test } from '@playwright/test';
import { join } from 'node:path';
import { openAnalysed, projectRoot } from './helpers';
test('shot', async ({ page }) => {
  await openAnalysed(page, join(projectRoot, 'sample-dumps/leaky-service/runaway-cts.gcdump'));
  await page.getByTestId('tab-findings').click();
  await page.getByRole('button', { name: 'Show root path' }).first().click();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: '/tmp/roots.png' });
  await page.getByTestId('run-node').first().click();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: '/tmp/roots-expanded.png', fullPage: true });
});
