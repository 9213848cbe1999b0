#!/usr/bin/env node
// `npm start`: install dependencies if needed, build the app, and serve it on localhost with the
// sample dumps one click away (vite.config.ts serves sample-dumps/ and test-data/).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensure-dependencies.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const PORT = process.env.PORT || '5173';
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');

ensureDependencies(root);

console.log('heapscope: building the app (vite build)…');
const build = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('heapscope: the build failed.');
  process.exit(build.status || 1);
}

// Vite picks the next free port when PORT is taken; the address it really uses is read from its output.
const server = spawn(process.execPath, [vite, 'preview', '--host', HOST, '--port', PORT], {
  cwd: root,
  stdio: ['inherit', 'pipe', 'inherit'],
});
let announced = false;
server.stdout.setEncoding('utf8');
server.stdout.on('data', (text) => {
  process.stdout.write(text);
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  const match = /http:\/\/127\.0\.0\.1:\d+\/?/.exec(plain);
  if (match && !announced) {
    announced = true;
    console.log(`\nheapscope is running at ${match[0]}  (drop a .gcdump on the page; Ctrl+C stops it)\n`);
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
