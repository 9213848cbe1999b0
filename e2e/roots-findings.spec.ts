import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { dropBytes, openAnalysed, projectRoot, waitForLoaded } from './helpers';
import { HeapBuilder } from '../src/heap/heap-builder';
import { NodeFlag, type NodeIndex } from '../src/heap/types';
import { writeGcdump } from '../src/formats/gcdump/gcdump-writer';

const LEAKY = join(projectRoot, 'sample-dumps/leaky-service/runaway-cts.gcdump');
const CONTROL = join(projectRoot, 'sample-dumps/leaky-service/control.gcdump');

test('LeakyService: Findings shows the chain, its root path highlights the run, the run expands, a member opens in the inspector', async ({
  page,
}) => {
  await openAnalysed(page, LEAKY, 'runaway-cts.gcdump');
  await page.getByTestId('tab-findings').click();
  const cts = page.locator('[data-testid="finding"][data-kind="runaway-cancellation-registrations"]');
  await expect(cts).toHaveCount(1);
  expect(Number(await cts.getAttribute('data-count'))).toBeGreaterThanOrEqual(17_812);
  await expect(cts.getByTestId('finding-owners')).toContainText('ConfigurationReloadToken');
  await expect(cts.getByTestId('finding-pattern')).toHaveText('change-token-callback');
  await expect(cts.getByTestId('finding-count')).toHaveText('17,818 × CallbackNode');
  await expect(cts).toContainText('System.Byte[] (Bytes > 10K)');
  await expect(page.locator('[data-testid="finding"][data-kind="growing-event-handler-list"]')).toContainText(
    '279 event handlers never unsubscribed',
  );

  await cts.getByTestId('show-root-path').click();
  await expect(page.getByTestId('roots-graph')).toBeVisible();
  const run = page.getByTestId('run-node').first();
  await expect(run).toBeVisible();
  const label = await run.getAttribute('aria-label');
  const count = Number(/^([\d,]+) consecutive CallbackNode objects/.exec(label ?? '')?.[1].replace(/,/g, ''));
  expect(count).toBeGreaterThan(1000);
  await expect(page.getByTestId('roots-text')).toContainText(`× CallbackNode`);
  await page.screenshot({ path: join(projectRoot, 'docs/screenshot-roots.png'), fullPage: true });

  await run.click();
  await expect(page.getByTestId('run-members')).toBeVisible();
  await expect(page.getByTestId('run-member')).toHaveCount(10);
  await page.getByTestId('run-more').click();
  await expect(page.getByTestId('run-member')).toHaveCount(60);
  // The expanded run is part of the link: reopening it shows the members again.
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/&run=0x[0-9a-f]+/);
  const expandedUrl = page.url();
  await page.goto('about:blank');
  await page.goto(expandedUrl);
  await expect(page.getByTestId('run-members')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('run-member').first().getByRole('button').click();
  await expect(page.getByTestId('object-view')).toBeVisible();
  await expect(page.getByTestId('object-type')).toHaveText('CallbackNode');
  await expect(page.getByTestId('references-in')).toContainText('References in');

  // Keyboard: the graph's nodes are focusable and Enter opens one.
  await page.getByTestId('object-show-roots').click();
  await page.getByTestId('graph-node-target').first().focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('object-view')).toBeVisible();
});

test('the control sample has no CancellationToken finding', async ({ page }) => {
  await openAnalysed(page, CONTROL, 'control.gcdump');
  await page.getByTestId('tab-findings').click();
  await expect(page.locator('[data-kind="runaway-cancellation-registrations"]')).toHaveCount(0);
});

