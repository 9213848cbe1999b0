#!/usr/bin/env node
// `npm test`: every check the project has, in order, stopping at the first failure:
// dependencies → Chromium → tsc → ESLint → Vitest → TraceEvent and ClrMD truth (where .NET is) → vite build
// → Playwright. Ends with one line, `N passed, M failed`, counting these steps.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensure-dependencies.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command) {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => isExecutable(join(dir, command)));
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  return result.status === 0;
}

/** Debian's Chromium (CHROMIUM_PATH overrides); installed with apt when we may, else exact instructions. */
function findChromium() {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (isExecutable(configured)) return configured;
    console.error(`heapscope: CHROMIUM_PATH is set to ${configured}, which is not an executable file.`);
    process.exit(1);
  }
  if (isExecutable(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && onPath('apt-get')) {
    console.log(
      [
        `heapscope: the end-to-end tests drive a real browser, and there is none at ${DEFAULT_CHROMIUM}.`,
        "  Installing Debian's chromium package with apt-get (--no-install-recommends: the browser and the",
        '  libraries it needs, nothing else). Playwright is never allowed to download a browser of its own.',
        '  To use another Chromium instead: CHROMIUM_PATH=/path/to/chrome npm test',
      ].join('\n'),
    );
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (
      run('apt-get', ['update'], env) &&
      run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], env)
    ) {
      if (isExecutable(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
    }
    console.error('heapscope: apt-get could not install chromium.');
  }
  console.error(
    [
      `heapscope: the end-to-end tests need Chromium at ${DEFAULT_CHROMIUM}, and none is there.`,
      '  On Debian or Ubuntu:  sudo apt-get update && sudo apt-get install -y chromium',
      '  Or point CHROMIUM_PATH at a Chromium or Chrome executable:  CHROMIUM_PATH=/path/to/chrome npm test',
      '  (Playwright is never allowed to download a browser of its own.)',
    ].join('\n'),
  );
  process.exit(1);
}

ensureDependencies(root);
const chromium = findChromium();
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const hasTruthScript = typeof packageJson.scripts?.truth === 'string';

const steps = [
  { name: 'typecheck (tsc --noEmit)', command: bin('tsc'), args: ['--noEmit', '-p', 'tsconfig.json'] },
  { name: 'lint (eslint .)', command: bin('eslint'), args: ['.'] },
  { name: 'unit tests (vitest run)', command: bin('vitest'), args: ['run'] },
  {
    name: 'TraceEvent truth (npm run truth -- --check)',
    command: 'npm',
    args: ['run', 'truth', '--', '--check'],
    skip: !hasTruthScript ? 'no truth script in package.json' : !onPath('dotnet') ? 'dotnet is not on PATH' : null,
  },
  {
    name: 'ClrMD memory-map truth (tools/dotnet/memory-map-truth.sh --check)',
    command: 'bash',
    args: ['tools/dotnet/memory-map-truth.sh', '--check'],
    skip: !onPath('dotnet') ? 'dotnet is not on PATH' : null,
  },
  { name: 'build (vite build)', command: bin('vite'), args: ['build'] },
  {
    name: 'end-to-end tests (playwright test)',
    command: bin('playwright'),
    args: ['test'],
    env: { ...process.env, CHROMIUM_PATH: chromium, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  },
];

let passed = 0;
let failed = 0;
let skipped = 0;
for (const step of steps) {
  if (step.skip) {
    console.log(`\n=== ${step.name}: skipped (${step.skip})`);
    skipped++;
    continue;
  }
  console.log(`\n=== ${step.name}`);
  if (!existsSync(step.command) && step.command.startsWith(root)) {
    console.error(`heapscope: ${step.command} is missing; is node_modules complete?`);
  }
  const started = Date.now();
  const ok = run(step.command, step.args, step.env);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (ok) {
    console.log(`=== ${step.name}: passed in ${seconds} s`);
    passed++;
  } else {
    console.log(`=== ${step.name}: FAILED after ${seconds} s`);
    failed++;
    break;
  }
}

const summary = `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
console.log(`\n${summary}`);
process.exit(failed > 0 ? 1 : 0);
