import type { AnalysisContext } from '../analysis/analysis-context';
import { UNREACHABLE } from '../analysis/bfs';
import { formatAddress } from '../heap/address';
import { NodeFlag } from '../heap/types';
import { renderStat } from './stat-command';

export interface DumpheapOptions {
  /** Substring of the type name, as SOS `dumpheap -type` matches. */
  readonly type: string;
  readonly min: number | null;
  readonly max: number | null;
  readonly liveness: 'all' | 'live' | 'dead';
}

/** `heapscope dumpheap`: the objects of matching types with size filters, then their statistics. */
export function dumpheap(context: AnalysisContext, options: DumpheapOptions) {
  const { heap, bfs, retained } = context;
  const matches = heap.types.names.map((name) => name.includes(options.type));
  const objects: { address: string; type: string; size: number; retained: number | null; live: boolean }[] = [];
  const stats = new Map<string, { count: number; bytes: number }>();
  for (let node = 0; node < heap.nodes.count; node++) {
    const t = heap.nodes.type[node];
    if (!matches[t] || (heap.nodes.flags[node] & (NodeFlag.Defined | NodeFlag.Pseudo)) !== NodeFlag.Defined) continue;
    const size = heap.nodes.size[node];
    if ((options.min !== null && size < options.min) || (options.max !== null && size > options.max)) continue;
    const live = bfs.distance[node] !== UNREACHABLE;
    if ((options.liveness === 'live' && !live) || (options.liveness === 'dead' && live)) continue;
    const name = heap.types.names[t];
    objects.push({
      address: formatAddress(heap.nodes.addressLo[node], heap.nodes.addressHi[node]),
      type: name,
      size,
      retained: retained ? retained[node] : null,
      live,
    });
    const row = stats.get(name) ?? { count: 0, bytes: 0 };
    row.count++;
    row.bytes += size;
    stats.set(name, row);
  }
  const types = [...stats]
    .map(([name, row]) => ({ name, ...row }))
    .sort((a, b) => a.bytes - b.bytes || (a.name < b.name ? -1 : 1));
  return {
    objects,
    statistics: { types, objects: objects.length, bytes: types.reduce((sum, row) => sum + row.bytes, 0) },
  };
}

export function renderDumpheap(result: ReturnType<typeof dumpheap>): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const lines = [`${'Address'.padStart(18)} ${'Size'.padStart(12)} ${'Retained'.padStart(14)}  Live  Type`];
  for (const o of result.objects) {
    lines.push(
      `${o.address.slice(2).padStart(18)} ${n(o.size).padStart(12)} ${(o.retained === null ? '?' : n(o.retained)).padStart(14)}  ${o.live ? 'yes ' : 'dead'}  ${o.type}`,
    );
  }
  lines.push('');
  const stat = renderStat({
    format: '',
    nodes: 0,
    objects: result.statistics.objects,
    bytes: result.statistics.bytes,
    sampled: false,
    types: result.statistics.types,
  });
  return lines.join('\n') + '\n' + stat;
}
