/**
 * Compares our reader with PerfView's own XML rendering of the same file (PerfView's test suite
 * ships perfview-test1-jsheap-ie-2015.baseline.xml beside the .gcdump): every type name, and every
 * node's type, size, children and address.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readGcdump } from './gcdump-reader';
import { byteSourceFromBytes } from '../byte-source';
import { fixturePath, readFixture } from '../../test-support/fixtures';
import { formatAddress } from '../../heap/address';

function unescapeXml(text: string): string {
  return text.replace(
    /&(lt|gt|amp|quot|apos);/g,
    (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!,
  );
}

interface BaselineNode {
  index: number;
  typeIndex: number;
  size: number;
  type: string;
  address: string;
  children: number[];
}

function parseBaseline(xml: string) {
  const typeNames = new Map<number, string>();
  for (const m of xml.matchAll(/<NodeType Index="(\d+)" Name="([^"]*)"\/>/g))
    typeNames.set(Number(m[1]), unescapeXml(m[2]));
  const nodes: BaselineNode[] = [];
  const nodePattern =
    /<Node Index="(\d+)" TypeIndex="(\d+)" Size="(\d+)" Type="([^"]*)" NumChildren="(\d+)" Address="(0x[0-9a-f]+)" End="0x[0-9a-f]+"(\/>|>([^<]*)<\/Node>)/g;
  for (const m of xml.matchAll(nodePattern)) {
    const children = m[8] ? m[8].trim().split(/\s+/).filter(Boolean).map(Number) : [];
    expect(children.length, `node ${m[1]} NumChildren`).toBe(Number(m[5]));
    nodes.push({
      index: Number(m[1]),
      typeIndex: Number(m[2]),
      size: Number(m[3]),
      type: unescapeXml(m[4]),
      address: m[6],
      children,
    });
  }
  const header = /<MemoryGraph NumNodes="(\d+)" NumTypes="(\d+)" TotalSize="(\d+)"/.exec(xml)!;
  return { typeNames, nodes, numNodes: Number(header[1]), numTypes: Number(header[2]), totalSize: Number(header[3]) };
}

describe("perfview-test1-jsheap-ie-2015 against PerfView's XML baseline", () => {
  it('agrees on every type name and every node', async () => {
    const name = 'perfview-test1-jsheap-ie-2015.gcdump';
    const { heap } = await readGcdump(byteSourceFromBytes(readFixture('gcdump', name), name));
    const baseline = parseBaseline(
      readFileSync(fixturePath('gcdump', 'perfview-test1-jsheap-ie-2015.baseline.xml'), 'utf8'),
    );

    expect(baseline.numNodes).toBe(6482);
    expect(baseline.nodes.length).toBe(6482);
    expect(heap.nodes.count).toBe(baseline.numNodes);
    expect(heap.types.count).toBe(baseline.numTypes);
    expect(heap.totalSize).toBe(baseline.totalSize);

    expect(baseline.typeNames.size).toBeGreaterThan(1900);
    for (const [index, typeName] of baseline.typeNames) expect(heap.types.names[index], `type ${index}`).toBe(typeName);

    const mismatches: string[] = [];
    for (const node of baseline.nodes) {
      const i = node.index;
      const children = Array.from(heap.edges.target.subarray(heap.edges.start.get(i), heap.edges.start.get(i + 1)));
      const ours = {
        typeIndex: heap.nodes.type[i],
        size: heap.nodes.size.get(i),
        type: heap.types.names[heap.nodes.type[i]],
        address: formatAddress(heap.nodes.addressLo[i], heap.nodes.addressHi[i]),
        children,
      };
      const theirs = {
        typeIndex: node.typeIndex,
        size: node.size,
        type: node.type,
        address: node.address,
        children: node.children,
      };
      if (JSON.stringify(ours) !== JSON.stringify(theirs))
        mismatches.push(`node ${i}: ours ${JSON.stringify(ours)} PerfView ${JSON.stringify(theirs)}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
