#!/usr/bin/env node
// Runs the TypeScript CLI (src/cli/main.ts) through tsx, so `npx heapscope` works from a clone
// without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
