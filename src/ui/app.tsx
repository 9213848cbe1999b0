import { useEffect } from 'react';
import { DropTarget } from './drop-target';
import { OpenPanel } from './open-panel';
import { LoadStatus } from './load-status';
import { SummaryView } from './summary-view';
import { TypesView } from './types-view';
import { useViewStore, type ViewName } from './store';
import { bindUrlToStore } from './url';

const TABS: readonly { view: ViewName; label: string }[] = [
  { view: 'summary', label: 'Summary' },
  { view: 'types', label: 'Types' },
];

export function App() {
  useEffect(() => bindUrlToStore(), []);
  const view = useViewStore((state) => state.view);
  const setView = useViewStore((state) => state.setView);
  const summary = useViewStore((state) => state.summary);
  const loadStatus = useViewStore((state) => state.load.status);

  return (
    <DropTarget>
      <header className="app-header">
        <h1 className="app-title">heapscope</h1>
        <span className="app-tagline">.NET heap explorer · runs in your browser · nothing is uploaded</span>
        {summary && (
          <span className="app-file" data-testid="loaded-file" title={summary.fileName}>
            {summary.fileName}
          </span>
        )}
      </header>
      <OpenPanel />
      <LoadStatus />
      {summary && loadStatus === 'loaded' && (
        <main className="app-main">
          <nav className="tabs" role="tablist" aria-label="Views">
            {TABS.map((tab) => (
              <button
                key={tab.view}
                role="tab"
                type="button"
                aria-selected={view === tab.view}
                className={view === tab.view ? 'tab tab-selected' : 'tab'}
                data-testid={`tab-${tab.view}`}
                onClick={() => setView(tab.view)}
              >
                {tab.label}
              </button>
            ))}
          </nav>
          <section className="view" role="tabpanel">
            {view === 'summary' ? <SummaryView summary={summary} /> : <TypesView />}
          </section>
        </main>
      )}
    </DropTarget>
  );
}
