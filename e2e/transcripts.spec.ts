import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dropBytes, dropFile, projectRoot, waitForCached, waitForLoaded } from './helpers';

const INCIDENT = resolve(projectRoot, 'test-data/sos/seed-incident-logistics-netcore31.txt');

test('paste the incident transcript: memory table and chart, histogram, the gcroot chain', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('paste-open').click();
  await page.getByTestId('paste-text').fill(readFileSync(INCIDENT, 'utf8'));
  await page.getByTestId('paste-submit').click();
  await waitForLoaded(page, 'pasted transcript.txt');

  await expect(page.getByTestId('memory-row')).toHaveCount(17);
  await expect(page.getByTestId('memory-total')).toContainText('3,186,194,432');
  await expect(page.getByTestId('memory-row').first()).toContainText('GCHeap');
  await expect(page.getByTestId('memory-chart').locator('rect.bar')).toHaveCount(17);
  await page.getByTestId('memory-summary').scrollIntoViewIfNeeded();
  await page
    .getByTestId('memory-summary')
    .locator('xpath=..')
    .screenshot({ path: join(projectRoot, 'docs/screenshot-memory.png') });

  await page.getByTestId('tab-types').click();
  const byteRow = page.locator('[data-testid="type-row"]').filter({ hasText: 'System.Byte[]' }).first();
  await expect(byteRow.locator('td[data-column="count"]')).toHaveText('101,757');
  await expect(byteRow.locator('td[data-column="bytes"]')).toHaveText('1,047,579,498');
  // The transcript's table is elided (rows cut by the author): Types says so, with the footer's totals.
  await expect(page.getByTestId('types-cut-table')).toContainText('18,591,667 objects and 2,539,831,376 bytes');
  await page.getByTestId('tab-summary').click();
  await expect(page.getByTestId('summary-view').or(page.locator('main'))).toContainText('2,539,831,376');

  // The finding: the CallbackNode's Id 17812 (its dumpobj) counts the registrations; its root path
  // is the transcript's gcroot chain with the CallbackNode part as one highlighted run.
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await page.getByTestId('tab-findings').click();
  const finding = page.locator('[data-testid="finding"][data-kind="runaway-cancellation-registrations"]');
  await expect(finding).toHaveCount(1);
  await expect(finding).toHaveAttribute('data-count', '17812');
  await expect(finding.getByTestId('finding-owners')).toContainText(
    'Microsoft.Extensions.Configuration.ConfigurationReloadToken',
  );
  await expect(finding).toContainText('the Id field 17,812 its dumpobj printed');
  await finding.getByTestId('show-root-path').click();
  await expect(page.getByTestId('roots-graph')).toBeVisible();
  const text = page.getByTestId('roots-text');
  await expect(text).toContainText('Microsoft.Extensions.Configuration.ConfigurationReloadToken');
  await expect(text).toContainText('-> ≥ 3 × System.Threading.CancellationTokenSource+CallbackNode');
  await expect(text).toContainText('Microsoft.AspNetCore.WebUtilities.FileBufferingReadStream');
  const run = page.getByTestId('run-node');
  await expect(run).toHaveCount(1);
  await expect(run).toHaveAttribute(
    'aria-label',
    /^≥ 3 consecutive System\.Threading\.CancellationTokenSource\+CallbackNode objects/,
  );
  await expect(run).toHaveClass(/graph-node-run/);
  await page.screenshot({ path: join(projectRoot, 'docs/screenshot-transcript-roots.png') });
  await run.click(); // the graph opens with the run in view, though the path is 28 steps long
  await expect(page.getByTestId('run-members')).toContainText('3 members shown; the transcript elides the rest');
  // 3 CallbackNodes and the elision between them
  await expect(page.getByTestId('run-member')).toHaveCount(4);
  await page.getByTestId('run-member').first().getByRole('button').click();
  await expect(page.getByTestId('object-fields')).toContainText('17812');
});

test('eeheap -gc of the LeakyService transcript: generations and segments on the Summary', async ({ page }) => {
  await page.goto('/');
  await dropFile(page, join(projectRoot, 'sample-dumps/leaky-service/runaway-cts.sos.txt'));
  await waitForLoaded(page, 'runaway-cts.sos.txt');
  const layout = page.getByTestId('gc-heap-layout');
  await expect(layout).toContainText('1 GC heap, 704,232,424 bytes allocated, 716,369,920 bytes committed');
  await expect(layout.getByTestId('gc-area-row').first()).toContainText('Gen 0');
  await expect(layout.getByTestId('gc-area-row')).toHaveCount(6);
  await layout.screenshot({ path: 'test-results/eeheap.png' });
});

