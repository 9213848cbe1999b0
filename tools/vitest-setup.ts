/**
 * Vitest's global setup: makes the CLI's bundle (bin/cli-bundle.mjs) once, before the test files
 * that run the real command start, so that they do not each make it at the same moment.
 */
import { cliBundleDir } from '../bin/cli-bundle.mjs';

export default function setup(): void {
  cliBundleDir();
}
