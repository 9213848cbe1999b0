#!/usr/bin/env node
// Runs the TypeScript CLI (src/cli/main.ts) through tsx, so `npx heapscope` works from a clone
// without a build step. On Linux it first starts itself again with glibc's huge-page tunable
// (huge-pages.mjs): measured here, large heaps load and analyse in 65–80% of the time.
import { spawnSync } from 'node:child_process';
import { register } from 'tsx/esm/api';
import { hugePageEnv } from './huge-pages.mjs';

const env = hugePageEnv(process.env);
if (env) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  if (child.error) throw child.error;
  if (child.signal) process.kill(process.pid, child.signal);
  process.exit(child.status ?? 1);
}
register();
await import('../src/cli/main.ts');
