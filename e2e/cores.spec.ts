import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropFile, dropFiles, openTypes, projectRoot, visibleTypeRows, waitForLoaded } from './helpers';

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
  // The process: name and threads from NT_PRPSINFO / NT_PRSTATUS, the largest images from NT_FILE.
  await expect(page.getByTestId('dump-process')).toHaveText('dotnet (pid 22534)');
  await expect(page.getByTestId('dump-threads')).toHaveText('21');
  await expect(page.getByTestId('dump-thread')).toHaveCount(21);
  // gdb's `info proc mappings` of the full core (leaky-service-full.gdb-mappings.txt): CoreLib's five
  // mappings, 0xedb000 + 0x1000 + 0xb4c000 + 0x382000 + 0xc000 bytes.
  const largest = page.getByTestId('dump-image').first();
  await expect(largest).toContainText('/10.0.12/System.Private.CoreLib.dll');
  await expect(largest.locator('td').nth(1)).toHaveText('5');
  await expect(largest.locator('td').nth(3)).toHaveText('31,154,176');
  await expect(page.getByTestId('reader-warnings')).toContainText('The GC heap and loader heaps are not named');
});

test('drop the core with the transcript of the same dump: the GC heap gets its row', async ({ page }) => {
  await page.goto('/');
  await dropFiles(page, [
    join(projectRoot, 'sample-dumps/cores/leaky-service-full.core'),
    join(projectRoot, 'sample-dumps/leaky-service/runaway-cts.sos.txt'),
  ]);
  await waitForLoaded(page, 'leaky-service-full.core + runaway-cts.sos.txt');
  // 716,369,920 = the transcript's `GC Committed Heap Size` (eeheap -gc).
  await expect(page.getByTestId('memory-row').filter({ hasText: 'GCHeap' })).toContainText('716,369,920');
  await expect(page.getByTestId('reader-warnings')).toContainText(
    'The GCHeap row (716,369,920 bytes) comes from runaway-cts.sos.txt (eeheap -gc, line 5).',
  );
  await page.getByTestId('memory-summary').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(projectRoot, 'docs/screenshot-core.png'), fullPage: true });
});

test('a core picked with a .gcdump that has no segment table says why it cannot name the GC heap', async ({ page }) => {
  await page.goto('/');
  await page
    .getByTestId('file-input')
    .setInputFiles([
      join(projectRoot, 'sample-dumps/leaky-service/runaway-cts.gcdump'),
      join(projectRoot, 'sample-dumps/cores/leaky-service-full.core'),
    ]);
  await expect(page.getByRole('alert')).toContainText(
    'runaway-cts.gcdump carries no GC segment table (dotnet-gcdump writes none)',
  );
});

test('a .NET 10 core shows its runtime and data contract descriptor; a .NET 8 core says what to open instead', async ({
  page,
}) => {
  const truth = JSON.parse(
    readFileSync(join(projectRoot, 'sample-dumps/cores/app10-runtime.runtime.truth.json'), 'utf8'),
  );
  await page.goto('/');
  await dropFile(page, join(projectRoot, 'sample-dumps/cores/app10-runtime.core'));
  await waitForLoaded(page, 'app10-runtime.core');
  const runtime = page.getByTestId('runtime-facts');
  await expect(runtime).toHaveAttribute('data-status', 'found');
  await expect(page.getByTestId('runtime-description')).toContainText(
    `.NET 10.0.12 (libcoreclr.so ${truth.fileVersion} at ${truth.clrmd.moduleBase})`,
  );
  await expect(page.getByTestId('runtime-descriptor')).toContainText('15 contracts, 101 types, 67 globals');
  await expect(page.getByTestId('runtime-descriptor')).toContainText('RuntimeTypeSystem 1');
  // System.Object's MethodTable, where ClrMD's DAC finds it in the full core.
  await expect(page.getByTestId('runtime-global').filter({ hasText: 'ObjectMethodTable' }).first()).toContainText(
    truth.clrmd.objectMethodTable,
  );
  await page.getByTestId('runtime-facts').screenshot({ path: join(projectRoot, 'docs/screenshot-core-runtime.png') });

  await dropFile(page, join(projectRoot, 'sample-dumps/cores/app8-runtime.core'));
  await waitForLoaded(page, 'app8-runtime.core');
  await expect(page.getByTestId('runtime-facts')).toHaveAttribute('data-status', 'no-descriptor');
  await expect(page.getByTestId('runtime-message')).toContainText('.NET 8.0.31');
  await expect(page.getByTestId('runtime-message')).toContainText('dotnet-gcdump collect');
});

