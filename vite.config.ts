import react from '@vitejs/plugin-react';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin } from 'vite';

const projectRoot = dirname(fileURLToPath(import.meta.url));

/**
 * The samples the page offers: sample-dumps/catalog.json lists each openable file (the project's own
 * and the public ones in test-data/) in order, with one line saying what it is. Helper files beside
 * them (truth, readelf, versions) are never offered.
 */
const SAMPLE_CATALOG = resolve(projectRoot, 'sample-dumps/catalog.json');

interface CatalogFile {
  readonly groups: readonly {
    readonly title: string;
    readonly samples: readonly { readonly path: string; readonly description: string }[];
  }[];
}

/** How links and tests name a sample: test-data/ files under `fixtures/`, the project's own by their path. */
function sampleId(path: string): string {
  return path.startsWith('test-data/') ? `fixtures/${path.slice('test-data/'.length)}` : path;
}

/**
 * Samples larger than this are served live by `vite dev`/`vite preview` but not copied into
 * `dist/` (generated benchmark dumps reach gigabytes; a static deployment does not need them).
 */
const MAX_BUILD_COPY_BYTES = 64 * 1024 * 1024;

interface Sample {
  readonly id: string;
  readonly name: string;
  readonly group: string;
  readonly description: string;
  readonly bytes: number;
  readonly path: string;
}

/** Every catalogued sample that is present, read on each call so edits show without a restart. */
function listSamples(): Sample[] {
  if (!existsSync(SAMPLE_CATALOG)) return [];
  const catalog = JSON.parse(readFileSync(SAMPLE_CATALOG, 'utf8')) as CatalogFile;
  const samples: Sample[] = [];
  for (const group of catalog.groups) {
    for (const entry of group.samples) {
      const path = resolve(projectRoot, entry.path);
      // Only files inside the project, and only those present (large ones may be gitignored).
      if (!path.startsWith(projectRoot + sep) || !existsSync(path)) continue;
      samples.push({
        id: sampleId(entry.path),
        name: entry.path.split('/').slice(-1)[0],
        group: group.title,
        description: entry.description,
        bytes: statSync(path).size,
        path,
      });
    }
  }
  return samples;
}

function publicEntry({ id, name, group, description, bytes }: Sample) {
  return { id, name, group, description, bytes };
}

/** `/samples/index.json` and `/samples/<id>`; ids are looked up in the list, never joined into paths. */
function sampleMiddleware(): Connect.NextHandleFunction {
  return (request: IncomingMessage, response: ServerResponse, next: Connect.NextFunction) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^(?:.*)\/samples\/(.+)$/.exec(url.pathname);
    if (!match || (request.method !== 'GET' && request.method !== 'HEAD')) return next();
    let id: string;
    try {
      id = decodeURIComponent(match[1]);
    } catch {
      return next();
    }
    const samples = listSamples();
    if (id === 'index.json') {
      response.setHeader('Content-Type', 'application/json; charset=utf-8');
      response.setHeader('Cache-Control', 'no-store');
      response.end(JSON.stringify(samples.map(publicEntry)));
      return;
    }
    const sample = samples.find((candidate) => candidate.id === id);
    if (!sample) return next();
    response.setHeader(
      'Content-Type',
      sample.id.endsWith('.txt') ? 'text/plain; charset=utf-8' : 'application/octet-stream',
    );
    response.setHeader('Content-Length', String(sample.bytes));
    response.setHeader('Cache-Control', 'no-store');
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(sample.path).pipe(response);
  };
}

/** Serves the samples in dev and preview, and copies them into `dist/samples/` at build. */
function sampleDumps(): Plugin {
  return {
    name: 'heapscope-sample-dumps',
    configureServer(server) {
      server.middlewares.use(sampleMiddleware());
    },
    configurePreviewServer(server) {
      server.middlewares.use(sampleMiddleware());
    },
    generateBundle() {
      const copied = listSamples().filter((sample) => sample.bytes <= MAX_BUILD_COPY_BYTES);
      for (const sample of copied) {
        this.emitFile({ type: 'asset', fileName: `samples/${sample.id}`, source: readFileSync(sample.path) });
      }
      this.emitFile({ type: 'asset', fileName: 'samples/index.json', source: JSON.stringify(copied.map(publicEntry)) });
    },
  };
}

/**
 * index.html carries a strict Content-Security-Policy. The dev server needs an inline script (React
 * Fast Refresh's preamble) that the policy forbids, so the meta is dropped in `vite dev` only; the
 * built app (`npm start`, the e2e tests) keeps it.
 */
function relaxCspInDev(): Plugin {
  return {
    name: 'heapscope-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(/<meta\s+http-equiv="Content-Security-Policy"[\s\S]*?\/>/, '');
    },
  };
}

/**
 * The page's Content-Security-Policy, sent as a header by `npm start` (vite preview) and the e2e
 * server: index.html's meta tag carries the same policy but a meta tag cannot set `frame-ancestors`
 * (no page may frame heapscope). docs/hosting.md says which headers to set elsewhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // WebAssembly compiled from the page's own bundle (the dump's SHA-256, permalink/fingerprint.ts);
  // not JavaScript's eval.
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Cross-origin isolation: with these two the page may share memory between its workers
 * (SharedArrayBuffer), which the heap worker uses to have the pages of its large arrays touched on
 * another core (src/worker/page-toucher.ts). The page loads nothing from other origins.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  ...ISOLATION_HEADERS,
};

/** V8's explicit compile hint: a script starting with it has all its functions compiled as it loads. */
const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n';

/**
 * The page's entry chunk asks V8 to compile all its functions as the script loads (an explicit
 * compile hint, which Chromium reads from a magic comment at the top of a script; other engines
 * ignore it), rather than each one the first time it runs. The first time a view opens during a
 * load, both cores are busy with the heap worker and its helper, and compiling that view's code
 * (React's, the table's, the view's own) made its task long; at start-up nothing else runs.
 * Measured in headless Chromium on a 1 M-object dump, opening the Types view the first time, to the
 * next frame: 22–39 ms against 41–72 ms, in 6 page loads of each. Added once the chunk is minified
 * (which drops comments); its source map gains the line.
 */
function compileHints(): Plugin {
  return {
    name: 'heapscope-compile-hints',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.isEntry) continue;
        chunk.code = COMPILE_HINT + chunk.code;
        const mapAsset = bundle[`${chunk.fileName}.map`];
        if (mapAsset?.type === 'asset' && typeof mapAsset.source === 'string') {
          const map = JSON.parse(mapAsset.source) as { mappings: string };
          map.mappings = ';' + map.mappings;
          mapAsset.source = JSON.stringify(map);
        }
      }
    },
  };
}

export default defineConfig({
  // Relative asset URLs: `dist/` works from any folder of any static host.
  base: './',
  plugins: [react(), sampleDumps(), relaxCspInDev(), compileHints()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', port: 5173, headers: SECURITY_HEADERS },
});
