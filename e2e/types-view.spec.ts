import { expect, test, type Page } from '@playwright/test';
import { basename, join } from 'node:path';
import {
  compareNames,
  dropFile,
  MAUI_FIXTURE,
  openTypes,
  projectRoot,
  truthFor,
  visibleTypeRows,
  waitForLoaded,
  withSeparators,
  type TruthType,
} from './helpers';

const truth = truthFor(MAUI_FIXTURE);

/** The Types view of the MAUI fixture with every row TraceEvent lists: the root pseudo-nodes' rows shown too. */
async function openMauiTypes(page: Page): Promise<void> {
  await page.goto('./');
  await dropFile(page, MAUI_FIXTURE);
  await waitForLoaded(page, basename(MAUI_FIXTURE));
  await openTypes(page);
  await page.getByTestId('show-pseudo').check();
}

function sortedTruth(compare: (a: TruthType, b: TruthType) => number): TruthType[] {
  expect(truth, 'TraceEvent truth file for the maui fixture').not.toBeNull();
  return [...truth!.types].sort(compare);
}

const average = (type: TruthType) => type.bytes / type.count;

test('every column sorts, both ways, with aria-sort on the header', async ({ page }) => {
  await openMauiTypes(page);
  const header = (column: string) => page.locator(`th[data-column="${column}"]`);
  await expect(header('bytes')).toHaveAttribute('aria-sort', 'descending');
  await expect(header('name')).toHaveAttribute('aria-sort', 'none');

  // Type: ascending first, then descending.
  await page.getByTestId('sort-name').click();
  await expect(header('name')).toHaveAttribute('aria-sort', 'ascending');
  await expect(header('bytes')).toHaveAttribute('aria-sort', 'none');
  let expected = sortedTruth((a, b) => compareNames(a.name, b.name)).slice(0, 5);
  await expect
    .poll(async () => (await visibleTypeRows(page, 5)).map((r) => r.name))
    .toEqual(expected.map((t) => t.name));
  await page.getByTestId('sort-name').click();
  await expect(header('name')).toHaveAttribute('aria-sort', 'descending');
  expected = sortedTruth((a, b) => compareNames(b.name, a.name)).slice(0, 5);
  await expect
    .poll(async () => (await visibleTypeRows(page, 5)).map((r) => r.name))
    .toEqual(expected.map((t) => t.name));

  // Count: descending first (biggest), then ascending.
  await page.getByTestId('sort-count').click();
  await expect(header('count')).toHaveAttribute('aria-sort', 'descending');
  expected = sortedTruth((a, b) => b.count - a.count || compareNames(a.name, b.name)).slice(0, 5);
  await expect
    .poll(async () => (await visibleTypeRows(page, 5)).map((r) => [r.name, r.count]))
    .toEqual(expected.map((t) => [t.name, withSeparators(t.count)]));
  await page.getByTestId('sort-count').click();
  await expect(header('count')).toHaveAttribute('aria-sort', 'ascending');
  expected = sortedTruth((a, b) => a.count - b.count || compareNames(a.name, b.name)).slice(0, 5);
  await expect
    .poll(async () => (await visibleTypeRows(page, 5)).map((r) => [r.name, r.count]))
    .toEqual(expected.map((t) => [t.name, withSeparators(t.count)]));

  // Average size.
  await page.getByTestId('sort-averageSize').click();
  await expect(header('averageSize')).toHaveAttribute('aria-sort', 'descending');
  expected = sortedTruth((a, b) => average(b) - average(a) || compareNames(a.name, b.name)).slice(0, 5);
  await expect
    .poll(async () => (await visibleTypeRows(page, 5)).map((r) => r.name))
    .toEqual(expected.map((t) => t.name));

  // % of heap orders as bytes; ascending after a second click.
  await page.getByTestId('sort-percent').click();
  await expect(header('percent')).toHaveAttribute('aria-sort', 'descending');
  await page.getByTestId('sort-percent').click();
  await expect(header('percent')).toHaveAttribute('aria-sort', 'ascending');
  expected = sortedTruth((a, b) => a.bytes - b.bytes || compareNames(a.name, b.name)).slice(0, 5);
  await expect
    .poll(async () => (await visibleTypeRows(page, 5)).map((r) => r.name))
    .toEqual(expected.map((t) => t.name));

  // Total bytes: back to the default.
  await page.getByTestId('sort-bytes').click();
  await expect(header('bytes')).toHaveAttribute('aria-sort', 'descending');
  // The header changes at once; the rows when the worker's page arrives (poll, as above).
  await expect
    .poll(async () => (await visibleTypeRows(page, 1))[0])
    .toEqual({
      name: 'System.String',
      count: '6,913',
      bytes: '518,562',
      averageSize: '75',
      percent: '15.53%',
    });

  // The sort is in the URL, so a permalink restores it.
  await page.getByTestId('sort-count').click();
  await expect(page).toHaveURL(/#.*view=types.*sort=count/);
});

test('filtering by substring and by regular expression', async ({ page }) => {
  await openMauiTypes(page);
  const filter = page.getByTestId('type-filter');

  await filter.fill('leakypage');
  await expect.poll(async () => (await visibleTypeRows(page, 50)).map((r) => r.name)).toContain('MauiApp3.LeakyPage');
  const rows = await visibleTypeRows(page, 50);
  expect(rows.every((row) => row.name.toLowerCase().includes('leakypage'))).toBe(true);
  expect(rows.find((row) => row.name === 'MauiApp3.LeakyPage')).toMatchObject({ count: '4', bytes: '3,072' });

  await page.getByTestId('filter-regex').check();
  await filter.fill('^System\\.Int32\\[\\]');
  await expect.poll(async () => (await visibleTypeRows(page, 1))[0]?.name).toBe('System.Int32[] (Bytes > 10K)');
  const regexRows = await visibleTypeRows(page, 50);
  expect(regexRows.length).toBeGreaterThan(0);
  expect(regexRows.every((row) => row.name.startsWith('System.Int32[]'))).toBe(true);
  if (truth) {
    const matching = truth.types.filter((type) => /^System\.Int32\[\]/i.test(type.name));
    await expect(page.getByTestId('types-status')).toContainText(`${withSeparators(matching.length)} of `);
  }

  // An invalid expression says so and keeps the page working.
  await filter.fill('System.(String');
  await expect(page.getByTestId('filter-error')).toContainText('Invalid regular expression');
  await filter.fill('System\\.String$');
  await expect(page.getByTestId('filter-error')).toHaveCount(0);
  await expect.poll(async () => (await visibleTypeRows(page, 5)).map((r) => r.name)).toEqual(['System.String']);

  // Nothing matches: an empty table with a message.
  await filter.fill('no-type-is-called-this');
  await expect(page.getByTestId('types-empty')).toBeVisible();
});

test('merge and split entries that share a name', async ({ page }) => {
  await openMauiTypes(page);
  expect(truth, 'TraceEvent truth file for the maui fixture').not.toBeNull();
  const merged = truth!.types.length;
  // TraceEvent's rows and totals include the root pseudo-nodes' types: shown on request.
  await page.getByTestId('show-pseudo').check();
  await expect(page.getByTestId('types-status')).toContainText(
    `${withSeparators(merged)} of ${withSeparators(merged)} types`,
  );
  await page.getByTestId('merge-by-name').uncheck();
  const status = page.getByTestId('types-status');
  await expect(status).not.toContainText(`of ${withSeparators(merged)} types`);
  const split = Number((await status.innerText()).split(' of ')[0].replace(/,/g, ''));
  expect(split).toBeGreaterThan(merged);
  // Splitting moves no object: the totals stay the same.
  const objects = truth!.types.reduce((sum, type) => sum + type.count, 0);
  await expect(status).toContainText(`${withSeparators(objects)} objects`);
  await page.getByTestId('merge-by-name').check();
  await expect(status).toContainText(`${withSeparators(merged)} of ${withSeparators(merged)} types`);
});

test('scrolling to the end of 4,000+ rows fetches the last page', async ({ page }) => {
  await openMauiTypes(page);
  expect(truth, 'TraceEvent truth file for the maui fixture').not.toBeNull();
  const scroller = page.getByTestId('types-scroll');
  const lastRank = truth!.types.length - 1;
  // Scrolled to the end (again, if a change of the query committed after the scroll took the view
  // back to the top, as a new query does), the last row comes.
  await expect(async () => {
    await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await expect(page.locator(`[data-testid="type-row"][data-rank="${lastRank}"]`)).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  // Only the rows around the viewport are in the DOM.
  expect(await page.getByTestId('type-row').count()).toBeLessThan(200);
  const smallest = sortedTruth((a, b) => b.bytes - a.bytes || compareNames(a.name, b.name))[lastRank];
  await expect(page.locator(`[data-testid="type-row"][data-rank="${lastRank}"] .type-name`)).toHaveAttribute(
    'title',
    smallest.name,
  );
});

test('README screenshot: the Types view with the maui fixture', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 760 });
  await openMauiTypes(page);
  await expect(page.getByTestId('type-row')).not.toHaveCount(0);
  await page.screenshot({ path: join(projectRoot, 'docs/screenshot-types.png') });
});

