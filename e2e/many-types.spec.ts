import { expect, test } from '@playwright/test';
import { writeGcdump } from '../src/formats/gcdump';
import { HeapBuilder } from '../src/heap/heap-builder';
import { NodeFlag, type NodeIndex } from '../src/heap/types';
import { dropBytes, visibleTypeRows, waitForLoaded, withSeparators } from './helpers';

/** More types than any fixture has: the Types view must stay responsive with 10,000+ rows. */
const TYPE_COUNT = 25_000;

/**
 * A .gcdump with TYPE_COUNT types, written by the project's writer: type t is
 * `Contoso.Generated.Type<t padded>` with (t mod 7) + 1 objects of 24 + 8·(t mod 50) bytes, all
 * referenced from the root, so every column has a different order.
 */
function manyTypesDump(): Uint8Array {
  const builder = new HeapBuilder('gcdump');
  builder.addType('UNDEFINED');
  const rootType = builder.addType('[.NET Roots]');
  const root = builder.addNode(rootType, 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
  builder.setRoot(root);
  let address = 0x10000;
  for (let t = 0; t < TYPE_COUNT; t++) {
    const type = builder.addType(`Contoso.Generated.Type${String(t).padStart(5, '0')}`, 'Contoso.dll');
    for (let i = 0; i < (t % 7) + 1; i++) {
      const size = 24 + 8 * (t % 50);
      const node = builder.addNode(type, size, address, 0, NodeFlag.Defined);
      address += size;
      builder.addEdge(root, node as NodeIndex);
    }
  }
  return writeGcdump({ heap: builder.build() });
}

test('25,000 types: sorting, filtering and scrolling stay quick', async ({ page }) => {
  const bytes = manyTypesDump();
  await page.goto('./');
  await dropBytes(page, bytes, 'many-types.gcdump');
  await waitForLoaded(page, 'many-types.gcdump');
  await page.getByTestId('tab-types').click();
  const status = page.getByTestId('types-status');
  // Every generated type; the root pseudo-node's type is hidden until asked for.
  const rows = TYPE_COUNT;
  await expect(page.getByTestId('show-pseudo')).not.toBeChecked();
  await expect(page.getByTestId('show-pseudo')).toHaveAccessibleName(/Root pseudo-nodes \(1 row\)/);
  await expect(status).toContainText(`${withSeparators(rows)} of ${withSeparators(rows)} types`);

  // The biggest: 7 objects of 24 + 8·49 bytes, types t ≡ 6 (mod 7) and t ≡ 49 (mod 50): t = 349 first.
  const [top] = await visibleTypeRows(page, 1);
  expect(top).toMatchObject({ name: 'Contoso.Generated.Type00349', count: '7', bytes: '2,912' });

  // A sort answers in well under a second (the worker sorts; the page gets ~100 rows).
  let started = Date.now();
  await page.getByTestId('sort-name').click();
  await expect.poll(async () => (await visibleTypeRows(page, 1))[0]?.name).toBe('Contoso.Generated.Type00000');
  expect(Date.now() - started).toBeLessThan(2_000);

  started = Date.now();
  await page.getByTestId('type-filter').fill('Type2499');
  await expect(status).toContainText(`10 of ${withSeparators(rows)} types`);
  expect(Date.now() - started).toBeLessThan(2_000);
  await page.getByTestId('type-filter').fill('');

  // With the root pseudo-node's row shown, it is the last (0 bytes); scrolling to the end fetches
  // only the pages around the viewport.
  await page.getByTestId('show-pseudo').check();
  await expect(status).toContainText(`${withSeparators(rows + 1)} of ${withSeparators(rows + 1)} types`);
  const scroller = page.getByTestId('types-scroll');
  await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
  await expect(page.locator(`[data-testid="type-row"][data-rank="${rows}"]`)).toBeVisible();
  expect(await page.getByTestId('type-row').count()).toBeLessThan(200);
  await expect(page.locator(`[data-testid="type-row"][data-rank="${rows}"] .type-name`)).toHaveAttribute(
    'title',
    '[.NET Roots]',
  );
});
