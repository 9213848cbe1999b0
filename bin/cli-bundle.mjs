// The CLI as one bundled ES module, made from the TypeScript sources by Vite and kept in
// node_modules/.cache/heapscope-cli/<stamp>/, so that `heapscope` runs plain JavaScript: no tsx
// loader thread and no transform at each start. Measured at 18.6 M objects (`npm run bench`'s
// bench-load, three runs each, alternated): peak 1,055–1,069 MB against 1,086–1,101 MB through tsx,
// the same outputs.
//
// The stamp names the sources it was made from (every file under src/ and tools/bench/, the lock
// file and this script, with their sizes and times, and the Node and Vite versions): a change to any of them makes a new
// bundle at the next start (about 2 s, in a child process, so that nothing of the build stays in
// the command's memory). Bundles are written to a temporary directory and renamed into place, so
// commands started together never read a half-written one. Where Vite is not installed, or the
// build fails, or HEAPSCOPE_CLI_FROM_SOURCE=1, callers run the sources through tsx as before.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'heapscope-cli');

/** The bundle's entries: the command, its analysis thread, and the Node bench's loader. */
const ENTRIES = {
  main: 'src/cli/main.ts',
  'helper-thread': 'src/cli/helper-thread.ts',
  'bench-load': 'tools/bench/bench-load.ts',
};

/** Files whose change makes a new bundle: every file under src/ and tools/bench/, the lock file, and this one. */
function inputFiles(root) {
  const files = [];
  for (const dir of ['src', 'tools/bench']) {
    for (const name of readdirSync(join(root, dir), { recursive: true })) {
      const path = join(dir, String(name));
      if (/\.(ts|tsx|mts|json)$/.test(path)) files.push(path);
    }
  }
  files.push('package-lock.json', 'bin/cli-bundle.mjs');
  return files.sort();
}

/** The stamp of the sources under `root`: a hash of each input's path, size and time, and the versions. */
export function bundleStamp(root = ROOT) {
  const hash = createHash('sha256');
  hash.update(`node ${process.version}\n`);
  const vite = join(root, 'node_modules', 'vite', 'package.json');
  if (existsSync(vite)) hash.update(`vite ${statSync(vite).mtimeMs}\n`);
  for (const file of inputFiles(root)) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    const { size, mtimeMs } = statSync(path);
    hash.update(`${file} ${size} ${mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The directory of a bundle made from the sources as they are now (made here first if there is
 * none), or null where none can be made: the caller runs the sources through tsx.
 */
export function cliBundleDir() {
  if (process.env.HEAPSCOPE_CLI_FROM_SOURCE === '1') return null;
  if (!existsSync(join(ROOT, 'node_modules', 'vite'))) return null;
  const stamp = bundleStamp();
  const dir = join(CACHE, stamp);
  if (existsSync(join(dir, 'main.mjs'))) return dir;
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--build', stamp], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return result.status === 0 && existsSync(join(dir, 'main.mjs')) ? dir : null;
}

/** Builds the bundle for `stamp` into a temporary directory, then renames it into place; drops older ones. */
async function build(stamp) {
  const { build: viteBuild } = await import('vite');
  mkdirSync(CACHE, { recursive: true });
  const temporary = join(CACHE, `.${stamp}-${process.pid}`);
  await viteBuild({
    root: ROOT,
    configFile: false,
    publicDir: false,
    logLevel: 'error',
    build: {
      ssr: true,
      outDir: temporary,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      sourcemap: true,
      rollupOptions: {
        input: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(ROOT, file)])),
        // All in one directory: the analysis helper finds its thread's entry beside itself.
        output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
      },
    },
  });
  const dir = join(CACHE, stamp);
  try {
    renameSync(temporary, dir);
  } catch (error) {
    // Another command made it meanwhile: theirs is the same.
    rmSync(temporary, { recursive: true, force: true });
    if (!existsSync(join(dir, 'main.mjs'))) throw error;
  }
  // Older bundles go. A command still running from one has loaded its modules already; only its
  // analysis thread, if it starts after this, finds no script, and its analyses then run on the main
  // thread (cli/analysis-helper.ts): slower, the same answers.
  for (const name of readdirSync(CACHE)) {
    if (name !== stamp && !name.startsWith('.')) rmSync(join(CACHE, name), { recursive: true, force: true });
  }
}

if (process.argv[2] === '--build' && resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  await build(process.argv[3]);
}
