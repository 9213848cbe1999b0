import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
  type Updater,
} from '@tanstack/react-table';
import { elementScroll, useVirtualizer, type Rect, type Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  FIRST_HISTOGRAM_QUERY,
  type HeapSummary,
  type HistogramPage,
  type HistogramPageRow,
  type HistogramQuery,
  type HistogramSortKey,
  type HistogramTotals,
} from '../../session/answers';
import { formatAverage, formatInteger, formatPercent } from '../common/format';
import { heapWorker } from '../state/heap-worker';
import { useViewStore, type HistogramViewState } from '../state/store';
import { DumpText } from '../common/dump-text';
import { visibleText } from '../../session/visible-text';

/**
 * Rows per request. The histogram has one row per type (tens of thousands at most), but the view
 * draws ~40 at a time, so it asks the worker for the pages around what is visible instead of
 * cloning the whole histogram across the boundary on every sort or keystroke of the filter:
 * a page is ~100 small objects (a few KB), sorting and filtering stay in the worker.
 */
const PAGE_ROWS = 100;
/** Fixed row height (px): the virtualizer needs it to place rows without measuring them. */
const ROW_HEIGHT = 28;
/** Rows rendered beyond the visible ones, so a fast scroll does not show blanks. */
const OVERSCAN_ROWS = 20;

interface FetchedPages {
  /** The query these pages answer (with the heap version). */
  readonly key: string;
  readonly heapVersion: number;
  readonly pages: ReadonlyMap<number, readonly HistogramPageRow[]>;
  readonly totalRows: number | null;
  readonly totals: { matching: HistogramTotals; all: HistogramTotals } | null;
  readonly filterError: string | null;
  /** Rows of root pseudo-nodes in the histogram (shown or not). */
  readonly pseudoRows: number;
}

const COLUMNS: ColumnDef<HistogramPageRow>[] = [
  {
    id: 'name',
    header: 'Type',
    accessorKey: 'name',
    sortDescFirst: false,
    cell: ({ row }) => (
      <span className="type-name" title={visibleText(row.original.name)}>
        <DumpText text={row.original.name} />
        {row.original.typeEntries > 1 && (
          <span className="type-entries" title={`${row.original.typeEntries} type-table entries share this name`}>
            ×{row.original.typeEntries}
          </span>
        )}
      </span>
    ),
  },
  {
    id: 'count',
    header: 'Count',
    accessorKey: 'count',
    sortDescFirst: true,
    cell: ({ row }) => formatInteger(row.original.count),
  },
  {
    id: 'bytes',
    header: 'Total bytes',
    accessorKey: 'bytes',
    sortDescFirst: true,
    cell: ({ row }) => formatInteger(row.original.bytes),
  },
  {
    id: 'averageSize',
    header: 'Average size',
    accessorKey: 'averageSize',
    sortDescFirst: true,
    cell: ({ row }) => formatAverage(row.original.averageSize),
  },
  {
    id: 'percent',
    header: '% of heap',
    accessorKey: 'percent',
    sortDescFirst: true,
    cell: ({ row }) => formatPercent(row.original.percent),
  },
  {
    // Eclipse MAT's per-type retained size: what freeing every object of the type would free.
    id: 'retained',
    header: 'Retained bytes',
    accessorKey: 'retained',
    sortDescFirst: true,
    cell: ({ row }) =>
      row.original.retained === null ? (
        <span className="muted" title="Known once the analysis (dominators) has finished">
          …
        </span>
      ) : (
        formatInteger(row.original.retained)
      ),
  },
];

const COLUMN_WIDTHS: Record<string, string> = {
  name: 'auto',
  count: '9rem',
  bytes: '10rem',
  averageSize: '9rem',
  percent: '8rem',
  retained: '11rem',
};

/** The worker's query for the view's state (the view's `pseudo` is the query's `includePseudo`). */
function histogramQueryOf(view: HistogramViewState): Omit<HistogramQuery, 'offset' | 'limit'> {
  const { pseudo, ...rest } = view;
  return { ...rest, includePseudo: pseudo };
}

/** The query a set of pages answers; pages are asked again once retained sizes exist. */
function sameQuery(view: HistogramViewState, query: HistogramQuery): boolean {
  return (
    view.sortKey === query.sortKey &&
    view.descending === query.descending &&
    view.filter === query.filter &&
    view.regex === query.regex &&
    view.mergeByName === query.mergeByName &&
    view.pseudo === (query.includePseudo !== false)
  );
}

