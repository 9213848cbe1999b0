/**
 * Where tests find the real files: `../shared/fixtures/` beside the project (never copied in),
 * and `sample-dumps/` inside it. Paths are resolved from this file so tests run from any cwd.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_FIXTURES = resolve(PROJECT_ROOT, '../shared/fixtures');

export function fixturePath(...parts: string[]): string {
  return join(SHARED_FIXTURES, ...parts);
}

/** The real files of one kind in `../shared/fixtures/<folder>` with this extension, sorted. */
export function listFixtures(folder: string, extension: string): string[] {
  const dir = fixturePath(folder);
  if (!existsSync(dir)) throw new Error(`the shared fixtures are missing: ${dir} (clone the project beside shared/)`);
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
