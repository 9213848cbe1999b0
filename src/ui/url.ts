/**
 * The view state a permalink carries, in the location hash: `#view=types&sort=bytes&dir=desc&filter=…&regex=1&split=1`.
 * Only non-default values are written. The file itself is never in the URL (nothing is uploaded),
 * so a permalink restores the view once the same dump is opened again.
 */
import type { HistogramSortKey } from '../worker/api';
import { DEFAULT_HISTOGRAM_VIEW, useViewStore, type HistogramViewState, type ViewName } from './store';

export interface UrlViewState {
  readonly view: ViewName;
  readonly histogram: HistogramViewState;
}

const VIEWS: readonly ViewName[] = ['summary', 'types', 'findings', 'dominators'];
const SORT_KEYS: readonly HistogramSortKey[] = ['name', 'count', 'bytes', 'averageSize', 'percent'];

/** Parses a location hash; unknown or malformed values fall back to the defaults. */
export function viewStateFromHash(hash: string): UrlViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const view = params.get('view');
  const sort = params.get('sort');
  const dir = params.get('dir');
  const sortKey = SORT_KEYS.includes(sort as HistogramSortKey)
    ? (sort as HistogramSortKey)
    : DEFAULT_HISTOGRAM_VIEW.sortKey;
  return {
    view: VIEWS.includes(view as ViewName) ? (view as ViewName) : 'summary',
    histogram: {
      sortKey,
      descending: dir === 'asc' ? false : dir === 'desc' ? true : defaultDescending(sortKey),
      filter: params.get('filter') ?? '',
      regex: params.get('regex') === '1',
      mergeByName: params.get('split') !== '1',
    },
  };
}

/** Names sort ascending by default, numbers descending (biggest first). */
function defaultDescending(sortKey: HistogramSortKey): boolean {
  return sortKey !== 'name';
}

/** The hash for a view state, without the defaults; '' when everything is default. */
export function hashFromViewState(state: UrlViewState): string {
  const params = new URLSearchParams();
  const { histogram } = state;
  if (state.view !== 'summary') params.set('view', state.view);
  if (histogram.sortKey !== DEFAULT_HISTOGRAM_VIEW.sortKey) params.set('sort', histogram.sortKey);
  if (histogram.descending !== defaultDescending(histogram.sortKey)) {
    params.set('dir', histogram.descending ? 'desc' : 'asc');
  }
  if (histogram.filter !== '') params.set('filter', histogram.filter);
  if (histogram.regex) params.set('regex', '1');
  if (!histogram.mergeByName) params.set('split', '1');
  const text = params.toString();
  return text === '' ? '' : `#${text}`;
}

/**
 * Two-way binding between the store and the location hash: the hash seeds the store at start,
 * store changes replace the hash (no history entry per keystroke), and editing the hash or going
 * back updates the store. Returns the function that stops it.
 */
export function bindUrlToStore(): () => void {
  const apply = () => {
    const state = viewStateFromHash(window.location.hash);
    useViewStore.setState({ view: state.view, histogram: state.histogram });
  };
  apply();
  const unsubscribe = useViewStore.subscribe((state, previous) => {
    if (state.view === previous.view && state.histogram === previous.histogram) return;
    const hash = hashFromViewState({ view: state.view, histogram: state.histogram });
    if (hash !== window.location.hash && !(hash === '' && window.location.hash === '')) {
      const url = `${window.location.pathname}${window.location.search}${hash}`;
      window.history.replaceState(null, '', url);
    }
  });
  window.addEventListener('hashchange', apply);
  return () => {
    unsubscribe();
    window.removeEventListener('hashchange', apply);
  };
}