/** Opens a dump of one object of a type named `typeName`, held by a static root, and waits for its analysis. */
async function openOneTypeDump(page: Page, typeName: string, fileName: string): Promise<void> {
  const b = new HeapBuilder('gcdump');
  b.addType('UNDEFINED');
  const rootType = b.addType('[.NET Roots]');
  const statics = b.addType('[static vars]');
  const type = b.addType(typeName, 'Evil.dll');
  const root = b.addNode(rootType, 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
  const category = b.addNode(statics, 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
  const object = b.addNode(type, 24, 0x1000, 0x7f00, NodeFlag.Defined);
  b.addEdge(root, category);
  b.addEdge(category, object as NodeIndex);
  b.setRoot(root);
  await page.goto('/');
  await dropBytes(page, writeGcdump({ heap: b.build() }), fileName);
  await waitForLoaded(page, fileName);
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-state', 'ready');
}

test('a hostile type name is shown as text in the inspector and the graph', async ({ page }) => {
  const hostile = '<img src=x onerror="window.__pwned=1">';
  await openOneTypeDump(page, hostile, 'hostile.gcdump');
  await page.getByTestId('tab-types').click();
  await expect(page.getByText(hostile, { exact: true }).first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
});

test('a right-to-left override in a type name is written out, not applied: Types, Instances, inspector, root path', async ({
  page,
}) => {
  const name = 'Invoice\u202Egnp.exe';
  await openOneTypeDump(page, name, 'bidi.gcdump');
  await page.getByTestId('tab-types').click();
  const row = page.getByTestId('type-row').filter({ hasText: 'Invoice' });
  await expect(row).toContainText('Invoice<U+202E>gnp.exe');
  await expect(row.getByTestId('control-char')).toHaveText('<U+202E>');
  await row.click();
  await expect(page.getByTestId('instance-row')).toHaveCount(1);
  await page.getByTestId('instance-row').getByRole('button').first().click();
  await expect(page.getByTestId('object-type')).toHaveText('Invoice<U+202E>gnp.exe');
  await page.getByTestId('tab-roots').click();
  await expect(page.getByTestId('roots-text')).toContainText('Invoice<U+202E>gnp.exe');
  // Nowhere on the page is the override applied.
  expect(await page.evaluate(() => document.body.innerText.includes('\u202E'))).toBe(false);
});

test("the finding's story: ConfigurationManager → reload token → its CancellationTokenSource → one run → … → Byte[], the run opened in the graph, the evidence card the same", async ({
  page,
  browser,
}) => {
  await openAnalysed(page, LEAKY, 'runaway-cts.gcdump');
  await page.getByTestId('tab-findings').click();
  const cts = page.locator('[data-testid="finding"][data-kind="runaway-cancellation-registrations"]');
  await cts.getByTestId('show-root-path').click();
  await expect(page.getByTestId('roots-graph')).toBeVisible();
  // The story's path is the first; its nodes left to right, plumbing folded into one gap.
  const storyTitles = async () =>
    page.evaluate(() => {
      const nodes = [...document.querySelectorAll<SVGGElement>('g.graph-node')];
      const first = nodes.filter((n) => /translate\([\d.]+,24\)/.test(n.getAttribute('transform') ?? ''));
      return first
        .sort(
          (a, b) =>
            Number(/translate\(([\d.]+)/.exec(a.getAttribute('transform')!)![1]) -
            Number(/translate\(([\d.]+)/.exec(b.getAttribute('transform')!)![1]),
        )
        .map((n) => n.querySelector('title')?.textContent ?? '');
    });
  const titles = await storyTitles();
  const index = (pattern: RegExp) => titles.findIndex((title) => pattern.test(title));
  const manager = index(/^Microsoft\.Extensions\.Configuration\.ConfigurationManager at /);
  expect(manager).toBeGreaterThan(0);
  expect(titles[manager + 1]).toMatch(/^Microsoft\.Extensions\.Configuration\.ConfigurationReloadToken at /);
  expect(titles[manager + 2]).toMatch(/^System\.Threading\.CancellationTokenSource at /);
  expect(titles[manager + 3]).toMatch(/^Registrations at /);
  expect(titles[manager + 4]).toMatch(/^17,812 consecutive CallbackNode objects/);
  // After the run the paths merge (one request's closure, its context, its buffer): the target.
  await expect(page.getByTestId('graph-node-target')).toHaveAttribute(
    'aria-label',
    /^System\.Byte\[\] \(Bytes > 10K\) at /,
  );
  await expect(page.getByTestId('roots-text')).toContainText(
    /-> 17,812 × CallbackNode \(0x[0-9a-f]+ … 0x[0-9a-f]+\)\n\s+-> +0x[0-9a-f]+ System\.Action<System\.Object>/,
  );
  // The roots and the run are in view at a readable size when the graph opens.
  const frame = (await page.getByTestId('roots-graph').boundingBox())!;
  const run = page.getByTestId('run-node').first();
  const runBox = (await run.boundingBox())!;
  expect(runBox.x + runBox.width).toBeLessThanOrEqual(frame.x + frame.width);
  const root = (await page.getByTestId('graph-node-root').first().boundingBox())!;
  expect(root.x).toBeGreaterThanOrEqual(frame.x);
  expect(runBox.width).toBeGreaterThan(140);

  // The run opens in the graph: its first and last members as nodes, the middle between them.
  await run.click();
  const x = async (label: RegExp) => {
    const node = page.locator('g.graph-node').filter({ has: page.locator('title', { hasText: label }) });
    await expect(node).toHaveCount(1);
    return (await node.boundingBox())!.x;
  };
  const firstX = await x(/^The first of the 17,812 CallbackNode objects, at 0x/);
  const middleX = await x(/^17,812 consecutive CallbackNode objects.*Click to fold the run again\.$/);
  const lastX = await x(/^The last of the 17,812 CallbackNode objects, at 0x/);
  expect(firstX).toBeLessThan(middleX);
  expect(middleX).toBeLessThan(lastX);
  await expect(page.getByTestId('run-node').first()).toContainText('… 17,810 more');
  await expect(page.getByTestId('run-members')).toBeVisible();
  // Jump to a member by number, or find one by address, without paging 50 at a time.
  await page.getByTestId('run-search').fill('#8906');
  const jumped = page.getByTestId('run-search-result').getByTestId('run-member');
  await expect(jumped.first()).toHaveAttribute('value', '8906');
  const address = (await jumped.first().locator('.object-address').textContent())!.trim();
  await page.getByTestId('run-search').fill(address);
  await expect(jumped).toHaveCount(1);
  await expect(jumped.first()).toHaveAttribute('value', '8906');
  await page.getByTestId('run-search').fill('');

  // The evidence card carries the same path.
  await page.getByTestId('tab-findings').click();
  await cts.getByTestId('copy-evidence-link').click();
  const link = await cts.getByTestId('copy-evidence-link-output').inputValue();
  const other = await browser.newContext();
  const reader = await other.newPage();
  await reader.goto(link);
  const evidence = reader.getByTestId('evidence-path');
  await expect(evidence).toContainText(
    /ConfigurationManager\n\s+-> 0x[0-9a-f]+ Microsoft\.Extensions\.Configuration\.ConfigurationReloadToken\n\s+-> 0x[0-9a-f]+ System\.Threading\.CancellationTokenSource\n\s+-> 0x[0-9a-f]+ Registrations\n\s+-> 17,812 × CallbackNode/,
  );
  await expect(evidence).toContainText(/System\.Byte\[\] \(Bytes > 10K\)$/);
  await other.close();
});
