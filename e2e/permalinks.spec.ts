import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { dropFile, MAUI_FIXTURE, openAnalysed, projectRoot, waitForCached } from './helpers';

const LEAKY = join(projectRoot, 'sample-dumps/leaky-service/runaway-cts.gcdump');
const CONTROL = join(projectRoot, 'sample-dumps/leaky-service/control.gcdump');

async function copyFindingLink(page: Page): Promise<string> {
  await openAnalysed(page, LEAKY);
  await page.getByTestId('tab-findings').click();
  const finding = page.locator('[data-testid="finding"][data-kind="runaway-cancellation-registrations"]');
  await finding.getByTestId('copy-evidence-link').click();
  const link = await finding.getByTestId('copy-evidence-link-output').inputValue();
  expect(link.length).toBeLessThan(8192);
  expect(link).toContain('view=findings');
  return link;
}

test("a finding's link: evidence card without the dump, live view once the file is dropped, a different file refused", async ({
  page,
  browser,
}) => {
  const link = await copyFindingLink(page);

  const other = await browser.newContext();
  const reader = await other.newPage();
  await reader.goto(link);
  await expect(reader.getByTestId('link-banner')).toBeVisible();
  await expect(reader.getByTestId('link-dump-name')).toHaveText('runaway-cts.gcdump');
  // The banner says what it looked for: this browser has never seen the dump.
  await expect(reader.getByTestId('link-cache')).toHaveText(
    'This browser has not cached this dump: drop the file to open it.',
  );
  await expect(reader.getByTestId('evidence-card')).toContainText(
    '17,818 change-token callbacks never disposed (RegisterChangeCallback / ChangeToken.OnChange)',
  );
  await expect(reader.getByTestId('evidence-path')).toContainText('× CallbackNode');

  // A different file is refused with a clear message.
  await dropFile(reader, CONTROL);
  await expect(reader.getByTestId('link-problem')).toContainText('is a different file');
  await expect(reader.getByTestId('tab-types')).toHaveCount(0);

  // The right file restores the live view with the same selection.
  await dropFile(reader, LEAKY);
  await expect(reader.getByTestId('tab-findings')).toHaveAttribute('aria-selected', 'true', { timeout: 30_000 });
  await expect(reader.locator('.finding-selected')).toHaveAttribute('data-kind', 'runaway-cancellation-registrations', {
    timeout: 30_000,
  });
  await expect(reader.getByTestId('link-banner')).toHaveCount(0);

  // With the dump now cached in this browser (once stored), the link restores directly.
  await waitForCached(reader);
  const again = await other.newPage();
  await again.goto(link);
  await expect(again.getByTestId('loaded-file')).toHaveText('runaway-cts.gcdump', { timeout: 30_000 });
  await expect(again.locator('.finding-selected')).toBeVisible({ timeout: 30_000 });
  await again.getByTestId('forget-dumps').click();
  await expect(again.getByTestId('forget-dumps')).toHaveText('Cached dumps forgotten');
  await other.close();
});

test("a cached dump's link reopens from its heap image, and two tabs holding it are told so", async ({
  page,
  context,
}) => {
  const link = await copyFindingLink(page);
  // Once the analyses are ready the page keeps them with the cached dump, and says so.
  const status = page.getByTestId('analysis-status');
  await expect(status).toHaveAttribute('data-image', 'stored', { timeout: 30_000 });
  await expect(status).toContainText('analyses kept with the cached dump');
  await expect(status).toHaveAttribute('data-from-image', 'false');

  const again = await context.newPage();
  await again.goto(link);
  const reopened = again.getByTestId('analysis-status');
  await expect(reopened).toHaveAttribute('data-from-image', 'true', { timeout: 30_000 });
  await expect(reopened).toHaveAttribute('data-image', 'used');
  await expect(reopened).toContainText("read from the heap image kept with this dump in this browser's cache");
  // The same finding, with the same numbers, as the load that computed it.
  const selected = again.locator('.finding-selected');
  await expect(selected).toHaveAttribute('data-kind', 'runaway-cancellation-registrations');
  await expect(selected).toHaveAttribute('data-count', '17818');
  await again.getByTestId('tab-types').click();
  await expect(again.getByTestId('type-row').first()).toBeVisible();

  // Each tab holds its own copy of the heap: both say so, and the first stops saying it when the
  // second opens another dump.
  await expect(again.getByTestId('other-tabs')).toContainText('also open in another tab');
  await expect(page.getByTestId('other-tabs')).toContainText('also open in another tab');
  // The second tab was opened from a link to the first dump: another file dropped there is refused
  // once its fingerprint is known, and opened when the user says so.
  await dropFile(again, CONTROL);
  await again.getByRole('button', { name: 'Open it without the link' }).click({ timeout: 30_000 });
  await expect(again.getByTestId('loaded-file')).toHaveText('control.gcdump', { timeout: 30_000 });
  await expect(page.getByTestId('other-tabs')).toHaveCount(0);
});

