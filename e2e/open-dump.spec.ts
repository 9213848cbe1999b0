import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  compareNames,
  dropBytes,
  dropFile,
  fixtureGcdumps,
  MAUI_FIXTURE,
  openTypes,
  truthFor,
  visibleTypeRows,
  waitForLoaded,
  withSeparators,
} from './helpers';

/** Rows compared per fixture: the top of the default view (bytes, descending). */
const TOP_ROWS = 12;

const fixtures = fixtureGcdumps();

test('the real fixtures are there to test with', () => {
  expect(fixtures.length, 'expected test-data/gcdump/*.gcdump in the repository').toBeGreaterThanOrEqual(4);
});

for (const fixture of fixtures) {
  const name = basename(fixture);

  test(`dropping ${name} shows its heaviest types`, async ({ page }) => {
    await page.goto('./');
    await dropFile(page, fixture);
    await waitForLoaded(page, name);
    await openTypes(page);
    const shown = await visibleTypeRows(page, TOP_ROWS);

    const truth = truthFor(fixture);
    expect(truth, `TraceEvent truth file for ${name} (tools/dotnet/truth/)`).not.toBeNull();
    const expected = [...truth!.types]
      .sort((a, b) => b.bytes - a.bytes || compareNames(a.name, b.name))
      .slice(0, TOP_ROWS)
      .map((type) => ({ name: type.name, count: withSeparators(type.count), bytes: withSeparators(type.bytes) }));
    expect(shown.map(({ name, count, bytes }) => ({ name, count, bytes }))).toEqual(expected);
    // TraceEvent's rows include the root pseudo-nodes' types, which the view shows on request.
    await page.getByTestId('show-pseudo').check();
    await expect(page.getByTestId('types-status')).toContainText(
      `${withSeparators(truth!.types.length)} of ${withSeparators(truth!.types.length)} types`,
    );
  });

  test(`picking ${name} with the file input shows the summary`, async ({ page }) => {
    await page.goto('./');
    await page.getByTestId('file-input').setInputFiles(fixture);
    await waitForLoaded(page, name);
    const truth = truthFor(fixture);
    expect(truth, `TraceEvent truth file for ${name}`).not.toBeNull();
    await expect(page.getByTestId('summary-nodes')).toHaveText(withSeparators(truth!.nodeCount));
    const objects = truth!.types.reduce((sum, type) => sum + type.count, 0);
    await expect(page.getByTestId('summary-objects')).toHaveText(withSeparators(objects));
    await expect(page.getByTestId('summary-bytes')).toContainText(`${withSeparators(truth!.totalSize)} bytes`);
    await expect(page.getByTestId('summary-types')).toHaveText(withSeparators(truth!.types.length));
  });
}

test('the maui fixture matches the facts published with it', async ({ page }) => {
  // test-data/README.md, read by an independent reader: 46,645 nodes, total size
  // 3,339,490; System.String 6,913 / 518,562 bytes is the heaviest type.
  await page.goto('./');
  await dropFile(page, MAUI_FIXTURE);
  await waitForLoaded(page, basename(MAUI_FIXTURE));
  await expect(page.getByTestId('summary-nodes')).toHaveText('46,645');
  await expect(page.getByTestId('summary-bytes')).toContainText('3,339,490 bytes');
  await expect(page.getByTestId('summary-producer')).toHaveText('dotnet-gcdump');
  await expect(page.getByTestId('summary-pointer-size')).toContainText('8 bytes');
  await openTypes(page);
  const [top] = await visibleTypeRows(page, 1);
  expect(top).toMatchObject({ name: 'System.String', count: '6,913', bytes: '518,562' });
});

test('the window highlights while a file is dragged over it', async ({ page }) => {
  await page.goto('./');
  const dataTransfer = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array([1, 2, 3])], 'x.gcdump'));
    return transfer;
  });
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await expect(page.getByTestId('drop-target')).toHaveAttribute('data-dragging', 'true');
  await page.dispatchEvent('body', 'dragleave', { dataTransfer });
  await expect(page.getByTestId('drop-target')).toHaveAttribute('data-dragging', 'false');
});

