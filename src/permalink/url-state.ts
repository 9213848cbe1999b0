/**
 * The permalink format: every view state that matters, in the location hash, versioned.
 *
 *   #v=1&dump=<sha256>&size=<bytes>&name=<file>&view=roots&object=0x7f351e9493b8
 *   #v=1&…&view=findings&finding=runaway-cancellation-registrations@0x7f3504022358&evidence=<deflate+base64url>
 *
 * Version 0 is what the first app wrote (no `v`, only view/sort/dir/filter/regex/split); version 1
 * added the dump, the selection and the evidence card; version 2 the Instances view's filters and
 * sort (`imin`, `imax`, `ilive`, `isplit`, `isort`, `idir`); version 3 `pseudo=1` (the Types view
 * shows the root pseudo-nodes' rows, hidden by default); version 4 the baseline of a diff (`base`,
 * `bsize`, `bname`: the dump the open one is compared with). Older links are brought up to the current
 * version by the UPGRADERS, one step per version, then parsed as current links. The dump itself is never in the URL: `dump`/`size`/`name` say which file the link needs.
 * Everything here is untrusted input: values are validated and length-capped, unknown keys are
 * ignored, and nothing is ever turned into HTML or code.
 */

import { PATH_SIGNATURE } from '../analysis/path-signature';

export const URL_FORMAT_VERSION = 5;

export const VIEWS = [
  'summary',
  'types',
  'findings',
  'dominators',
  'instances',
  'object',
  'roots',
  'diff',
  'transcript',
] as const;
export type UrlView = (typeof VIEWS)[number];

export const SORT_KEYS = ['name', 'count', 'bytes', 'averageSize', 'percent', 'retained'] as const;
export const INSTANCE_SORT_KEYS = ['size', 'retained', 'address', 'distance'] as const;
export const LIVENESS = ['all', 'live', 'dead'] as const;

/** What the Instances view shows of its type: size bounds as typed, liveness, size variants, order. */
export interface InstancesUrlState {
  /** The bounds as the user typed them (`0x8018`, `32,792`), '' for none. */
  readonly min: string;
  readonly max: string;
  readonly liveness: (typeof LIVENESS)[number];
  readonly includeSizeVariants: boolean;
  readonly sortKey: (typeof INSTANCE_SORT_KEYS)[number];
  readonly descending: boolean;
}

export const DEFAULT_INSTANCES_STATE: InstancesUrlState = {
  min: '',
  max: '',
  liveness: 'all',
  includeSizeVariants: true,
  sortKey: 'retained',
  descending: true,
};
export type UrlSortKey = (typeof SORT_KEYS)[number];

/** Longest values accepted (a type name, a file name, a filter, an evidence card). */
const MAX_TEXT = 2000;
const MAX_FILE_NAME = 260;
/** An evidence card must keep the whole URL under 8 KB. */
export const MAX_EVIDENCE_CHARS = 7000;

export interface DumpFingerprint {
  readonly sha256: string;
  readonly size: number;
  readonly name: string;
}

export interface UrlState {
  readonly version: number;
  readonly dump: DumpFingerprint | null;
  readonly view: UrlView;
  readonly sortKey: UrlSortKey;
  readonly descending: boolean;
  readonly filter: string;
  readonly regex: boolean;
  readonly mergeByName: boolean;
  /** The Types view shows the rows of root pseudo-nodes (format 3). */
  readonly pseudo: boolean;
  /** The dump the open one is compared with (format 4), or null. */
  readonly baseDump: DumpFingerprint | null;
  /** The type of the Instances view. */
  readonly typeName: string | null;
  /**
   * The object of the Object/Roots views: by address (`0x…`), or, for an object without one, by its
   * path signature (`path:2.0.5*17811~9f1c2ab4`, src/analysis/path-signature.ts).
   */
  readonly objectAddress: string | null;
  readonly findingId: string | null;
  /** The expanded run node of the Roots view, by the address of its first member. */
  readonly expandedRun: string | null;
  /** A compact evidence card (evidence-card.ts), for people without the dump. */
  readonly evidence: string | null;
  /** The Instances view's filters and order (format 2). */
  readonly instances: InstancesUrlState;
  /** A transcript of several debugger sessions: the one shown (format 5, 1-based), or null. */
  readonly session: number | null;
}

export const DEFAULT_URL_STATE: UrlState = {
  version: URL_FORMAT_VERSION,
  dump: null,
  view: 'summary',
  sortKey: 'bytes',
  descending: true,
  filter: '',
  regex: false,
  mergeByName: true,
  pseudo: false,
  baseDump: null,
  typeName: null,
  objectAddress: null,
  findingId: null,
  expandedRun: null,
  evidence: null,
  instances: DEFAULT_INSTANCES_STATE,
  session: null,
};

export type ParsedUrlState = { readonly state: UrlState; readonly problems: readonly string[] };

