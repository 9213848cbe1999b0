/**
 * Where the bytes of a heap are, by broad category: the "what kind of memory is this" bar chart
 * of the Summary view. A pure function over (type name, bytes) pairs, so it works on any input
 * that has a type histogram (gcdump, transcript) and is tested without a heap.
 *
 * The rules are by name only (a dump has no base-class information in its type table), checked in
 * the order of `CATEGORY_RULES`; the first match wins. Names are as .NET tools print them:
 * `System.Collections.Generic.List<System.String>` (gcdump), `System.Collections.Generic.List`1[[…]]`
 * (SOS), possibly with PerfView's size-bucket suffix `System.Int32[] (Bytes > 10K)`.
 */

export type ByteCategoryId =
  | 'strings'
  | 'byte-arrays'
  | 'other-arrays'
  | 'collections'
  | 'delegates'
  | 'tasks-async'
  | 'reflection-runtime'
  | 'own-namespace'
  | 'own-other'
  | 'other';

export interface ByteCategory {
  readonly id: ByteCategoryId;
  /** What the chart shows: "Strings", or for own types the namespace, e.g. "MauiApp3". */
  readonly label: string;
  readonly bytes: number;
  readonly count: number;
}

export interface TypeBytes {
  readonly name: string;
  readonly bytes: number;
  readonly count: number;
}

/** How many of the application's own namespaces get a bar of their own; the rest are summed. */
export const TOP_OWN_NAMESPACES = 5;

/**
 * Namespace roots that belong to the runtime, the base class library or the platform, not to
 * "your own types". `ABI` and `WinRT` are the CsWinRT projections a WinUI/MAUI app carries.
 */
const FRAMEWORK_NAMESPACE_ROOTS = new Set([
  'System',
  'Microsoft',
  'Mono',
  'Internal',
  'Interop',
  'WinRT',
  'Windows',
  'ABI',
  'MS',
  'Newtonsoft',
  'FSharp',
]);

/**
 * Suffixes collectors append to type names (gcdump spec §5.4): a size range for big objects,
 * `System.Byte[] (Bytes > 100K)`, and PerfView's array marks, ` (NoPtrs,ElemSize=4)`, also combined
 * as ` (Bytes > 10K,Ptrs,ElemSize=16)`.
 */
const SIZE_BUCKET_SUFFIX = / \((?:Bytes > [^)]*|(?:No)?Ptrs,ElemSize=[^)]*)\)$/;

/** C# compiler-generated async state machines: `Outer+<RunAsync>d__12`. */
const ASYNC_STATE_MACHINE = /\+<[^>]*>d__\d+/;

/** Well-known delegate types of the base class library (a dump's type table has no base types). */
const DELEGATE_NAME =
  /^System\.(Action|Func|Predicate|Comparison|Converter|EventHandler|Delegate|MulticastDelegate|AsyncCallback)\b|^System\.Threading\.(TimerCallback|WaitCallback|SendOrPostCallback|ContextCallback|ThreadStart|ParameterizedThreadStart|WaitOrTimerCallback)\b|(EventHandler|Callback|Delegate)(`\d+)?(<.*>|\[\[.*\]\])?$/;

const TASKS_ASYNC_NAME =
  /^System\.Threading\.Tasks\.|^System\.Runtime\.CompilerServices\.(Async|ConfiguredTaskAwaitable|TaskAwaiter|ValueTaskAwaiter|YieldAwaitable)|^System\.Threading\.(Cancellation|Timer(?!Callback)|SparselyPopulatedArray|ExecutionContext|SynchronizationContext|ThreadPool|Channels\.)|StateMachineBox/;

const REFLECTION_RUNTIME_NAME =
  /^System\.(RuntimeType|RuntimeTypeHandle|RuntimeMethodHandle|RuntimeFieldHandle|Signature|Type|Reflection\.|Runtime\.|RuntimeMethodInfoStub|RuntimeFieldInfoStub|Guid|__Canon|Attribute)\b|^Free$|^Internal\.Runtime\.|^Mono\.(RuntimeStructs|Runtime)|^System\.Runtime\b/;

/**
 * CoreCLR's collector drops the declaring type of nested types (gcdump spec §5.4): the BCL's
 * `CancellationTokenSource+CallbackNode` arrives as `CallbackNode`, `Dictionary+Entry<K,V>[]` as
 * `Entry<K,V>[]`. These are the short names of that kind we recognize.
 */
const SHORT_NESTED_TASKS_ASYNC =
  /^(CallbackNode|Registrations|Linked1CancellationTokenSource|Linked2CancellationTokenSource|LinkedNCancellationTokenSource|TimerQueueTimer)$/;
const SHORT_NESTED_COLLECTION =
  /^(Entry|Node|Slot|Bucket|Tables|VolatileNode|KeyCollection|ValueCollection|Enumerator)(<.*>)?(\[\])?$/;
const SHORT_NESTED_RUNTIME = /^(RuntimeTypeCache|ActivatorCache|MemberInfoCache<.*>|FunctionPointerCache)$/;
/** Lambda closures and cached lambdas: `[]c__DisplayClass2_0`, `[]c` (the collector's spelling of `<>c`). */
const CLOSURE_NAME = /(^|[.+])\[\]c(__DisplayClass[\w]*)?(<.*>)?$/;

/** Outer type name without the size bucket, generic arguments or array rank. */
function baseName(name: string): string {
  let text = name.replace(SIZE_BUCKET_SUFFIX, '');
  const genericStart = text.search(/[<`[]/);
  if (genericStart > 0) text = text.slice(0, genericStart);
  return text;
}

