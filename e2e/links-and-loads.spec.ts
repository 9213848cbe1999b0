/**
 * What a new user trips over: links that ask for what cannot be given, files that cannot be read,
 * a core opened alone, and the samples offered.
 */
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { dropBytes, dropFile, MAUI_FIXTURE, openAnalysed, projectRoot, waitForCached, waitForLoaded } from './helpers';

const LEAKY = join(projectRoot, 'sample-dumps/leaky-service/runaway-cts.gcdump');
const CORE = join(projectRoot, 'sample-dumps/cores/leaky-service-full.core');

test('a link with an unknown view, a bad sort column and an unreadable evidence card says what was ignored', async ({
  page,
}) => {
  await page.goto('/#v=2&view=flamegraph&sort=colour&evidence=%25%25not-base64%25%25');
  const notes = page.getByTestId('link-notes');
  await expect(notes).toBeVisible();
  await expect(notes).toContainText('unknown view "flamegraph"; the default is used');
  await expect(notes).toContainText('unknown sort column "colour"');
  await expect(notes).toContainText('evidence card that is not valid; it was ignored');
});

test('a link with a bad format version says so', async ({ page }) => {
  await page.goto('/#v=banana&view=types');
  await expect(page.getByTestId('link-notes')).toContainText('invalid format version "banana"');
});

test('a link to an object that is not in the opened dump says so and opens the view without it', async ({ page }) => {
  await page.goto('/#v=2&view=object&object=0xdeadbeef');
  await dropFile(page, MAUI_FIXTURE);
  await waitForLoaded(page, 'gcdump-analyze-test1-maui-winui-coreclr9.gcdump');
  await expect(page.getByTestId('link-notes')).toContainText(
    'The link names the object 0xdeadbeef, which is not in this dump; the view opened without it.',
  );
  await expect(page.getByText('No object selected.')).toBeVisible();
});

test("a link to a finding this dump's analysis did not find says so and shows all findings", async ({ page }) => {
  await page.goto('/#v=2&view=findings&finding=growing-static-collection@0x1234');
  await dropFile(page, LEAKY);
  await waitForLoaded(page, 'runaway-cts.gcdump');
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(page.getByTestId('link-notes')).toContainText(
    'The link names the finding "growing-static-collection@0x1234", which this dump\'s analysis did not find',
  );
  await expect(page.getByTestId('finding').first()).toBeVisible();
  await expect(page.locator('.finding-selected')).toHaveCount(0);
});

test('a truncated gcdump is called truncated; the dump that was open stays open below the message', async ({
  page,
}) => {
  await openAnalysed(page, MAUI_FIXTURE);
  const cut = new Uint8Array(readFileSync(LEAKY)).subarray(0, 300_000);
  await dropBytes(page, cut, 'cut.gcdump');
  const error = page.getByTestId('load-error');
  await expect(error).toContainText('Could not read cut.gcdump');
  await expect(error).toContainText('the file is truncated: it ends at byte 300,000');
  // The dump that was open is opened again, and the message stays.
  await waitForLoaded(page, 'gcdump-analyze-test1-maui-winui-coreclr9.gcdump');
  await expect(page.getByTestId('load-error-kept')).toContainText(
    'gcdump-analyze-test1-maui-winui-coreclr9.gcdump is still open below',
  );
  await expect(error).toContainText('the file is truncated');
  await page.getByTestId('tab-types').click();
  await expect(page.getByTestId('type-row').first()).toBeVisible();
});

test('a file of no known format names every format heapscope reads', async ({ page }) => {
  await page.goto('/');
  await dropBytes(page, new TextEncoder().encode('PK\u0003\u0004 this is a zip, not a dump'), 'dump.zip');
  await expect(page.getByTestId('load-error')).toContainText(
    'it is neither a .gcdump (which starts with the 24-byte "!FastSerialization.1" header), an SOS transcript',
  );
  await expect(page.getByTestId('load-error')).toContainText('a Linux core (ELF');
  await expect(page.getByTestId('load-error')).toContainText('Windows minidump ("MDMP")');
});

