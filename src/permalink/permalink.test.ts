import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  encodeUrlState,
  parseUrlState,
  DEFAULT_INSTANCES_STATE,
  DEFAULT_URL_STATE,
  UPGRADERS,
  URL_FORMAT_VERSION,
  VIEWS,
  type UrlState,
} from './url-state';
import { decodeEvidence, encodeEvidence, evidenceMarkdown, type EvidenceCard } from './evidence-card';
import { createFingerprinter, FINGERPRINT_SLICE_BYTES, fingerprintOf, fingerprintOfBlob } from './fingerprint';
import { byteSourceFromBytes } from '../formats/byte-source';
import { listFixtures, readFixture } from '../test-support/fixtures';

const DUMP = { sha256: 'a'.repeat(64), size: 4_273_432, name: 'runaway-cts.gcdump' };

describe('URL state: versions and upgraders', () => {
  it('has one upgrader per older version', () => {
    expect(UPGRADERS).toHaveLength(URL_FORMAT_VERSION);
  });

  it("round-trips the Instances view's filters and order (format 2)", () => {
    const state: UrlState = {
      ...DEFAULT_URL_STATE,
      view: 'instances',
      typeName: 'System.Byte[]',
      instances: {
        min: '0x8018',
        max: '32,792',
        liveness: 'live',
        includeSizeVariants: false,
        sortKey: 'address',
        descending: true,
      },
    };
    const hash = encodeUrlState(state);
    expect(hash).toMatch(/imin=0x8018&imax=32%2C792&ilive=live&isplit=1&isort=address&idir=desc/);
    expect(parseUrlState(hash)).toEqual({ state: { ...state, version: URL_FORMAT_VERSION }, problems: [] });
  });

  it('a version-1 link (before the Instances keys) opens the same view with the default filters', () => {
    const v1 =
      '#v=1&dump=' +
      'a'.repeat(64) +
      '&size=4273432&name=runaway-cts.gcdump&view=instances&type=System.Byte%5B%5D&sort=count';
    const { state, problems } = parseUrlState(v1);
    expect(problems).toEqual([]);
    expect(state).toMatchObject({
      version: 1,
      view: 'instances',
      typeName: 'System.Byte[]',
      sortKey: 'count',
      dump: DUMP,
    });
    expect(state.instances).toEqual(DEFAULT_INSTANCES_STATE);
    // Written again, it is a current link that means the same.
    expect(parseUrlState(encodeUrlState(state)).state).toEqual({ ...state, version: URL_FORMAT_VERSION });
  });

  it('a version-0 link (the first app: no v, only the Types table) still opens its view and order', () => {
    const { state, problems } = parseUrlState('#view=types&sort=count&dir=asc&filter=Byte&regex=1&split=1');
    expect(problems).toEqual([]);
    expect(state).toMatchObject({
      version: 0,
      view: 'types',
      sortKey: 'count',
      descending: false,
      filter: 'Byte',
      regex: true,
      mergeByName: false,
    });
    expect(state.instances).toEqual(DEFAULT_INSTANCES_STATE);
  });

  it('a diff link carries its baseline dump (format 4); a version-3 link compares nothing', () => {
    const base = { sha256: 'b'.repeat(64), size: 1_677_537, name: 'before.gcdump' };
    const state: UrlState = { ...DEFAULT_URL_STATE, dump: DUMP, view: 'diff', baseDump: base };
    const hash = encodeUrlState(state);
    expect(hash).toContain(`&base=${'b'.repeat(64)}&bsize=1677537&bname=before.gcdump`);
    expect(parseUrlState(hash)).toEqual({ state, problems: [] });
    expect(parseUrlState('#v=3&view=types').state.baseDump).toBeNull();
    const bad = parseUrlState(`#v=4&view=diff&base=${'b'.repeat(64)}&bsize=lots`);
    expect(bad.state.baseDump).toBeNull();
    expect(bad.problems).toEqual(['The link names a baseline dump without a valid size; it was ignored.']);
  });

  it('a transcript link carries its debugger session (format 5); a version-4 link opens the default one', () => {
    const state: UrlState = { ...DEFAULT_URL_STATE, dump: DUMP, view: 'types', session: 2 };
    const hash = encodeUrlState(state);
    expect(hash).toContain('&session=2');
    expect(parseUrlState(hash)).toEqual({ state, problems: [] });
    expect(parseUrlState('#v=4&view=types').state.session).toBeNull();
    for (const bad of ['0', '-1', '1.5', '12345', 'two', '1e3']) {
      const parsed = parseUrlState(`#v=5&session=${bad}`);
      expect(parsed.state.session, bad).toBeNull();
      expect(parsed.problems).toEqual(["The link's transcript session is not valid; it was ignored."]);
    }
  });

  it('a version-2 link (before `pseudo`) opens the Types view without the pseudo-node rows', () => {
    const { state, problems } = parseUrlState('#v=2&view=types&split=1');
    expect(problems).toEqual([]);
    expect(state).toMatchObject({ version: 2, view: 'types', mergeByName: false, pseudo: false });
    expect(parseUrlState('#v=3&view=types&pseudo=1').state.pseudo).toBe(true);
  });

  it('hostile Instances values are dropped with a message', () => {
    const { state, problems } = parseUrlState('#v=2&view=instances&imin=%3Cscript%3E&ilive=sometimes&isort=evil');
    expect(state.instances).toEqual(DEFAULT_INSTANCES_STATE);
    expect(problems).toHaveLength(3);
  });
});

