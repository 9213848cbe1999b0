/**
 * Path signatures: how a link names an object that has no address (a dump written without them, a
 * transcript's elision marker). The signature is the object's shortest path from the root as the
 * position of each reference in its holder's reference list, so it does not depend on how a reader
 * numbers nodes, only on the file (which the link pins by SHA-256):
 *
 *   path:2.0.5*17811.3~9f1c2ab4
 *
 * `2.0.5*17811.3` are the positions from the root (a run of one position written `p*count`, so the
 * 17,812-node chain costs a few characters); `~9f1c2ab4` is an FNV-1a hash of the type names along
 * the path, so a signature that lands on a different object (another file, another reader) is
 * refused rather than followed. Iterative; O(depth) to resolve, O(depth × fan-out) to make.
 */
import type { HeapModel } from '../heap/types';
import { NO_NODE } from '../heap/types';
import type { RootBreadthFirstTree } from './bfs';

export const PATH_SIGNATURE = /^path:(?:\d{1,9}(?:\*\d{1,9})?(?:\.\d{1,9}(?:\*\d{1,9})?)*)?~[0-9a-f]{8}$/;

/** The signature of `node`'s shortest root path, or null when it is not reachable from the root. */
export function pathSignature(heap: HeapModel, bfs: Pick<RootBreadthFirstTree, 'parent'>, node: number): string | null {
  const { start, target } = heap.edges;
  if (node < 0 || node >= heap.nodes.count || heap.rootIndex === NO_NODE) return null;
  // Walk up the BFS parents, collecting positions from the target back to the root.
  const positions: number[] = [];
  let current = node;
  while (current !== heap.rootIndex) {
    const parent = bfs.parent[current];
    if (parent === NO_NODE || positions.length > heap.nodes.count) return null;
    let position = -1;
    for (let e = start.get(parent), rowEnd = start.get(parent + 1); e < rowEnd; e++) {
      if (target[e] === current) {
        position = e - start.get(parent);
        break;
      }
    }
    if (position < 0) return null;
    positions.push(position);
    current = parent;
  }
  positions.reverse();
  const parts: string[] = [];
  for (let i = 0; i < positions.length;) {
    let j = i + 1;
    while (j < positions.length && positions[j] === positions[i]) j++;
    parts.push(
      j - i > 2
        ? `${positions[i]}*${j - i}`
        : Array(j - i)
            .fill(positions[i])
            .join('.'),
    );
    i = j;
  }
  return `path:${parts.join('.')}~${typeHash(heap, heap.rootIndex, positions)}`;
}

/** The node a signature names, or a message saying why it names none. Never trusts the counts. */
export function resolvePathSignature(heap: HeapModel, signature: string): { node: number } | { problem: string } {
  if (!PATH_SIGNATURE.test(signature)) return { problem: `“${signature.slice(0, 80)}” is not a path signature` };
  const body = signature.slice('path:'.length, signature.indexOf('~'));
  const expectedHash = signature.slice(signature.indexOf('~') + 1);
  const { start, target } = heap.edges;
  if (heap.rootIndex === NO_NODE) return { problem: 'this input has no root, so paths cannot be followed' };
  let node = heap.rootIndex as number;
  let depth = 0;
  const hash = new TypeHash(heap);
  hash.add(node);
  for (const part of body === '' ? [] : body.split('.')) {
    const [positionText, repeatText] = part.split('*');
    const position = Number(positionText);
    const repeat = repeatText === undefined ? 1 : Number(repeatText);
    depth += repeat;
    if (depth > heap.nodes.count) return { problem: 'the path is longer than the heap has objects' };
    for (let r = 0; r < repeat; r++) {
      if (position >= start.get(node + 1) - start.get(node))
        return { problem: `step ${depth - repeat + r + 1} of the path leaves an object that has fewer references` };
      node = target[start.get(node) + position];
      hash.add(node);
    }
  }
  if (hash.hex() !== expectedHash)
    return { problem: 'the path leads to objects of other types than when the link was made' };
  return { node };
}

/** FNV-1a (32-bit) over the type names along a path, as 8 hex digits. */
class TypeHash {
  private hash = 0x811c9dc5;
  constructor(private readonly heap: HeapModel) {}

  add(node: number): void {
    const name = this.heap.types.names[this.heap.nodes.type[node]];
    let hash = this.hash;
    for (let i = 0; i < name.length; i++) {
      hash ^= name.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    hash ^= 0x1f; // separator
    this.hash = Math.imul(hash, 0x01000193);
  }

  hex(): string {
    return (this.hash >>> 0).toString(16).padStart(8, '0');
  }
}

function typeHash(heap: HeapModel, root: number, positions: readonly number[]): string {
  const { start, target } = heap.edges;
  const hash = new TypeHash(heap);
  let node = root;
  hash.add(node);
  for (const position of positions) {
    node = target[start.get(node) + position];
    hash.add(node);
  }
  return hash.hex();
}