test("a .NET 10 core's managed heap: the Summary says what the walk read, Types lists ClrMD's counts and bytes", async ({
  page,
}) => {
  // ClrMD's heap walk of the full core (sample-dumps/heap-cores/README.md), per type name.
  const truth = JSON.parse(
    readFileSync(join(projectRoot, 'sample-dumps/heap-cores/leaky-service.heap.truth.json'), 'utf8'),
  ) as { objects: number; histogram: { name: string; count: number; bytes: number }[] };
  const byName = new Map<string, { count: number; bytes: number }>();
  for (const row of truth.histogram) {
    const known = byName.get(row.name) ?? { count: 0, bytes: 0 };
    byName.set(row.name, { count: known.count + row.count, bytes: known.bytes + row.bytes });
  }
  const n = (value: number) => value.toLocaleString('en-US');
  await page.goto('/');
  await dropFile(page, join(projectRoot, 'sample-dumps/heap-cores/leaky-service.core'));
  await waitForLoaded(page, 'leaky-service.core');
  const heap = page.getByTestId('managed-heap');
  await expect(heap).toHaveAttribute('data-status', 'read');
  await expect(heap).toContainText(`${n(truth.objects)} objects`);
  await expect(heap).toContainText('server GC');
  await expect(page.getByTestId('summary-no-objects')).toHaveCount(0);
  // The objects ClrMD walks, and the 4 root nodes ([.NET Roots]; strong handles, pinning handles, local
  // vars), which the Summary counts as it counts a gcdump's pseudo-nodes.
  await expect(page.getByTestId('summary-objects')).toHaveText(n(truth.objects + 4));
  await openTypes(page);
  const rows = await visibleTypeRows(page, 12);
  expect(rows.length).toBe(12);
  for (const row of rows) {
    const expected = byName.get(row.name);
    expect(expected, row.name).toBeDefined();
    expect([row.name, row.count, row.bytes]).toEqual([row.name, n(expected!.count), n(expected!.bytes)]);
  }
  await page.getByTestId('type-filter').fill('CallbackNode');
  const callbacks = byName.get('System.Threading.CancellationTokenSource+CallbackNode')!;
  await expect(page.getByTestId('type-row').first()).toContainText(n(callbacks.count));
  await page.getByTestId('type-filter').fill('');
  await page.screenshot({ path: join(projectRoot, 'docs/screenshot-core-heap.png') });
  // References and roots read from the core: the leak finding, with the count heapscope finds in the
  // dotnet-gcdump of the same process (sample-dumps/heap-cores/leaky-service.gcdump).
  const fromGcdump = (
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          join(projectRoot, 'bin/heapscope.mjs'),
          'findings',
          join(projectRoot, 'sample-dumps/heap-cores/leaky-service.gcdump'),
          '--json',
        ],
        { encoding: 'utf8' },
      ),
    ) as { pattern: string; count: number }[]
  ).find((finding) => finding.pattern === 'change-token-callback')!;
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await page.getByTestId('tab-findings').click();
  const finding = page.getByTestId('finding').filter({ hasText: 'change-token callbacks' });
  await expect(finding).toHaveCount(1);
  await expect(finding.getByTestId('finding-count')).toContainText(n(fromGcdump.count));
  await finding.screenshot({ path: join(projectRoot, 'docs/screenshot-core-finding.png') });
  // Values read from the core on request: the Registrations object's fields, as heapscope dumpobj reads them.
  const registrations = finding
    .locator('dd')
    .filter({ hasText: 'CancellationTokenSource+Registrations' })
    .getByRole('button');
  const address = /0x[0-9a-f]+/.exec((await registrations.textContent()) ?? '')![0];
  await registrations.click();
  const fields = page.getByTestId('object-fields');
  await expect(fields).toContainText('Fields, read from the core');
  const cli = JSON.parse(
    execFileSync(
      process.execPath,
      [
        join(projectRoot, 'bin/heapscope.mjs'),
        'dumpobj',
        join(projectRoot, 'sample-dumps/heap-cores/leaky-service.core'),
        '--address',
        address,
        '--json',
      ],
      { encoding: 'utf8' },
    ),
  ) as { fields: { name: string; value: string | null }[] };
  expect(cli.fields.length).toBeGreaterThan(3);
  for (const field of cli.fields) {
    await expect(page.getByTestId('object-field').filter({ hasText: field.name }).first()).toContainText(
      field.value ?? '—',
    );
  }
  await page.getByTestId('object-fields').screenshot({ path: join(projectRoot, 'docs/screenshot-core-fields.png') });
});
