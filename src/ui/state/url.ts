/**
 * The permalink binding: every view state that matters lives in the location hash (format:
 * src/permalink/url-state.ts). The hash seeds the store at start; store changes write the hash (a
 * history entry per view or selection change, so back and forward move between views; none per
 * keystroke); back/forward and edited hashes update the store. Objects are named by address in
 * links (by path signature when they have none) and by NodeIndex in the store: the worker translates.
 */
import { encodeUrlState, parseUrlState, URL_FORMAT_VERSION, type UrlState } from '../../permalink/url-state';
import { sameDump } from '../../permalink/fingerprint';
import { heapWorker, openCachedComparison, openCachedDump, reopenTranscriptSession } from './heap-worker';
import { addLinkNote, EMPTY_SELECTION, useViewStore, type ViewStore } from './store';

/** How links name the selected object (its address or path signature), as last resolved (store holds NodeIndex only). */
let selectedAddress: { node: number; address: string } | null = null;

function urlStateOf(state: ViewStore): UrlState {
  const address =
    state.selection.node !== null && selectedAddress?.node === state.selection.node ? selectedAddress.address : null;
  return {
    version: URL_FORMAT_VERSION,
    dump: state.fingerprint ?? state.link?.dump ?? null,
    view: state.view,
    sortKey: state.histogram.sortKey,
    descending: state.histogram.descending,
    filter: state.histogram.filter,
    regex: state.histogram.regex,
    mergeByName: state.histogram.mergeByName,
    pseudo: state.histogram.pseudo,
    baseDump: state.baseline?.fingerprint ?? state.link?.baseDump ?? null,
    typeName: state.selection.typeName,
    objectAddress: address ?? state.link?.objectAddress ?? null,
    findingId: state.selection.findingId ?? state.link?.findingId ?? null,
    expandedRun: state.selection.expandedRun ?? state.link?.expandedRun ?? null,
    evidence: state.link?.evidence ?? null,
    instances: state.instances,
    session: openSession(state) ?? state.link?.session ?? null,
  };
}

/** The session shown of a transcript that holds several, or null (one session, or not a transcript). */
function openSession(state: ViewStore): number | null {
  const sessions = state.summary?.transcriptSessions;
  return sessions && sessions.sessions.length > 1 ? sessions.chosen : null;
}

/**
 * True while the store is being set from the location (start, back/forward): those changes replace
 * the current history entry instead of pushing new ones, so back/forward never rewrite history.
 */
let applyingLocation = false;

/** Applies a parsed link: view and table state at once, the selection once its dump is open. */
function applyLink(state: UrlState): void {
  applyingLocation = true;
  useViewStore.setState({
    view: state.view,
    histogram: {
      sortKey: state.sortKey,
      descending: state.descending,
      filter: state.filter,
      regex: state.regex,
      mergeByName: state.mergeByName,
      pseudo: state.pseudo,
    },
    instances: state.instances,
    link: {
      dump: state.dump,
      baseDump: state.baseDump,
      typeName: state.typeName,
      objectAddress: state.objectAddress,
      findingId: state.findingId,
      expandedRun: state.expandedRun,
      evidence: state.evidence,
      session: state.session,
    },
  });
  void restoreSelection().finally(() => {
    applyingLocation = false;
  });
}

/** A link once its selection is applied or set aside: only its evidence card stays, if it has one. */
function spentLink(link: NonNullable<ViewStore['link']>): ViewStore['link'] {
  return link.evidence ? { ...link, typeName: null, objectAddress: null, findingId: null, expandedRun: null } : null;
}

/**
 * When the loaded dump is the link's (or the link names none), turns the link's selection into the
 * store's: the object's address into its NodeIndex through the worker.
 */
export async function restoreSelection(): Promise<void> {
  const { link, fingerprint, summary } = useViewStore.getState();
  if (!link || !summary) return;
  if (link.dump && !sameDump(link.dump, fingerprint)) return;
  let node: number | null = null;
  if (link.objectAddress) {
    node = await heapWorker.nodeAtObjectKey(link.objectAddress);
    if (node !== null) selectedAddress = { node, address: link.objectAddress };
    else
      addLinkNote(
        `The link names the object ${link.objectAddress.slice(0, 80)}, which is not in this dump; the ${link.findingId ? 'finding' : 'view'} opened without it.`,
      );
  }
  useViewStore.setState({
    selection: {
      ...EMPTY_SELECTION,
      typeName: link.typeName,
      node,
      findingId: link.findingId,
      expandedRun: link.expandedRun,
    },
    link: spentLink(link),
    linkProblem: null,
  });
}

