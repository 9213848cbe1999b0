import { useState } from 'react';
import type { InstanceQuery, InstanceSortKey } from '../../session/answers';
import { heapWorker } from '../state/heap-worker';
import { useViewStore } from '../state/store';
import { useWorkerAnswer } from '../state/use-worker-answer';
import { ObjectLink } from '../common/object-link';
import { formatInteger } from '../common/format';
import { parseSizeBound } from '../common/size-input';
import { DumpText } from '../common/dump-text';
import { SizeHistogram } from './size-histogram';

const PAGE_ROWS = 100;
const SORT_LABELS: Record<InstanceSortKey, string> = {
  size: 'Size',
  retained: 'Retained',
  address: 'Address',
  distance: 'Distance',
};

/** The objects of one type, like `dumpheap -mt X -min -max`, with SOS-style statistics. */
export function InstancesView() {
  const typeName = useViewStore((state) => state.selection.typeName);
  const openRoots = useViewStore((state) => state.openRoots);
  // Filters and order live in the store, and so in the link: a colleague opens the same rows.
  const {
    min: minText,
    max: maxText,
    liveness,
    includeSizeVariants,
    sortKey,
    descending,
  } = useViewStore((state) => state.instances);
  const updateInstances = useViewStore((state) => state.updateInstances);
  const setMinText = (min: string) => updateInstances({ min });
  const setMaxText = (max: string) => updateInstances({ max });
  const setLiveness = (value: InstanceQuery['liveness']) => updateInstances({ liveness: value });
  const setIncludeSizeVariants = (value: boolean) => updateInstances({ includeSizeVariants: value });
  const [offset, setOffset] = useState(0);
  const min = parseSizeBound(minText);
  const max = parseSizeBound(maxText);
  const query: InstanceQuery = {
    typeName: typeName ?? '',
    includeSizeVariants,
    minSize: min.value,
    maxSize: max.value,
    liveness,
    sortKey,
    descending,
    offset,
    limit: PAGE_ROWS,
  };
  const { answer: page } = useWorkerAnswer(() => heapWorker.instances(query), JSON.stringify(query));
  if (typeName === null) return <p className="empty-view">Choose a type in the Types table.</p>;
  const sortBy = (key: InstanceSortKey) => {
    if (key === sortKey) updateInstances({ descending: !descending });
    else updateInstances({ sortKey: key, descending: key !== 'address' });
    setOffset(0);
  };
  const header = (key: InstanceSortKey) => (
    <th className="number" aria-sort={sortKey === key ? (descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort-button" data-testid={`instances-sort-${key}`} onClick={() => sortBy(key)}>
        {SORT_LABELS[key]}
        <span className="sort-indicator" aria-hidden="true">
          {sortKey === key ? (descending ? '▼' : '▲') : ''}
        </span>
      </button>
    </th>
  );
  return (
    <div className="instances-view" data-testid="instances-view">
      <h2>
        Instances of{' '}
        <span className="type-name">
          <DumpText text={typeName} />
        </span>
      </h2>
      <div className="toolbar">
        <label>
          Min size{' '}
          <input
            className="size-input"
            data-testid="instances-min"
            value={minText}
            placeholder="e.g. 0x8018"
            onChange={(e) => (setMinText(e.currentTarget.value), setOffset(0))}
          />
        </label>
        <label>
          Max size{' '}
          <input
            className="size-input"
            data-testid="instances-max"
            value={maxText}
            placeholder="e.g. 32792"
            onChange={(e) => (setMaxText(e.currentTarget.value), setOffset(0))}
          />
        </label>
        <label>
          Show{' '}
          <select
            data-testid="instances-liveness"
            value={liveness}
            onChange={(e) => (setLiveness(e.currentTarget.value as InstanceQuery['liveness']), setOffset(0))}
          >
            <option value="all">all objects</option>
            <option value="live">live (reachable from a root)</option>
            <option value="dead">dead (unreachable)</option>
          </select>
        </label>
        <label className="toggle" title="dotnet-gcdump files types by size range, e.g. System.Byte[] (Bytes > 10K)">
          <input
            type="checkbox"
            checked={includeSizeVariants}
            onChange={(e) => (setIncludeSizeVariants(e.currentTarget.checked), setOffset(0))}
          />
          Include size variants ({'"'}(Bytes &gt; …){'"'})
        </label>
      </div>
      {(min.error || max.error) && (
        <p className="filter-error" role="alert" data-testid="instances-size-error">
          {min.error ?? max.error}
        </p>
      )}
      {page && (
        <>
          <p className="instances-statistics" data-testid="instances-statistics">
            Statistics: <strong>{formatInteger(page.matching.count)}</strong> objects,{' '}
            <strong>{formatInteger(page.matching.bytes)}</strong> bytes
          </p>
          {page.sizeBins.length > 0 && <SizeHistogram bins={page.sizeBins} />}
          <table className="data-table instances-table">
            <thead>
              <tr>
                <th>Object</th>
                {header('size')}
                {header('retained')}
                {header('distance')}
                {header('address')}
                <th>Roots</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <tr key={row.node} data-testid="instance-row">
                  <td>
                    <ObjectLink object={row} />
                  </td>
                  <td className="number">{formatInteger(row.size)}</td>
                  <td className="number">{row.retained === null ? '?' : formatInteger(row.retained)}</td>
                  <td className="number">
                    {row.distance !== null ? formatInteger(row.distance) : page.livenessKnown ? 'dead' : '?'}
                  </td>
                  <td className="number">{row.address}</td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      data-testid="instance-roots"
                      onClick={() => openRoots(row.node)}
                      disabled={row.distance === null}
                    >
                      root paths
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.totalRows > PAGE_ROWS && (
            <div className="pager">
              <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_ROWS))}>
                Previous
              </button>
              <span>
                {formatInteger(offset + 1)}–{formatInteger(Math.min(page.totalRows, offset + PAGE_ROWS))} of{' '}
                {formatInteger(page.totalRows)}
              </span>
              <button
                type="button"
                disabled={offset + PAGE_ROWS >= page.totalRows}
                onClick={() => setOffset(offset + PAGE_ROWS)}
              >
                Next
              </button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
