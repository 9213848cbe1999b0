/** The Dominators view (being built). */
export function DominatorsView() {
  return <p className="empty-view">The Dominators view is not built yet.</p>;
}
