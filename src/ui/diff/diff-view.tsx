import { useMemo, useState } from 'react';
import type { GrowthEntry, HeapDiff, TypeDiffRow } from '../../session/answers';
import { RootsGraphSvg } from '../roots/roots-view';
import { layoutGrowthGraph } from './growth-graph';
import { heapWorker } from '../state/heap-worker';
import { useViewStore } from '../state/store';
import { useWorkerAnswer } from '../state/use-worker-answer';
import { DumpText } from '../common/dump-text';
import { formatBytesShort, formatInteger } from '../common/format';

/** Rows the worker sends per list: the view shows what a person reads, not every type. */
const DIFF_ROWS = 500;

type SortKey = 'bytesDelta' | 'countDelta' | 'retainedDelta' | 'name';

const signed = (value: number) => `${value > 0 ? '+' : value < 0 ? '−' : '±'}${formatInteger(Math.abs(value))}`;
const signedBytes = (value: number) => `${value >= 0 ? '+' : '−'}${formatBytesShort(Math.abs(value))}`;

/**
 * What grew between the baseline and the open dump (session/diff.ts): where the growth accumulates
 * (paths of type names from the roots, runs collapsed), the findings new or grown, and the types.
 */
export function DiffView() {
  const baseline = useViewStore((state) => state.baseline);
  const loaded = useViewStore((state) => state.summary !== null);
  // The types diff shows as soon as the open dump is read; asked again at each analysis stage, so
  // growth paths fill in once the dominators are known, then retained sizes and findings.
  const stage = useViewStore((state) => (state.analysis.state === 'running' ? state.analysis.stage : ''));
  // One comparison's answers replace each other as the stages fill them in.
  const { answer: diff, error } = useWorkerAnswer(
    () => (loaded && baseline ? heapWorker.diff(DIFF_ROWS) : Promise.resolve(null)),
    `diff:${stage}`,
    `diff:${loaded}:${baseline?.name ?? ''}`,
  );
  if (!baseline)
    return (
      <p className="empty-view" data-testid="diff-empty">
        Nothing to compare: open a dump, wait for its analysis, then “Compare with…” another dump of the same process.
      </p>
    );
  if (error) return <p className="error-text">{error}</p>;
  if (!diff) return <p className="empty-view">Comparing…</p>;
  return <DiffBody diff={diff} />;
}

/** Growth entries drawn in the graph: the biggest, where the eye goes first. */
const GRAPH_ENTRIES = 8;

/**
 * The growth paths drawn with the root-path graph: roots on the left, each grown type highlighted at
 * its path's end, shared starts merged, long plain stretches folded (a click unfolds them).
 */
function GrowthGraph({ entries }: { entries: readonly GrowthEntry[] }) {
  const [shown, setShown] = useState(true);
  const [openGaps, setOpenGaps] = useState<ReadonlySet<string>>(new Set());
  const graph = useMemo(() => layoutGrowthGraph(entries, openGaps), [entries, openGaps]);
  return (
    <div className="growth-graph" data-testid="growth-graph">
      <button type="button" onClick={() => setShown(!shown)} data-testid="growth-graph-toggle" aria-expanded={shown}>
        {shown ? 'Hide the graph' : 'Show as a graph'}
      </button>
      {shown && (
        <RootsGraphSvg
          graph={graph}
          expanded={null}
          onToggleRun={() => {}}
          onOpenGap={(key) => setOpenGaps((gaps) => new Set([...gaps, key]))}
        />
      )}
    </div>
  );
}

