/** The Findings view (being built). */
export function FindingsView() {
  return <p className="empty-view">The Findings view is not built yet.</p>;
}
