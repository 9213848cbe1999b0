/** At a phone's width and in the dark: no sideways scrolling of the page, names and tabs reachable. */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { openAnalysed, projectRoot } from './helpers';

const LEAKY = join(projectRoot, 'sample-dumps/leaky-service/runaway-cts.gcdump');

async function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test.describe('at 390 × 844', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('Summary, Types and Findings fit the width; every tab is reachable; type names are shown', async ({ page }) => {
    await openAnalysed(page, LEAKY);
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(projectRoot, 'docs/screenshot-phone-summary.png') });
    for (const tab of ['types', 'findings', 'dominators']) {
      const button = page.getByTestId(`tab-${tab}`);
      await button.scrollIntoViewIfNeeded();
      await button.click();
      expect(await pageOverflow(page), `${tab}: no sideways scroll of the page`).toBeLessThanOrEqual(0);
    }
    await page.getByTestId('tab-types').click();
    const name = page.getByTestId('type-row').first().locator('.type-name');
    await expect(name).toBeVisible();
    const box = await name.boundingBox();
    expect(box!.width).toBeGreaterThan(100);
    await page.screenshot({ path: join(projectRoot, 'docs/screenshot-phone-types.png') });
    await page.getByTestId('tab-findings').click();
    await page.screenshot({ path: join(projectRoot, 'docs/screenshot-phone-findings.png'), fullPage: false });
  });
});

test.describe('dark', () => {
  test.use({ colorScheme: 'dark' });

  test('the page follows prefers-color-scheme: dark', async ({ page }) => {
    await openAnalysed(page, LEAKY);
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const text = await page.evaluate(() => getComputedStyle(document.documentElement).color);
    const luminance = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    expect(luminance(background)).toBeLessThan(40);
    expect(luminance(text)).toBeGreaterThan(200);
    await page.getByTestId('tab-findings').click();
    await page.screenshot({ path: join(projectRoot, 'docs/screenshot-dark-findings.png') });
    await page.getByTestId('tab-types').click();
    await page.screenshot({ path: join(projectRoot, 'docs/screenshot-dark-types.png') });
  });
});
