/**
 * The outputs a faster or smaller load or analysis must keep (issue #18), each hashed (SHA-256):
 * every column of the heap model and its per-type totals, the dominators, the retained sizes, the
 * dominator tree and the findings. Shared by `same-outputs.test.ts` (the real samples and a generated heap) and
 * `npm run bench` (the generated sizes, too large for a unit test).
 *
 * Columns are hashed by value as Uint32 (or their own width for flags), so that a column stored in a
 * narrower array hashes as it did when it was a Uint32Array; retained sizes are hashed as Float64,
 * whichever width they are kept in.
 */
import { createHash } from 'node:crypto';
import type { AnalysisContext } from '../../src/analysis/analysis-context';
import type { Finding } from '../../src/analysis/findings/finding';
import type { DominatorTree } from '../../src/analysis/retained';
import type { HeapModel } from '../../src/heap/types';

export type OutputHashes = Record<string, string>;

function sha(...parts: (ArrayBufferView | string)[]): string {
  const hash = createHash('sha256');
  for (const part of parts)
    hash.update(typeof part === 'string' ? part : new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  return hash.digest('hex');
}

/** A column's values as Uint32 bytes, whatever the width it is stored in. */
function asUint32(column: ArrayLike<number> & ArrayBufferView, count: number): Uint32Array {
  return column instanceof Uint32Array
    ? column.subarray(0, count)
    : Uint32Array.from({ length: count }, (_, i) => column[i]);
}

export function outputHashes(
  heap: HeapModel,
  context: Pick<AnalysisContext, 'dominators' | 'retained'>,
  tree: DominatorTree | null,
  findings: readonly Finding[],
): OutputHashes {
  const { nodes, edges, types } = heap;
  const result: OutputHashes = {
    'nodes.type': sha(asUint32(nodes.type, nodes.count)),
    'nodes.size': sha(nodes.size.toUint32Array().subarray(0, nodes.count)),
    'nodes.address': sha(nodes.addressLo.subarray(0, nodes.count), asUint32(nodes.addressHi, nodes.count)),
    'nodes.flags': sha(nodes.flags.subarray(0, nodes.count)),
    'edges.start': sha(edges.start.toUint32Array()),
    'edges.target': sha(edges.target.subarray(0, edges.count)),
    'types.names': sha(types.names.join('\n')),
    // The histogram's totals per type (objects and bytes), and the heap's total size.
    'types.totals': sha(types.objectCount, types.bytes, String(heap.totalSize)),
    root: String(heap.rootIndex),
  };
  if (context.dominators && context.retained && tree) {
    result['dominators.idom'] = sha(context.dominators.idom);
    const { retained } = context;
    result.retained = sha(retained instanceof Float64Array ? retained : Float64Array.from(retained));
    // The row starts as the column they were before the compact row index, so the record still holds.
    result['tree.children'] = sha(tree.rows.startColumn(), tree.children, tree.topLevel);
  }
  result.findings = sha(JSON.stringify(findings));
  return result;
}
