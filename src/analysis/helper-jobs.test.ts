import { describe, expect, it } from 'vitest';
import { heapFromDsl } from './graph-dsl';
import { helperEdges } from './helper-edges';
import { HelperJobs, helperJobTransfers, runHelperJob, type HelperJob, type HelperJobDone } from './helper-jobs';
import { computeRetainers } from './reverse-edges';

describe("a helper's jobs, one at a time", () => {
  const edges = {
    nodeCount: 0,
    low: new Uint16Array(1),
    block: new Int32Array(1),
    wide: new Uint32Array(0),
    target: new Uint32Array(0),
  };
  const job: HelperJob = { kind: 'retainers', edges };
  const done = { kind: 'retainers' } as HelperJobDone;

  it('answers the job it has, and refuses a second one meanwhile', async () => {
    const posted: HelperJob[] = [];
    const jobs = new HelperJobs('the helper', (sent) => posted.push(sent));
    const first = jobs.run(job);
    await expect(jobs.run(job)).rejects.toThrow('the helper is busy');
    jobs.answered(done);
    await expect(first).resolves.toBe(done);
    expect(posted).toHaveLength(1);
  });

  it('once failed, rejects the job it had and every later one, saying why', async () => {
    const jobs = new HelperJobs('the helper', () => {});
    const pending = jobs.run(job);
    jobs.failed('its script did not load');
    await expect(pending).rejects.toThrow('the helper failed: its script did not load');
    await expect(jobs.run(job)).rejects.toThrow('the helper failed: its script did not load');
  });

  it('a job its message cannot carry fails the helper', async () => {
    const jobs = new HelperJobs('the helper', () => {
      throw new Error('could not be cloned');
    });
    await expect(jobs.run(job)).rejects.toThrow('the helper failed: could not be cloned');
  });
});

describe('the retainers as a job', () => {
  it("equal this thread's, with every array of the answer moved", () => {
    const { heap } = heapFromDsl('root -> A -> B; root -> B; A -> C; C -> A; B -> B');
    // A heap this small gets no helper; its edges serve the job all the same.
    expect(helperEdges(heap)).toBeNull();
    const { start, target } = heap.edges;
    const edges = { nodeCount: heap.nodes.count, low: start.low, block: start.block, wide: start.wide, target };
    const answer = runHelperJob({ kind: 'retainers', edges });
    if (answer.kind !== 'retainers') throw new Error('not the retainers');
    const local = computeRetainers(heap);
    expect(Array.from(answer.source)).toEqual(Array.from(local.retainerSource));
    expect(Array.from(answer.startLow)).toEqual(Array.from(local.retainerStart.low));
    expect(helperJobTransfers(answer)).toHaveLength(
      new Set(
        [answer.startLow, answer.startBlock, answer.startWide, answer.source, answer.rowCursors].map((a) => a.buffer),
      ).size,
    );
  });
});
