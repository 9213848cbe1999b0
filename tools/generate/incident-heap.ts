/**
 * Builds a heap with the shape of the incident in
 * test-data/sos/seed-incident-logistics-netcore31.txt at any scale, deterministic
 * from a seed: its type mix and totals (`dumpheap -stat`), the runaway chain of CallbackNodes on a
 * ConfigurationReloadToken's CancellationTokenSource that keeps each request's 32,792-byte buffer
 * alive, JSON trees (JObject → Entry[] → JProperty → JValue → String), TraceScope lists, filler
 * objects with ≈2 references each, and a few unreachable objects.
 *
 * Type names follow what dotnet-gcdump writes for a CoreCLR process (gcdump spec §5.4): nested
 * types lose their declaring type (`CallbackNode`, `Entry<…>[]`), generic arity markers become
 * `<…>`, and objects over 1,000 bytes get a ` (Bytes > 1K)`-style suffix.
 */
import { HeapBuilder, UNKNOWN_PRODUCER } from '../../src/heap/heap-builder';
import { NodeFlag, type HeapModel, type NodeIndex, type TypeIndex } from '../../src/heap/types';
import { mulberry32 } from '../../src/test-support/prng';

/** Figures of the incident's `dumpheap -stat` and `dumpheap -min 0x8018 -max 0x8018`. */
export const INCIDENT = {
  objects: 18_591_667,
  bytes: 2_539_831_376,
  chainLength: 17_812,
  requestBuffers: 28_563,
  requestBufferSize: 32_792,
  byteArrays: 101_757,
  byteArrayBytes: 1_047_579_498,
  jProperty: { count: 2_118_456, bytes: 220_319_424 },
  string: { count: 1_945_658, bytes: 205_832_084 },
  jValue: { count: 2_100_061, bytes: 134_403_904 },
  traceScope: { count: 629_539, bytes: 75_544_680 },
  entryArray: { count: 115_010, bytes: 71_585_040 },
  traceContext: { count: 31_949, bytes: 4_345_064 },
} as const;

/** Below this many objects the chain is scaled down (but kept ≥ MIN_CHAIN, above the finding threshold). */
const FULL_CHAIN_FROM_OBJECTS = 1_000_000;
const MIN_CHAIN = 1_000;
/** Share of filler objects left unreachable (dead objects a full GC would free). */
const UNREACHABLE_SHARE = 0.02;
const CORE_LIB = 'System.Private.CoreLib.dll';

export interface IncidentOptions {
  readonly objects: number;
  readonly seed?: number;
  readonly onProgress?: (message: string) => void;
  /**
   * Registrations on the runaway token instead of the incident's 17,812 (the same dump with a longer
   * or shorter leak, for `heapscope diff` benchmarks); the object total stays `objects`.
   */
  readonly chainLength?: number;
}

export interface IncidentFacts {
  readonly chainLength: number;
  readonly requestBuffers: number;
  readonly chainHead: NodeIndex;
  readonly cancellationTokenSource: NodeIndex;
  readonly firstLeakedBuffer: NodeIndex;
}

/** dotnet-gcdump's size-range suffix (gcdump spec §5.4). */
export function sizeSuffix(size: number): string {
  if (size <= 1000) return '';
  if (size < 10_000) return ' (Bytes > 1K)';
  if (size < 100_000) return ' (Bytes > 10K)';
  if (size < 1_000_000) return ' (Bytes > 100K)';
  if (size < 10_000_000) return ' (Bytes > 1M)';
  if (size < 100_000_000) return ' (Bytes > 10M)';
  return ' (Bytes > 100M)';
}

/** Filler types: name, module, shallow size (0 = variable), weight. Mean size ≈ 67 bytes. */
const FILLERS: readonly [string, string, number, number][] = [
  ['System.Object[]', CORE_LIB, 0, 6],
  ['System.Collections.Generic.List<System.Object>', CORE_LIB, 32, 8],
  ['System.Threading.Tasks.Task<System.Object>', CORE_LIB, 72, 6],
  ['System.Action', CORE_LIB, 64, 5],
  ['System.Func<System.Object,System.Object>', CORE_LIB, 64, 4],
  ['System.Collections.Generic.Dictionary<System.String,System.Object>', CORE_LIB, 80, 3],
  ['System.Char[]', CORE_LIB, 0, 3],
  ['System.Text.StringBuilder', CORE_LIB, 48, 3],
  ['System.Int32[]', CORE_LIB, 0, 2],
  ['System.WeakReference', CORE_LIB, 24, 4],
  ['System.Object', CORE_LIB, 24, 10],
  ['Node<System.String,System.Object>', CORE_LIB, 48, 6],
  ['Newtonsoft.Json.Linq.JArray', 'Newtonsoft.Json.dll', 48, 3],
  ['xxx.Logistics.Model.Shipment', 'xxx.Logistics.dll', 96, 5],
  ['xxx.Logistics.Model.Parcel', 'xxx.Logistics.dll', 88, 8],
  ['xxx.Logistics.Model.Address', 'xxx.Logistics.dll', 72, 6],
  ['xxx.Logistics.Model.TrackingEvent', 'xxx.Logistics.dll', 56, 10],
  ['System.Decimal', CORE_LIB, 32, 4],
  ['System.DateTimeOffset', CORE_LIB, 32, 4],
];

