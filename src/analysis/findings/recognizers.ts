/**
 * Recognizers: the words on top of the general accumulation analysis. Each looks at what the heap
 * shows of a group — the members' type, the accumulation point and the path to it from its owner,
 * what one member references — and, when it knows the API that made such a structure, names the
 * pattern and gives cause and fix in that API's vocabulary. Where none matches, the general words.
 * An explanation never claims more than those facts.
 */
import { simpleTypeName, withArticle } from '../type-names';

export type LeakPattern =
  | 'linked-token-source'
  | 'token-register'
  | 'change-token-callback'
  | 'event-subscription'
  | 'page-kept-by-event'
  | 'timer'
  | 'growing-static-collection'
  | 'general';

/** What a recognizer may look at (type names only: the heap's facts, not guesses). */
export interface GroupFacts {
  readonly count: number;
  /** The members' type name. */
  readonly entryType: string;
  /** The accumulation point's type name. */
  readonly pointType: string;
  /** Type names on the owner's path, from the owner down to the accumulation point. */
  readonly pathTypes: readonly string[];
  /** The root's name (`[static var PriceFeed.PriceChanged]`) and its kind's words. */
  readonly rootName: string;
  readonly rootKind: string;
  /** Type names one member references directly, and those two references away. */
  readonly memberTargets: readonly string[];
  readonly memberTargets2: readonly string[];
  /** The type, among what each member keeps alive, that holds most bytes. */
  readonly biggestKeptType: string | null;
}

export interface Recognition {
  readonly pattern: LeakPattern;
  /**
   * Where the API puts the owner of the structure: an index into `pathTypes` (e.g. the object whose
   * change token carries the registrations), when the path shows one; the finding's owner is then
   * that object, reached from the root. Absent: the first object under the root.
   */
  readonly holder?: number;
  /** The words: what the heap shows, in the API's vocabulary (one paragraph). */
  readonly what: string;
  readonly cause: string;
  readonly fix: string;
}

const REGISTRATION = /^(CallbackNode|CancellationCallbackInfo)$/;
const LINKED_SOURCE = /^Linked(\d+|N)?CancellationTokenSource$/;
const DELEGATE = /(EventHandler|Handler|Action|Func|Callback|Delegate)(<.*>)?$/;
const VIEW = /(Page|View|Window|Form|UserControl|Dialog|Screen|Activity|Fragment)$/;
const COLLECTION =
  /^System\.Collections\.(Concurrent\.ConcurrentDictionary|Concurrent\.ConcurrentBag|Concurrent\.ConcurrentQueue|Generic\.Dictionary|Generic\.List|Generic\.HashSet|Generic\.Queue|Generic\.Stack|Generic\.SortedDictionary|Hashtable|ArrayList)(<|$)|^Microsoft\.Extensions\.Caching\.Memory\.MemoryCache$/;

const n = (count: number) => count.toLocaleString('en-US');
const short = (name: string) => simpleTypeName(name);

/** The field a `[static var Declaring.field]` root names, or null. */
function staticField(rootName: string): string | null {
  const match = /^\[(?:thread )?static var (.+)\]$/.exec(rootName);
  return match ? match[1] : null;
}

function ownerWords(facts: GroupFacts): string {
  const field = staticField(facts.rootName);
  return field ? `the static field ${field}` : `${facts.rootName} (${facts.rootKind})`;
}

/** A token's own parts, from the registration list up: its partitions, its source, the token itself. */
const TOKEN_PART = /^(Registrations|CallbackPartition(\[\])?)$|Token(Source)?$/;

/**
 * The token a registration list belongs to, and who holds it: walking up the path from the list
 * while the objects are the token's own parts (Registrations, CancellationTokenSource, a change
 * token …), the outermost token met, and the first object above them — the token's owner in the
 * API's sense (the ConfigurationManager whose reload token it is), whatever root the path starts at.
 */
function tokenAndHolder(facts: GroupFacts): { token: string; holder: number | null } {
  let token = 'CancellationTokenSource';
  let at = facts.pathTypes.length - 1;
  for (; at >= 0 && TOKEN_PART.test(short(facts.pathTypes[at])); at--) {
    if (/Token(Source)?$/.test(short(facts.pathTypes[at]))) token = short(facts.pathTypes[at]);
  }
  return { token, holder: at >= 0 ? at : null };
}

