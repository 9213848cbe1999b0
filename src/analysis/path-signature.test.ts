import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes } from '../formats/byte-source';
import { readGcdump } from '../formats/gcdump/gcdump-reader';
import { listFixtures, readFixture } from '../test-support/fixtures';
import { mulberry32 } from '../test-support/prng';
import { NodeFlag, type HeapModel } from '../heap/types';
import { breadthFirstFromRoot, isReached } from './bfs';
import { chainHeap } from './graph-dsl';
import { PATH_SIGNATURE, pathSignature, resolvePathSignature } from './path-signature';

async function fixtureHeap(name: string): Promise<HeapModel> {
  return (await readGcdump(byteSourceFromBytes(readFixture('gcdump', name), name))).heap;
}

describe('path signatures (objects named without an address)', () => {
  it.each(listFixtures('gcdump', '.gcdump'))(
    '%s: every sampled node, pseudo-nodes included, resolves back to itself',
    async (name) => {
      const heap = await fixtureHeap(name);
      const bfs = breadthFirstFromRoot(heap);
      const random = mulberry32(7);
      const sample: number[] = [];
      let deepest = heap.rootIndex as number;
      for (let node = 0; node < heap.nodes.count; node++) {
        if (!isReached(bfs, node)) continue;
        if (bfs.distance[node] > bfs.distance[deepest]) deepest = node;
        if ((heap.nodes.flags[node] & NodeFlag.Pseudo) !== 0 || random() < 0.01) sample.push(node);
      }
      sample.push(deepest);
      for (const node of sample) {
        const signature = pathSignature(heap, bfs, node)!;
        expect(signature).toMatch(PATH_SIGNATURE);
        expect(resolvePathSignature(heap, signature)).toEqual({ node });
      }
    },
  );

  it('an unreachable node has no signature', () => {
    const heap = chainHeap(3).heap;
    const bfs = breadthFirstFromRoot(heap);
    const parent = Uint32Array.from(bfs.parent);
    const last = heap.nodes.count - 1;
    parent[last] = 0xffff_ffff; // as if nothing led to it
    expect(pathSignature(heap, { parent }, last)).toBeNull();
  });

  it('a 17,812-long chain costs a few characters: runs of one position are written p*count', () => {
    const dsl = chainHeap(17_812, 'CallbackNode');
    const bfs = breadthFirstFromRoot(dsl.heap);
    const last = dsl.chains[0].first + 17_811;
    const signature = pathSignature(dsl.heap, bfs, last)!;
    // root → [static vars] → [static var Holder.head] → 17,812 nodes, each by its first reference
    expect(signature).toMatch(/^path:0\*17814~[0-9a-f]{8}$/);
    expect(resolvePathSignature(dsl.heap, signature)).toEqual({ node: last });
  });

  it('refuses a signature that leads elsewhere, leaves the graph, or is hostile', async () => {
    const heap = await fixtureHeap('gcdump-analyze-test1-maui-winui-coreclr9.gcdump');
    const bfs = breadthFirstFromRoot(heap);
    let node = 0;
    while (!isReached(bfs, node) || bfs.distance[node] < 4) node++;
    const signature = pathSignature(heap, bfs, node)!;
    const [body, hash] = signature.split('~');
    const otherHash = (parseInt(hash, 16) ^ 1).toString(16).padStart(8, '0');
    expect(resolvePathSignature(heap, `${body}~${otherHash}`)).toEqual({
      problem: 'the path leads to objects of other types than when the link was made',
    });
    expect(resolvePathSignature(heap, `path:999999~${hash}`)).toMatchObject({
      problem: expect.stringContaining('step 1 of the path leaves an object that has fewer references'),
    });
    expect(resolvePathSignature(heap, `path:0*999999999~${hash}`)).toEqual({
      problem: 'the path is longer than the heap has objects',
    });
    expect(resolvePathSignature(heap, 'path:<script>~00000000')).toMatchObject({ problem: expect.any(String) });
    // The same signature on another file: refused, not followed to some other object.
    const other = await fixtureHeap('heapview-sample-monovm-ios-2023-08-17.gcdump');
    expect(resolvePathSignature(other, signature)).toHaveProperty('problem');
  });
});