const ADDRESS = /^0x[0-9a-f]{1,16}$/;
/** An address, or a path signature for objects without one. */
const OBJECT_KEY = new RegExp(`${ADDRESS.source}|${PATH_SIGNATURE.source}`);
/** Longest object key in a link: a path signature of a few hundred steps of different positions. */
const MAX_OBJECT_KEY = 2000;
const SHA256 = /^[0-9a-f]{64}$/;
/** A size bound as typed: decimal (with separators) or 0x hex. */
const SIZE_TEXT = /^(0x[0-9a-fA-F]{1,16}|[0-9][0-9,_]{0,24})$/;
const FINDING_ID = /^[a-z][a-z-]{0,60}@0x[0-9a-f]{1,16}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** A debugger session of a transcript: 1 to 9999. */
const SESSION = /^[1-9][0-9]{0,3}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function text(value: string | null, max: number, what: string, problems: string[]): string | null {
  if (value === null) return null;
  if (value.length > max) {
    problems.push(`The link's ${what} is longer than ${max} characters; it was ignored.`);
    return null;
  }
  if (CONTROL.test(value)) {
    problems.push(`The link's ${what} contains control characters; it was ignored.`);
    return null;
  }
  return value;
}

function matching(
  value: string | null,
  pattern: RegExp,
  what: string,
  problems: string[],
  maxLength = 200,
): string | null {
  if (value === null) return null;
  if (value.length <= maxLength && pattern.test(value)) return value;
  problems.push(`The link's ${what} is not valid; it was ignored.`);
  return null;
}

function oneOf<T extends string>(
  value: string | null,
  allowed: readonly T[],
  fallback: T,
  what: string,
  problems: string[],
): T {
  if (value === null) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`The link names an unknown ${what} "${value.slice(0, 40)}"; the default is used.`);
  return fallback;
}

/** Names sort ascending by default, numbers descending (biggest first). */
export function defaultDescending(sortKey: UrlSortKey): boolean {
  return sortKey !== 'name';
}

/**
 * One step per format version: UPGRADERS[v] turns a version-v link's parameters into version v+1's.
 * Versions 0 → 1 → 2 only added keys, so their steps change nothing: a step exists for every version
 * so that the next format that renames or reinterprets a key has its place, and tests pin each step.
 */
export const UPGRADERS: readonly ((params: URLSearchParams) => void)[] = [
  // 0 → 1: same keys for the view and the Types table; the dump, selection and evidence keys are new.
  () => {},
  // 1 → 2: the Instances view's keys are new; a version-1 link opens it with the defaults.
  () => {},
  // 2 → 3: `pseudo` is new; a version-2 link opens the Types view without the pseudo-node rows.
  () => {},
  // 3 → 4: `base`, `bsize`, `bname` are new; a version-3 link compares nothing.
  () => {},
  // 4 → 5: `session` is new; a version-4 link opens a transcript at its default session.
  () => {},
];