test('a truncated gcdump shows an error naming the offset', async ({ page }) => {
  const bytes = new Uint8Array(readFileSync(MAUI_FIXTURE));
  const half = bytes.subarray(0, Math.floor(bytes.length / 2));
  await page.goto('./');
  await dropBytes(page, half, 'truncated.gcdump');
  const error = page.getByTestId('load-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('Could not read truncated.gcdump');
  await expect(error.locator('.error-message')).toContainText(/offset/i);
  await expect(page.getByTestId('tab-types')).toHaveCount(0);
});

test('a file of random bytes shows a clear error', async ({ page }) => {
  // A fixed pseudo-random sequence (xorshift32), so a failure is reproducible.
  const random = new Uint8Array(64 * 1024);
  let state = 0x2545f491;
  for (let i = 0; i < random.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    random[i] = state & 0xff;
  }
  await page.goto('./');
  await dropBytes(page, random, 'random.txt');
  const error = page.getByTestId('load-error');
  await expect(error).toContainText('Could not read random.txt');
  await expect(error.locator('.error-message')).toContainText('neither a .gcdump');
});

test('an error message is shown as text, never as HTML', async ({ page }) => {
  await page.goto('./');
  await dropBytes(page, new Uint8Array(0), '<img src=x onerror=alert(1)>.gcdump');
  const error = page.getByTestId('load-error');
  await expect(error).toContainText('<img src=x onerror=alert(1)>.gcdump');
  await expect(error.locator('img')).toHaveCount(0);
});

test('a second drop replaces the first dump', async ({ page }) => {
  const [first, second] = fixtures;
  await page.goto('./');
  await dropFile(page, first);
  await dropFile(page, second);
  await waitForLoaded(page, basename(second));
  await expect(page.getByTestId('load-error')).toHaveCount(0);
});

test('a sample loads with one click', async ({ page }) => {
  await page.goto('./');
  const sample = page.locator(`[data-testid="sample"][data-sample-id="fixtures/gcdump/${basename(MAUI_FIXTURE)}"]`);
  await expect(sample).toBeVisible();
  await sample.click();
  await waitForLoaded(page, basename(MAUI_FIXTURE));
  await expect(page.getByTestId('summary-nodes')).toHaveText('46,645');
});

test('no request leaves localhost while a dump loads', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto('./');
  // The Content-Security-Policy of index.html allows everything the app does and nothing more.
  await page.evaluate(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  await dropFile(page, MAUI_FIXTURE);
  await waitForLoaded(page, basename(MAUI_FIXTURE));
  await openTypes(page);
  await page.getByTestId('tab-summary').click();
  await expect(page.getByTestId('byte-chart')).toBeVisible();
  expect(requests.length).toBeGreaterThan(0);
  const foreign = requests.filter((url) => {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:') return false;
    return hostname !== '127.0.0.1' && hostname !== 'localhost';
  });
  expect(foreign).toEqual([]);
  expect(consoleErrors).toEqual([]);
});

test('the Content-Security-Policy blocks requests to any other origin', async ({ page }) => {
  await page.goto('./');
  // Another loopback address is another origin: were the policy missing, the probe would stay on this machine.
  const outcome = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
    let blocked = false;
    try {
      await fetch('http://127.0.0.2:9/csp-probe');
    } catch {
      blocked = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { blocked, violations };
  });
  expect(outcome.blocked).toBe(true);
  expect(outcome.violations).toContain('connect-src');
});

test('the server sends the policy as a header too, with what a meta tag cannot say (no framing)', async ({ page }) => {
  const response = await page.goto('./');
  const policy = response?.headers()['content-security-policy'] ?? '';
  for (const directive of ["frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'", "connect-src 'self'"])
    expect(policy).toContain(directive);
  expect(response?.headers()['x-content-type-options']).toBe('nosniff');
});

