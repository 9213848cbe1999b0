import { defineConfig } from '@playwright/test';
import baseConfig from '../../playwright.config';

/**
 * Playwright for the benchmark's browser checks, apart from `npm test` (the main config's testDir is
 * e2e/, and these files end in .browser-bench.ts, which neither Playwright's main config nor vitest
 * picks up): `npx playwright test -c tools/bench/playwright.bench.config.ts`. Builds nothing: run
 * `npx vite build` first when dist/ is stale.
 */
const PORT = 4191;

export default defineConfig({
  ...baseConfig,
  testDir: '.',
  testMatch: '**/*.browser-bench.ts',
  // Generating a 60 M-object dump alone takes minutes on this machine.
  timeout: 30 * 60_000,
  workers: 1,
  fullyParallel: false,
  outputDir: '../../test-results/bench',
  use: { ...baseConfig.use, baseURL: `http://127.0.0.1:${PORT}/` },
  webServer: {
    command: `node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    cwd: '../..',
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
