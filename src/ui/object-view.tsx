/** The Object view (being built). */
export function ObjectView() {
  return <p className="empty-view">The Object view is not built yet.</p>;
}