test("the dump's SHA-256 is computed in WebAssembly, which the policy lets the page's workers compile", async ({
  page,
}) => {
  // The app's own fingerprint worker, as built and served with the page's policy (a worker's policy is
  // the one its script is served with): where it may not compile WebAssembly, it hashes in JavaScript.
  const script = readdirSync('dist/assets').find((name) => /^fingerprint\.worker-.*\.js$/.test(name));
  expect(script).toBeDefined();
  await page.goto('./');
  const bytes = readFileSync(MAUI_FIXTURE);
  const reply = await page.evaluate(
    async ({ url, data }) => {
      const worker = new Worker(url, { type: 'module' });
      const answer = new Promise<unknown>((resolve) => (worker.onmessage = (event) => resolve(event.data)));
      worker.postMessage({ blob: new Blob([new Uint8Array(data)]), name: 'maui.gcdump' });
      return answer;
    },
    { url: `assets/${script}`, data: [...bytes] },
  );
  expect(reply).toEqual({
    fingerprint: { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, name: 'maui.gcdump' },
    hashedBy: 'WebAssembly',
  });
});

/**
 * Run in a page or a worker (`evaluate`): every worker it starts from now on fails as it starts (its
 * script throws), counted in `workersRefused`.
 */
function refuseNewWorkers(): void {
  const scope = globalThis as unknown as { Worker: typeof Worker; workersRefused: number };
  const RealWorker = scope.Worker;
  scope.workersRefused = 0;
  scope.Worker = class extends RealWorker {
    constructor(_url: string | URL, options?: WorkerOptions) {
      super(URL.createObjectURL(new Blob(['throw new Error("refused")'], { type: 'text/javascript' })), options);
      scope.workersRefused++;
    }
  };
}

/** The workers refused since `refuseNewWorkers` (run where it ran). */
function workersRefused(): number {
  return (globalThis as unknown as { workersRefused: number }).workersRefused;
}

test('a second worker reads the dump; where it fails, the heap worker reads the dump itself', async ({ page }) => {
  const readerScripts: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('blob-reader')) readerScripts.push(request.url());
  });
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(MAUI_FIXTURE);
  await waitForLoaded(page, basename(MAUI_FIXTURE));
  await expect(page.getByTestId('summary-nodes')).toHaveText('46,645');
  expect(readerScripts.length, 'the reader worker was started').toBeGreaterThan(0);

  // In the heap worker, every worker it starts now fails as it starts (its script throws): the
  // reads fall back to the heap worker itself, with the same result.
  const heapWorker = page.workers().find((worker) => worker.url().includes('heap.worker'));
  expect(heapWorker, 'the heap worker').toBeDefined();
  await heapWorker!.evaluate(refuseNewWorkers);
  await page.getByTestId('file-input').setInputFiles(MAUI_FIXTURE);
  // The load started its (failing) reader, then ended neither stuck nor refused.
  await expect.poll(() => heapWorker!.evaluate(workersRefused)).toBe(1);
  await expect(page.getByTestId('load-progress')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('load-error')).toHaveCount(0);
  await waitForLoaded(page, basename(MAUI_FIXTURE));
  await expect(page.getByTestId('summary-nodes')).toHaveText('46,645');
  await expect(page.getByTestId('summary-bytes')).toContainText('3,339,490 bytes');
});

test('the dump is hashed on a worker of the page; where that worker fails, the heap worker hashes it, and links still name the dump', async ({
  page,
}) => {
  await page.goto('./');
  const sha256 = createHash('sha256').update(readFileSync(MAUI_FIXTURE)).digest('hex');
  // Every worker the page starts from now on fails as it starts (the heap worker is already running).
  await page.evaluate(refuseNewWorkers);
  await page.getByTestId('file-input').setInputFiles(MAUI_FIXTURE);
  await waitForLoaded(page, basename(MAUI_FIXTURE));
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-state', 'ready');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain(`dump=${sha256}`);
  expect(await page.evaluate(workersRefused)).toBe(1);
  await expect(page.getByTestId('analysis-status')).not.toHaveAttribute('data-image', 'unhashed');
});
