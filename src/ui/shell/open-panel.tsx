import { memo, useEffect, useState } from 'react';
import { formatBytesShort } from '../common/format';
import { openDump, openFiles } from '../state/heap-worker';
import { fetchSample, fetchSampleList, type SampleEntry } from './samples';
import { useViewStore } from '../state/store';

/** Samples by group, in the server's order (the project's own samples first). */
function groupSamples(samples: readonly SampleEntry[]): [string, SampleEntry[]][] {
  const groups = new Map<string, SampleEntry[]>();
  for (const sample of samples) {
    const group = groups.get(sample.group);
    if (group) group.push(sample);
    else groups.set(sample.group, [sample]);
  }
  return [...groups.entries()];
}

/** The file picker and the "Open a sample" list. */
export function OpenPanel() {
  const [samples, setSamples] = useState<SampleEntry[] | null>(null);
  const loadStatus = useViewStore((state) => state.load.status);
  // The list is open until a dump is opened, then folds to one line to give the views the room.
  const [listOpen, setListOpen] = useState(true);
  const [foldedFor, setFoldedFor] = useState(loadStatus);
  if (foldedFor !== loadStatus) {
    setFoldedFor(loadStatus);
    if (loadStatus === 'loading') setListOpen(false);
  }

  useEffect(() => {
    let live = true;
    fetchSampleList()
      .then((list) => live && setSamples(list))
      .catch(() => live && setSamples([]));
    return () => {
      live = false;
    };
  }, []);

  return (
    <section className="open-panel" aria-label="Open a dump">
      <div className="open-file">
        <label className="button button-primary">
          Open a file…
          <input
            type="file"
            className="visually-hidden"
            accept=".gcdump,.txt,.log,.core,.dmp,application/octet-stream"
            multiple
            data-testid="file-input"
            onChange={(event) => {
              void openFiles([...(event.currentTarget.files ?? [])]);
              // Let the same file be picked again (a change event needs a new value).
              event.currentTarget.value = '';
            }}
          />
        </label>
        <span className="hint">
          or drop a .gcdump, an SOS transcript or a core anywhere in this window (a core with a transcript of the same
          process names its GC heap)
        </span>
      </div>
      <details
        className="samples"
        open={listOpen && samples !== null && samples.length > 0}
        onToggle={(event) => setListOpen(event.currentTarget.open)}
        data-testid="samples"
      >
        <summary>Open a sample{samples ? ` (${samples.length})` : ''}</summary>
        {samples === null ? (
          <p className="hint">Looking for samples…</p>
        ) : samples.length === 0 ? (
          <p className="hint">No sample dumps are served here.</p>
        ) : (
          <SampleGroups samples={samples} />
        )}
      </details>
    </section>
  );
}

/**
 * The samples, by group. Apart, and memoized, so that the panel's own updates (it folds when a load
 * starts) do not render the list again: reconciling its few hundred elements took 14 ms of the
 * 40 ms main-thread task that a pick starts (Chromium, a CPU profile).
 */
const SampleGroups = memo(function SampleGroups({ samples }: { readonly samples: readonly SampleEntry[] }) {
  const failLoad = useViewStore((state) => state.failLoad);
  const openSample = async (sample: SampleEntry) => {
    try {
      await openDump(await fetchSample(sample), sample.name);
    } catch (error) {
      failLoad(sample.name, error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <div className="sample-groups">
      {groupSamples(samples).map(([group, entries]) => (
        <section key={group} className="sample-group">
          <h3 className="sample-group-title">{group}</h3>
          <ul className="sample-list">
            {entries.map((sample) => (
              <li key={sample.id}>
                <button
                  type="button"
                  className="link-button"
                  data-testid="sample"
                  data-sample-id={sample.id}
                  onClick={() => void openSample(sample)}
                >
                  {sample.name}
                </button>
                <span className="sample-meta">{formatBytesShort(sample.bytes)}</span>
                <div className="sample-description" data-testid="sample-description">
                  {sample.description}
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
});
