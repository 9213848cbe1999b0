import { describe, expect, it } from 'vitest';
import { DEFAULT_HISTOGRAM_VIEW } from './store';
import { hashFromViewState, viewStateFromHash } from './url';

describe('url', () => {
  it('writes nothing for the default view', () => {
    expect(hashFromViewState({ view: 'summary', histogram: DEFAULT_HISTOGRAM_VIEW })).toBe('');
    expect(viewStateFromHash('')).toEqual({ view: 'summary', histogram: DEFAULT_HISTOGRAM_VIEW });
  });

  it('round-trips a Types view sorted, filtered and split', () => {
    const state = {
      view: 'types' as const,
      histogram: {
        sortKey: 'name' as const,
        descending: true,
        filter: 'System.(String|Byte)&x',
        regex: true,
        mergeByName: false,
      },
    };
    const hash = hashFromViewState(state);
    expect(hash).toBe('#view=types&sort=name&dir=desc&filter=System.%28String%7CByte%29%26x&regex=1&split=1');
    expect(viewStateFromHash(hash)).toEqual(state);
  });

  it('ignores values it does not know', () => {
    const state = viewStateFromHash('#view=<script>&sort=evil&dir=sideways');
    expect(state.view).toBe('summary');
    expect(state.histogram.sortKey).toBe('bytes');
    expect(state.histogram.descending).toBe(true);
  });
});