/** Once the opened dump's fingerprint is known: restore the link's selection, or refuse a different file. */
function checkOpenedDump(state: ViewStore): void {
  const { link, fingerprint } = state;
  if (!fingerprint) return;
  // A Diff link opens its baseline first: that is not a different file.
  if (link?.baseDump && sameDump(link.baseDump, fingerprint)) return;
  if (link?.dump && !sameDump(link.dump, fingerprint)) {
    const problem =
      `This link is for ${link.dump.name} (${link.dump.size.toLocaleString('en-US')} bytes, SHA-256 ${link.dump.sha256.slice(0, 12)}…), ` +
      `but ${fingerprint.name} (${fingerprint.size.toLocaleString('en-US')} bytes, SHA-256 ${fingerprint.sha256.slice(0, 12)}…) is a different file, so it was not opened.`;
    useViewStore.getState().failLoad(fingerprint.name, problem);
    useViewStore.setState({ linkProblem: problem, fingerprint: null });
    return;
  }
  // The link names a debugger session of this transcript other than the one opened: open that one.
  const wanted = link?.dump ? link.session : null;
  const sessions = state.summary?.transcriptSessions;
  if (wanted !== null && sessions && sessions.chosen !== wanted) {
    if (sessions.sessions.some((session) => session.index === wanted)) {
      reopenTranscriptSession(wanted);
      return;
    }
    addLinkNote(
      `The link names debugger session ${wanted}, but this transcript holds ${sessions.sessions.length}; session ${sessions.chosen} is shown.`,
    );
  }
  // The dump is hashed once its analyses are done: by then the user may have chosen an object or a
  // finding, and a link's selection (none, for a page opened without one) is not put over it.
  const { selection } = useViewStore.getState();
  const chosen = selection.typeName !== null || selection.node !== null || selection.findingId !== null;
  if (chosen && link && !link.dump) {
    useViewStore.setState({ link: spentLink(link) });
    return;
  }
  void restoreSelection();
}

/** A link's finding that this dump's analysis did not find is named, and all findings are shown instead. */
async function checkFinding(findingId: string): Promise<void> {
  const findings = await heapWorker.findings();
  if (findings.some((finding) => finding.id === findingId)) return;
  if (useViewStore.getState().selection.findingId !== findingId) return;
  addLinkNote(
    `The link names the finding "${findingId.slice(0, 80)}", which this dump's analysis did not find; all ${findings.length} findings are shown instead.`,
  );
  useViewStore.setState((state) => ({ selection: { ...state.selection, findingId: null } }));
}

export function bindUrlToStore(): () => void {
  const fromLocation = () => {
    const parsed = parseUrlState(window.location.hash);
    useViewStore.setState({ linkNotes: parsed.problems });
    applyLink(parsed.state);
  };
  fromLocation();
  // A link to a dump this browser has cached opens it at once.
  const { dump, baseDump } = useViewStore.getState().link ?? { dump: null, baseDump: null };
  if (dump && baseDump && !useViewStore.getState().summary) void openCachedComparison(baseDump.sha256, dump.sha256);
  else if (dump && !useViewStore.getState().summary) void openCachedDump(dump.sha256);
  const unsubscribe = useViewStore.subscribe((state, previous) => {
    if (state.fingerprint !== previous.fingerprint) checkOpenedDump(state);
    if (
      state.analysis.state === 'ready' &&
      state.selection.findingId !== null &&
      (state.analysis !== previous.analysis || state.selection.findingId !== previous.selection.findingId)
    )
      void checkFinding(state.selection.findingId);
    const changedView = state.view !== previous.view || state.selection !== previous.selection;
    if (
      !changedView &&
      state.histogram === previous.histogram &&
      state.instances === previous.instances &&
      state.fingerprint === previous.fingerprint &&
      state.link === previous.link
    )
      return;
    if (state.selection.node !== null && selectedAddress?.node !== state.selection.node) {
      // Resolve the address, then write the URL again with it.
      const node = state.selection.node;
      void heapWorker.objectKey(node).then((key) => {
        if (key && useViewStore.getState().selection.node === node) {
          selectedAddress = { node, address: key };
          write(useViewStore.getState(), false);
        }
      });
    }
    write(state, changedView && !applyingLocation);
  });
  window.addEventListener('popstate', fromLocation);
  return () => {
    unsubscribe();
    window.removeEventListener('popstate', fromLocation);
  };
}

function write(state: ViewStore, newEntry: boolean): void {
  const hash = encodeUrlState(urlStateOf(state));
  if (hash === window.location.hash || (hash === '' && window.location.hash === '')) return;
  const url = `${window.location.pathname}${window.location.search}${hash}`;
  if (newEntry) window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
}
