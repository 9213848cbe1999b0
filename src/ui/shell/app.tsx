import { memo, useDeferredValue, useEffect } from 'react';
import { DropTarget } from './drop-target';
import { OpenPanel } from './open-panel';
import { LoadStatus } from './load-status';
import { SummaryView } from '../summary/summary-view';
import { TypesView } from '../types/types-view';
import { FindingsView } from '../findings/findings-view';
import { DominatorsView } from '../dominators/dominators-view';
import { InstancesView } from '../instances/instances-view';
import { ObjectView } from '../object/object-view';
import { RootsView } from '../roots/roots-view';
import { AnalysisStatusLine } from './analysis-status';
import { ForgetDumpsButton, LinkBanner } from './link-banner';
import { PasteTranscript } from './paste-transcript';
import { useViewStore, type Selection, type ViewName } from '../state/store';
import { bindUrlToStore } from '../state/url';
import { DumpText } from '../common/dump-text';
import { visibleText } from '../../session/visible-text';
import { LinkNotes } from './link-notes';
import { ViewActions } from './view-actions';
import { DiffView } from '../diff/diff-view';
import { TranscriptView } from '../transcript/transcript-view';
import { VIEWS } from '../../permalink/url-state';
import type { HeapSummary } from '../../session/answers';

/** Each view's tab, in the order of the one list of views; the selection views appear once something is selected. */
interface TabContext {
  readonly comparing: boolean;
  readonly format: string | null;
}

const TAB_OF: Record<ViewName, { label: string; shown?: (selection: Selection, context: TabContext) => boolean }> = {
  summary: { label: 'Summary' },
  types: { label: 'Types' },
  findings: { label: 'Findings' },
  dominators: { label: 'Dominators' },
  instances: { label: 'Instances', shown: (selection) => selection.typeName !== null },
  object: { label: 'Object', shown: (selection) => selection.node !== null },
  roots: { label: 'Roots', shown: (selection) => selection.node !== null },
  diff: { label: 'Diff', shown: (_, { comparing }) => comparing },
  transcript: { label: 'Transcript', shown: (_, { format }) => format === 'sos' },
};
const TABS = VIEWS.map((view) => ({ view, ...TAB_OF[view] }));

const VIEW_COMPONENTS: Record<Exclude<ViewName, 'summary'>, () => React.JSX.Element> = {
  types: TypesView,
  findings: FindingsView,
  dominators: DominatorsView,
  instances: InstancesView,
  object: ObjectView,
  roots: RootsView,
  diff: DiffView,
  transcript: TranscriptView,
};

/**
 * The parts of the page that a tab click does not change, memoized: a click renders the App at once
 * (the tab bar answers it), and without this it rendered them all again with it, the view on screen
 * among them (the Summary and its chart, the sample list), in the click's own task: 37 ms of script
 * in a 55 ms task when the Types tab was opened during a load at 18.6 M objects (Chromium, the Long
 * Animation Frames API). They render when their own state changes.
 */
const StableOpenPanel = memo(OpenPanel);
const StablePasteTranscript = memo(PasteTranscript);
const StableLinkBanner = memo(LinkBanner);
const StableLinkNotes = memo(LinkNotes);
const StableLoadStatus = memo(LoadStatus);
const StableAnalysisStatusLine = memo(AnalysisStatusLine);
const StableViewActions = memo(ViewActions);

/** The view on screen: its props change a render after the tab's (deferred in App), never with the click. */
const ViewPanel = memo(function ViewPanel({
  view,
  summary,
  shownSummary,
}: {
  readonly view: ViewName;
  readonly summary: HeapSummary;
  readonly shownSummary: HeapSummary | null;
}) {
  const CurrentView = view === 'summary' ? null : VIEW_COMPONENTS[view];
  return (
    <section className="view" role="tabpanel">
      {!CurrentView ? (
        shownSummary && <SummaryView summary={shownSummary} />
      ) : summary.capabilities.objects ? (
        <CurrentView />
      ) : (
        <p className="empty-view" data-testid="no-object-graph">
          {summary.format === 'minidump' ? 'A minidump' : 'A core'}
          {summary.fileName.includes(' + ') ? ' opened with its companion' : ' opened alone'} has no object graph:
          heapscope does not decode a dump's managed objects yet. Open it with a transcript or a .gcdump of the same
          process (drop or pick both files) to see its GC heap named in the Summary, or open that transcript or .gcdump
          by itself for types, instances, findings and root paths.
        </p>
      )}
    </section>
  );
});

export function App() {
  useEffect(() => bindUrlToStore(), []);
  const view = useViewStore((state) => state.view);
  const setView = useViewStore((state) => state.setView);
  const summary = useViewStore((state) => state.summary);
  const loadStatus = useViewStore((state) => state.load.status);
  const selection = useViewStore((state) => state.selection);
  const comparing = useViewStore((state) => state.baseline !== null);
  // The panel follows the tab a render later, in a render React can interrupt (a transition): a
  // view's first render (the Types table at 18.6 M objects: 50–70 ms) is cut into slices, so no
  // main-thread task runs past 50 ms; the tab bar answers the click at once.
  const shownView = useDeferredValue(view);
  // Likewise the Summary a load ends on: the header and tabs come first, the Summary's own render
  // (with its layout, 50–70 ms in one task at 18.6 M objects) a render later, interruptible.
  const shownSummary = useDeferredValue(summary);

  return (
    <DropTarget>
      <header className="app-header">
        <h1 className="app-title">heapscope</h1>
        <span className="app-tagline">.NET heap explorer · runs in your browser · nothing is uploaded</span>
        <ForgetDumpsButton />
        {summary && (
          <span className="app-file" data-testid="loaded-file" title={visibleText(summary.fileName)}>
            <DumpText text={summary.fileName} />
          </span>
        )}
      </header>
      <StableOpenPanel />
      <StablePasteTranscript />
      <StableLinkBanner />
      <StableLinkNotes />
      <StableLoadStatus />
      {summary && loadStatus === 'loaded' && (
        <main className="app-main">
          <nav className="tabs" role="tablist" aria-label="Views">
            {TABS.filter(
              (tab) => !tab.shown || tab.shown(selection, { comparing, format: summary.format }) || tab.view === view,
            ).map((tab) => (
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
          <div className="view-bar">
            <StableAnalysisStatusLine />
            <StableViewActions />
          </div>
          <ViewPanel view={shownView} summary={summary} shownSummary={shownSummary} />
        </main>
      )}
    </DropTarget>
  );
}
