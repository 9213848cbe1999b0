/**
 * Rule: a CancellationTokenSource with a runaway number of callback registrations.
 *
 * Each `token.Register(…)` — and each `ChangeToken.OnChange` / `RegisterChangeCallback` on an
 * IChangeToken backed by a CancellationToken, such as IConfiguration's reload token — adds a
 * registration node to the source. It stays until the registration is disposed or the token fires.
 * Registered per request on a token that lives for the process, the list only grows, and each node
 * keeps its callback, its state and (unless UnsafeRegister was used) the ExecutionContext captured
 * at registration — with it every AsyncLocal value of that request.
 *
 * Layouts handled (the registration list hangs off the source):
 *  - .NET Core 3.x: CTS → CallbackPartition[] → CallbackPartition → CallbackNode (linked by Next/Prev);
 *  - .NET 5+:       CTS → Registrations → CallbackNode (linked by Next/Prev);
 *  - .NET Framework: CTS → SparselyPopulatedArray<CancellationCallbackInfo>[] → … → CancellationCallbackInfo.
 * Nested types are matched in every spelling (`CancellationTokenSource+CallbackNode`, Mono's dotted
 * form, or plain `CallbackNode` as CoreCLR's dotnet-gcdump writes it).
 */
import { ELIDED_LINKS_TYPE_NAME, NO_NODE } from '../../heap/types';
import type { AnalysisContext } from '../analysis-context';
import { isTypeNamed, simpleTypeName } from '../type-names';
import { findingId, type Finding } from './finding';
import { addressOf, chainRuleFinding, formatCount, ownerNames, typeNameOf } from './finding-support';

export const DEFAULT_REGISTRATION_THRESHOLD = 1_000;

const REGISTRATION_TYPES = [
  'System.Threading.CancellationTokenSource+CallbackNode',
  'System.Threading.CancellationCallbackInfo',
];
const LIST_STRUCTURE_TYPES = [
  'System.Threading.CancellationTokenSource+CallbackPartition',
  'System.Threading.CancellationTokenSource+CallbackPartition[]',
  'System.Threading.CancellationTokenSource+Registrations',
  'System.Threading.SparselyPopulatedArray<System.Threading.CancellationCallbackInfo>',
  'System.Threading.SparselyPopulatedArray<System.Threading.CancellationCallbackInfo>[]',
  'System.Threading.SparselyPopulatedArrayFragment<System.Threading.CancellationCallbackInfo>',
  'System.Threading.CancellationCallbackInfo[]',
];

const enum Role {
  None = 0,
  Structure = 1,
  Registration = 2,
  Source = 3,
}

function rolesByType(names: readonly string[]): Uint8Array {
  const roles = new Uint8Array(names.length);
  names.forEach((name, t) => {
    // A transcript's `...` inside the list: walked through like the list's own structure.
    if (name === ELIDED_LINKS_TYPE_NAME) roles[t] = Role.Structure;
    else if (REGISTRATION_TYPES.some((q) => isTypeNamed(name, q))) roles[t] = Role.Registration;
    else if (LIST_STRUCTURE_TYPES.some((q) => isTypeNamed(name, q))) roles[t] = Role.Structure;
    else if (simpleTypeName(name).endsWith('CancellationTokenSource')) roles[t] = Role.Source;
  });
  return roles;
}

export interface CancellationRuleResult {
  readonly findings: Finding[];
  /** Registration nodes counted by a finding, so other rules do not report them again. */
  readonly claimed: Uint8Array;
}