describe('URL state', () => {
  it.each(VIEWS)('round-trips the %s view with a dump, a selection and sorting', (view) => {
    const state: UrlState = {
      ...DEFAULT_URL_STATE,
      dump: DUMP,
      view,
      sortKey: 'retained',
      descending: false,
      filter: 'System.Byte[]',
      regex: true,
      mergeByName: false,
      pseudo: true,
      typeName: 'System.Byte[] (Bytes > 10K)',
      objectAddress: '0x7f351e9493b8',
      findingId: 'runaway-cancellation-registrations@0x7f3504022358',
      expandedRun: '0x7f3534c674a8',
    };
    const hash = encodeUrlState(state);
    expect(hash.startsWith(`#v=${URL_FORMAT_VERSION}&`)).toBe(true);
    expect(hash).toContain('&pseudo=1');
    expect(parseUrlState(hash)).toEqual({ state, problems: [] });
  });

  it('names an object without an address by its path signature, and refuses malformed ones', () => {
    const state: UrlState = { ...DEFAULT_URL_STATE, view: 'object', objectAddress: 'path:0*3.2.0*17810.5~9f1c2ab4' };
    expect(parseUrlState(encodeUrlState(state))).toEqual({ state, problems: [] });
    for (const bad of [
      'path:1.2',
      'path:1..2~00000000',
      'path:-1~00000000',
      'path:1~xyz',
      `path:${'1.'.repeat(1500)}1~00000000`,
    ]) {
      const parsed = parseUrlState(`#v=1&view=object&object=${encodeURIComponent(bad)}`);
      expect(parsed.state.objectAddress, bad).toBeNull();
      expect(parsed.problems, bad).toEqual(["The link's object is not valid; it was ignored."]);
    }
  });

  it("reads the first version's links (no v=): view, sort, filter, regex, split", () => {
    const { state, problems } = parseUrlState('#view=types&sort=count&dir=asc&filter=String&regex=1&split=1');
    expect(problems).toEqual([]);
    expect(state).toMatchObject({
      version: 0,
      view: 'types',
      sortKey: 'count',
      descending: false,
      filter: 'String',
      regex: true,
      mergeByName: false,
      dump: null,
    });
  });

  it('drops hostile or corrupt parts with a message, never throws', () => {
    const cases = [
      '#v=1&view=<script>alert(1)</script>',
      '#v=1&object=javascript:alert(1)',
      '#v=1&finding=__proto__',
      '#v=1&dump=zz&size=1',
      `#v=1&type=${'x'.repeat(5000)}`,
      '#v=1&filter=%00evil',
      '#v=1&evidence=%3Cimg%3E',
      '#v=abc',
      '#v=1&__proto__=1&constructor=2',
      '#%E0%A4%A',
    ];
    for (const hash of cases) {
      const parsed = parseUrlState(hash);
      expect(parsed.state.objectAddress ?? '').not.toMatch(/javascript/);
      expect(Object.prototype).not.toHaveProperty('polluted');
      if (!hash.includes('__proto__=1') && hash !== '#%E0%A4%A')
        expect(parsed.problems.length, hash).toBeGreaterThan(0);
    }
    expect(parseUrlState('#v=1&view=<script>').state.view).toBe('summary');
    expect(parseUrlState('x'.repeat(20_000)).problems[0]).toMatch(/too long/);
  });
});

