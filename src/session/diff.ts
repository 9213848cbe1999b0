/**
 * `heapscope diff BASE CURRENT`: what grew between two dumps of one process, and where it
 * accumulates. A .gcdump has no stable object identity (addresses move), so dumps are compared by
 * type name and by path: each dump's dominator tree folded into type-name paths from the roots, runs
 * collapsed (analysis/dominator-path-tree.ts), the way LeakCanary compares repeated traversals.
 * The baseline is first reduced to its aggregates (`diffSideOf`), so its graph can be released
 * before the current dump is analysed: two incident-size dumps never sit in memory together.
 */
import { pathChildren, pathNames, type DominatorPathTree } from '../analysis/dominator-path-tree';
import type { FindingSummary } from './answers';
import type { OpenedHeap } from './open-heap';

/** What a dump contributes to a diff: per type name, the path tree, the findings. No graph. */
export interface DiffSide {
  readonly name: string;
  /** The input's format (gcdump, sos …): growth paths compare like with like. */
  readonly format: string;
  readonly objects: number;
  readonly bytes: number;
  /** Bytes the root reaches (its retained size), or null without dominators. */
  readonly reachableBytes: number | null;
  readonly types: ReadonlyMap<string, { count: number; bytes: number; retained: number | null }>;
  readonly paths: DominatorPathTree | null;
  readonly findings: readonly FindingSummary[];
  /** Each finding's story as type names: root label, then the path to its entries (runs as their type). */
  readonly findingStories: ReadonlyMap<string, readonly string[]>;
  /**
   * Its analyses are done: before them a side has types (no retained sizes) and no findings, and its
   * paths once its dominators are known.
   */
  readonly analysed: boolean;
}

export function diffSideOf(name: string, opened: OpenedHeap): DiffSide {
  // The Types view's table: its retained column is computed once, after the analyses.
  const { rows, retained } = opened.histogram.table(true);
  const types = new Map<string, { count: number; bytes: number; retained: number | null }>();
  rows.forEach((row, i) =>
    types.set(row.name, { count: row.count, bytes: row.bytes, retained: retained ? retained[i] : null }),
  );
  const paths = opened.session.dominatorPathTree();
  const findings = opened.session.analyzed ? opened.session.findings() : [];
  return {
    name,
    analysed: opened.session.analyzed,
    format: opened.summary.format,
    objects: opened.summary.objectCount,
    bytes: opened.summary.totalBytes,
    reachableBytes: paths
      ? paths.subtreeBytes.reduce((sum, value, p) => (paths.parent[p] < 0 ? sum + value : sum), 0)
      : null,
    types,
    paths,
    findings,
    findingStories: new Map(
      findings.flatMap((finding) => {
        const path = opened.session.findingPath(finding.id);
        if (!path) return [];
        const names = [path.root.name];
        for (const step of path.steps) {
          names.push('run' in step ? step.run.type : step.type);
          if ('run' in step) break;
        }
        return [[finding.id, names] as const];
      }),
    ),
  };
}

export interface TypeDiffRow {
  readonly name: string;
  readonly countBefore: number;
  readonly countAfter: number;
  readonly countDelta: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly bytesDelta: number;
  /** Retained bytes after − before (MAT-style per type), or null where either dump has none. */
  readonly retainedDelta: number | null;
  /** `new`: absent before; `gone`: absent after. */
  readonly status: 'new' | 'gone' | 'both';
}

export interface GrowthEntry {
  /** Type names from the root to where the growth starts (runs collapsed). */
  readonly path: readonly string[];
  /** The type whose objects grew there, and the type holding them (the accumulation point). */
  readonly type: string;
  readonly accumulationPoint: string | null;
  /** The root that holds the path: the static, handle or stack label nearest the root. */
  readonly owner: string | null;
  readonly countBefore: number;
  readonly countAfter: number;
  readonly countDelta: number;
  /** What grew with them: bytes held by this path and everything below it, after − before. */
  readonly retainedDelta: number;
}

export interface FindingDiff {
  readonly status: 'new' | 'grown' | 'shrunk' | 'same' | 'gone';
  readonly title: string;
  readonly pattern: string;
  readonly entryType: string;
  readonly accumulationPoint: string;
  readonly countBefore: number | null;
  readonly countAfter: number | null;
}

export interface HeapDiff {
  readonly before: {
    readonly name: string;
    readonly objects: number;
    readonly bytes: number;
    readonly reachableBytes: number | null;
  };
  readonly after: {
    readonly name: string;
    readonly objects: number;
    readonly bytes: number;
    readonly reachableBytes: number | null;
  };
  readonly types: readonly TypeDiffRow[];
  readonly growth: readonly GrowthEntry[];
  readonly findings: readonly FindingDiff[];
  /** Why there are no growth paths (a transcript has no complete graph; a mixed pair), or null. */
  readonly growthNote: string | null;
  /**
   * The current dump's analyses are still running: this is the types diff by count and bytes alone;
   * retained sizes, growth paths and findings follow once they are ready.
   */
  readonly pending: boolean;
  /**
   * The heap's size before and after: the bytes the roots reach where both dumps have a complete
   * graph (`reachable`), else all bytes (a transcript's, or a mixed pair), so like is compared with like.
   */
  readonly heap: { readonly before: number; readonly after: number; readonly reachable: boolean };
}

