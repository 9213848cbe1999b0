import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { dropFile, projectRoot, waitForLoaded } from './helpers';

test('drop a real core: the memory summary table and chart appear, read from headers and notes only', async ({
  page,
}) => {
  await page.goto('/');
  // The LeakyService full core reduced to its headers and notes (sample-dumps/cores/README.md).
  await dropFile(page, join(projectRoot, 'sample-dumps/cores/leaky-service-full.core'));
  await waitForLoaded(page, 'leaky-service-full.core');
  const table = page.getByTestId('memory-summary');
  await expect(table).toBeVisible();
  await expect(page.getByTestId('memory-row').filter({ hasText: 'Stack' }).first()).toContainText('21');
  await expect(page.getByTestId('memory-row').filter({ hasText: 'Image' }).first()).toBeVisible();
  await expect(page.getByTestId('memory-chart').locator('rect.bar').first()).toBeVisible();
});
