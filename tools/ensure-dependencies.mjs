// Installs the npm dependencies when node_modules is missing or stale, so `npm start` and
// `npm test` work on a fresh clone. "Stale" means package.json or package-lock.json changed since
// the last install done here: their hash is kept in node_modules/.heapscope-install-stamp.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP_FILE = '.heapscope-install-stamp';

function manifestHash(root) {
  const hash = createHash('sha256');
  for (const name of ['package.json', 'package-lock.json']) {
    const path = join(root, name);
    hash.update(name);
    hash.update(existsSync(path) ? readFileSync(path) : 'absent');
  }
  return hash.digest('hex');
}

/** Returns when dependencies are installed; exits the process when the install fails. */
export function ensureDependencies(root) {
  const nodeModules = join(root, 'node_modules');
  const stamp = join(nodeModules, STAMP_FILE);
  const expected = manifestHash(root);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === expected) return;

  const hasLock = existsSync(join(root, 'package-lock.json'));
  const args = hasLock ? ['ci'] : ['install'];
  const reason = existsSync(nodeModules) ? 'package.json or package-lock.json changed' : 'node_modules is missing';
  console.log(`heapscope: installing dependencies (npm ${args.join(' ')}): ${reason}`);
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    // Playwright drives Debian's Chromium; it must never download a browser of its own.
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
  if (result.status !== 0) {
    console.error(`heapscope: npm ${args[0]} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
  // `npm install` may rewrite the lock, so the stamp is the hash after the install.
  writeFileSync(stamp, `${manifestHash(root)}\n`);
}
