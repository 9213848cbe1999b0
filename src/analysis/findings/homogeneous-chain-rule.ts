/**
 * Rule: a long chain of objects of one type, each kept alive by the previous one — a linked list
 * that only grows (a queue nobody drains, a parent/child chain, a list of pending work). Chains
 * already explained by a more specific rule (e.g. CancellationToken registrations) are skipped. It
 * speaks only without dominators (findings/index.ts), so what a chain keeps alive besides itself is not known.
 */
import type { AnalysisContext } from '../analysis-context';
import { DEFAULT_MIN_CHAIN_LENGTH, findHomogeneousChains } from '../chain-scan';
import { simpleTypeName } from '../type-names';
import { findingId, type Finding } from './finding';
import { chainRuleFinding, addressOf, formatBytes, formatCount, ownerNames, typeNameOf } from './finding-support';

export function homogeneousChainFindings(
  context: AnalysisContext,
  claimed: Uint8Array,
  minLength = DEFAULT_MIN_CHAIN_LENGTH,
): Finding[] {
  const { heap } = context;
  const chains = findHomogeneousChains(heap, context.retainers, {
    minLength,
    dominators: context.dominators ?? undefined,
    retained: context.retained ?? undefined,
  });
  const findings: Finding[] = [];
  for (const chain of chains) {
    if (claimed[chain.head] || claimed[chain.tail]) continue;
    const type = typeNameOf(heap, chain.head);
    const sameType = (node: number) => heap.nodes.type[node] === heap.nodes.type[chain.head];
    const owners = ownerNames(context, chain.head, 2, sameType);
    const retainedBytes = chain.retainedBytes;
    findings.push(
      chainRuleFinding(
        {
          id: findingId('long-homogeneous-chain', addressOf(heap, chain.head)),
          kind: 'long-homogeneous-chain',
          severity: chain.length >= 10 * minLength ? 'critical' : 'warning',
          title: `A chain of ${formatCount(chain.length)} ${simpleTypeName(type)} objects, each kept alive by the previous one`,
          count: chain.length,
          retainedBytes,
          anchor: { node: chain.head, type, address: addressOf(heap, chain.head) },
          owners,
          keptAlive: [],
          pathTarget: chain.tail,
          explanation: [
            `${formatCount(chain.length)} objects of type ${type} form one chain: each is referenced by the previous one, so the last can only be freed after all the others.` +
              (owners.length > 0 ? ` The head is held by ${owners.join(' ← ')}.` : '') +
              ` The members take ${formatBytes(chain.bytes)}` +
              (retainedBytes !== null ? ` and keep ${formatBytes(retainedBytes)} alive in all.` : '.'),
            'Likely cause: a linked structure that is appended to and never trimmed — a queue nobody drains, a list of pending callbacks or continuations, or objects that each keep a reference to their predecessor (a "previous" or "parent" field).',
            "Fix: find the code that appends to this chain (the head's owner above) and remove entries when they are done, or bound the structure.",
          ].filter(Boolean),
        },
        'general',
        type,
      ),
    );
  }
  return findings;
}
