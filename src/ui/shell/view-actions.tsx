import { CopyBox } from './link-banner';
import { viewMarkdown } from '../state/view-markdown';

/** Beside every view: its link (the view, its table state and selection) and the view as Markdown. */
export function ViewActions() {
  return (
    <div className="view-actions" data-testid="view-actions">
      <CopyBox label="Copy link" testId="copy-link" make={async () => window.location.href} />
      <CopyBox label="Copy as Markdown" testId="copy-view-markdown" make={() => viewMarkdown()} />
    </div>
  );
}