test('drop the LeakyService transcript captured with dotnet-dump', async ({ page }) => {
  await page.goto('/');
  await dropFile(page, join(projectRoot, 'sample-dumps/leaky-service/runaway-cts.sos.txt'));
  await waitForLoaded(page, 'runaway-cts.sos.txt');
  await page.getByTestId('tab-types').click();
  await expect(
    page
      .locator('[data-testid="type-row"]')
      .filter({ hasText: 'CallbackNode' })
      .first()
      .locator('td[data-column="count"]'),
  ).toHaveText('17,847');
});

test('two debugger sessions pasted in one transcript: kept apart, the other one a click away', async ({ page }) => {
  // Two real dotnet-dump transcripts (two processes, two dumps) one after the other.
  const leaky = readFileSync(join(projectRoot, 'sample-dumps/leaky-service/runaway-cts.sos.txt'));
  const linked = readFileSync(join(projectRoot, 'sample-dumps/leaks/linked-token.sos.txt'));
  const alone = async (name: string, bytes: Buffer) => {
    await page.goto('/');
    await dropBytes(page, new Uint8Array(bytes), name);
    await waitForLoaded(page, name);
    return page.getByTestId('summary-bytes').textContent();
  };
  const leakyBytes = await alone('runaway-cts.sos.txt', leaky);
  const linkedBytes = await alone('linked-token.sos.txt', linked);
  await page.goto('/');
  await dropBytes(page, new Uint8Array(Buffer.concat([leaky, linked])), 'two-sessions.txt');
  await waitForLoaded(page, 'two-sessions.txt');
  const sessions = page.getByTestId('transcript-sessions');
  await expect(sessions).toContainText('This transcript holds 2 debugger sessions; what you see is of session 2 alone');
  await expect(page.getByTestId('transcript-session')).toHaveCount(2);
  await expect(page.getByTestId('transcript-session').nth(1)).toContainText('starts at dotnet-dump analyze');
  await expect(page.getByTestId('summary-bytes')).toHaveText(linkedBytes!);
  await page.getByRole('button', { name: 'Open session 1' }).click();
  await expect(sessions).toContainText('what you see is of session 1 alone');
  await expect(page.getByTestId('summary-bytes')).toHaveText(leakyBytes!);

  // The link names the session: reopened from this browser's cache, it shows session 1 again,
  // where the same link without it opens the default (the last) session.
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/dump=.*session=1/);
  await waitForCached(page);
  const link = page.url();
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByTestId('transcript-sessions')).toContainText('what you see is of session 1 alone', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('summary-bytes')).toHaveText(leakyBytes!);
  await page.goto('about:blank');
  await page.goto(link.replace(/&session=1/, ''));
  await expect(page.getByTestId('transcript-sessions')).toContainText('what you see is of session 2 alone', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('summary-bytes')).toHaveText(linkedBytes!);
});

test('the Transcript tab: every block as heapscope read it, addresses as printed, filterable by kind', async ({
  page,
}) => {
  await page.goto('/');
  await dropFile(page, resolve(projectRoot, 'test-data/sos/07-graversen-okanshi-32bit-noheader.txt'));
  await waitForLoaded(page, '07-graversen-okanshi-32bit-noheader.txt');
  await page.getByTestId('tab-transcript').click();
  const view = page.getByTestId('transcript-view');
  await expect(view).toContainText('67 lines, windbg prompts, 2 commands, 3 blocks read');
  const blocks = page.getByTestId('transcript-block');
  await expect(blocks).toHaveCount(3);
  await expect(blocks.first().locator('summary')).toHaveText('L3-37 dumpheap-stat (command L1: dumpheap -stat) ELIDED');
  // The 32-bit MT as printed, its leading zero kept (`095f9ed8`, line 10).
  await expect(blocks.first().locator('pre')).toContainText('095f9ed8');
  await page.getByTestId('transcript-kind').selectOption('dumpheap-listing');
  await expect(blocks).toHaveCount(1);
  await expect(blocks.first()).toHaveAttribute('data-kind', 'dumpheap-listing');
  await expect(blocks.first().locator('pre')).toContainText('[0] 4cb845c0 MT 72c847d8 size 14');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('view=transcript');
  // A .gcdump has no Transcript tab.
  await dropFile(page, join(projectRoot, 'sample-dumps/leaks/audit-trail.gcdump'));
  await waitForLoaded(page, 'audit-trail.gcdump');
  await expect(page.getByTestId('tab-transcript')).toHaveCount(0);
});
