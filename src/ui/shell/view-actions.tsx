import { useRef } from 'react';
import { CopyBox } from './link-banner';
import { viewMarkdown } from '../state/view-markdown';
import { compareWith, dumpNamed } from '../state/heap-worker';
import { useViewStore } from '../state/store';

/**
 * Beside every view: its link (the view, its table state and selection), the view as Markdown, and
 * "Compare with…" another dump of the same process (the open one becomes the baseline).
 */
export function ViewActions() {
  const input = useRef<HTMLInputElement>(null);
  const ready = useViewStore((state) => state.analysis.state === 'ready');
  return (
    <div className="view-actions" data-testid="view-actions">
      {ready && (
        <>
          <button type="button" data-testid="compare-with" onClick={() => input.current?.click()}>
            Compare with…
          </button>
          <input
            ref={input}
            type="file"
            hidden
            data-testid="compare-input"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = '';
              if (file) void compareWith(file, file.name);
            }}
          />
        </>
      )}
      <CopyBox label="Copy link" testId="copy-link" make={copyViewLink} />
      <CopyBox label="Copy as Markdown" testId="copy-view-markdown" make={() => viewMarkdown()} />
    </div>
  );
}

/**
 * The page's address: the link to this view. Once the analyses are ready the dump is being hashed,
 * and the link waits for its name (about a second at 18.6 M objects); before that, during a long
 * load, it is copied at once, without the dump.
 */
async function copyViewLink(): Promise<string> {
  if (useViewStore.getState().analysis.state === 'ready') await dumpNamed();
  return window.location.href;
}
