/**
 * Rule: an event whose handler list only grows. A multicast delegate keeps its handlers in an
 * invocation list (an object array of delegates); every `+=` copies the list with one more entry.
 * Subscribers that never unsubscribe stay alive as long as the event's owner — forever for a
 * static event.
 */
import { NodeFlag } from '../../heap/types';
import type { AnalysisContext } from '../analysis-context';
import { simpleTypeName } from '../type-names';
import { findingId, type Finding, type KeptAliveRow } from './finding';
import {
  addressOf,
  chainRuleFinding,
  formatBytes,
  formatCount,
  nearestRetainer,
  ownerNames,
  typeNameOf,
  KEPT_ALIVE_ROWS,
} from './finding-support';

export const DEFAULT_HANDLER_THRESHOLD = 100;
/** Share of an array's entries that must be delegates for it to count as an invocation list. */
const DELEGATE_SHARE = 0.9;
/** Delegate types by their simple name: EventHandler, EventHandler<T>, Action<…>, Func<…>, PropertyChangedEventHandler, … */
const DELEGATE_NAME =
  /(?:^|[^A-Za-z])?(?:EventHandler|Handler|Action|Func|Callback|Delegate|Predicate|Comparison)(?:<.*>)?$/;
const METHOD_INFO_NAME = /RuntimeMethodInfo|MethodInfo|IntPtr/;

function isDelegateName(name: string): boolean {
  return DELEGATE_NAME.test(simpleTypeName(name));
}

export function eventHandlerFindings(context: AnalysisContext, threshold = DEFAULT_HANDLER_THRESHOLD): Finding[] {
  const { heap, retained } = context;
  const { start, target } = heap.edges;
  const delegateType = heap.types.names.map(isDelegateName);
  const isDelegate = (node: number) =>
    delegateType[heap.nodes.type[node]] && (heap.nodes.flags[node] & NodeFlag.Pseudo) === 0;
  const findings: Finding[] = [];
  for (let list = 0; list < heap.nodes.count; list++) {
    const entries = start.get(list + 1) - start.get(list);
    if (entries < threshold || isDelegate(list) || heap.nodes.flags[list] & NodeFlag.Pseudo) continue;
    let delegates = 0;
    for (let e = start.get(list), rowEnd = start.get(list + 1); e < rowEnd; e++) if (isDelegate(target[e])) delegates++;
    if (delegates < entries * DELEGATE_SHARE) continue;
    const multicast = nearestRetainer(context, list, (node) => !isDelegate(node));
    if (multicast === -1 || multicast === 0xffff_ffff) continue;

    const subscribers = new Map<string, KeptAliveRow>();
    let lastSubscriber = list;
    for (let e = start.get(list), rowEnd = start.get(list + 1); e < rowEnd; e++) {
      const handler = target[e];
      for (let c = start.get(handler), rowEnd = start.get(handler + 1); c < rowEnd; c++) {
        const child = target[c];
        const name = typeNameOf(heap, child);
        if (METHOD_INFO_NAME.test(name) || child === list) continue;
        const row = subscribers.get(name) ?? { type: name, count: 0, bytes: 0 };
        subscribers.set(name, { type: name, count: row.count + 1, bytes: row.bytes + heap.nodes.size.get(child) });
        lastSubscriber = child;
      }
    }
    const rows = [...subscribers.values()]
      .sort((a, b) => b.count - a.count || b.bytes - a.bytes)
      .slice(0, KEPT_ALIVE_ROWS);
    const owners = ownerNames(context, multicast, 2);
    const handlerType = typeNameOf(heap, multicast);
    const retainedBytes = retained ? retained[list] : null;
    findings.push(
      chainRuleFinding(
        {
          id: findingId('growing-event-handler-list', addressOf(heap, list)),
          kind: 'growing-event-handler-list',
          severity: 'warning',
          title: `An event with ${formatCount(delegates)} handlers (${simpleTypeName(handlerType)})${owners[0] ? ` on ${owners[0]}` : ''}`,
          count: delegates,
          retainedBytes,
          anchor: { node: list, type: typeNameOf(heap, list), address: addressOf(heap, list) },
          owners: [handlerType, ...owners],
          keptAlive: rows,
          pathTarget: lastSubscriber,
          explanation: [
            `The invocation list of a ${handlerType}${owners.length > 0 ? ` held by ${owners.join(' ← ')}` : ''} has ${formatCount(delegates)} handlers.` +
              (retainedBytes !== null ? ` It keeps ${formatBytes(retainedBytes)} alive.` : ''),
            rows.length > 0
              ? `The handlers belong to: ${rows.map((r) => `${formatCount(r.count)} × ${r.type}`).join(', ')}.`
              : '',
            "Likely cause: objects subscribe to this event (`+=`) and never unsubscribe. The event holds a strong reference to each subscriber, so subscribers live as long as the event's owner — for a static event, as long as the process.",
            'Fix: unsubscribe (`-=`) when the subscriber is done (for example in Dispose), subscribe once instead of per operation, or use a weak-event pattern.',
          ].filter(Boolean),
        },
        'event-subscription',
        handlerType,
      ),
    );
  }
  return findings;
}
