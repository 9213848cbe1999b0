/**
 * npm run bench:browser [-- --sizes 1000000,5000000,18591667] [--too-large 60000000] [--out-dir DIR]
 *                        [--diff incident-18591667.gcdump,incident-18591667-leak2x.gcdump]
 *
 * The real page and worker in headless Debian Chromium: builds the app, serves dist/ on
 * 127.0.0.1, picks each generated incident dump (bench/incident-<N>.gcdump, made by
 * `npm run bench` or the generator) and measures: histogram on screen, analysis (dominators, root
 * paths, findings) ready, the CancellationToken finding's registration count, the longest
 * main-thread task during the load (from the pick to the analyses being ready; the page's start-up
 * before the pick and the Findings tab opened after are reported apart; BENCH_TASKS=1 lists every
 * long task with what ran in its frame, from the Long Animation Frames API), the renderer
 * processes' resident memory afterwards; then the heap image the page keeps with the cached dump
 * (its size, the seconds to write it) and the cached reopen: the finding's link opened in a fresh
 * tab, the first closed, until the finding is on screen.
 * "histogram s" and "analysis ready s" are read on the page's own clock (PageMarks): from the pick to
 * the Types tab painted, plus from the click on it to the first type row painted; from the pick to
 * "ready" painted. Playwright's wall-clock figures, which add its polling, its round trips and the
 * time its click takes to come, are printed beside them ("(Playwright)").
 * The ratios divide the tab's times by Node's for the same file (bench/results.json, from
 * `npm run bench`): by the CLI's, which has huge pages, and by Node's with 4 KB pages, which is
 * what a tab's memory has (each first touch of 4 KB costs a page fault, about 11 µs on the
 * virtual machines measured here).
 * Prints a table and merges the figures into bench/results.json. Figures only, no assertions.
 * --out-dir builds into and serves another directory than dist/ (for a tree others test from).
 */
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');
const PORT = 4190;
const DEFAULT_SIZES = [1_000_000, 5_000_000, 18_591_667];
const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'too-large': { type: 'string' },
    diff: { type: 'string' },
    'out-dir': { type: 'string', default: 'dist' },
  },
});
const sizes = values.sizes ? values.sizes.split(',').map(Number) : values.diff ? [] : DEFAULT_SIZES;

/**
 * Moments on the page's clock (performance.now(), ms), stamped by the bench's init script: the pick
 * (the file input's change event), the click on the Types tab, and the first frame begun after the
 * frame that painted the Types tab, the first type row and the analyses' "ready".
 */
type PageMarks = Record<'pick' | 'types click' | 'types tab' | 'type row' | 'ready', number>;

/** A long animation frame as the bench keeps it (BENCH_TASKS=1 prints it beside the long task it holds). */
interface LongFrame {
  readonly start: number;
  readonly duration: number;
  readonly layoutAndPaint: number;
  readonly scripts: readonly string[];
}

/** The parts of the Long Animation Frames API's entries read here (not yet in TypeScript's DOM types). */
interface LongAnimationFrame {
  readonly startTime: number;
  readonly duration: number;
  readonly renderStart: number;
  readonly scripts: readonly {
    readonly invoker: string;
    readonly invokerType: string;
    readonly duration: number;
    readonly forcedStyleAndLayoutDuration: number;
  }[];
}

/** Resident bytes of each of Chromium's renderer processes. */
function rendererProcessBytes(): number[] {
  const resident: number[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('--type=renderer')) continue;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      resident.push(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // The process ended.
    }
  }
  return resident;
}

/**
 * Resident bytes of all of Chromium's renderer processes: the page's (where its workers live too),
 * and others Chromium keeps (a spare renderer, the context's first blank page), about 230 MB together.
 */
function rendererResidentBytes(): number {
  return rendererProcessBytes().reduce((sum, bytes) => sum + bytes, 0);
}

/** Resident bytes of the page's own renderer process (with its workers): the largest one once a dump is open. */
function pageRendererBytes(): number {
  return Math.max(0, ...rendererProcessBytes());
}

