import { formatBytesShort, formatInteger, megabytesPerSecond } from '../common/format';
import { cancelLoad } from '../state/heap-worker';
import { DumpText } from '../common/dump-text';
import { useViewStore } from '../state/store';

/**
 * The progress bar while a file loads, and the error when one could not be read — kept above the
 * dump that was open before it, which is opened again.
 */
export function LoadStatus() {
  const load = useViewStore((state) => state.load);
  const failure = useViewStore((state) => state.loadFailure);
  return (
    <>
      {failure && (
        <section className="load-error" role="alert" data-testid="load-error">
          <strong>
            Could not read <DumpText text={failure.fileName} />
          </strong>
          {/* Plain text: the message may quote bytes or names from the file. */}
          <p className="error-message">
            <DumpText text={failure.message} />
          </p>
          {failure.reopened !== null && (
            <p className="muted" data-testid="load-error-kept">
              <DumpText text={failure.reopened} /> is still open below.
            </p>
          )}
          <button
            type="button"
            className="link-button"
            data-testid="load-error-dismiss"
            onClick={() => useViewStore.setState({ loadFailure: null })}
          >
            Dismiss
          </button>
        </section>
      )}
      <LoadState load={load} />
    </>
  );
}

function LoadState({ load }: { load: ReturnType<typeof useViewStore.getState>['load'] }) {
  if (load.status === 'loading') {
    const progress = load.progress;
    const fraction = progress?.fraction ?? 0;
    // The percent is of bytes read, so it agrees with the byte count and the speed beside it; the
    // bar also counts the work after the last byte (decoding, indexing).
    const readShare = progress && progress.totalBytes > 0 ? progress.bytesRead / progress.totalBytes : 0;
    const speed = progress ? megabytesPerSecond(progress.bytesRead, progress.elapsedMs) : null;
    return (
      <section className="load-status" data-testid="load-progress" aria-live="polite">
        <div className="load-line">
          <span>
            Reading{' '}
            <strong>
              <DumpText text={load.fileName} />
            </strong>{' '}
            ({formatBytesShort(load.fileBytes)})
          </span>
          <button type="button" className="button" onClick={cancelLoad}>
            Cancel
          </button>
        </div>
        <progress className="progress" max={1} value={fraction} aria-label="Load progress" />
        <div className="load-line hint">
          <span data-testid="load-stage">{progress?.stage ?? 'starting'}</span>
          <span className="number">
            {progress &&
              `${Math.floor(readShare * 100)}% read · ${formatInteger(progress.bytesRead)} of ${formatInteger(progress.totalBytes)} bytes`}
            {speed !== null && ` · ${speed.toFixed(1)} MB/s`}
          </span>
        </div>
      </section>
    );
  }

  if (load.status === 'idle') {
    return (
      <section className="welcome">
        <p>
          Open a <code>.gcdump</code> written by <code>dotnet-gcdump</code>, <code>dotnet-monitor</code>, PerfView or
          Visual Studio. The file is read here, in your browser; it is never uploaded.
        </p>
      </section>
    );
  }

  return null;
}
