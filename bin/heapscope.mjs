#!/usr/bin/env node
// Runs the CLI (src/cli/main.ts), so that `npx heapscope` works from a clone without a build step:
// from its bundle (cli-bundle.mjs: made from the sources at the first start after they change),
// else from the TypeScript sources through tsx. On Linux it first starts itself again with glibc's
// huge-page tunable (huge-pages.mjs): measured here, large heaps load and analyse in 65–80% of the time.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cliBundleDir } from './cli-bundle.mjs';
import { hugePageEnv } from './huge-pages.mjs';

const env = hugePageEnv(process.env);
if (env) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  if (child.error) throw child.error;
  if (child.signal) process.kill(process.pid, child.signal);
  process.exit(child.status ?? 1);
}
const bundle = cliBundleDir();
if (bundle) {
  await import(pathToFileURL(join(bundle, 'main.mjs')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