/**
 * True for `X[]`, `X[][]`, `X[,]`, and `X<,>`: the collector spells multi-dimensional arrays with
 * angle brackets (gcdump spec §5.4).
 */
function isArrayName(name: string): boolean {
  return /(\[,*\]|<,+>)$/.test(name.replace(SIZE_BUCKET_SUFFIX, ''));
}

/**
 * The namespace of a type for grouping "your own types": at most the first two segments of the
 * outer type's namespace (`Contoso.Orders.Api.Handler+Inner` → `Contoso.Orders`). Null when the
 * name has no namespace (`Free`, pseudo-nodes, JavaScript heap names such as `Object`).
 */
export function namespaceOf(name: string): string | null {
  // Pseudo-nodes (`[.NET Roots]`), compiler-generated (`<CppImplementationDetails>.X`) and
  // JavaScript heap names (`(Type  HTMLStyleElement)`) have no namespace of their own.
  if (!/^[A-Za-z_]/.test(name)) return null;
  const outer = baseName(name).split('+')[0];
  const lastDot = outer.lastIndexOf('.');
  if (lastDot <= 0) return null;
  return outer.slice(0, lastDot).split('.').slice(0, 2).join('.');
}

function isFrameworkNamespace(namespace: string): boolean {
  return FRAMEWORK_NAMESPACE_ROOTS.has(namespace.split('.')[0]);
}

/** The category of one type name (own types come back as 'own-namespace' with their namespace). */
export function categorizeTypeName(name: string): { id: ByteCategoryId; namespace: string | null } {
  const bare = name.replace(SIZE_BUCKET_SUFFIX, '');
  if (bare === 'System.String') return { id: 'strings', namespace: null };
  if (bare === 'System.Byte[]' || bare === 'System.SByte[]') return { id: 'byte-arrays', namespace: null };
  if (ASYNC_STATE_MACHINE.test(bare) || TASKS_ASYNC_NAME.test(bare) || SHORT_NESTED_TASKS_ASYNC.test(bare)) {
    return { id: 'tasks-async', namespace: null };
  }
  if (/^System\.Collections\./.test(bare) || SHORT_NESTED_COLLECTION.test(bare)) {
    return { id: 'collections', namespace: null };
  }
  if (isArrayName(bare)) return { id: 'other-arrays', namespace: null };
  if (DELEGATE_NAME.test(bare) || CLOSURE_NAME.test(bare)) return { id: 'delegates', namespace: null };
  if (REFLECTION_RUNTIME_NAME.test(bare) || SHORT_NESTED_RUNTIME.test(bare)) {
    return { id: 'reflection-runtime', namespace: null };
  }
  const namespace = namespaceOf(bare);
  if (namespace !== null && !isFrameworkNamespace(namespace)) return { id: 'own-namespace', namespace };
  return { id: 'other', namespace: null };
}

const FIXED_LABELS: Record<Exclude<ByteCategoryId, 'own-namespace'>, string> = {
  strings: 'Strings',
  'byte-arrays': 'Byte arrays',
  'other-arrays': 'Other arrays',
  collections: 'Collections',
  delegates: 'Delegates / closures',
  'tasks-async': 'Tasks / async',
  'reflection-runtime': 'Reflection / runtime',
  'own-other': 'Your types (other namespaces)',
  other: 'Other framework / unnamed',
};

/**
 * Sums bytes and counts per category, biggest first. Own types get one entry per namespace for
 * the `topNamespaces` biggest namespaces and one 'own-other' entry for the rest. Categories with
 * no bytes and no objects are left out.
 */
export function byteCategories(types: Iterable<TypeBytes>, topNamespaces = TOP_OWN_NAMESPACES): ByteCategory[] {
  const fixed = new Map<ByteCategoryId, { bytes: number; count: number }>();
  const byNamespace = new Map<string, { bytes: number; count: number }>();
  const add = (map: Map<string, { bytes: number; count: number }>, key: string, type: TypeBytes) => {
    const entry = map.get(key);
    if (entry) {
      entry.bytes += type.bytes;
      entry.count += type.count;
    } else {
      map.set(key, { bytes: type.bytes, count: type.count });
    }
  };
  for (const type of types) {
    const { id, namespace } = categorizeTypeName(type.name);
    if (id === 'own-namespace' && namespace !== null) add(byNamespace, namespace, type);
    else add(fixed as Map<string, { bytes: number; count: number }>, id, type);
  }
  const namespaces = [...byNamespace.entries()].sort((a, b) => b[1].bytes - a[1].bytes || (a[0] < b[0] ? -1 : 1));
  const result: ByteCategory[] = [];
  for (const [namespace, totals] of namespaces.slice(0, topNamespaces)) {
    result.push({ id: 'own-namespace', label: namespace, ...totals });
  }
  const rest = namespaces.slice(topNamespaces);
  if (rest.length > 0) {
    const bytes = rest.reduce((sum, [, totals]) => sum + totals.bytes, 0);
    const count = rest.reduce((sum, [, totals]) => sum + totals.count, 0);
    result.push({ id: 'own-other', label: FIXED_LABELS['own-other'], bytes, count });
  }
  for (const [id, totals] of fixed) {
    result.push({ id, label: FIXED_LABELS[id as Exclude<ByteCategoryId, 'own-namespace'>], ...totals });
  }
  return result
    .filter((category) => category.bytes > 0 || category.count > 0)
    .sort((a, b) => b.bytes - a.bytes || (a.label < b.label ? -1 : 1));
}
