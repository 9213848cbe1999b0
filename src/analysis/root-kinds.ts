/**
 * Root categories, recognised by the names of the pseudo-nodes between the root and the objects
 * (gcdump spec §5.1 for dotnet-gcdump/dotnet-monitor, §5.2 for PerfView's names across its eras).
 * Names are mapped, not hard-coded per producer: matching ignores case, spaces and a plural `s`.
 */

export type RootKind =
  | 'staticVariable'
  | 'threadStaticVariable'
  | 'localVariable'
  | 'pinnedLocalVariable'
  | 'strongHandle'
  | 'pinnedHandle'
  | 'asyncPinnedHandle'
  | 'finalizerQueue'
  | 'dependentHandle'
  | 'comInterop'
  | 'otherHandle'
  | 'other';

/** How each kind is shown (the UI and the CLI use these words). */
export const ROOT_KIND_LABELS: Readonly<Record<RootKind, string>> = {
  staticVariable: 'static variable',
  threadStaticVariable: 'thread-static variable',
  localVariable: 'local variable (stack)',
  pinnedLocalVariable: 'pinned local variable',
  strongHandle: 'strong handle',
  pinnedHandle: 'pinned handle',
  asyncPinnedHandle: 'async pinned handle',
  finalizerQueue: 'finalizer queue',
  dependentHandle: 'dependent handle (ConditionalWeakTable)',
  comInterop: 'COM/WinRT',
  otherHandle: 'other handle',
  other: 'other root',
};

/** Category names, normalised by `normalizeRootName`, with the kind each stands for. */
const KIND_BY_CATEGORY_NAME: Readonly<Record<string, RootKind>> = {
  // dotnet-gcdump, dotnet-monitor, PerfView's ETW path before 2024 (§5.1)
  staticvar: 'staticVariable',
  threadstaticvar: 'threadStaticVariable',
  localvar: 'localVariable',
  stronghandle: 'strongHandle',
  pinninghandle: 'pinnedHandle',
  finalizerhandle: 'finalizerQueue',
  'com/winrtobject': 'comInterop',
  otherhandle: 'otherHandle',
  dependenthandle: 'dependentHandle',
  otherroot: 'other',
  // PerfView since 2024 (§5.2): [FinalizerQueue], [PinnedHandle], [StrongHandle], debugger path
  finalizerqueue: 'finalizerQueue',
  pinnedhandle: 'pinnedHandle',
  asyncpinnedhandle: 'asyncPinnedHandle',
  sizedrefhandle: 'otherHandle',
  none: 'other',
  pinnedlocalvar: 'pinnedLocalVariable',
  // ClrMD root-kind names of the older debugger path (§5.2): [Strong handles], [Pinned handles]
  refcountedhandle: 'comInterop',
  weakhandle: 'otherHandle',
};

/**
 * Names that carry no category of their own: the root itself (`[.NET Roots]`, `[GC Heaps]`,
 * `[JS Roots]`) and per-root labels that inherit their parent's category.
 */
const NEUTRAL_NAMES: ReadonlySet<string> = new Set(['.netroot', 'gcheap', 'jsroot']);

/** Per-root label prefixes (after normalisation): `[static var T.f]`, `[CCW 0x… for type T]`, `[RCW …]`. */
const LABEL_PREFIXES: readonly string[] = ['staticvar', 'ccw', 'rcw'];

/** Lower case, no brackets, no spaces, no plural `s`: `[Strong handles]` → `stronghandle`. */
function normalizeRootName(bracketedName: string): string {
  const compact = bracketedName.slice(1, -1).toLowerCase().replace(/\s+/g, '');
  return compact.endsWith('s') ? compact.slice(0, -1) : compact;
}

/**
 * The category a pseudo-node's name stands for, or null when the name has none of its own (the
 * root, a `[static var T.f]` or `[CCW …]` label: those take the category of the node above them) or
 * is not a bracketed name at all. An unknown bracketed name is 'other'.
 */
export function rootKindOfName(name: string): RootKind | null {
  if (!name.startsWith('[') || !name.endsWith(']')) return null;
  const compact = name.slice(1, -1).toLowerCase().replace(/\s+/g, '');
  for (const prefix of LABEL_PREFIXES) {
    if (compact.startsWith(prefix) && compact.length > prefix.length && compact !== prefix + 's') return null;
  }
  const normalized = normalizeRootName(name);
  if (NEUTRAL_NAMES.has(normalized)) return null;
  return KIND_BY_CATEGORY_NAME[normalized] ?? 'other';
}
