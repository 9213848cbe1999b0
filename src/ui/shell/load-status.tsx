import { formatBytesShort, formatInteger, megabytesPerSecond } from '../common/format';
import { cancelLoad } from '../state/heap-worker';
import { DumpText } from '../common/dump-text';
import { useViewStore } from '../state/store';

/** The progress bar while a file loads, or the error when it could not be read. */
export function LoadStatus() {
  const load = useViewStore((state) => state.load);

  if (load.status === 'loading') {
    const progress = load.progress;
    const fraction = progress?.fraction ?? 0;
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
            {Math.round(fraction * 100)}%
            {progress && ` · ${formatInteger(progress.bytesRead)} of ${formatInteger(progress.totalBytes)} bytes`}
            {speed !== null && ` · ${speed.toFixed(1)} MB/s`}
          </span>
        </div>
      </section>
    );
  }

  if (load.status === 'failed') {
    return (
      <section className="load-error" role="alert" data-testid="load-error">
        <strong>
          Could not read <DumpText text={load.fileName} />
        </strong>
        {/* Plain text: the message may quote bytes or names from the file. */}
        <p className="error-message">
          <DumpText text={load.message} />
        </p>
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