test('a core opened alone: Types and Findings say it has no object graph', async ({ page }) => {
  await page.goto('/');
  await dropFile(page, CORE);
  await waitForLoaded(page, 'leaky-service-full.core');
  for (const tab of ['tab-types', 'tab-findings']) {
    await page.getByTestId(tab).click();
    await expect(page.getByTestId('no-object-graph')).toContainText(
      "A core opened alone has no object graph: heapscope does not decode a dump's managed objects yet. Open it with a transcript or a .gcdump of the same process",
    );
    await expect(page.getByTestId('no-findings')).toHaveCount(0);
  }
});

test('the samples picker offers only files heapscope opens, the incident first, each described', async ({ page }) => {
  await page.goto('/');
  // The list is open until a dump is opened.
  const samples = page.getByTestId('sample');
  await expect(samples.first()).toHaveAttribute('data-sample-id', 'fixtures/sos/seed-incident-logistics-netcore31.txt');
  const ids = await samples.evaluateAll((buttons) =>
    buttons.map((button) => button.getAttribute('data-sample-id') ?? ''),
  );
  expect(ids.length).toBeGreaterThan(30);
  for (const id of ids) expect(id).toMatch(/\.(gcdump|core|dmp)$|^fixtures\/sos\/.*\.txt$|\.sos\.txt$/);
  expect(ids).toContain('sample-dumps/cores/leaky-service-full.core');
  await expect(page.getByTestId('sample-description').first()).toContainText(
    '17,812 CancellationTokenSource registrations',
  );
  // One click opens the incident.
  await samples.first().click();
  await waitForLoaded(page, 'seed-incident-logistics-netcore31.txt');
});

test('every view has "Copy link" and "Copy as Markdown"; the link reopens the view', async ({ page, context }) => {
  await openAnalysed(page, LEAKY);
  await page.getByTestId('tab-types').click();
  await page.getByPlaceholder('Filter by type name').fill('CallbackNode');
  await expect(page.getByTestId('type-row')).toHaveCount(1);
  await page.getByTestId('copy-view-markdown').click();
  const markdown = await page.getByTestId('copy-view-markdown-output').inputValue();
  expect(markdown).toContain('**heapscope** · types of `runaway-cts.gcdump`');
  expect(markdown).toContain('Types matching `CallbackNode`');
  expect(markdown).toContain('| CallbackNode | 17,847 | 1,427,760 | 595,716,334 |');
  await page.getByTestId('copy-link').click();
  const link = await page.getByTestId('copy-link-output').inputValue();
  expect(link).toBe(page.url());
  expect(link).toContain('filter=CallbackNode');

  await page.getByTestId('tab-findings').click();
  await page.getByTestId('copy-view-markdown').click();
  await expect(page.getByTestId('copy-view-markdown-output')).toHaveValue(/### 17,818 change.*- Count: 17,818/s);

  // The copied link, opened in another tab of this browser (the dump is cached), shows the same rows.
  await waitForCached(page);
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByTestId('loaded-file')).toHaveText('runaway-cts.gcdump', { timeout: 30_000 });
  await expect(other.getByTestId('type-row')).toHaveCount(1);
  await expect(other.getByTestId('type-row')).toContainText('CallbackNode');
});

test('unreachable objects are counted apart, and root pseudo-nodes stay out of the Types table until asked for', async ({
  page,
}) => {
  const wpf = join(projectRoot, 'test-data/gcdump/perfview-test2-wpf-netfx45-x86-2014.gcdump');
  await openAnalysed(page, wpf);
  await expect(page.getByTestId('summary-unreachable')).toContainText(/^[\d,]+ objects, .*no root reaches them/);
  await page.getByTestId('tab-types').click();
  await expect(page.getByTestId('types-unreachable')).toContainText(/are unreachable: garbage awaiting collection/);
  // No "[static var …]" or "[.NET Roots]" rows by default; the toggle brings them back, and the link keeps it.
  await page.getByTestId('type-filter').fill('[.NET Roots]');
  await expect(page.getByTestId('types-empty')).toBeVisible();
  await page.getByTestId('show-pseudo').check();
  await expect(page.getByTestId('type-row')).toHaveCount(1);
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('pseudo=1');
});
