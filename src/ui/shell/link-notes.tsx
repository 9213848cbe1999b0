import { DumpText } from '../common/dump-text';
import { useViewStore } from '../state/store';

/**
 * What the opened link asked for that the page could not give — a bad part, an unknown view or
 * finding, an object not in this dump, an unreadable evidence card — and what was opened instead.
 * Links are made by people and tools: each problem is said, none is silently dropped.
 */
export function LinkNotes() {
  const notes = useViewStore((state) => state.linkNotes);
  if (notes.length === 0) return null;
  return (
    <section className="link-notes" role="status" data-testid="link-notes">
      <strong>This link could not be opened exactly as written:</strong>
      <ul>
        {notes.map((note) => (
          <li key={note} data-testid="link-note">
            <DumpText text={note} />
          </li>
        ))}
      </ul>
      <button type="button" className="link-button" onClick={() => useViewStore.setState({ linkNotes: [] })}>
        Dismiss
      </button>
    </section>
  );
}
