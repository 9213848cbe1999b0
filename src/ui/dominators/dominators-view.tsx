import { useState } from 'react';
import { heapWorker } from '../state/heap-worker';
import { useViewStore } from '../state/store';
import { useWorkerAnswer } from '../state/use-worker-answer';
import { ObjectLink } from '../common/object-link';
import { formatInteger, formatPercent } from '../common/format';

const PAGE_ROWS = 50;

/** The dominator tree: the biggest retainers first, children expanded on demand, paged. */
export function DominatorsView() {
  const analysis = useViewStore((state) => state.analysis);
  if (analysis.state === 'running')
    return <p className="empty-view">Computing dominators: {Math.round(analysis.fraction * 100)}%…</p>;
  if (analysis.state !== 'ready')
    return <p className="empty-view">The dominator tree appears when the analysis has finished.</p>;
  if (!analysis.hasDominators)
    return <p className="empty-view">This input has no complete reference graph, so it has no dominator tree.</p>;
  return (
    <div className="dominators-view" data-testid="dominators-view">
      <p className="muted">
        Each object retains what only it keeps alive; freeing it frees its retained bytes. Click a row to see what it
        retains.
      </p>
      <table className="data-table dominators-table">
        <thead>
          <tr>
            <th>Object</th>
            <th className="number">Shallow</th>
            <th className="number">Retained</th>
            <th className="number">% of heap</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          <DominatorRows parent={null} depth={0} />
        </tbody>
      </table>
    </div>
  );
}

function DominatorRows({ parent, depth }: { parent: number | null; depth: number }) {
  const [shown, setShown] = useState(PAGE_ROWS);
  const { answer: page } = useWorkerAnswer(
    () => heapWorker.dominatorChildren(parent, 0, shown),
    `dom:${parent}:${shown}`,
  );
  if (!page) return null;
  return (
    <>
      {page.rows.map((row) => (
        <DominatorRow key={row.node} row={row} depth={depth} />
      ))}
      {page.total > page.rows.length && (
        <tr>
          <td colSpan={5} style={{ paddingLeft: `${depth * 1.2 + 0.5}rem` }}>
            <button
              type="button"
              className="link-button"
              data-testid="dominators-more"
              onClick={() => setShown(shown + PAGE_ROWS)}
            >
              show {formatInteger(Math.min(PAGE_ROWS, page.total - page.rows.length))} more of{' '}
              {formatInteger(page.total - page.rows.length)}
            </button>
          </td>
        </tr>
      )}
    </>
  );
}

type Row = Awaited<ReturnType<typeof heapWorker.dominatorChildren>>['rows'][number];

function DominatorRow({ row, depth }: { row: Row; depth: number }) {
  const [open, setOpen] = useState(false);
  const openRoots = useViewStore((state) => state.openRoots);
  return (
    <>
      <tr data-testid="dominator-row" data-retained={row.retained ?? 0} data-size={row.size}>
        <td style={{ paddingLeft: `${depth * 1.2 + 0.5}rem` }}>
          <button
            type="button"
            className="tree-toggle"
            data-testid="dominator-toggle"
            aria-expanded={open}
            disabled={row.children === 0}
            onClick={() => setOpen(!open)}
          >
            {row.children === 0 ? '·' : open ? '▾' : '▸'}
          </button>{' '}
          <ObjectLink object={row} />
        </td>
        <td className="number">{formatInteger(row.size)}</td>
        <td className="number">{formatInteger(row.retained ?? 0)}</td>
        <td className="number">{formatPercent(row.percent)}</td>
        <td>
          {!row.pseudo && (
            <button type="button" className="link-button" onClick={() => openRoots(row.node)}>
              root paths
            </button>
          )}
        </td>
      </tr>
      {open && <DominatorRows parent={row.node} depth={depth + 1} />}
    </>
  );
}
