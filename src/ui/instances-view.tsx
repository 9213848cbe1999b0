/** The Instances view (being built). */
export function InstancesView() {
  return <p className="empty-view">The Instances view is not built yet.</p>;
}
