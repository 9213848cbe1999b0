/**
 * Where tests find the real files: `test-data/` (public fixtures, copied in with their provenance)
 * and `sample-dumps/` inside it. Paths are resolved from this file so tests run from any cwd.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TEST_DATA = resolve(PROJECT_ROOT, 'test-data');

export function fixturePath(...parts: string[]): string {
  return join(TEST_DATA, ...parts);
}

/** The real files of one kind in `test-data/<folder>` with this extension, sorted. */
export function listFixtures(folder: string, extension: string): string[] {
  const dir = fixturePath(folder);
  if (!existsSync(dir)) throw new Error(`the test data is missing: ${dir}`);
  return readdirSync(dir)
    .filter((name) => name.endsWith(extension))
    .sort();
}

export function readFixture(folder: string, name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(folder, name)));
}

/**
 * Compares `actual` with the checked-in golden file. With UPDATE_GOLDEN=1 it (re)writes the file
 * instead — only ever run that by hand, then read the diff.
 */
export function matchGolden(goldenPath: string, actual: string): { expected: string; actual: string } {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(goldenPath), { recursive: true });
    writeFileSync(goldenPath, actual);
  }
  if (!existsSync(goldenPath))
    throw new Error(`no golden file ${goldenPath}; create it with UPDATE_GOLDEN=1 and review it`);
  return { expected: readFileSync(goldenPath, 'utf8'), actual };
}
