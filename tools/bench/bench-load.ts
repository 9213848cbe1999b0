/**
 * One measured load, in a fresh process so that memory figures belong to this heap alone:
 *   tsx tools/bench/bench-load.ts FILE  →  one JSON line on stdout.
 * Stages run the same modules the worker runs (formats/, analysis/), in the same order.
 */
import { stat } from 'node:fs/promises';
import { openFileByteSource } from '../../src/cli/node-byte-source';
import { readGcdump } from '../../src/formats/gcdump/gcdump-reader';
import { typeHistogram } from '../../src/analysis/histogram';
import { analyzeHeapBetween } from '../../src/analysis/analyze-heap';
import { dominatorTree } from '../../src/analysis/retained';
import { computeFindings } from '../../src/analysis/findings';
import type { SpareArrays } from '../../src/analysis/spare-arrays';
import type { DominatorTree } from '../../src/analysis/retained';
import { useAnalysisHelper } from '../../src/cli/analysis-helper';
import { collectGarbage } from '../../src/cli/collect';
import { outputHashes, type OutputHashes } from './output-hashes';

export interface StageTiming {
  readonly stage: string;
  readonly seconds: number;
}

export interface LoadMeasurement {
  readonly file: string;
  readonly fileBytes: number;
  readonly objects: number;
  readonly edges: number;
  readonly stages: readonly StageTiming[];
  /** Findings (count and title), so a run shows the leak was found at this size. */
  readonly findings: readonly string[];
  readonly totalSeconds: number;
  /** Resident memory added by the loaded and analysed heap, per object. */
  readonly bytesPerObject: number;
  readonly peakResidentBytes: number;
  readonly residentAfterBytes: number;
  /** Every output hashed (output-hashes.ts), for the same-outputs check; after the figures are taken. */
  readonly outputs: OutputHashes;
}

async function measure(path: string): Promise<LoadMeasurement> {
  const fileBytes = (await stat(path)).size;
  globalThis.gc?.();
  const residentBefore = process.memoryUsage().rss;
  const stages: StageTiming[] = [];
  let mark = performance.now();
  const started = mark;
  const lap = (stage: string) => {
    const now = performance.now();
    stages.push({ stage, seconds: (now - mark) / 1000 });
    mark = now;
  };

  const source = await openFileByteSource(path);
  // "read" ends when the last byte is in: records are decoded while the next slice is read, so it
  // includes most of the decoding; "decode" is what is left after it.
  let decoding = false;
  const { heap } = await readGcdump(source, {
    onProgress: ({ stage }) => {
      if (!decoding && stage.startsWith('decoding')) {
        decoding = true;
        lap('read');
      }
    },
  });
  await source.close();
  lap('decode');
  const histogram = typeHistogram(heap);
  lap('histogram');
  // The analyses as the session runs them (analyze-heap.ts), so that what is kept is what it keeps,
  // and as the CLI runs them: the BFS on a worker thread while the dominator tree is built (where
  // the BFS runs beside it, its time is from the end of the dominators to its answer, and the
  // stages' times add up to more than the total), a collection between the stages.
  mark = performance.now();
  const spares: SpareArrays = [];
  let tree: DominatorTree | null = null;
  let treeSeconds = 0;
  const context = await analyzeHeapBetween(heap, async () => collectGarbage(), {
    spares,
    onStageDone: (stage, seconds) => {
      stages.push({ stage, seconds });
      mark = performance.now();
    },
    // The session builds the dominator tree for its Dominators view, then hands it to the findings.
    alongsideBreadthFirst: (dominators, retained, treeSpares) => {
      const started = performance.now();
      tree = dominatorTree(dominators, retained, treeSpares);
      treeSeconds = (performance.now() - started) / 1000;
    },
  });
  const { dominators, retained } = context;
  if (!dominators || !retained || !tree) throw new Error(`${path}: no dominators (a model without edges?)`);
  spares.length = 0;
  collectGarbage();
  stages.push({ stage: 'dominator tree', seconds: treeSeconds });
  mark = performance.now();
  const findings = computeFindings(context, { dominatorChildren: tree });
  lap('findings');
  // Everything the worker keeps stays referenced until memory is measured.
  const kept = [heap, histogram, context, tree, findings];
  const totalSeconds = (performance.now() - started) / 1000;

  globalThis.gc?.();
  const residentAfter = process.memoryUsage().rss;
  if (kept.length === 0) throw new Error('unreachable');
  const peakResidentBytes = process.resourceUsage().maxRSS * 1024;
  return {
    file: path,
    fileBytes,
    objects: heap.nodes.count,
    edges: heap.edges.count,
    stages,
    findings: findings.map((finding) => `${finding.pattern}: ${finding.count}`),
    totalSeconds,
    bytesPerObject: (residentAfter - residentBefore) / heap.nodes.count,
    peakResidentBytes,
    residentAfterBytes: residentAfter,
    outputs: outputHashes(heap, { dominators, retained }, tree, findings),
  };
}

const path = process.argv[2];
if (!path) throw new Error('usage: bench-load.ts FILE');
useAnalysisHelper();
process.stdout.write(JSON.stringify(await measure(path)) + '\n');