function queryKey(heapVersion: number, view: HistogramViewState, analysed: boolean): string {
  return JSON.stringify([
    heapVersion,
    analysed,
    view.sortKey,
    view.descending,
    view.filter,
    view.regex,
    view.mergeByName,
    view.pseudo,
  ]);
}

/**
 * The table's size as its ResizeObserver reports it, once the browser has laid the page out. The
 * virtualizer's own observer reads it at once when the view mounts, and its first scroll (to where
 * the table already is) is written at once too: each lays the whole new view out inside React's
 * commit, in the long task of opening the Types tab during a load (Chromium, 1 M objects, the Long
 * Animation Frames API: 16–27 ms of forced layout in tasks of 59–70 ms, in 5 runs of 5; a trace
 * named the virtualizer's mount-time scroll). Laid out in the frame instead, as for any other change:
 * the first frame lays out the first rows (the overscan), the next the rest once the size is known.
 */
function observeRectWhenLaidOut(instance: Virtualizer<HTMLDivElement, Element>, report: (rect: Rect) => void) {
  const element = instance.scrollElement;
  if (!element) return;
  const observer = new ResizeObserver(() => report({ width: element.clientWidth, height: element.clientHeight }));
  observer.observe(element);
  return () => observer.disconnect();
}

/** The virtualizer's scroll, but none to the top while the table is known to be there already (see above). */
function scrollUnlessAtTop(
  offset: number,
  options: { adjustments?: number; behavior?: ScrollBehavior },
  instance: Virtualizer<HTMLDivElement, Element>,
) {
  if (offset + (options.adjustments ?? 0) === 0 && (instance.scrollOffset ?? 0) === 0) return;
  elementScroll(offset, options, instance);
}

