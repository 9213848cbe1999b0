import { expect, type Page } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The real public fixtures kept in the repository (`test-data/gcdump/*.gcdump`). */
export const fixtureDir = resolve(projectRoot, 'test-data/gcdump');
export const truthDir = resolve(projectRoot, 'tools/dotnet/truth');

export function fixtureGcdumps(): string[] {
  if (!existsSync(fixtureDir)) return [];
  return readdirSync(fixtureDir)
    .filter((name) => name.endsWith('.gcdump'))
    .sort()
    .map((name) => join(fixtureDir, name));
}

export const MAUI_FIXTURE = join(fixtureDir, 'gcdump-analyze-test1-maui-winui-coreclr9.gcdump');

export interface TruthType {
  readonly name: string;
  readonly count: number;
  readonly bytes: number;
}

export interface Truth {
  readonly nodeCount: number;
  readonly totalSize: number;
  readonly typeCount: number;
  /** One row per distinct type name (merged), every defined node counted. */
  readonly types: readonly TruthType[];
}

/**
 * The expectation written independently of heapscope's reader: Microsoft's TraceEvent
 * (GCHeapDump/MemoryGraph) read the fixture, tools/dotnet/GcdumpTruth wrote the JSON.
 * Null when no truth file exists for this dump.
 */
export function truthFor(gcdumpPath: string): Truth | null {
  const path = join(truthDir, `${basename(gcdumpPath)}.truth.json`);
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as Truth;
}

/** Ordinal comparison, as the worker breaks ties. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `1,234,567`, as the UI prints counts and bytes. */
export function withSeparators(value: number): string {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(value);
}

/**
 * Drops bytes on the page the way a browser does: dragenter, dragover and drop events carrying a
 * real DataTransfer with a File of those bytes.
 */
export async function dropBytes(page: Page, bytes: Uint8Array, fileName: string): Promise<void> {
  await dropMany(page, [{ bytes, fileName }]);
}

/** Drops several files in one drop (a core with a transcript of the same process). */
export async function dropFiles(page: Page, paths: readonly string[]): Promise<void> {
  await dropMany(
    page,
    paths.map((path) => ({ bytes: new Uint8Array(readFileSync(path)), fileName: basename(path) })),
  );
}

async function dropMany(page: Page, files: readonly { bytes: Uint8Array; fileName: string }[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    (encoded) => {
      const transfer = new DataTransfer();
      for (const { base64, name } of encoded) {
        const binary = atob(base64);
        const data = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i);
        transfer.items.add(new File([data], name, { type: 'application/octet-stream' }));
      }
      return transfer;
    },
    files.map(({ bytes, fileName }) => ({ base64: Buffer.from(bytes).toString('base64'), name: fileName })),
  );
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await dataTransfer.dispose();
}

export async function dropFile(page: Page, path: string): Promise<void> {
  await dropBytes(page, new Uint8Array(readFileSync(path)), basename(path));
}

/** Opens a fresh page, drops the file and waits until it is loaded and its analyses are ready. */
export async function openAnalysed(page: Page, path: string, name = basename(path)): Promise<void> {
  await page.goto('/');
  await dropFile(page, path);
  await waitForLoaded(page, name);
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
}

/** Waits until a dump is loaded and the view tabs are shown. */
export async function waitForLoaded(page: Page, fileName: string): Promise<void> {
  await expect(page.getByTestId('loaded-file')).toHaveText(fileName);
  await expect(page.getByTestId('tab-types')).toBeVisible();
}

/**
 * Waits until the open dump is in this browser's cache: it is hashed once its analyses are done,
 * its link names it from then on, and it is stored ('storing') right after; a link opened in another
 * tab before that finds no cached dump.
 */
export async function waitForCached(page: Page): Promise<void> {
  const status = page.getByTestId('analysis-status');
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect.poll(() => page.evaluate(() => location.hash), { timeout: 60_000 }).toContain('dump=');
  await expect(status).not.toHaveAttribute('data-image', 'storing', { timeout: 60_000 });
}

export async function openTypes(page: Page): Promise<void> {
  await page.getByTestId('tab-types').click();
  await expect(page.getByTestId('type-row').first()).toBeVisible();
}

export interface TableRow {
  readonly name: string;
  readonly count: string;
  readonly bytes: string;
  readonly averageSize: string;
  readonly percent: string;
}

/**
 * The first `limit` rendered rows of the Types table, cell texts as shown, read in one go in the
 * page so the snapshot is consistent even while the table updates.
 */
export async function visibleTypeRows(page: Page, limit: number): Promise<TableRow[]> {
  return page.evaluate((max) => {
    const text = (row: Element, column: string) =>
      (row.querySelector(`td[data-column="${column}"]`)?.textContent ?? '').trim();
    return [...document.querySelectorAll('[data-testid="type-row"]')].slice(0, max).map((row) => ({
      // The name cell may carry a "×N entries" badge after the name; the title holds the name alone.
      name: row.querySelector('td[data-column="name"] .type-name')?.getAttribute('title') ?? '',
      count: text(row, 'count'),
      bytes: text(row, 'bytes'),
      averageSize: text(row, 'averageSize'),
      percent: text(row, 'percent'),
    }));
  }, limit);
}
