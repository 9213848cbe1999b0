/** One campaign worker (campaign.ts): imports, analyses and computes findings for each input it is sent. */
import { parentPort } from 'node:worker_threads';
import { byteSourceFromBytes, FormatError } from '../../src/formats/byte-source';
import { loadHeap } from '../../src/formats/load';
import { analyzeHeap } from '../../src/analysis/analyze-heap';
import { computeFindings } from '../../src/analysis/findings';

parentPort!.on('message', async ({ name, bytes }: { format: string; name: string; bytes: Uint8Array }) => {
  try {
    const heap = await loadHeap(byteSourceFromBytes(bytes, name));
    computeFindings(analyzeHeap(heap));
    parentPort!.postMessage({ outcome: 'ok', message: '' });
  } catch (error) {
    if (error instanceof FormatError) {
      const named = /\b(offset|line)\b/i.test(error.message);
      parentPort!.postMessage({ outcome: named ? 'refused' : 'unnamed', message: error.message });
    } else {
      const text =
        error instanceof Error
          ? `${error.name}: ${error.message} ${error.stack?.split('\n')[1]?.trim() ?? ''}`
          : String(error);
      parentPort!.postMessage({ outcome: 'crash', message: text });
    }
  }
});