/** The histogram as a virtualized, sortable, filterable table; its rows come from the worker by page. */
export function TypesView() {
  const view = useViewStore((state) => state.histogram);
  const heapVersion = useViewStore((state) => state.heapVersion);
  const updateHistogram = useViewStore((state) => state.updateHistogram);
  const openInstances = useViewStore((state) => state.openInstances);
  const analysed = useViewStore((state) => state.analysis.state === 'ready');
  const unreachable = useViewStore((state) => (state.analysis.state === 'ready' ? state.analysis.unreachable : null));
  const key = queryKey(heapVersion, view, analysed);
  const loadedFirstPage = useViewStore((state) => state.firstHistogramPage);
  const summary = useViewStore((state) => state.summary);
  const [fetched, setFetched] = useState<FetchedPages>(() => {
    // The load brought the first page of the default order: show it without asking the worker,
    // which is busy with the analyses right after a load.
    const seeded = loadedFirstPage !== null && !analysed && sameQuery(view, FIRST_HISTOGRAM_QUERY);
    return {
      key,
      heapVersion,
      pages: seeded ? new Map([[0, loadedFirstPage.rows]]) : new Map(),
      totalRows: seeded ? loadedFirstPage.totalRows : null,
      totals: seeded ? loadedFirstPage.totals : null,
      filterError: null,
      pseudoRows: seeded ? loadedFirstPage.pseudoRows : 0,
    };
  });
  const pending = useRef(new Set<string>());
  const latestKey = useRef(key);
  const current = fetched.key === key ? fetched : null;
  // Until the first page of a new sort or filter arrives, the previous rows stay on screen (same
  // heap only), so the table never flashes empty between two answers.
  const shown = current ?? (fetched.heapVersion === heapVersion ? fetched : null);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown?.totalRows ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN_ROWS,
    observeElementRect: observeRectWhenLaidOut,
    scrollToFn: scrollUnlessAtTop,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const firstPage = virtualRows.length > 0 ? Math.floor(virtualRows[0].index / PAGE_ROWS) : 0;
  const lastPage = virtualRows.length > 0 ? Math.floor(virtualRows[virtualRows.length - 1].index / PAGE_ROWS) : 0;

  // A new query starts from the top (retained sizes arriving do not move the view); answers to
  // older queries are dropped.
  const scrollKey = queryKey(heapVersion, view, false);
  useEffect(() => {
    latestKey.current = key;
  }, [key]);
  const scrolledKey = useRef(scrollKey);
  useEffect(() => {
    // Not when the view mounts: a new table is at the top, and scrolling would lay it out at once.
    if (scrolledKey.current === scrollKey) return;
    scrolledKey.current = scrollKey;
    scrollRef.current?.scrollTo({ top: 0 });
  }, [scrollKey]);

  // Fetch the pages that cover the visible rows (page 0 first, which also tells the row count).
  useEffect(() => {
    const missing: number[] = [];
    for (let page = firstPage; page <= lastPage; page++) {
      if (!current?.pages.has(page) && !pending.current.has(`${key}#${page}`)) missing.push(page);
    }
    for (const page of missing) {
      const pendingKey = `${key}#${page}`;
      pending.current.add(pendingKey);
      void heapWorker
        .histogramPage({ ...histogramQueryOf(view), offset: page * PAGE_ROWS, limit: PAGE_ROWS })
        .then((answer: HistogramPage) => {
          if (latestKey.current !== key) return;
          setFetched((previous) => {
            const base: FetchedPages =
              previous.key === key
                ? previous
                : {
                    key,
                    heapVersion,
                    pages: new Map(),
                    totalRows: null,
                    totals: null,
                    filterError: null,
                    pseudoRows: 0,
                  };
            const pages = new Map(base.pages);
            pages.set(page, answer.rows);
            return {
              key,
              heapVersion,
              pages,
              totalRows: answer.totalRows,
              totals: answer.totals,
              filterError: answer.filterError,
              pseudoRows: answer.pseudoRows,
            };
          });
        })
        // A failed request (the worker went away) leaves the page to be asked for again.
        .catch(() => undefined)
        .finally(() => pending.current.delete(pendingKey));
    }
    // `view` is part of `key`; the effect depends on the key and the visible pages only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, firstPage, lastPage, current]);

  const visibleData = useMemo(() => {
    const rows: HistogramPageRow[] = [];
    if (!shown) return rows;
    for (let page = firstPage; page <= lastPage; page++) {
      const pageRows = shown.pages.get(page);
      if (pageRows) rows.push(...pageRows);
    }
    return rows;
  }, [shown, firstPage, lastPage]);

  const sorting: SortingState = [{ id: view.sortKey, desc: view.descending }];
  const table = useReactTable({
    data: visibleData,
    columns: COLUMNS,
    state: { sorting },
    manualSorting: true,
    manualFiltering: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    getRowId: (row) => String(row.rank),
    getCoreRowModel: getCoreRowModel(),
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      if (first) updateHistogram({ sortKey: first.id as HistogramSortKey, descending: first.desc });
    },
  });
  const rowsById = table.getRowModel().rowsById;
  const totalSize = virtualizer.getTotalSize();
  const paddingTop = virtualRows.length > 0 ? virtualRows[0].start : 0;
  const paddingBottom = virtualRows.length > 0 ? totalSize - virtualRows[virtualRows.length - 1].end : 0;
  const columnCount = COLUMNS.length;

  return (
    <div className="types-view">
      <div className="toolbar" role="search">
        <input
          type="search"
          className="filter-input"
          placeholder={view.regex ? 'Filter by regular expression (case-insensitive)' : 'Filter by type name'}
          aria-label="Filter types"
          data-testid="type-filter"
          value={view.filter}
          spellCheck={false}
          onChange={(event) => updateHistogram({ filter: event.currentTarget.value })}
        />
        <label className="toggle">
          <input
            type="checkbox"
            data-testid="filter-regex"
            checked={view.regex}
            onChange={(event) => updateHistogram({ regex: event.currentTarget.checked })}
          />
          Regex
        </label>
        <label className="toggle" title="Type-table entries can share a name (e.g. one per module or generic instance)">
          <input
            type="checkbox"
            data-testid="merge-by-name"
            checked={view.mergeByName}
            onChange={(event) => updateHistogram({ mergeByName: event.currentTarget.checked })}
          />
          Merge entries with the same name
        </label>
        <label
          className="toggle"
          title="Root pseudo-nodes name the roots in the graph ([static vars], [static var T.f], [local vars] …): 0 bytes, not objects of the program"
        >
          <input
            type="checkbox"
            data-testid="show-pseudo"
            checked={view.pseudo}
            onChange={(event) => updateHistogram({ pseudo: event.currentTarget.checked })}
          />
          Root pseudo-nodes
          {shown && shown.pseudoRows > 0
            ? ` (${formatInteger(shown.pseudoRows)} row${shown.pseudoRows === 1 ? '' : 's'})`
            : ''}
        </label>
        <span className="toolbar-status number" data-testid="types-status">
          {shown?.totals &&
            `${formatInteger(shown.totals.matching.rows)} of ${formatInteger(shown.totals.all.rows - (view.pseudo ? 0 : shown.pseudoRows))} types · ` +
              `${formatInteger(shown.totals.matching.count)} objects · ${formatInteger(shown.totals.matching.bytes)} bytes`}
        </span>
        {shown?.totals && summary && <CutTableNote summary={summary} all={shown.totals.all} />}
        {unreachable && unreachable.count > 0 && (
          <span className="hint" data-testid="types-unreachable">
            {formatInteger(unreachable.count)} of these objects ({formatInteger(unreachable.bytes)} bytes) are
            unreachable: garbage awaiting collection, counted here, not in retained sizes.
          </span>
        )}
      </div>
      {current?.filterError && (
        <p className="filter-error" role="alert" data-testid="filter-error">
          {current.filterError}
        </p>
      )}
      <div className="table-scroll" ref={scrollRef} data-testid="types-scroll">
        <table
          className="data-table types-table"
          data-testid="types-table"
          aria-rowcount={(shown?.totalRows ?? 0) + 1}
          aria-busy={shown !== current}
        >
          <colgroup>
            {COLUMNS.map((column) => (
              <col key={column.id} style={{ width: COLUMN_WIDTHS[column.id ?? ''] }} />
            ))}
          </colgroup>
          <thead>
            {table.getHeaderGroups().map((headerGroup) => (
              <tr key={headerGroup.id}>
                {headerGroup.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className={header.column.id === 'name' ? '' : 'number'}
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                      data-column={header.column.id}
                    >
                      <button
                        type="button"
                        className="sort-button"
                        data-testid={`sort-${header.column.id}`}
                        onClick={header.column.getToggleSortingHandler()}
                      >
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        <span className="sort-indicator" aria-hidden="true">
                          {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                        </span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {paddingTop > 0 && (
              <tr className="spacer" aria-hidden="true">
                <td colSpan={columnCount} style={{ height: paddingTop }} />
              </tr>
            )}
            {virtualRows.map((virtualRow) => {
              const row = rowsById[String(virtualRow.index)];
              if (!row) {
                return (
                  <tr key={virtualRow.key} className="placeholder-row" style={{ height: ROW_HEIGHT }}>
                    <td colSpan={columnCount}>…</td>
                  </tr>
                );
              }
              return (
                <tr
                  key={virtualRow.key}
                  data-testid="type-row"
                  data-rank={virtualRow.index}
                  aria-rowindex={virtualRow.index + 2}
                  style={{ height: ROW_HEIGHT }}
                  className="clickable-row"
                  title="Open the instances of this type"
                  onClick={() => openInstances(row.original.name)}
                >
                  {row.getVisibleCells().map((cell) => (
                    <td
                      key={cell.id}
                      className={cell.column.id === 'name' ? 'name-cell' : 'number'}
                      data-column={cell.column.id}
                    >
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              );
            })}
            {paddingBottom > 0 && (
              <tr className="spacer" aria-hidden="true">
                <td colSpan={columnCount} style={{ height: paddingBottom }} />
              </tr>
            )}
          </tbody>
        </table>
        {current?.totalRows === 0 && !current.filterError && (
          <p className="hint empty-table" data-testid="types-empty">
            No type matches the filter.
          </p>
        )}
      </div>
    </div>
  );
}

/**
 * A transcript whose dumpheap -stat was cut (rows elided by whoever pasted it): the rows shown add up
 * to less than its footer, which is what the heap held. Says both, so no sum is taken for the heap's.
 */
function CutTableNote({ summary, all }: { summary: HeapSummary; all: { count: number; bytes: number } }) {
  const stated = summary.statedObjectCount;
  if (summary.format !== 'sos' || stated === null || (stated === all.count && summary.totalBytes === all.bytes))
    return null;
  return (
    <p className="warning" data-testid="types-cut-table">
      The transcript's table was cut: its rows add up to {formatInteger(all.count)} objects and{' '}
      {formatInteger(all.bytes)} bytes, while its footer says the heap held {formatInteger(stated)} objects and{' '}
      {formatInteger(summary.totalBytes)} bytes.
    </p>
  );
}
