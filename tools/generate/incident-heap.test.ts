import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { buildIncidentHeap, INCIDENT } from './incident-heap';
import { writeGcdump, writeGcdumpTo } from '../../src/formats/gcdump/gcdump-writer';
import { readGcdump } from '../../src/formats/gcdump/gcdump-reader';
import { byteSourceFromBytes } from '../../src/formats/byte-source';
import { typeHistogram } from '../../src/analysis/histogram';

const OBJECTS = 120_000;

describe('incident generator', () => {
  const { heap, facts } = buildIncidentHeap({ objects: OBJECTS, seed: 42 });

  it('writes exactly the asked number of nodes, with the chain and the buffers', () => {
    expect(heap.nodes.count).toBe(OBJECTS);
    expect(facts.chainLength).toBe(1000);
    const rows = new Map(typeHistogram(heap).map((r) => [r.name, r]));
    expect(rows.get('CallbackNode')?.count).toBe(facts.chainLength);
    expect(rows.get('System.Byte[] (Bytes > 10K)')).toMatchObject({
      count: facts.requestBuffers,
      bytes: facts.requestBuffers * INCIDENT.requestBufferSize,
    });
    expect(rows.get('System.Threading.CancellationTokenSource')?.count).toBe(1);
    expect(rows.get('Microsoft.Extensions.Configuration.ConfigurationReloadToken')?.count).toBe(1);
    // The JSON part follows the incident's mix, scaled (the chain and buffers stay ≥ 1,000 at this scale).
    const scale = OBJECTS / INCIDENT.objects;
    expect(rows.get('Newtonsoft.Json.Linq.JProperty')?.count).toBe(Math.round(INCIDENT.jProperty.count * scale));
    expect(rows.get('Entry<System.String,Newtonsoft.Json.Linq.JToken>[]')?.count).toBe(
      Math.round(INCIDENT.entryArray.count * scale),
    );
  });

  it('links the chain head to the next registration and back (Next and Prev)', () => {
    const { start, target } = heap.edges;
    const head = facts.chainHead;
    const children = Array.from(target.subarray(start.get(head), start.get(head + 1)));
    const next = children.find((c) => heap.types.names[heap.nodes.type[c]] === 'CallbackNode');
    expect(next).toBeDefined();
    const back = Array.from(target.subarray(start.get(next!), start.get(next! + 1)));
    expect(back).toContain(head);
  });

  it('is deterministic from its seed, and the streamed file equals the in-memory one', () => {
    const again = buildIncidentHeap({ objects: OBJECTS, seed: 42 }).heap;
    const bytes = writeGcdump({ heap });
    const chunks: Uint8Array[] = [];
    const streamed = writeGcdumpTo({ heap: again }, (chunk) => chunks.push(chunk));
    expect(streamed).toBe(bytes.length);
    const hash = (parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex');
    expect(hash(chunks)).toBe(hash([bytes]));
    const other = writeGcdump({ heap: buildIncidentHeap({ objects: OBJECTS, seed: 43 }).heap });
    expect(hash([other])).not.toBe(hash([bytes]));
  });

  it('reads back with the reader', async () => {
    const { heap: back } = await readGcdump(byteSourceFromBytes(writeGcdump({ heap }), 'incident.gcdump'));
    expect(back.nodes.count).toBe(OBJECTS);
    expect(back.edges.count).toBe(heap.edges.count);
    expect(back.totalSize).toBe(heap.totalSize);
    expect(back.producer.creationTool).toBe('heapscope');
  });
});