describe('evidence cards', () => {
  const card: EvidenceCard = {
    title: '17,812 callback registrations on one CancellationTokenSource (ConfigurationReloadToken)',
    count: 17_812,
    retainedBytes: 595_713_950,
    anchor: { type: 'System.Threading.CancellationTokenSource', address: '0x7f3504022358' },
    owners: [
      'Microsoft.Extensions.Configuration.ConfigurationReloadToken',
      'Microsoft.Extensions.Configuration.ConfigurationManager',
    ],
    keptAlive: [{ type: 'System.Byte[] (Bytes > 10K)', count: 17_812, bytes: 584_091_104 }],
    path: {
      root: '[local vars]',
      steps: [
        { type: 'Microsoft.Extensions.Configuration.ConfigurationReloadToken', address: '0x7f3504022338' },
        { run: { type: 'CallbackNode', count: 17_812, first: '0x7f3534c674a8', last: '0x7f351e9514b0' } },
        { type: 'System.Byte[] (Bytes > 10K)', address: '0x7f351e9493b8' },
      ],
    },
    histogram: [{ name: 'System.Byte[] (Bytes > 10K)', count: 17_817, bytes: 584_255_064 }],
    dump: DUMP,
    truncated: false,
  };

  it('round-trips through the URL and stays under 8 KB', () => {
    const encoded = encodeEvidence(card);
    const url = `http://127.0.0.1:5173/${encodeUrlState({ ...DEFAULT_URL_STATE, dump: DUMP, view: 'findings', evidence: encoded })}`;
    expect(url.length).toBeLessThan(8192);
    expect(decodeEvidence(parseUrlState(new URL(url).hash).state.evidence!)).toEqual({ ok: true, card });
  });

  it('truncates a 17,812-step path and 10,000 histogram rows to fit, and says so', () => {
    const steps = Array.from({ length: 17_812 }, (_, i) => ({
      type: `Some.Long.Namespace.Type${i}`,
      address: `0x7f35${(0x10000000 + i).toString(16)}`,
    }));
    const histogram = Array.from({ length: 10_000 }, (_, i) => ({
      name: `Type${i}<System.String,System.Object>`,
      count: i,
      bytes: i * 24,
    }));
    const encoded = encodeEvidence({ ...card, path: { root: '[local vars]', steps }, histogram });
    expect(encoded.length).toBeLessThanOrEqual(7000);
    const decoded = decodeEvidence(encoded);
    expect(decoded.ok && decoded.card.truncated).toBe(true);
  });

  it('rejects corrupt or foreign cards and keeps hostile names inert in Markdown', () => {
    expect(decodeEvidence('AAAA').ok).toBe(false);
    expect(decodeEvidence(encodeEvidence({ ...card, count: -1 })).ok).toBe(false);
    const hostile = {
      ...card,
      title: '<img src=x onerror=alert(1)> [click](javascript:alert(1))',
      keptAlive: [{ type: '<script>x</script>', count: 1, bytes: 1 }],
    };
    const markdown = evidenceMarkdown(hostile);
    // Every special character is escaped: no raw tag or link syntax survives.
    expect(markdown).not.toMatch(/(?<!\\)<(img|script)|(?<!\\)\]\(javascript/);
    expect(markdown).toContain('\\<img src=x onerror=alert\\(1\\)\\>');
  });
});

describe('dump fingerprints', () => {
  it.each(listFixtures('gcdump', '.gcdump'))("%s: equals node:crypto's SHA-256", async (name) => {
    const bytes = readFixture('gcdump', name);
    const fingerprint = await fingerprintOf(byteSourceFromBytes(bytes, name));
    expect(fingerprint).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, name });
  });

  it('of a Blob, read through one reused buffer, equals the slice-by-slice one, across slice ends', async () => {
    // Sizes around the 8 MB slice, so that reads end inside and at the end of one.
    for (const size of [0, 1, FINGERPRINT_SLICE_BYTES - 1, FINGERPRINT_SLICE_BYTES + 3, 2 * FINGERPRINT_SLICE_BYTES]) {
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 31 + (i >> 13)) & 0xff);
      let yields = 0;
      const fingerprint = await fingerprintOfBlob(new Blob([bytes]), 'x.gcdump', async () => void yields++);
      expect(fingerprint).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), size, name: 'x.gcdump' });
      expect(yields).toBeLessThanOrEqual(Math.ceil(size / FINGERPRINT_SLICE_BYTES));
    }
  });

  it('hashes in WebAssembly where it may, and the JavaScript fallback gives the same digests', async () => {
    expect((await createFingerprinter()).implementation).toBe('WebAssembly');
    const bytes = readFixture('gcdump', listFixtures('gcdump', '.gcdump')[0]);
    const expected = createHash('sha256').update(bytes).digest('hex');
    for (const javaScript of [false, true]) {
      const hasher = await createFingerprinter({ javaScript });
      expect(hasher.implementation).toBe(javaScript ? 'JavaScript' : 'WebAssembly');
      // Uneven pieces, views into a larger buffer among them.
      for (let at = 0, step = 1; at < bytes.length; at += step, step = step * 3 + 1)
        hasher.update(bytes.subarray(at, Math.min(bytes.length, at + step)));
      expect(hasher.digest()).toBe(expected);
    }
  });
});