test('a permalink restores the view, sort and filter once the dump is opened', async ({ page }) => {
  await page.goto('./#view=types&sort=count&dir=asc&filter=%5ESystem%5C.Int32&regex=1');
  await dropFile(page, MAUI_FIXTURE);
  await waitForLoaded(page, basename(MAUI_FIXTURE));
  await expect(page.getByTestId('type-row').first()).toBeVisible();
  await expect(page.locator('th[data-column="count"]')).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByTestId('type-filter')).toHaveValue('^System\\.Int32');
  await expect(page.getByTestId('filter-regex')).toBeChecked();
  const rows = await visibleTypeRows(page, 50);
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((row) => row.name.startsWith('System.Int32'))).toBe(true);
  const counts = rows.map((row) => Number(row.count.replace(/,/g, '')));
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
});

test('a link with a catastrophic regular expression cannot freeze the page: the table answers, and the next filter too', async ({
  page,
}) => {
  // ^(.+)+Q$ backtracks exponentially in a JavaScript RegExp; the worker runs user patterns on RE2.
  await page.goto('./#view=types&regex=1&filter=%5E(.%2B)%2BQ%24');
  await dropFile(page, MAUI_FIXTURE);
  await waitForLoaded(page, basename(MAUI_FIXTURE));
  await expect(page.getByTestId('type-filter')).toHaveValue('^(.+)+Q$');
  await expect(page.getByTestId('types-empty')).toBeVisible({ timeout: 5_000 });
  await page.getByTestId('type-filter').fill('LeakyPage');
  await expect.poll(async () => (await visibleTypeRows(page, 5)).map((r) => r.name)).toEqual(['MauiApp3.LeakyPage']);
});
