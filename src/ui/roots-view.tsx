/** The Roots view (being built). */
export function RootsView() {
  return <p className="empty-view">The Roots view is not built yet.</p>;
}