export function cancellationRegistrationFindings(
  context: AnalysisContext,
  threshold = DEFAULT_REGISTRATION_THRESHOLD,
): CancellationRuleResult {
  const { heap } = context;
  const n = heap.nodes.count;
  const { start: edgeStart, target: edgeTarget } = heap.edges;
  const roles = rolesByType(heap.types.names);
  const roleOf = (node: number) => roles[heap.nodes.type[node]];
  const claimed = new Uint8Array(n);
  const findings: Finding[] = [];
  if (!roles.some((role) => role === Role.Registration)) return { findings, claimed };

  // Walk from each source through its list structure only; `stamp` marks nodes seen for this source.
  const stamp = new Uint32Array(n);
  const queue = new Uint32Array(n);
  let sourceOrdinal = 0;
  for (let source = 0; source < n; source++) {
    if (roleOf(source) !== Role.Source) continue;
    sourceOrdinal++;
    let head = 0;
    let tail = 0;
    let registrations = 0;
    stamp[source] = sourceOrdinal;
    queue[tail++] = source;
    while (head < tail) {
      const node = queue[head++];
      for (let e = edgeStart.get(node), rowEnd = edgeStart.get(node + 1); e < rowEnd; e++) {
        const next = edgeTarget[e];
        const role = roleOf(next);
        if (stamp[next] === sourceOrdinal || (role !== Role.Structure && role !== Role.Registration)) continue;
        stamp[next] = sourceOrdinal;
        queue[tail++] = next;
        if (role === Role.Registration) registrations++;
      }
    }
    if (registrations === 0) continue;
    const registrationNodes = new Uint32Array(registrations);
    let k = 0;
    for (let q = 1; q < tail; q++) if (roleOf(queue[q]) === Role.Registration) registrationNodes[k++] = queue[q];
    const idEvidence = registrations < threshold ? highestPrintedId(context, registrationNodes) : null;
    if (registrations < threshold && (idEvidence === null || idEvidence.id < threshold)) continue;

    for (const node of registrationNodes) claimed[node] = 1;
    findings.push(
      describe(context, source, registrationNodes, (node) => roleOf(node) !== Role.None || node === source, idEvidence),
    );
  }
  return { findings, claimed };
}

/**
 * A transcript shows a few registrations of a list it elided; a dumpobj of one of them may print its
 * `Id`, which the source hands out one per registration (.NET Core 3.x numbers them per partition,
 * .NET 5+ per source). The highest printed Id is then how many registrations were made.
 */
interface IdEvidence {
  readonly id: number;
  readonly node: number;
}

function highestPrintedId(context: AnalysisContext, registrations: Uint32Array): IdEvidence | null {
  const { objectFields } = context.heap;
  if (objectFields.size === 0) return null;
  let best: IdEvidence | null = null;
  for (const node of registrations) {
    const field = objectFields.get(node)?.find((f) => f.name === 'Id' && f.attr === 'instance');
    const id = field?.value && /^\d{1,15}$/.test(field.value) ? Number(field.value) : Number.NaN;
    if (Number.isFinite(id) && (best === null || id > best.id)) best = { id, node };
  }
  return best;
}