export interface DiffOptions {
  /** Rows of the types diff and entries of the growth list kept (biggest first); null: all. */
  readonly top?: number | null;
  /** A path counts as growth from this many more objects… */
  readonly minCountDelta?: number;
  /** …or this many more bytes held. */
  readonly minRetainedDelta?: number;
}

const DEFAULT_MIN_COUNT_DELTA = 100;
const DEFAULT_MIN_RETAINED_DELTA = 1_000_000;

export function diffHeaps(before: DiffSide, after: DiffSide, options: DiffOptions = {}): HeapDiff {
  const top = options.top ?? null;
  const side = (s: DiffSide) => ({
    name: s.name,
    objects: s.objects,
    bytes: s.bytes,
    reachableBytes: s.reachableBytes,
  });
  const pending = !after.analysed;
  // Growth paths need only the current dump's dominators: they come before its other analyses.
  const growthNote =
    pending && !after.paths
      ? `they come once the dominators of ${after.name} are known (growth paths need its dominator tree)`
      : growthNoteOf(before, after);
  const reachable = before.reachableBytes !== null && after.reachableBytes !== null;
  return {
    before: side(before),
    after: side(after),
    types: typesDiff(before, after, top),
    growth:
      growthNote === null
        ? growthPaths(before.paths, after.paths, options).map((entry) => withFindingStory(entry, after))
        : [],
    // Before its analyses the current dump has no findings yet: none is "gone".
    findings: pending ? [] : findingsDiff(before.findings, after.findings),
    growthNote,
    pending,
    heap: reachable
      ? { before: before.reachableBytes!, after: after.reachableBytes!, reachable }
      : { before: before.bytes, after: after.bytes, reachable },
  };
}

const FORMAT_WORDS: Record<string, string> = {
  gcdump: 'a .gcdump',
  sos: 'an SOS transcript',
  'elf-core': 'a core',
  minidump: 'a minidump',
};

/** Growth paths need two dumps of one format, each with a complete reference graph. */
function growthNoteOf(before: DiffSide, after: DiffSide): string | null {
  const words = (format: string) => FORMAT_WORDS[format] ?? format;
  if (before.format !== after.format)
    return `a mixed pair (${words(before.format)} and ${words(after.format)}) compares types only, and type names can differ between formats`;
  if (!before.paths || !after.paths)
    return `they need a complete reference graph, which ${words(before.paths ? after.format : before.format)} does not have: types and findings only`;
  return null;
}

function typesDiff(before: DiffSide, after: DiffSide, top: number | null): TypeDiffRow[] {
  const names = new Set([...before.types.keys(), ...after.types.keys()]);
  const rows: TypeDiffRow[] = [];
  for (const name of names) {
    const b = before.types.get(name);
    const a = after.types.get(name);
    const retainedAfter = a ? a.retained : 0;
    const retainedBefore = b ? b.retained : 0;
    const retainedDelta = retainedAfter === null || retainedBefore === null ? null : retainedAfter - retainedBefore;
    rows.push({
      name,
      countBefore: b?.count ?? 0,
      countAfter: a?.count ?? 0,
      countDelta: (a?.count ?? 0) - (b?.count ?? 0),
      bytesBefore: b?.bytes ?? 0,
      bytesAfter: a?.bytes ?? 0,
      bytesDelta: (a?.bytes ?? 0) - (b?.bytes ?? 0),
      retainedDelta,
      status: !b ? 'new' : !a ? 'gone' : 'both',
    });
  }
  // Unchanged types are left out: the diff lists what changed.
  const changed = rows.filter((row) => row.status !== 'both' || row.countDelta !== 0 || row.bytesDelta !== 0);
  changed.sort((x, y) => y.bytesDelta - x.bytesDelta || y.countDelta - x.countDelta || (x.name < y.name ? -1 : 1));
  return top === null ? changed : changed.slice(0, top);
}

/**
 * Where growth accumulates: path nodes of the current dump whose object count grew by enough while
 * their parent path's did not grow as much — the growth starts there (the members of a list under
 * its holder), not below it (what each member keeps, which grows with the members).
 */