/** An array type's name, as `simpleTypeName` gives it (collector suffixes dropped): `Object[]`, `Delegate[]`. */
const ARRAY = /\[\]$/;

/**
 * The object whose event holds the handlers: walking up the path from the accumulation point over
 * the event's own parts (the multicast delegate, its invocation list — `Object[]` in CoreCLR,
 * `Delegate[]` in Mono — nested delegates), the first object that is neither; its index in
 * `pathTypes`, or null when the path is only those parts (the root is the event's static field).
 */
function eventPublisher(facts: GroupFacts): number | null {
  for (let at = facts.pathTypes.length - 1; at >= 0; at--) {
    const name = short(facts.pathTypes[at]);
    if (!DELEGATE.test(name) && !ARRAY.test(name)) return at;
  }
  return null;
}

export function recognize(facts: GroupFacts): Recognition {
  const entry = short(facts.entryType);
  const root = ownerWords(facts);
  const count = n(facts.count);

  if (REGISTRATION.test(entry)) {
    const { token, holder } = tokenAndHolder(facts);
    // "on the ConfigurationReloadToken of ConfigurationManager, reached from the static field …", or
    // "on a CancellationTokenSource held by the static field …" when the root holds the token itself.
    const on =
      holder !== null
        ? `the ${token} of ${facts.pathTypes[holder]}${holder > 0 ? `, reached from ${root}` : ` (held by ${root})`}`
        : `a ${token} held by ${root}`;
    const owned = holder !== null ? { holder } : {};
    if (facts.memberTargets.some((name) => LINKED_SOURCE.test(short(name)))) {
      return {
        pattern: 'linked-token-source',
        ...owned,
        what: `${count} linked CancellationTokenSources made by CancellationTokenSource.CreateLinkedTokenSource are still registered on ${on}.`,
        cause:
          'A linked source registers a callback on every token it links to, and only Dispose() removes it. Created per request or per operation and never disposed, each linked source — with whatever its own registrations and callbacks capture — stays on the long-lived token.',
        fix: 'Dispose each linked source when its operation ends: `using var linked = CancellationTokenSource.CreateLinkedTokenSource(token);`.',
      };
    }
    const changeToken =
      facts.pathTypes.some((name) => /ReloadToken|ChangeToken/.test(short(name))) ||
      [...facts.memberTargets, ...facts.memberTargets2].some((name) => /ChangeTokenRegistration/.test(name));
    if (changeToken) {
      return {
        pattern: 'change-token-callback',
        ...owned,
        what: `${count} change callbacks (IChangeToken.RegisterChangeCallback or ChangeToken.OnChange, each a registration on the token's CancellationTokenSource) are registered on ${on}.`,
        cause:
          'A change callback stays registered until the IDisposable that RegisterChangeCallback or ChangeToken.OnChange returned is disposed, or the token fires. Registered per request on a token that rarely fires (a configuration reload token), the list grows for the life of the process, with everything each callback captured.',
        fix: 'Dispose the returned IDisposable when the work ends (`using var registration = token.RegisterChangeCallback(…)`), or register once at startup (a singleton using ChangeToken.OnChange) rather than per request.',
      };
    }
    return {
      pattern: 'token-register',
      ...owned,
      what: `${count} callbacks are registered with CancellationToken.Register on ${on}.`,
      cause:
        'A registration stays on the token until the CancellationTokenRegistration that Register returned is disposed, or the token is cancelled. Registered per request on a token that lives for the process, the list only grows, and each registration keeps its callback and the state it captured.',
      fix: 'Dispose the registration when the work ends: `using var registration = token.Register(…);` (or `await using`).',
    };
  }

  if (entry === 'TimerQueueTimer' || facts.pathTypes.some((name) => short(name) === 'TimerQueue')) {
    return {
      pattern: 'timer',
      what: `${count} System.Threading.Timers are still scheduled in the runtime's timer queue (held by ${root}).`,
      cause:
        'The timer queue keeps every timer that has not been disposed, with its callback and its state object. A timer whose state (or callback target) is the object that owns the timer keeps that owner alive too, so the timer is never finalized: each one lives until Dispose.',
      fix: 'Dispose each timer when its owner is done (make the owner IDisposable and call `timer.Dispose()` there, or `await using` a timer), and stop creating one per request or per item.',
    };
  }

  if (DELEGATE.test(entry)) {
    const views = [...facts.memberTargets, ...facts.memberTargets2].filter((name) => VIEW.test(short(name)));
    // The event's publisher is the finding's owner, reached from the root (a window held by the
    // application, held by a static field); without one on the path, the root is the event itself.
    const publisher = eventPublisher(facts);
    const owned = publisher !== null ? { holder: publisher } : {};
    const held = publisher !== null && publisher > 0 ? `reached from ${root}` : `held by ${root}`;
    const event =
      publisher !== null
        ? `an event of ${short(facts.pathTypes[publisher])}`
        : (staticField(facts.rootName) ?? `an event of ${short(facts.pointType)}`);
    if (views.length > 0) {
      const view = short(views[0]);
      return {
        pattern: 'page-kept-by-event',
        ...owned,
        what: `${count} ${view} objects are still subscribed (${entry}) to ${event}, which lives longer than they do (${held}); each keeps its whole tree.`,
        cause:
          'A view that subscribes to an event of a longer-lived object (the window, the application, a singleton service) is referenced by that object until it unsubscribes. Closed views that never unsubscribe cannot be collected — even a few matter, each holds everything it displayed.',
        fix: `Unsubscribe when the view goes away (its Unloaded / Disappearing / Closed handler, or Dispose), or subscribe through a weak event manager.`,
      };
    }
    return {
      pattern: 'event-subscription',
      ...owned,
      what: `${count} handlers (${entry}) are subscribed to ${event} (${held}) and never removed.`,
      cause:
        'An event keeps every subscriber in its invocation list until it unsubscribes; subscribers of a static or long-lived object live as long as it does. Subscribed per request or per item and never removed, the list only grows.',
      fix: 'Unsubscribe (`-=`) when the subscriber is done — or dispose the subscription object, if the event was subscribed through an API that returned an IDisposable — or use a weak event.',
    };
  }

  const collection = [...facts.pathTypes].reverse().find((name) => COLLECTION.test(name));
  if (collection && (facts.rootKind === 'static variable' || staticField(facts.rootName))) {
    const what = short(collection.replace(/<.*$/, ''));
    const memoryCache = what === 'MemoryCache';
    return {
      pattern: 'growing-static-collection',
      what: `${count} entries (${entry}) accumulate in ${withArticle(what)} held by ${root}.`,
      cause: memoryCache
        ? 'A MemoryCache without a SizeLimit and without expirations keeps every entry until it is removed; keyed by something unbounded (a request id, a URL), it only grows.'
        : `${withArticle(what, true)} reachable from a static field lives for the process; entries added per request or per item and never removed make it grow without bound.`,
      fix: memoryCache
        ? 'Give the cache a SizeLimit (and each entry a Size) and expirations, or key it by something finite.'
        : `Remove entries when they are no longer needed, bound the ${what} (evict the oldest), or use a cache with a size limit and expirations (MemoryCache with SizeLimit) instead.`,
    };
  }

  const list = facts.pointType === facts.entryType;
  return {
    pattern: 'general',
    what: list
      ? `${count} × ${facts.entryType} form one linked list, its head held by ${root}.`
      : `${count} × ${facts.entryType} accumulate in ${withArticle(short(facts.pointType))} held by ${root}.`,
    cause: `Nothing in the heap names the code that adds them: they are many objects of one type under one holder, and together they keep what is listed here alive${facts.biggestKeptType ? ` (mostly ${short(facts.biggestKeptType)})` : ''}.`,
    fix: list
      ? `Find where ${short(facts.entryType)} objects are linked onto this list and trim it (or stop linking each one to the previous); the root path shows who holds its head.`
      : `Find where ${short(facts.entryType)} objects are added to the ${short(facts.pointType)} and where they should be removed; the root path shows who holds it.`,
  };
}
