/**
 * `dumpheap -type T [-min] [-max] [-live|-dead]` as an answer: every matching object (address order,
 * as SOS lists them) and the statistics block. It pages through the same instance query as the
 * Instances view (HeapSession.instances), with SOS's substring type matching.
 */
import type { HeapSession } from './heap-session';
import { MAX_PAGE_ROWS, type InstanceQuery } from './answers';

/** `-live`/`-dead` asked of an input whose reachability is not known. */
export class LivenessUnknownError extends Error {}

export interface DumpheapOptions {
  /** Substring of the type name, as SOS `dumpheap -type` matches. */
  readonly type: string;
  readonly min: number | null;
  readonly max: number | null;
  readonly liveness: 'all' | 'live' | 'dead';
}

export interface DumpheapObject {
  readonly address: string;
  readonly type: string;
  readonly size: number;
  readonly retained: number | null;
  /** Reachable from a root; null where the input cannot say (a transcript's few gcroot chains). */
  readonly live: boolean | null;
}

export interface DumpheapResult {
  readonly objects: readonly DumpheapObject[];
  readonly statistics: {
    readonly types: readonly { readonly name: string; readonly count: number; readonly bytes: number }[];
    readonly objects: number;
    readonly bytes: number;
  };
}

export function dumpheap(session: HeapSession, options: DumpheapOptions): DumpheapResult {
  if (options.liveness !== 'all' && !session.livenessKnown) {
    throw new LivenessUnknownError(
      `-${options.liveness} needs the whole reference graph, which this input does not have (an SOS transcript shows only the chains gcroot printed): list without it`,
    );
  }
  const query: InstanceQuery = {
    typeName: options.type,
    match: 'substring',
    includeSizeVariants: false,
    minSize: options.min,
    maxSize: options.max,
    liveness: options.liveness,
    sortKey: 'address',
    descending: false,
    offset: 0,
    limit: MAX_PAGE_ROWS,
  };
  const objects: DumpheapObject[] = [];
  const stats = new Map<string, { count: number; bytes: number }>();
  for (let offset = 0; ; offset += MAX_PAGE_ROWS) {
    const page = session.instances({ ...query, offset });
    for (const row of page.rows) {
      objects.push({
        address: row.address,
        type: row.type,
        size: row.size,
        retained: row.retained,
        live: session.livenessKnown ? row.distance !== null : null,
      });
      const stat = stats.get(row.type) ?? { count: 0, bytes: 0 };
      stat.count++;
      stat.bytes += row.size;
      stats.set(row.type, stat);
    }
    if (offset + MAX_PAGE_ROWS >= page.totalRows) break;
  }
  const types = [...stats]
    .map(([name, row]) => ({ name, ...row }))
    .sort((a, b) => a.bytes - b.bytes || (a.name < b.name ? -1 : 1));
  return {
    objects,
    statistics: { types, objects: objects.length, bytes: types.reduce((sum, row) => sum + row.bytes, 0) },
  };
}
