import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { byteSourceFromBytes } from '../src/formats/byte-source';
import { readGcdump, writeGcdump } from '../src/formats/gcdump';
import {
  dropBytes,
  dropFile,
  fixtureDir,
  MAUI_FIXTURE,
  openTypes,
  truthFor,
  visibleTypeRows,
  waitForLoaded,
  withSeparators,
} from './helpers';

test('the Summary shows counts, producer and the bytes chart', async ({ page }) => {
  await page.goto('./');
  await dropFile(page, MAUI_FIXTURE);
  await waitForLoaded(page, basename(MAUI_FIXTURE));
  const truth = truthFor(MAUI_FIXTURE);
  if (truth) {
    const objects = truth.types.reduce((sum, type) => sum + type.count, 0);
    await expect(page.getByTestId('summary-objects')).toHaveText(withSeparators(objects));
  }
  await expect(page.getByTestId('summary-nodes')).toHaveText('46,645');
  await expect(page.getByTestId('summary-root')).toHaveText('[.NET Roots]');
  // dotnet-gcdump's root categories (gcdump spec §5.1).
  await expect(page.getByTestId('summary-root-categories')).toContainText('[static vars]');
  await expect(page.getByTestId('summary-root-categories')).toContainText('[local vars]');
  await expect(page.getByTestId('summary-sampling')).toHaveText('not sampled: exact counts');
  await expect(page.getByTestId('node-cap-warning')).toHaveCount(0);
  // The reader's warning about the never-defined node reaches the page.
  await expect(page.getByTestId('reader-warnings')).toContainText('never defined');

  const chart = page.getByTestId('byte-chart');
  await expect(chart).toBeVisible();
  const bars = chart.locator('rect.bar');
  expect(await bars.count()).toBeGreaterThanOrEqual(5);
  await expect(chart.locator('g.chart-row[data-category="strings"] text.chart-label')).toHaveText('Strings');
  // The app's own namespace gets its bar.
  await expect(chart.locator('g.chart-row[data-category="own-namespace"] text.chart-label').first()).toHaveText(
    'MauiApp3',
  );
  // Bars are proportional: strings (518,562 bytes) are wider than the app's own types (a few KB).
  const stringsWidth = Number(await chart.locator('g.chart-row[data-category="strings"] rect').getAttribute('width'));
  const ownWidth = Number(
    await chart.locator('g.chart-row[data-category="own-namespace"] rect').first().getAttribute('width'),
  );
  expect(stringsWidth).toBeGreaterThan(ownWidth);
});

test('a PerfView dump with a segment table shows it', async ({ page }) => {
  const wpf = join(fixtureDir, 'perfview-test2-wpf-netfx45-x86-2014.gcdump');
  await page.goto('./');
  await dropFile(page, wpf);
  await waitForLoaded(page, basename(wpf));
  await expect(page.getByTestId('summary-nodes')).toHaveText('140,391');
  await expect(page.getByTestId('summary-pointer-size')).toContainText('4 bytes');
  const segments = page.getByTestId('segment-table');
  await expect(segments).toBeVisible();
  expect(await segments.locator('tbody tr').count()).toBeGreaterThan(0);
  await expect(segments.locator('tbody td.address').first()).toContainText(/^0x[0-9a-f]+$/);
});

test('a sampled dump says its counts are estimates and scales them', async ({ page }) => {
  // The maui fixture re-written by the project's writer with PerfView's sampling field
  // (CountMultipliersByType, gcdump spec §5.6): every stored object stands for 3.
  const source = byteSourceFromBytes(new Uint8Array(readFileSync(MAUI_FIXTURE)), 'maui.gcdump');
  const { heap, details } = await readGcdump(source, { keepLayout: true });
  const multipliers = new Float32Array(heap.types.count).fill(3);
  const sampled = writeGcdump({
    heap,
    details: { ...details, countMultipliers: multipliers, averageCountMultiplier: 3 },
  });

  await page.goto('./');
  await dropBytes(page, sampled, 'sampled.gcdump');
  await waitForLoaded(page, 'sampled.gcdump');
  await expect(page.getByTestId('sampled-note')).toContainText('This dump was sampled');
  await expect(page.getByTestId('summary-sampling')).toHaveText('sampled: counts are estimates');
  await expect(page.getByTestId('summary-objects')).toHaveText(withSeparators(3 * 46_644));
  await openTypes(page);
  const [top] = await visibleTypeRows(page, 1);
  expect(top).toMatchObject({ name: 'System.String', count: '20,739', bytes: '1,555,686' });
});
