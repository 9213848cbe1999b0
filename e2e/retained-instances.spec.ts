import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { openAnalysed, projectRoot } from './helpers';

const LEAKY = join(projectRoot, 'sample-dumps/leaky-service/runaway-cts.gcdump');

/** The independent expectation: the CLI's `stat --retained` (the same analyses, another process). */
function cliRetained(): { name: string; retained: number }[] {
  const out = execFileSync(
    process.execPath,
    [join(projectRoot, 'bin/heapscope.mjs'), 'stat', LEAKY, '--retained', '--json'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  return (JSON.parse(out) as { types: { name: string; retained: number }[] }).types;
}

test('Types by retained size → instances of System.Byte[] at 0x8018 → one object → its root paths; dominators expand', async ({
  page,
}) => {
  await openAnalysed(page, LEAKY);

  await page.getByTestId('tab-types').click();
  await page.getByTestId('sort-retained').click();
  await expect(page.locator('th[data-column="retained"]')).toHaveAttribute('aria-sort', 'descending');
  const expected = cliRetained()
    .filter((row) => !row.name.startsWith('['))
    .sort((a, b) => b.retained - a.retained)[0];
  const firstObjectRow = page.locator('[data-testid="type-row"]').filter({ hasNotText: '[' }).first();
  await expect(firstObjectRow.locator('td[data-column="name"] .type-name')).toHaveAttribute('title', expected.name);
  await expect(firstObjectRow.locator('td[data-column="retained"]')).toHaveText(
    expected.retained.toLocaleString('en-US'),
  );

  await page.getByTestId('type-filter').fill('System.Byte[]');
  // The table keeps the previous rows until the filtered page arrives: wait for it before clicking.
  await expect(page.locator('[data-testid="type-row"]').first()).toContainText('System.Byte[]');
  await page.locator('[data-testid="type-row"]').filter({ hasText: 'System.Byte[] (Bytes > 10K)' }).first().click();
  await expect(page.getByTestId('instances-view')).toContainText('Instances of System.Byte[] (Bytes > 10K)');
  await page.getByTestId('instances-min').fill('0x8018');
  await page.getByTestId('instances-max').fill('0x8018');
  const statistics = page.getByTestId('instances-statistics');
  await expect(statistics).toContainText('17,817 objects');
  await expect(statistics).toContainText(`${(17_817 * 32_792).toLocaleString('en-US')} bytes`);
  await expect(page.getByTestId('size-histogram').locator('rect.bar')).toHaveCount(1);
  await page.getByTestId('instances-max').fill('32K');
  await expect(page.getByTestId('instances-size-error')).toContainText('not a size in bytes');
  await page.getByTestId('instances-max').fill('32792');
  await page.screenshot({ path: join(projectRoot, 'docs/screenshot-instances.png'), fullPage: true });

  await page.getByTestId('instance-roots').first().click();
  await expect(page.getByTestId('tab-roots')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('roots-graph')).toBeVisible();

  await page.getByTestId('tab-dominators').click();
  const rows = page.getByTestId('dominator-row');
  await expect(rows.first()).toBeVisible();
  const before = await rows.count();
  for (const row of await rows.all()) {
    expect(Number(await row.getAttribute('data-retained'))).toBeGreaterThanOrEqual(
      Number(await row.getAttribute('data-size')),
    );
  }
  await page.getByTestId('dominator-toggle').first().click();
  await expect.poll(() => rows.count()).toBeGreaterThan(before);
});