function DiffBody({ diff }: { diff: HeapDiff }) {
  const { before, after, reachable } = diff.heap;
  return (
    <div className="diff-view" data-testid="diff-view" data-pending={diff.pending ? 'true' : 'false'}>
      <h2>
        <DumpText text={diff.before.name} /> → <DumpText text={diff.after.name} />
      </h2>
      <p data-testid="diff-growth-total">
        {reachable ? 'Reachable heap' : 'Heap'} {signedBytes(after - before)}
        {before > 0
          ? ` (${(after - before) / before >= 0 ? '+' : ''}${(((after - before) / before) * 100).toFixed(1)}%)`
          : ''}
        : {formatInteger(diff.before.objects)} → {formatInteger(diff.after.objects)} objects.
      </p>
      <h3>Where it grew</h3>
      {diff.growthNote !== null ? (
        <p className="muted" data-testid="diff-no-growth">
          No growth paths: {diff.growthNote}.
        </p>
      ) : diff.growth.length === 0 ? (
        <p className="muted" data-testid="diff-no-growth">
          No growth: no path of the heap gained objects.
        </p>
      ) : (
        <>
          <GrowthGraph entries={diff.growth.slice(0, GRAPH_ENTRIES)} />
          <ol className="growth-list">
            {diff.growth.slice(0, 20).map((entry, index) => (
              <li key={index} data-testid="growth-entry">
                <strong>
                  {signed(entry.countDelta)} <DumpText text={entry.type} />
                </strong>{' '}
                ({formatInteger(entry.countBefore)} → {formatInteger(entry.countAfter)})
                {entry.accumulationPoint && (
                  <>
                    {' '}
                    in <DumpText text={entry.accumulationPoint} />
                  </>
                )}
                , {signedBytes(entry.retainedDelta)} held
                {entry.owner && (
                  <>
                    , under <DumpText text={entry.owner} />
                  </>
                )}
                <div className="growth-path" data-testid="growth-path" aria-label="Path from the roots">
                  {entry.path.map((name, step) => (
                    <span
                      key={step}
                      className={step === entry.path.length - 1 ? 'growth-step growth-step-grown' : 'growth-step'}
                    >
                      <DumpText text={name} />
                    </span>
                  ))}
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
      {diff.findings.length > 0 && (
        <>
          <h3>Findings</h3>
          <ul className="diff-findings">
            {diff.findings.map((finding, index) => (
              <li key={index} data-testid="diff-finding" data-status={finding.status}>
                <span className={`diff-status diff-status-${finding.status}`}>{finding.status}</span>{' '}
                <DumpText text={finding.title} />
                {finding.countBefore !== null && finding.countAfter !== null
                  ? ` (${formatInteger(finding.countBefore)} → ${formatInteger(finding.countAfter)})`
                  : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      <TypesDiffTable rows={diff.types} />
    </div>
  );
}

function TypesDiffTable({ rows }: { rows: readonly TypeDiffRow[] }) {
  const [sortKey, setSortKey] = useState<SortKey>('bytesDelta');
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const needle = filter.toLowerCase();
    const kept = rows.filter((row) => needle === '' || row.name.toLowerCase().includes(needle));
    return [...kept].sort((a, b) =>
      sortKey === 'name' ? (a.name < b.name ? -1 : 1) : (b[sortKey] ?? -Infinity) - (a[sortKey] ?? -Infinity),
    );
  }, [rows, sortKey, filter]);
  const header = (key: SortKey, label: string) => (
    <th className={key === 'name' ? '' : 'number'} aria-sort={sortKey === key ? 'descending' : 'none'}>
      <button type="button" className="sort-button" data-testid={`diff-sort-${key}`} onClick={() => setSortKey(key)}>
        {label}
        {sortKey === key ? ' ▼' : ''}
      </button>
    </th>
  );
  return (
    <section>
      <h3>Types that changed</h3>
      <input
        type="search"
        placeholder="Filter by type name"
        value={filter}
        data-testid="diff-filter"
        onChange={(event) => setFilter(event.target.value)}
      />
      <table className="data-table diff-table" data-testid="diff-types">
        <thead>
          <tr>
            {header('name', 'Type')}
            <th className="number">Count before → after</th>
            {header('countDelta', 'Δ count')}
            {header('bytesDelta', 'Δ bytes')}
            {header('retainedDelta', 'Δ retained')}
          </tr>
        </thead>
        <tbody>
          {shown.slice(0, 200).map((row) => (
            <tr key={row.name} data-testid="diff-type-row">
              <td className="type-name">
                <DumpText text={row.name} />
                {row.status !== 'both' && <span className="diff-status"> {row.status}</span>}
              </td>
              <td className="number">
                {formatInteger(row.countBefore)} → {formatInteger(row.countAfter)}
              </td>
              <td className="number">{signed(row.countDelta)}</td>
              <td className="number">{signed(row.bytesDelta)}</td>
              <td className="number">{row.retainedDelta === null ? '?' : signed(row.retainedDelta)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