/** Parses a location hash (with or without `#`). Never throws: bad parts are dropped and reported. */
export function parseUrlState(hash: string): ParsedUrlState {
  const problems: string[] = [];
  if (hash.length > 16_000)
    return { state: DEFAULT_URL_STATE, problems: ['The link is too long to be a heapscope link; it was ignored.'] };
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const get = (key: string) => params.get(key);
  const versionText = get('v');
  const version = versionText === null ? 0 : Number(versionText);
  if (!Number.isInteger(version) || version < 0) {
    return {
      state: DEFAULT_URL_STATE,
      problems: [`The link has an invalid format version "${versionText?.slice(0, 10)}".`],
    };
  }
  if (version > URL_FORMAT_VERSION)
    problems.push(`The link was made by a newer heapscope (format ${version}); some of it may be ignored.`);
  for (let from = version; from < URL_FORMAT_VERSION; from++) UPGRADERS[from](params);

  const sortKey = oneOf(get('sort'), SORT_KEYS, DEFAULT_URL_STATE.sortKey, 'sort column', problems);
  const dir = get('dir');
  let dump: DumpFingerprint | null = null;
  const sha256 = matching(get('dump'), SHA256, 'dump fingerprint', problems);
  if (sha256) {
    const size = Number(get('size'));
    const name = text(get('name'), MAX_FILE_NAME, 'file name', problems) ?? 'the dump';
    if (Number.isSafeInteger(size) && size >= 0) dump = { sha256, size, name };
    else problems.push('The link names a dump without a valid size; it was ignored.');
  }
  let baseDump: DumpFingerprint | null = null;
  const baseSha = matching(get('base'), SHA256, 'baseline dump fingerprint', problems);
  if (baseSha) {
    const size = Number(get('bsize'));
    const name = text(get('bname'), MAX_FILE_NAME, 'baseline file name', problems) ?? 'the baseline';
    if (Number.isSafeInteger(size) && size >= 0) baseDump = { sha256: baseSha, size, name };
    else problems.push('The link names a baseline dump without a valid size; it was ignored.');
  }
  const evidence = get('evidence');
  let evidenceValue: string | null = null;
  if (evidence !== null) {
    if (evidence.length <= MAX_EVIDENCE_CHARS && BASE64URL.test(evidence)) evidenceValue = evidence;
    else problems.push('The link carries an evidence card that is not valid; it was ignored.');
  }
  return {
    state: {
      version,
      dump,
      view: oneOf(get('view'), VIEWS, DEFAULT_URL_STATE.view, 'view', problems),
      sortKey,
      descending: dir === 'asc' ? false : dir === 'desc' ? true : defaultDescending(sortKey),
      filter: text(get('filter'), MAX_TEXT, 'filter', problems) ?? '',
      regex: get('regex') === '1',
      mergeByName: get('split') !== '1',
      pseudo: get('pseudo') === '1',
      baseDump,
      typeName: text(get('type'), MAX_TEXT, 'type name', problems),
      objectAddress: matching(get('object'), OBJECT_KEY, 'object', problems, MAX_OBJECT_KEY),
      findingId: matching(get('finding'), FINDING_ID, 'finding', problems),
      expandedRun: matching(get('run'), ADDRESS, 'expanded run', problems),
      evidence: evidenceValue,
      instances: {
        min: matching(get('imin'), SIZE_TEXT, 'minimum size', problems) ?? '',
        max: matching(get('imax'), SIZE_TEXT, 'maximum size', problems) ?? '',
        liveness: oneOf(get('ilive'), LIVENESS, DEFAULT_INSTANCES_STATE.liveness, 'liveness', problems),
        includeSizeVariants: get('isplit') !== '1',
        sortKey: oneOf(get('isort'), INSTANCE_SORT_KEYS, DEFAULT_INSTANCES_STATE.sortKey, 'instance order', problems),
        descending: get('idir') === 'asc' ? false : get('idir') === 'desc' ? true : get('isort') !== 'address',
      },
      session: sessionOf(matching(get('session'), SESSION, 'transcript session', problems)),
    },
    problems,
  };
}

function sessionOf(text: string | null): number | null {
  return text === null ? null : Number(text);
}

/** The hash for a state (without defaults), `#…`, or '' when everything is default. */
export function encodeUrlState(state: UrlState): string {
  const params = new URLSearchParams();
  const instances = state.instances ?? DEFAULT_INSTANCES_STATE;
  const hasMore =
    state.dump !== null ||
    JSON.stringify(instances) !== JSON.stringify(DEFAULT_INSTANCES_STATE) ||
    state.typeName !== null ||
    state.objectAddress !== null ||
    state.findingId !== null ||
    state.baseDump !== null ||
    state.evidence !== null ||
    (state.session ?? null) !== null;
  if (hasMore) params.set('v', String(URL_FORMAT_VERSION));
  if (state.dump) {
    params.set('dump', state.dump.sha256);
    params.set('size', String(state.dump.size));
    params.set('name', state.dump.name);
  }
  if (state.view !== 'summary') params.set('view', state.view);
  if (state.sortKey !== DEFAULT_URL_STATE.sortKey) params.set('sort', state.sortKey);
  if (state.descending !== defaultDescending(state.sortKey)) params.set('dir', state.descending ? 'desc' : 'asc');
  if (state.filter !== '') params.set('filter', state.filter);
  if (state.regex) params.set('regex', '1');
  if (!state.mergeByName) params.set('split', '1');
  if (state.pseudo) params.set('pseudo', '1');
  if (state.baseDump) {
    params.set('base', state.baseDump.sha256);
    params.set('bsize', String(state.baseDump.size));
    params.set('bname', state.baseDump.name);
  }
  if (state.typeName !== null) params.set('type', state.typeName);
  if (state.objectAddress !== null) params.set('object', state.objectAddress);
  if (state.findingId !== null) params.set('finding', state.findingId);
  if (state.expandedRun !== null) params.set('run', state.expandedRun);
  if ((state.session ?? null) !== null) params.set('session', String(state.session));
  if (instances.min !== '') params.set('imin', instances.min);
  if (instances.max !== '') params.set('imax', instances.max);
  if (instances.liveness !== 'all') params.set('ilive', instances.liveness);
  if (!instances.includeSizeVariants) params.set('isplit', '1');
  if (instances.sortKey !== DEFAULT_INSTANCES_STATE.sortKey) params.set('isort', instances.sortKey);
  if (instances.descending !== (instances.sortKey !== 'address'))
    params.set('idir', instances.descending ? 'desc' : 'asc');
  if (state.evidence !== null) params.set('evidence', state.evidence);
  const encoded = params.toString();
  return encoded === '' ? '' : `#${encoded}`;
}