async function main() {
  if (!values['no-build'])
    spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', values['out-dir']!, '--emptyOutDir'],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
  const server = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'preview',
      '--outDir',
      values['out-dir']!,
      '--port',
      String(PORT),
      '--strictPort',
      '--host',
      '127.0.0.1',
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
  await new Promise((r) => setTimeout(r, 1500));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const rows: Record<string, number | string | null>[] = [];
  try {
    for (const size of sizes) {
      const file = join(ROOT, 'bench', `incident-${size}.gcdump`);
      if (!existsSync(file)) {
        spawnSync(
          process.execPath,
          ['--import', 'tsx', join(ROOT, 'tools/generate/generate.ts'), '--objects', String(size), '--out', file],
          { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
        );
      }
      // A real profile (in a fresh directory), not an off-the-record context: the dump cache and
      // its heap images live in the origin-private file system, whose quota an off-the-record
      // context keeps far below a real profile's.
      const profile = mkdtempSync(join(tmpdir(), 'heapscope-bench-profile-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
      });
      const page = await context.newPage();
      await page.addInitScript(() => {
        // The page's own clock (PageMarks): the pick, the click on the Types tab, and each element the
        // figures wait for, stamped at the first frame begun after the frame that painted it.
        const marks: Record<string, number> = {};
        (window as unknown as { __marks: typeof marks }).__marks = marks;
        // (No named functions here: the script is sent as its source, without tsx's helpers.)
        const watched: [string, string][] = [
          ['types tab', '[data-testid="tab-types"]'],
          ['type row', '[data-testid="type-row"]'],
          ['ready', '[data-testid="analysis-status"][data-state="ready"]'],
        ];
        new MutationObserver(() => {
          for (const [name, selector] of watched) {
            if (name in marks || !document.querySelector(selector)) continue;
            marks[name] = NaN;
            requestAnimationFrame(() => requestAnimationFrame(() => (marks[name] = performance.now())));
          }
        }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
        document.addEventListener('change', () => (marks.pick ??= performance.now()), { capture: true });
        document.addEventListener(
          'click',
          (event) => {
            if ((event.target as Element | null)?.closest?.('[data-testid="tab-types"]'))
              marks['types click'] ??= performance.now();
          },
          { capture: true },
        );
        const tasks: { start: number; duration: number }[] = [];
        (window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
        }).observe({ type: 'longtask', buffered: true });
        // What ran in each long frame (the Long Animation Frames API): BENCH_TASKS=1 names it beside each long task.
        const frames: LongFrame[] = [];
        (window as unknown as { __longFrames: typeof frames }).__longFrames = frames;
        if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame'))
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries() as unknown as LongAnimationFrame[])
              frames.push({
                start: entry.startTime,
                duration: entry.duration,
                layoutAndPaint: entry.renderStart > 0 ? entry.startTime + entry.duration - entry.renderStart : 0,
                scripts: entry.scripts.map(
                  (script) =>
                    `${script.invoker || script.invokerType} ${Math.round(script.duration)} ms` +
                    (script.forcedStyleAndLayoutDuration >= 1
                      ? ` (forced layout ${Math.round(script.forcedStyleAndLayoutDuration)} ms)`
                      : ''),
                ),
              });
          }).observe({ type: 'long-animation-frame', buffered: true });
      });
      page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
      await page.goto(`http://127.0.0.1:${PORT}/`);
      const residentBefore = rendererResidentBytes();
      // The page's renderer, sampled from the pick until the analyses are ready: its peak.
      let tabPeak = pageRendererBytes();
      // Sampled on until the heap image is stored: after "ready" the worker still builds the path
      // tree (in idle time) and writes the image, and those count too (`tabPeakAfterMB`).
      let sampling: 'to ready' | 'after ready' = 'to ready';
      let tabPeakAfter = 0;
      // BENCH_MEMORY=1 prints the page renderer's resident memory over time, with the steps marked.
      const timeline: string[] = [];
      const timelineStart = Date.now();
      const mark = (what: string) => {
        if (process.env.BENCH_MEMORY) timeline.push(`${((Date.now() - timelineStart) / 1000).toFixed(1)}s ${what}`);
      };
      let lastLogged = 0;
      const tabSampler = setInterval(() => {
        const bytes = pageRendererBytes();
        if (sampling === 'to ready') tabPeak = Math.max(tabPeak, bytes);
        else tabPeakAfter = Math.max(tabPeakAfter, bytes);
        if (Math.abs(bytes - lastLogged) >= 20e6) {
          lastLogged = bytes;
          mark(`${Math.round(bytes / 1e6)} MB`);
        }
      }, 100);
      // Long tasks count from the pick to the analyses being ready: the page's own start-up (parsing
      // and first render of the app) comes before and is reported apart. Playwright's script that
      // finds elements (its injected script, compiled in the page the first time a locator is used)
      // is compiled before the pick too, so that its compiling is not taken for the app's work.
      await page.getByTestId('file-input').waitFor({ state: 'attached' });
      const pickedAt = await page.evaluate(() => performance.now());
      const started = Date.now();
      await page.getByTestId('file-input').setInputFiles(file);
      // The Types view shows the histogram; the Summary opens first.
      await page.getByTestId('tab-types').waitFor({ timeout: 120_000 });
      const loadedSeconds = (Date.now() - started) / 1000;
      await page.getByTestId('tab-types').click();
      await page.getByTestId('type-row').first().waitFor({ timeout: 120_000 });
      const histogramSeconds = (Date.now() - started) / 1000;
      mark('histogram on screen');
      await page.locator('[data-testid="analysis-status"][data-state="ready"]').waitFor({ timeout: 120_000 });
      const readySeconds = (Date.now() - started) / 1000;
      mark('analyses ready');
      const readyAt = await page.evaluate(() => performance.now());
      // Each mark is stamped two frames after what it marks was painted: wait for the last ones.
      const marks = await page
        .waitForFunction(
          () => {
            const stamped = (window as unknown as { __marks: PageMarks }).__marks;
            const names = ['pick', 'types click', 'types tab', 'type row', 'ready'] as const;
            return names.every((name) => Number.isFinite(stamped[name])) ? stamped : null;
          },
          null,
          { timeout: 10_000 },
        )
        .then((handle) => handle.jsonValue() as Promise<PageMarks>);
      // On the page's clock: the app's own time, without Playwright's (its polling, its round trips,
      // and the moment its click comes after the Types tab is there).
      const histogramPageSeconds =
        (marks['types tab'] - marks.pick + (marks['type row'] - marks['types click'])) / 1000;
      const readyPageSeconds = (marks.ready - marks.pick) / 1000;
      if (process.env.BENCH_TASKS)
        console.log(
          `page clock (ms after the pick): ${Object.entries(marks)
            .map(([name, at]) => `${name} ${Math.round(at - marks.pick)}`)
            .join(', ')}`,
        );
      await page.getByTestId('tab-findings').click();
      const finding = page.locator('[data-testid="finding"][data-kind="runaway-cancellation-registrations"]');
      await finding.first().waitFor({ timeout: 60_000 });
      const registrations = Number(await finding.first().getAttribute('data-count'));
      const tasks = await page.evaluate(
        () => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks,
      );
      const during = tasks.filter((t) => t.start >= pickedAt && t.start <= readyAt);
      const longest = Math.max(0, ...during.map((t) => t.duration));
      const startupLongest = Math.max(0, ...tasks.filter((t) => t.start < pickedAt).map((t) => t.duration));
      // Opening the Findings tab once the analyses are ready (an interaction after the load).
      const findingsLongest = Math.max(0, ...tasks.filter((t) => t.start > readyAt).map((t) => t.duration));
      if (process.env.BENCH_TASKS) {
        console.log(
          `long tasks (ms after the pick): ${during.map((t) => `${Math.round(t.start - pickedAt)}+${Math.round(t.duration)}`).join(' ')}`,
        );
        const frames = await page.evaluate(() => (window as unknown as { __longFrames: LongFrame[] }).__longFrames);
        for (const task of during)
          for (const frame of frames.filter((f) => f.start <= task.start + 5 && f.start + f.duration >= task.start))
            console.log(
              `  its frame: ${Math.round(frame.duration)} ms, layout and paint ${Math.round(frame.layoutAndPaint)} ms; scripts: ${frame.scripts.join('; ') || 'none'}`,
            );
      }
      sampling = 'after ready';
      const resident = rendererResidentBytes();
      const tabResident = pageRendererBytes();
      // The worker's own load (read + decode + type index), as the Summary states it: the rest of
      // "loaded" is the page (the pick, the messages, the first render).
      await page.getByTestId('tab-summary').click();
      const workerLoadMs = Number(
        /Read in\s*([\d,]+) ms/.exec(await page.locator('main').innerText())?.[1]?.replaceAll(',', '') ?? NaN,
      );
      await page.getByTestId('tab-findings').click();

      // The cached reopen: once the page has kept the analyses with the cached dump (its heap
      // image), the finding's link opened in a fresh tab of the same browser, the first one closed.
      const status = page.getByTestId('analysis-status');
      // A link names its dump once the dump is hashed (its fingerprint).
      await page.waitForFunction(() => location.hash.includes('dump='), null, { timeout: 300_000 });
      mark('dump hashed');
      await finding.first().getByTestId('copy-evidence-link').click();
      const link = await finding.first().getByTestId('copy-evidence-link-output').inputValue();
      // The page stores the dump, then its image ('storing'), and says which it kept.
      await page.waitForFunction(
        () => document.querySelector('[data-testid="analysis-status"]')?.getAttribute('data-image') !== 'storing',
        null,
        { timeout: 300_000 },
      );
      clearInterval(tabSampler);
      mark('image stored');
      if (process.env.BENCH_MEMORY) console.log(`page renderer memory: ${timeline.join(' | ')}`);
      const imageStored = (await status.getAttribute('data-image')) === 'stored';
      if (!imageStored) console.log(`no heap image kept: ${await status.textContent()}`);
      const imageSecondsText = /written in ([\d.]+) s/.exec((await status.textContent()) ?? '')?.[1];
      const imageMB = imageStored
        ? await page.evaluate(async () => {
            const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('heapscope-dumps');
            let bytes = 0;
            for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemFileHandle]>) {
              if (name.endsWith('.image')) bytes += (await handle.getFile()).size;
            }
            return Math.round(bytes / 1e6);
          })
        : null;
      if (process.env.BENCH_TASKS) console.log(`link: ${link}`);
      await page.close();
      const reader = await context.newPage();
      reader.on('pageerror', (error) => console.error(`reopened page error: ${error.message}`));
      reader.on('console', (message) => {
        if (message.type() === 'error') console.error(`reopened page console: ${message.text()}`);
      });
      const reopenStarted = Date.now();
      await reader.goto(link);
      await reader
        .locator('.finding-selected')
        .waitFor({ timeout: Number(process.env.BENCH_REOPEN_TIMEOUT ?? 300_000) })
        .catch(async (error: unknown) => {
          const banner = await reader
            .getByTestId('link-banner')
            .innerText({ timeout: 1000 })
            .catch(() => '(no link banner)');
          console.error(`the reopened link did not show its finding: ${banner.slice(0, 1500)}`);
          throw error;
        });
      const reopenSeconds = (Date.now() - reopenStarted) / 1000;
      const reopenedStatus = reader.getByTestId('analysis-status');
      await reopenedStatus.and(reader.locator('[data-state="ready"]')).waitFor({ timeout: 300_000 });
      const fromImage = (await reopenedStatus.getAttribute('data-from-image')) === 'true';
      // Its parts: the image (or dump) read, as the Summary states it, and the analysis (the findings alone from an image).
      const reopenAnalysisSeconds = Number(/ready in ([\d.]+) s/.exec((await reopenedStatus.textContent()) ?? '')?.[1]);
      await reader.getByTestId('tab-summary').click();
      const readMs = Number(
        /Read in\s*([\d,]+) ms/.exec(await reader.locator('main').innerText())?.[1]?.replaceAll(',', '') ?? NaN,
      );
      rows.push({
        objects: size,
        loadedSeconds,
        workerLoadSeconds: workerLoadMs / 1000,
        histogramSeconds,
        readySeconds,
        histogramPageSeconds,
        readyPageSeconds,
        registrations,
        longestMainThreadTaskMs: Math.round(longest),
        longestStartupTaskMs: Math.round(startupLongest),
        longestFindingsTaskMs: Math.round(findingsLongest),
        rendererResidentMB: Math.round(resident / 1e6),
        tabResidentMB: Math.round(tabResident / 1e6),
        tabPeakMB: Math.round(tabPeak / 1e6),
        tabPeakAfterMB: Math.round(tabPeakAfter / 1e6),
        bytesPerObject: Math.round((resident - residentBefore) / size),
        imageMB,
        imageStoreSeconds: imageSecondsText ? Number(imageSecondsText) : null,
        cachedReopenSeconds: reopenSeconds,
        reopenReadSeconds: readMs / 1000,
        reopenAnalysisSeconds,
        reopenedFromImage: fromImage ? 'yes' : 'no',
      });
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
    if (values.diff) await benchDiff(values.diff);
    if (values['too-large']) {
      // Beyond one tab: the page must refuse early, say which limit and how much memory, and point to the CLI.
      const file = join(ROOT, 'bench', `incident-${values['too-large']}.gcdump`);
      if (!existsSync(file)) {
        spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            join(ROOT, 'tools/generate/generate.ts'),
            '--objects',
            values['too-large'],
            '--out',
            file,
          ],
          { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
        );
      }
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${PORT}/`);
      const started = Date.now();
      await page.getByTestId('file-input').setInputFiles(file);
      const alert = page.getByRole('alert').filter({ hasText: 'Use the command line' }).first();
      await alert.waitFor({ timeout: 120_000 });
      console.log(
        `too large: refused after ${((Date.now() - started) / 1000).toFixed(2)} s: ${await alert.textContent()}`,
      );
      await page.close();
    }
  } finally {
    await browser.close();
    server.kill();
  }
  // The Node figures of the same file (npm run bench), for the ratios issue #18 asks of the tab.
  const nodeResults = existsSync(join(ROOT, 'bench', 'results.json'))
    ? ((JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8')) as { results?: NodeFigures[] }).results ??
      [])
    : [];
  const nodeOf = (objects: unknown) => nodeResults.find((r) => r.objects === Number(objects));
  const ratio = (tab: unknown, node: number | undefined) =>
    node === undefined ? 'n/a' : `${(Number(tab) / node).toFixed(2)}×`;
  const header = [
    'objects',
    'loaded s',
    'worker load s',
    'histogram s (Playwright)',
    'histogram s',
    'histogram ÷ Node load',
    'ready s (Playwright)',
    'analysis ready s',
    'ready ÷ Node total',
    'histogram ÷ Node load (4 KB pages)',
    'ready ÷ Node total (4 KB pages)',
    'registrations',
    'longest task ms',
    'start-up task ms',
    'findings tab task ms',
    'page renderer MB (peak)',
    'peak MB after ready',
    'all renderers MB',
    'B/object',
    'image MB',
    'image write s',
    'cached link reopen s',
    'of which read s',
    'of which findings s',
    'from image',
  ];
  const cells = rows.map((r) => [
    Number(r.objects).toLocaleString('en-US'),
    Number(r.loadedSeconds).toFixed(2),
    Number(r.workerLoadSeconds).toFixed(2),
    Number(r.histogramSeconds).toFixed(2),
    Number(r.histogramPageSeconds).toFixed(2),
    ratio(r.histogramPageSeconds, nodeOf(r.objects)?.loadSeconds),
    Number(r.readySeconds).toFixed(2),
    Number(r.readyPageSeconds).toFixed(2),
    ratio(r.readyPageSeconds, nodeOf(r.objects)?.totalSeconds),
    ratio(r.histogramPageSeconds, nodeOf(r.objects)?.smallPages?.loadSeconds),
    ratio(r.readyPageSeconds, nodeOf(r.objects)?.smallPages?.totalSeconds),
    Number(r.registrations).toLocaleString('en-US'),
    String(r.longestMainThreadTaskMs),
    String(r.longestStartupTaskMs),
    String(r.longestFindingsTaskMs),
    `${r.tabResidentMB} (${r.tabPeakMB})`,
    String(r.tabPeakAfterMB),
    String(r.rendererResidentMB),
    String(r.bytesPerObject),
    String(r.imageMB ?? '–'),
    r.imageStoreSeconds === null ? '–' : Number(r.imageStoreSeconds).toFixed(1),
    Number(r.cachedReopenSeconds).toFixed(2),
    Number(r.reopenReadSeconds).toFixed(2),
    Number(r.reopenAnalysisSeconds).toFixed(2),
    String(r.reopenedFromImage),
  ]);
  if (rows.length === 0) return;
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  console.log(header.map((h, i) => h.padStart(widths[i])).join('  '));
  for (const c of cells) console.log(c.map((v, i) => v.padStart(widths[i])).join('  '));
  keepResults('browser', { results: rows });
}

/** What the browser bench reads of `npm run bench`'s figures. */
interface NodeFigures {
  readonly objects: number;
  /** Read + decode, as `npm run bench` prints it. */
  readonly loadSeconds: number;
  readonly totalSeconds: number;
  /**
   * The same load without huge pages (bench.ts), which a tab's memory never has: the Node figures
   * that pay what the tab pays to first touch its memory.
   */
  readonly smallPages?: { readonly loadSeconds: number; readonly totalSeconds: number } | null;
}

/** Merges one run's figures into bench/results.json under `key`, dated. */
function keepResults(key: string, figures: Record<string, unknown>): void {
  const resultsPath = join(ROOT, 'bench', 'results.json');
  const results = existsSync(resultsPath)
    ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<string, unknown>)
    : {};
  const entry = { date: new Date().toISOString(), ...figures };
  writeFileSync(resultsPath, JSON.stringify({ ...results, [key]: entry }, null, 2) + '\n');
}

/**
 * --diff BASE,CURRENT: two dumps compared in the page ("Compare with…"). The baseline is picked and
 * analysed (its histogram and analysis times are the reference), its heap image stored (so the
 * machine is quiet), then the current dump is picked with "Compare with…": the seconds until the
 * types diff is on screen and until the growth paths are, and the page renderer's peak resident
 * memory over the baseline alone and over the whole comparison (sampled every 100 ms).
 */
async function benchDiff(pair: string): Promise<void> {
  const [base, current] = pair
    .split(',')
    .map((name) => (name.includes('/') ? resolve(name) : join(ROOT, 'bench', name)));
  const profile = mkdtempSync(join(tmpdir(), 'heapscope-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, pageRendererBytes())), 100);
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(`http://127.0.0.1:${PORT}/`);
    // The page's own start-up (the app, the samples list) is over before the pick, as in the main bench.
    await page.waitForLoadState('networkidle');
    let started = Date.now();
    await page.getByTestId('file-input').setInputFiles(base);
    await page.getByTestId('tab-types').click({ timeout: 300_000 });
    await page.getByTestId('type-row').first().waitFor({ timeout: 300_000 });
    const histogramSeconds = (Date.now() - started) / 1000;
    await page.locator('[data-testid="analysis-status"][data-state="ready"]').waitFor({ timeout: 300_000 });
    const analysisSeconds = (Date.now() - started) / 1000;
    // Quiet before the comparison: the baseline hashed, cached and its heap image written.
    await page.waitForFunction(() => location.hash.includes('dump='), null, { timeout: 300_000 });
    await page.waitForFunction(
      () => document.querySelector('[data-testid="analysis-status"]')?.getAttribute('data-image') !== 'storing',
      null,
      { timeout: 300_000 },
    );
    const baselinePeak = peak;
    peak = 0;
    started = Date.now();
    await page.getByTestId('compare-input').setInputFiles(current);
    await page.getByTestId('diff-type-row').first().waitFor({ timeout: 300_000 });
    const typesDiffSeconds = (Date.now() - started) / 1000;
    const pendingAtFirst = await page.getByTestId('diff-view').getAttribute('data-pending');
    await page.getByTestId('growth-entry').first().waitFor({ timeout: 600_000 });
    const growthSeconds = (Date.now() - started) / 1000;
    const firstGrowth = (await page.getByTestId('growth-entry').first().textContent())?.slice(0, 90);
    const comparisonPeak = peak;
    const rows = [
      ['baseline histogram on screen', `${histogramSeconds.toFixed(2)} s`],
      ['baseline analyses ready', `${analysisSeconds.toFixed(2)} s`],
      [
        'types diff on screen after "Compare with…"',
        `${typesDiffSeconds.toFixed(2)} s (${(typesDiffSeconds / histogramSeconds).toFixed(2)}× one histogram; ${pendingAtFirst === 'true' ? 'before' : 'after'} the current dump's analyses)`,
      ],
      [
        'growth paths on screen',
        `${growthSeconds.toFixed(2)} s (${(growthSeconds / analysisSeconds).toFixed(2)}× one dump's analyses)`,
      ],
      ['first growth entry', firstGrowth ?? ''],
      ['page renderer peak, baseline alone', `${Math.round(baselinePeak / 1e6)} MB`],
      [
        'page renderer peak, the comparison',
        `${Math.round(comparisonPeak / 1e6)} MB (${(((comparisonPeak - baselinePeak) / baselinePeak) * 100).toFixed(0)}% above the baseline alone)`,
      ],
    ];
    console.log(`diff ${base} → ${current}`);
    for (const [what, figure] of rows) console.log(`  ${what.padEnd(44)} ${figure}`);
    keepResults('browserDiff', {
      base,
      current,
      histogramSeconds,
      analysisSeconds,
      typesDiffSeconds,
      growthSeconds,
      baselinePeakBytes: baselinePeak,
      comparisonPeakBytes: comparisonPeak,
    });
  } finally {
    clearInterval(sampler);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