function describe(
  context: AnalysisContext,
  source: number,
  registrations: Uint32Array,
  isListPart: (node: number) => boolean,
  idEvidence: IdEvidence | null,
): Finding {
  const { heap } = context;
  const count = idEvidence ? idEvidence.id : registrations.length;
  const registrationType = typeNameOf(heap, registrations[0]);
  const owners = ownerNames(context, source, 2, isListPart);
  // This rule speaks only without dominators (findings/index.ts), so what the registrations keep
  // alive is not known. A transcript's printed chain shows what one of them leads to instead.
  const chainOn = heap.format === 'sos' ? printedChainAfter(context, registrations, isListPart) : null;
  const pathTarget = chainOn?.at(-1) ?? NO_NODE;
  const capturesContext = (chainOn ?? []).some((node) => simpleTypeName(typeNameOf(heap, node)) === 'ExecutionContext');
  const reloadToken = owners.some((owner) => /ReloadToken|ChangeToken/.test(owner));
  const ownerText = owners.length > 0 ? ` owned by ${owners.join(' ← ')}` : '';

  const explanation = [
    `A ${typeNameOf(heap, source)}${ownerText} holds ${formatCount(count)} callback registrations (${registrationType}). ` +
      'A registration stays on the token until it is disposed or the token is cancelled.',
    ...(idEvidence
      ? [
          `The input shows ${formatCount(registrations.length)} of them (gcroot prints one path through the list, not the list); the count is the Id field ${formatCount(idEvidence.id)} its dumpobj printed for the registration at ${addressOf(heap, idEvidence.node)}. The token hands out one Id per registration, so that many were made; those not disposed are still on the list.`,
        ]
      : []),
    chainOn && chainOn.length > 0
      ? `In the transcript's gcroot chain the registrations lead on to ${chainOn.map((node) => simpleTypeName(typeNameOf(heap, node))).join(' → ')}: what one registration keeps alive.` +
        (capturesContext
          ? ' A captured ExecutionContext carries every AsyncLocal value of the request that registered the callback, so the whole request stays in memory.'
          : '') +
        ' A transcript has no complete reference graph, so the bytes they keep alive are not known here.'
      : 'What the callbacks keep alive is unknown: this input has no complete reference graph.',
    reloadToken
      ? 'Likely cause: a callback is registered on a configuration reload token (IConfiguration.GetReloadToken().RegisterChangeCallback, ChangeToken.OnChange) on every request and the returned IDisposable is never disposed. The reload token only fires when configuration reloads, so the list grows for the life of the process.'
      : 'Likely cause: CancellationToken.Register (or an IChangeToken callback) is called per request or per operation on a token that lives much longer, and the returned CancellationTokenRegistration is never disposed.',
    'Fix: dispose the registration when the work ends (`using var registration = token.Register(…)`); register once at startup (a singleton using ChangeToken.OnChange) rather than per request; or use CancellationToken.UnsafeRegister when the callback does not need the ExecutionContext.',
  ];
  return chainRuleFinding(
    {
      id: findingId('runaway-cancellation-registrations', addressOf(heap, source)),
      kind: 'runaway-cancellation-registrations',
      severity: 'critical',
      title: `${formatCount(count)} callback registrations on one CancellationTokenSource${owners[0] ? ` (${simpleTypeName(owners[0])})` : ''}`,
      count,
      retainedBytes: null,
      anchor: { node: source, type: typeNameOf(heap, source), address: addressOf(heap, source) },
      owners,
      keptAlive: [],
      pathTarget: pathTarget !== NO_NODE ? pathTarget : registrations[registrations.length - 1],
      explanation,
    },
    reloadToken ? 'change-token-callback' : 'token-register',
    registrationType,
  );
}

/**
 * A transcript: the objects its chain prints after the last registration, following the first
 * reference out of each (elision markers skipped), at most MAX_PRINTED_CHAIN of them.
 */
const MAX_PRINTED_CHAIN = 64;

function printedChainAfter(
  context: AnalysisContext,
  registrations: Uint32Array,
  isListPart: (node: number) => boolean,
): number[] {
  const { heap } = context;
  const { start, target } = heap.edges;
  const seen = new Set<number>();
  // The last registration on the printed chain: one whose references lead out of the list.
  let node = NO_NODE as number;
  for (const registration of registrations) {
    for (let e = start.get(registration), rowEnd = start.get(registration + 1); e < rowEnd; e++) {
      if (!isListPart(target[e])) node = registration;
    }
  }
  const chain: number[] = [];
  while (node !== NO_NODE && chain.length < MAX_PRINTED_CHAIN) {
    seen.add(node);
    let next = NO_NODE as number;
    for (let e = start.get(node), rowEnd = start.get(node + 1); e < rowEnd; e++) {
      const candidate = target[e];
      if (
        !seen.has(candidate) &&
        !(isListPart(candidate) && heap.types.names[heap.nodes.type[candidate]] !== ELIDED_LINKS_TYPE_NAME)
      ) {
        next = candidate;
        break;
      }
    }
    if (next === NO_NODE) break;
    if (heap.types.names[heap.nodes.type[next]] !== ELIDED_LINKS_TYPE_NAME) chain.push(next);
    node = next;
  }
  return chain;
}