test('back and forward move between views; an object link survives a reload of the same dump', async ({ page }) => {
  await openAnalysed(page, LEAKY);
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('dump=');
  await page.getByTestId('tab-types').click();
  await page.getByTestId('tab-findings').click();
  await page.getByTestId('show-root-path').first().click();
  await expect(page.getByTestId('roots-graph')).toBeVisible();
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/view=roots.*object=0x[0-9a-f]+/);
  const rootsUrl = page.url();
  await page.goBack();
  await expect(page.getByTestId('tab-findings')).toHaveAttribute('aria-selected', 'true');
  await page.goBack();
  await expect(page.getByTestId('tab-types')).toHaveAttribute('aria-selected', 'true');
  await page.goForward();
  await expect(page.getByTestId('tab-findings')).toHaveAttribute('aria-selected', 'true');

  // Reopening the link (the dump is in this browser's cache, once stored) shows the same object's root paths.
  await waitForCached(page);
  await page.goto('about:blank');
  await page.goto(rootsUrl);
  await expect(page.getByTestId('roots-graph')).toBeVisible({ timeout: 30_000 });
});

test('an object without an address (a root category) is linked by its path signature and restored', async ({
  page,
}) => {
  await openAnalysed(page, LEAKY);
  // The first object of the finding's root path is held directly by a root category, a pseudo-node
  // without an address ([static vars], [Pinned handles] …): open it from the references in.
  await page.getByTestId('tab-findings').click();
  await page.getByTestId('show-root-path').first().click();
  await page.getByTestId('graph-node-object').first().focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('object-view')).toBeVisible();
  const pseudo = page.getByTestId('references-in').locator('.object-link').filter({ hasText: /^\[/ }).first();
  const typeName = (await pseudo.locator('.object-type').textContent())!;
  expect(typeName).toMatch(/^\[.*\]$/);
  await pseudo.click();
  await expect(page.getByTestId('object-type')).toHaveText(typeName);
  await expect
    .poll(() => page.evaluate(() => location.hash))
    .toMatch(/view=object.*object=path%3A[0-9.*]+(~|%7E)[0-9a-f]{8}/);
  const objectUrl = page.url();
  await page.goto('about:blank');
  await page.goto(objectUrl);
  await expect(page.getByTestId('object-type')).toHaveText(typeName, { timeout: 30_000 });
});

test('a hostile fragment is rejected, never rendered as HTML', async ({ page }) => {
  await page.goto(
    '/#v=1&dump=' + 'a'.repeat(64) + '&size=10&name=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&evidence=AAAA',
  );
  await expect(page.getByTestId('link-banner')).toBeVisible();
  await expect(page.getByTestId('link-dump-name')).toHaveText('<img src=x onerror=alert(1)>');
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.getByTestId('link-banner')).toContainText('cannot be read');
});

test("the Instances view's filters and order are in the link: opened from it, and written back when changed", async ({
  page,
}) => {
  await page.goto('./#v=2&view=instances&type=System.Byte%5B%5D&imin=100&ilive=live&isort=address&idir=asc');
  await dropFile(page, MAUI_FIXTURE);
  await expect(page.getByTestId('instances-view')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('instances-min')).toHaveValue('100');
  await expect(page.getByTestId('instances-liveness')).toHaveValue('live');
  await expect(page.locator('th[aria-sort="ascending"]')).toContainText('Address');
  await expect(page.getByTestId('instance-row').first()).toBeVisible();
  await page.getByTestId('instances-max').fill('1000');
  // Address order is ascending by default, so the link says no more than isort=address.
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/imin=100&imax=1000&ilive=live&isort=address$/);
});