function growthPaths(
  before: DominatorPathTree | null,
  after: DominatorPathTree | null,
  options: DiffOptions,
): GrowthEntry[] {
  if (!after) return [];
  const minCount = options.minCountDelta ?? DEFAULT_MIN_COUNT_DELTA;
  const minBytes = options.minRetainedDelta ?? DEFAULT_MIN_RETAINED_DELTA;
  // The current tree matched top-down against the baseline's: each path node to the baseline's child
  // of its parent's match with the same type name.
  const match = new Int32Array(after.parent.length).fill(-1);
  if (before) {
    const children = pathChildren(before);
    const beforeIdOf = new Map(before.names.map((name, id) => [name, id]));
    const translated = Int32Array.from(after.names, (name) => beforeIdOf.get(name) ?? -1);
    for (let p = 0; p < after.parent.length; p++) {
      const up = after.parent[p];
      const id = translated[after.nameId[p]];
      if ((up >= 0 && match[up] < 0) || id < 0) continue;
      match[p] = children.find(up < 0 ? -1 : match[up], id);
    }
  }
  const countBefore = (p: number) => (match[p] >= 0 && before ? before.count[match[p]] : 0);
  const heldBefore = (p: number) => (match[p] >= 0 && before ? before.subtreeBytes[match[p]] : 0);
  const entries: GrowthEntry[] = [];
  for (let p = 0; p < after.parent.length; p++) {
    const countDelta = after.count[p] - countBefore(p);
    const retainedDelta = after.subtreeBytes[p] - heldBefore(p);
    if (countDelta <= 0 || (countDelta < minCount && retainedDelta < minBytes)) continue;
    const up = after.parent[p];
    if (up >= 0 && 2 * (after.count[up] - countBefore(up)) >= countDelta) continue;
    const path = pathNames(after, p);
    entries.push({
      path,
      type: after.names[after.nameId[p]],
      accumulationPoint: up >= 0 ? after.names[after.nameId[up]] : null,
      owner:
        path
          .slice(0, 4)
          .filter((name) => /^\[.*\]$/.test(name) && !/^\[\]/.test(name))
          .at(-1) ?? null,
      countBefore: countBefore(p),
      countAfter: after.count[p],
      countDelta,
      retainedDelta,
    });
  }
  entries.sort((x, y) => y.retainedDelta - x.retainedDelta || y.countDelta - x.countDelta);
  return options.top ? entries.slice(0, options.top) : entries;
}

/**
 * A list entered from several places (the registrations of one token, also reached from the
 * framework's own) has no single dominator above its members, so its growth sits right under the
 * roots in the dominator tree, and a delegate list reached from a static and a stack names no owner.
 * Where a finding of the current dump counts that type (in that accumulation point), the growth takes
 * the finding's story instead: its root, the owner's path and the accumulation point.
 */
function withFindingStory(entry: GrowthEntry, after: DiffSide): GrowthEntry {
  const underRoots = entry.accumulationPoint === null || /^\[.*\]$/.test(entry.accumulationPoint);
  const finding = after.findings.find(
    (f) =>
      f.entryType === entry.type &&
      after.findingStories.has(f.id) &&
      (underRoots || f.accumulationPoint.type === entry.accumulationPoint),
  );
  if (!finding) return entry;
  return {
    ...entry,
    path: after.findingStories.get(finding.id)!,
    accumulationPoint: finding.accumulationPoint.type,
    owner: finding.owner?.label ?? entry.owner,
  };
}

function findingsDiff(before: readonly FindingSummary[], after: readonly FindingSummary[]): FindingDiff[] {
  const key = (f: FindingSummary) => `${f.pattern}\u0000${f.entryType}\u0000${f.accumulationPoint.type}`;
  const earlier = new Map(before.map((f) => [key(f), f]));
  const out: FindingDiff[] = [];
  for (const f of after) {
    const b = earlier.get(key(f));
    earlier.delete(key(f));
    out.push({
      status: !b ? 'new' : f.count > b.count ? 'grown' : f.count < b.count ? 'shrunk' : 'same',
      title: f.title,
      pattern: f.pattern,
      entryType: f.entryType,
      accumulationPoint: f.accumulationPoint.type,
      countBefore: b?.count ?? null,
      countAfter: f.count,
    });
  }
  for (const b of earlier.values())
    out.push({
      status: 'gone',
      title: b.title,
      pattern: b.pattern,
      entryType: b.entryType,
      accumulationPoint: b.accumulationPoint.type,
      countBefore: b.count,
      countAfter: null,
    });
  return out;
}

/** `--fail-on-growth`: `10MB`, `512KB`, `1048576` (bytes) or `5%` of the baseline's reachable bytes. */
export function parseGrowthThreshold(text: string): { bytes: number } | { percent: number } | null {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (percent) return { percent: Number(percent[1]) };
  const size = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(text.trim());
  if (!size) return null;
  const unit = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 }[(size[2] ?? 'B').toUpperCase() as 'B' | 'KB' | 'MB' | 'GB'];
  return { bytes: Number(size[1]) * unit };
}

/** The heap's growth (reachable bytes, else all bytes) passes the threshold. */
export function growthPasses(diff: HeapDiff, threshold: { bytes: number } | { percent: number }): boolean {
  const { before, after } = diff.heap;
  const grown = after - before;
  return 'bytes' in threshold ? grown >= threshold.bytes : before > 0 && (grown / before) * 100 >= threshold.percent;
}