class IncidentBuilder {
  readonly b = new HeapBuilder('gcdump');
  private readonly random: () => number;
  private nextAddress = 0x7f55_0000_0000;
  private readonly typeCache = new Map<string, TypeIndex>();
  objects = 0;
  bytes = 0;

  constructor(seed: number) {
    this.random = mulberry32(seed);
    this.b.addType('UNDEFINED');
  }

  rand(): number {
    return this.random();
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private type(name: string, module: string | null): TypeIndex {
    const key = `${module}\u0000${name}`;
    let t = this.typeCache.get(key);
    if (t === undefined) {
      t = this.b.internType(name, module);
      this.typeCache.set(key, t);
    }
    return t;
  }

  /** A heap object of this type and size at the next address (8-byte aligned). */
  obj(name: string, size: number, module: string = CORE_LIB): NodeIndex {
    const address = this.nextAddress;
    this.nextAddress += Math.ceil(size / 8) * 8;
    this.objects++;
    this.bytes += size;
    return this.b.addNode(
      this.type(name + sizeSuffix(size), module),
      size,
      address % 0x1_0000_0000,
      Math.floor(address / 0x1_0000_0000),
      NodeFlag.Defined,
    );
  }

  pseudo(name: string): NodeIndex {
    this.objects++;
    return this.b.addNode(this.type(name, null), 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo);
  }

  ref(from: NodeIndex, to: NodeIndex): void {
    this.b.addEdge(from, to);
  }

  /** A chain a → b → c …; returns the last node. */
  path(from: NodeIndex, steps: readonly [string, number, string?][]): NodeIndex {
    let previous = from;
    for (const [name, size, module] of steps) {
      const node = this.obj(name, size, module);
      this.ref(previous, node);
      previous = node;
    }
    return previous;
  }
}

export function buildIncidentHeap(options: IncidentOptions): { heap: HeapModel; facts: IncidentFacts } {
  const total = Math.floor(options.objects);
  if (!(total >= 50_000)) throw new Error(`the incident needs at least 50,000 objects (asked for ${options.objects})`);
  const scale = total / INCIDENT.objects;
  const say = options.onProgress ?? (() => {});
  const g = new IncidentBuilder(options.seed ?? 1);
  const scaled = (n: number) => Math.max(1, Math.round(n * scale));

  // ── Roots (gcdump spec §5.1) ──
  const root = g.pseudo('[.NET Roots]');
  const statics = g.pseudo('[static vars]');
  const locals = g.pseudo('[local vars]');
  const other = g.pseudo('[other roots]');
  const strong = g.pseudo('[strong Handles]');
  const pinning = g.pseudo('[pinning Handles]');
  const finalizer = g.pseudo('[finalizer Handles]');
  for (const category of [statics, locals, other]) g.ref(root, category);
  for (const handles of [strong, pinning, finalizer]) g.ref(other, handles);
  const staticVar = (label: string) => {
    const node = g.pseudo(`[static var ${label}]`);
    g.ref(statics, node);
    return node;
  };

  // ── The thread whose ExecutionContext reaches the root service scope (the gcroot of the transcript) ──
  say('roots and the configuration');
  const scope = g.path(locals, [
    ['ThreadPoolWorkQueueThreadLocals', 32],
    ['System.Threading.Thread', 64],
    ['System.Threading.ExecutionContext', 40],
    ['MultiElementAsyncLocalValueMap', 24],
    ['System.Collections.Generic.KeyValuePair<System.Threading.IAsyncLocal,System.Object>[]', 88],
    ['TraceScope', 120, 'xxx.Tracing.dll'],
    [
      'Microsoft.Extensions.DependencyInjection.ServiceLookup.ServiceProviderEngineScope',
      48,
      'Microsoft.Extensions.DependencyInjection.dll',
    ],
    [
      'Microsoft.Extensions.DependencyInjection.ServiceLookup.DynamicServiceProviderEngine',
      88,
      'Microsoft.Extensions.DependencyInjection.dll',
    ],
    [
      'Microsoft.Extensions.DependencyInjection.ServiceLookup.ServiceProviderEngineScope',
      48,
      'Microsoft.Extensions.DependencyInjection.dll',
    ],
    ['System.Collections.Generic.List<System.IDisposable>', 32],
    ['System.IDisposable[]', 280],
  ]);
  const configRoot = g.path(scope, [
    ['Microsoft.Extensions.Configuration.ConfigurationRoot', 32, 'Microsoft.Extensions.Configuration.dll'],
  ]);
  g.ref(staticVar('xxx.Program.<Configuration>k__BackingField'), configRoot);
  const providers = g.path(configRoot, [
    ['System.Collections.Generic.List<Microsoft.Extensions.Configuration.IConfigurationProvider>', 32],
  ]);
  g.path(providers, [
    ['Microsoft.Extensions.Configuration.IConfigurationProvider[]', 56],
    [
      'Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider',
      48,
      'Microsoft.Extensions.Configuration.Json.dll',
    ],
  ]);
  const reloadToken = g.path(configRoot, [
    ['Microsoft.Extensions.Configuration.ConfigurationReloadToken', 24, 'Microsoft.Extensions.Configuration.dll'],
  ]);
  const cts = g.path(reloadToken, [['System.Threading.CancellationTokenSource', 64]]);
  const partitions = g.path(cts, [['CallbackPartition[]', 88]]);
  const partitionNodes: NodeIndex[] = [];
  for (let p = 0; p < 8; p++) {
    const partition = g.obj('CallbackPartition', 48);
    g.ref(partitions, partition);
    g.ref(partition, cts);
    partitionNodes.push(partition);
  }

  // ── Requests: the runaway registrations and the buffers they keep alive ──
  const chainLength =
    options.chainLength !== undefined
      ? Math.max(MIN_CHAIN, Math.floor(options.chainLength))
      : total >= FULL_CHAIN_FROM_OBJECTS
        ? INCIDENT.chainLength
        : Math.max(MIN_CHAIN, scaled(INCIDENT.chainLength));
  const requestBuffers = Math.max(chainLength + 10, scaled(INCIDENT.requestBuffers));
  const traceContexts = Math.max(requestBuffers + 10, scaled(INCIDENT.traceContext.count));
  const scopesPerContext = Math.max(2, Math.round(INCIDENT.traceScope.count / INCIDENT.traceContext.count));
  say(
    `${chainLength.toLocaleString('en-US')} registrations, ${requestBuffers.toLocaleString('en-US')} request buffers`,
  );
  const callbackMethod = g.obj('System.Reflection.RuntimeMethodInfo', 104);
  const activeTraces = g.path(staticVar('xxx.RequestTrace.ActiveTraces'), [
    ['System.Collections.Generic.List<xxx.RequestTrace.AspNetTraceContext>', 32],
  ]);
  const activeArray = g.obj('xxx.RequestTrace.AspNetTraceContext[]', 24 + 8 * (traceContexts - chainLength));
  g.ref(activeTraces, activeArray);

  /** One request: the context, the HttpContext, the connection, the buffering stream and (optionally) its buffer. */
  const request = (withBuffer: boolean): { context: NodeIndex; buffer: NodeIndex | null } => {
    const context = g.obj('xxx.RequestTrace.AspNetTraceContext', 136, 'xxx.RequestTrace.dll');
    const httpContext = g.path(context, [
      ['Microsoft.AspNetCore.Http.DefaultHttpContext', 152, 'Microsoft.AspNetCore.Http.dll'],
    ]);
    const connection = g.path(httpContext, [
      [
        'Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.Http1Connection',
        648,
        'Microsoft.AspNetCore.Server.Kestrel.Core.dll',
      ],
    ]);
    g.path(httpContext, [
      ['Microsoft.AspNetCore.Http.Features.FeatureCollection', 48, 'Microsoft.Extensions.Features.dll'],
      ['System.Collections.Generic.KeyValuePair<System.Type,System.Object>[]', 232],
    ]);
    let buffer: NodeIndex | null = null;
    if (withBuffer) {
      const stream = g.path(connection, [
        ['Microsoft.AspNetCore.WebUtilities.FileBufferingReadStream', 120, 'Microsoft.AspNetCore.WebUtilities.dll'],
      ]);
      buffer = g.obj('System.Byte[]', INCIDENT.requestBufferSize);
      g.ref(stream, buffer);
    }
    let previousScope: NodeIndex = context;
    for (let s = 0; s < scopesPerContext; s++) {
      const traceScope = g.obj('TraceScope', 120, 'xxx.Tracing.dll');
      g.ref(previousScope, traceScope);
      g.ref(traceScope, context);
      previousScope = traceScope;
    }
    return { context, buffer };
  };

  let previousNode: NodeIndex | null = null;
  let chainHead: NodeIndex | null = null;
  let firstLeakedBuffer: NodeIndex | null = null;
  for (let k = 0; k < chainLength; k++) {
    // CallbackNode fields (the transcript's dumpobj): Partition, Prev, Next, Callback, CallbackState, ExecutionContext.
    const node = g.obj('CallbackNode', 80);
    g.ref(node, partitionNodes[0]);
    if (previousNode === null) {
      g.ref(partitionNodes[0], node);
      chainHead = node;
    } else {
      g.ref(previousNode, node);
      g.ref(node, previousNode);
    }
    const callback = g.obj('System.Action<System.Object>', 64);
    const closure = g.obj('[]c__DisplayClass18_0', 24, 'xxx.Extensions.dll');
    g.ref(node, callback);
    g.ref(callback, closure);
    g.ref(callback, callbackMethod);
    g.ref(closure, configRoot);
    g.ref(node, configRoot);
    const executionContext = g.obj('System.Threading.ExecutionContext', 40);
    g.ref(node, executionContext);
    const map = g.path(executionContext, [
      ['MultiElementAsyncLocalValueMap', 24],
      ['System.Collections.Generic.KeyValuePair<System.Threading.IAsyncLocal,System.Object>[]', 88],
    ]);
    const { context, buffer } = request(true);
    g.ref(map, context);
    firstLeakedBuffer ??= buffer;
    previousNode = node;
  }
  for (let k = chainLength; k < traceContexts; k++) g.ref(activeArray, request(k < requestBuffers).context);

  // ── JSON documents cached by the service (the bulk of the objects) ──
  say('JSON documents');
  const documents = scaled(INCIDENT.entryArray.count);
  const properties = scaled(INCIDENT.jProperty.count);
  const valueStrings = scaled(INCIDENT.string.count) - 64;
  const cache = g.path(staticVar('xxx.Logistics.Cache.Documents'), [
    ['System.Collections.Concurrent.ConcurrentDictionary<System.String,Newtonsoft.Json.Linq.JObject>', 64],
  ]);
  const buckets = g.obj('Node<System.String,Newtonsoft.Json.Linq.JObject>[]', 24 + 8 * Math.min(documents, 100_000));
  g.ref(cache, buckets);
  const propertyNames: NodeIndex[] = [];
  for (let s = 0; s < 64; s++) propertyNames.push(g.obj('System.String', 22 + 2 * g.int(4, 24)));
  const stringBudget = INCIDENT.string.bytes * scale;
  const meanValueString = Math.max(22, (stringBudget - 64 * 52) / Math.max(1, valueStrings));
  let propertiesLeft = properties;
  let stringsLeft = valueStrings;
  for (let d = 0; d < documents; d++) {
    const propertyCount =
      d === documents - 1
        ? propertiesLeft
        : Math.max(
            1,
            Math.min(
              propertiesLeft - (documents - d - 1),
              Math.round((propertiesLeft / (documents - d)) * (0.5 + g.rand())),
            ),
          );
    propertiesLeft -= propertyCount;
    const entry = g.obj('Node<System.String,Newtonsoft.Json.Linq.JObject>', 48);
    g.ref(buckets, entry);
    const jObject = g.path(entry, [['Newtonsoft.Json.Linq.JObject', 72, 'Newtonsoft.Json.dll']]);
    const dictionary = g.path(jObject, [
      ['Newtonsoft.Json.Linq.JPropertyKeyedCollection', 56, 'Newtonsoft.Json.dll'],
      ['System.Collections.Generic.Dictionary<System.String,Newtonsoft.Json.Linq.JToken>', 80],
    ]);
    const entries = g.obj(
      'Entry<System.String,Newtonsoft.Json.Linq.JToken>[]',
      24 + 24 * Math.max(3, Math.ceil(propertyCount * 1.3)),
    );
    g.ref(dictionary, entries);
    for (let p = 0; p < propertyCount; p++) {
      const name = propertyNames[g.int(0, propertyNames.length - 1)];
      const property = g.obj('Newtonsoft.Json.Linq.JProperty', 104, 'Newtonsoft.Json.dll');
      g.ref(entries, name);
      g.ref(entries, property);
      g.ref(property, name);
      g.ref(property, jObject);
      const value = g.obj('Newtonsoft.Json.Linq.JValue', 64, 'Newtonsoft.Json.dll');
      g.ref(property, value);
      if (stringsLeft > 0 && g.rand() < valueStrings / properties) {
        stringsLeft--;
        const length = Math.max(1, Math.round((meanValueString - 22) / 2) + g.int(-8, 8));
        g.ref(value, g.obj('System.String', 22 + 2 * length));
      }
    }
    if ((d & 0xffff) === 0) say(`JSON documents ${d.toLocaleString('en-US')} / ${documents.toLocaleString('en-US')}`);
  }

  // ── Other byte arrays, then fillers up to the object count; the last few absorb the byte budget ──
  say('other byte arrays and filler objects');
  const otherByteArrays = Math.max(0, scaled(INCIDENT.byteArrays) - requestBuffers);
  const byteArrayBudget = INCIDENT.byteArrayBytes * scale - requestBuffers * INCIDENT.requestBufferSize;
  const pinned = g.path(pinning, [['System.Object[]', 24 + 8 * 64]]);
  for (let k = 0; k < otherByteArrays; k++) {
    const size =
      24 + Math.max(0, Math.round((byteArrayBudget / Math.max(1, otherByteArrays) - 24) * (0.25 + 1.5 * g.rand())));
    g.ref(k % 7 === 0 ? pinned : buckets, g.obj('System.Byte[]', size));
  }
  const weights = FILLERS.reduce((s, f) => s + f[3], 0);
  const pickFiller = () => {
    let x = g.rand() * weights;
    for (const filler of FILLERS) if ((x -= filler[3]) < 0) return filler;
    return FILLERS[0];
  };
  const fillerCount = total - g.objects;
  if (fillerCount < 0)
    throw new Error(`${total} objects are too few for the incident's fixed structures (${g.objects})`);
  // Variable-size fillers steer toward the byte budget: at each step they take the mean that the
  // remaining objects need, given the fixed-size fillers' share and mean.
  const variableShare = FILLERS.filter((f) => f[2] === 0).reduce((s, f) => s + f[3], 0) / weights;
  const fixedMean =
    FILLERS.filter((f) => f[2] > 0).reduce((s, f) => s + f[2] * f[3], 0) / (weights * (1 - variableShare));
  const byteTarget = INCIDENT.bytes * scale;
  const unreachableFrom = Math.floor(fillerCount * (1 - UNREACHABLE_SHARE));
  const anchors = [buckets, pinned, strong, finalizer];
  let parent: NodeIndex = buckets;
  let grandParent: NodeIndex = pinned;
  for (let k = 0; k < fillerCount; k++) {
    const [name, module, fixedSize] = pickFiller();
    let size = fixedSize;
    if (size === 0) {
      const needed = (byteTarget - g.bytes) / (fillerCount - k);
      const variableMean = Math.max(24, (needed - (1 - variableShare) * fixedMean) / variableShare);
      size = 24 + 8 * Math.round(((variableMean - 24) / 8) * 2 * g.rand());
    }
    const node = g.obj(name, size, module);
    if (k < unreachableFrom) {
      // ≈2 references per object: one from the tree parent, one sideways from the grandparent.
      g.ref(parent, node);
      if (g.rand() < 0.8) g.ref(grandParent, node);
      if (g.rand() < 0.3) {
        grandParent = parent;
        parent = node;
      }
      if (g.rand() < 0.002) {
        parent = anchors[g.int(0, anchors.length - 1)];
        grandParent = buckets;
      }
    } else if (k > unreachableFrom) {
      // Dead objects: referenced only by other dead objects.
      g.ref((node - 1) as NodeIndex, node);
    }
    if ((k & 0xfffff) === 0) say(`filler ${k.toLocaleString('en-US')} / ${fillerCount.toLocaleString('en-US')}`);
  }

  say('building the model');
  g.b.setRoot(root);
  g.b.setProducer({
    ...UNKNOWN_PRODUCER,
    creationTool: 'heapscope-generator',
    description: `heapscope generator (incident shape, seed ${options.seed ?? 1})`,
    pointerSize: 8,
  });
  const heap = g.b.build();
  return {
    heap,
    facts: {
      chainLength,
      requestBuffers,
      chainHead: chainHead!,
      cancellationTokenSource: cts,
      firstLeakedBuffer: firstLeakedBuffer!,
    },
  };
}
