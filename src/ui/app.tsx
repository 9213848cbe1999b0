import { useEffect } from 'react';
import { DropTarget } from './drop-target';
import { OpenPanel } from './open-panel';
import { LoadStatus } from './load-status';
import { SummaryView } from './summary-view';
import { TypesView } from './types-view';
import { FindingsView } from './findings-view';
import { DominatorsView } from './dominators-view';
import { InstancesView } from './instances-view';
import { ObjectView } from './object-view';
import { RootsView } from './roots-view';
import { AnalysisStatusLine } from './analysis-status';
import { ForgetDumpsButton, LinkBanner } from './link-banner';
import { PasteTranscript } from './paste-transcript';
import { useViewStore, type Selection, type ViewName } from './store';
import { bindUrlToStore } from './url';

/** Tabs; the selection views appear once something is selected. */
const TABS: readonly { view: ViewName; label: string; shown?: (selection: Selection) => boolean }[] = [
  { view: 'summary', label: 'Summary' },
  { view: 'types', label: 'Types' },
  { view: 'findings', label: 'Findings' },
  { view: 'dominators', label: 'Dominators' },
  { view: 'instances', label: 'Instances', shown: (selection) => selection.typeName !== null },
  { view: 'object', label: 'Object', shown: (selection) => selection.node !== null },
  { view: 'roots', label: 'Roots', shown: (selection) => selection.node !== null },
];

const VIEW_COMPONENTS: Record<Exclude<ViewName, 'summary'>, () => React.JSX.Element> = {
  types: TypesView,
  findings: FindingsView,
  dominators: DominatorsView,
  instances: InstancesView,
  object: ObjectView,
  roots: RootsView,
};

export function App() {
  useEffect(() => bindUrlToStore(), []);
  const view = useViewStore((state) => state.view);
  const setView = useViewStore((state) => state.setView);
  const summary = useViewStore((state) => state.summary);
  const loadStatus = useViewStore((state) => state.load.status);
  const selection = useViewStore((state) => state.selection);
  const CurrentView = view === 'summary' ? null : VIEW_COMPONENTS[view];

  return (
    <DropTarget>
      <header className="app-header">
        <h1 className="app-title">heapscope</h1>
        <span className="app-tagline">.NET heap explorer · runs in your browser · nothing is uploaded</span>
        <ForgetDumpsButton />
        {summary && (
          <span className="app-file" data-testid="loaded-file" title={summary.fileName}>
            {summary.fileName}
          </span>
        )}
      </header>
      <OpenPanel />
      <PasteTranscript />
      <LinkBanner />
      <LoadStatus />
      {summary && loadStatus === 'loaded' && (
        <main className="app-main">
          <nav className="tabs" role="tablist" aria-label="Views">
            {TABS.filter((tab) => !tab.shown || tab.shown(selection) || tab.view === view).map((tab) => (
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
          <AnalysisStatusLine />
          <section className="view" role="tabpanel">
            {CurrentView ? <CurrentView /> : <SummaryView summary={summary} />}
          </section>
        </main>
      )}
    </DropTarget>
  );
}
