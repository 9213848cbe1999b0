import * as d3 from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RootPathSummary } from '../../session/answers';
import { renderRootPath } from '../../session/answer-text';
import type { RunMembersPage } from '../../session/answers';
import { heapWorker } from '../state/heap-worker';
import { layoutRootsGraph, type GraphNode, type RootsGraph } from './roots-graph';
import { useViewStore } from '../state/store';
import { useWorkerAnswer } from '../state/use-worker-answer';
import { ObjectLink } from '../common/object-link';
import { visibleOutput, visibleText } from '../../session/visible-text';
import { formatInteger } from '../common/format';

const COLUMN_WIDTH = 214;
const ROW_HEIGHT = 90;
const NODE_WIDTH = 184;
const RUN_WIDTH = 208;
const NODE_HEIGHT = 46;
const MARGIN = 24;
/** Characters of a type name that fit in a node; the tooltip and the text list have it whole. */
const MAX_TITLE_CHARS = 24;
/** Members shown at each end of an expanded run, and per page of its middle. */
const RUN_ENDS = 5;
const RUN_PAGE = 50;
/** Smallest zoom at which node text stays readable: the first view and Fit never go below it (the wheel may). */
const READABLE_SCALE = 0.7;
const EMPTY_KEYS: ReadonlySet<string> = new Set();

function shorten(text: string, max = MAX_TITLE_CHARS): string {
  return text.length > max ? `…${text.slice(text.length - max + 1)}` : text;
}

/** Why the selected object is alive: its root paths as a graph, runs collapsed, and as text. */
export function RootsView() {
  const node = useViewStore((state) => state.selection.node);
  const analysis = useViewStore((state) => state.analysis);
  const { answer, error } = useWorkerAnswer(
    () => (analysis.state === 'ready' && node !== null ? heapWorker.rootPaths(node) : Promise.resolve(null)),
    `roots:${node}`,
  );
  const expandedRun = useViewStore((state) => state.selection.expandedRun);
  const expandRun = useViewStore((state) => state.expandRun);
  // Gaps the user unfolded, for this answer only.
  const [openGaps, setOpenGaps] = useState<{ readonly answer: unknown; readonly keys: ReadonlySet<string> }>({
    answer: null,
    keys: new Set(),
  });
  const gaps = openGaps.answer === answer ? openGaps.keys : EMPTY_KEYS;
  /** The expanded run's key, from the link's address of its first member. */
  const expanded = useMemo(() => {
    for (const path of answer?.paths ?? [])
      for (const step of path.steps)
        if ('run' in step && step.run.first === expandedRun) return `run:${step.run.firstNode}:${step.run.lastNode}`;
    return null;
  }, [answer, expandedRun]);
  const graph = useMemo(
    () => (answer ? layoutRootsGraph(answer.paths, { expandedRun: expanded, openGaps: gaps }) : null),
    [answer, expanded, gaps],
  );
  if (node === null)
    return <p className="empty-view">No object selected: open one from Findings, Instances or the inspector.</p>;
  if (analysis.state !== 'ready')
    return <p className="empty-view">Root paths appear when the analysis has finished.</p>;
  if (error) return <p className="error-text">{error}</p>;
  if (!answer || !graph) return <p className="empty-view">Finding root paths…</p>;
  const expandedNode = expanded ? graph.nodes.find((n) => n.key === expanded) : undefined;
  return (
    <div className="roots-view" data-testid="roots-view">
      <h2>
        Why <ObjectLink object={answer.target} /> is alive
      </h2>
      {answer.paths.length === 0 ? (
        <p className="empty-view" data-testid="no-roots">
          No root reaches this object: it is garbage the next GC frees, or its roots were not captured.
        </p>
      ) : (
        <>
          <p className="muted">
            {answer.paths.length} distinct root path{answer.paths.length === 1 ? '' : 's'} (one per root kind)
            {answer.complete ? '' : '; the search stopped at its cap, more may exist'}. Highlighted nodes are runs of
            one type collapsed into one: click to expand. Drag to pan, scroll to zoom.
          </p>
          <RootsGraphSvg
            graph={graph}
            onToggleRun={(key) => {
              const run = graph.nodes.find((n) => n.key === key)?.run;
              expandRun(key === expanded || !run ? null : run.firstAddress);
            }}
            onOpenGap={(key) => setOpenGaps({ answer, keys: new Set([...gaps, key]) })}
            expanded={expanded}
          />
          {expandedNode?.run && <RunMembers key={expandedNode.key} run={expandedNode.run} />}
          <RootPathsText paths={answer.paths} />
        </>
      )}
    </div>
  );
}

export function RootsGraphSvg({
  graph,
  onToggleRun,
  onOpenGap,
  expanded,
}: {
  graph: RootsGraph;
  onToggleRun: (key: string) => void;
  onOpenGap: (key: string) => void;
  expanded: string | null;
}) {
  const svgRef = useRef<SVGSVGElement>(null);
  const zoomRef = useRef<d3.ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const shownFor = useRef<string | null>(null);
  const openObject = useViewStore((state) => state.openObject);
  const width = graph.columns * COLUMN_WIDTH + 2 * MARGIN;
  const height = graph.rows * ROW_HEIGHT + 2 * MARGIN;
  const viewHeight = Math.min(height * 0.9, 420);
  const position = (n: GraphNode) => ({ x: MARGIN + n.column * COLUMN_WIDTH, y: MARGIN + n.row * ROW_HEIGHT });

  /** As much of the graph as fits from the roots, never below a readable size (drag or scroll for the rest). */
  const fit = () => {
    const svg = svgRef.current;
    if (!svg || !zoomRef.current) return;
    const bounds = svg.getBoundingClientRect();
    const scale = Math.max(READABLE_SCALE, Math.min(1, bounds.width / width, viewHeight / height));
    d3.select(svg).call(zoomRef.current.transform, d3.zoomIdentity.scale(scale));
  };

  /**
   * The first view: the roots and the first run (the story's list) at a readable size when they fit
   * together; otherwise the target's end with the run kept in view.
   */
  const showStory = () => {
    const svg = svgRef.current;
    if (!svg || !zoomRef.current) return;
    const bounds = svg.getBoundingClientRect();
    const scale = Math.max(READABLE_SCALE, Math.min(1, bounds.width / width, viewHeight / height));
    const firstRun = graph.nodes.reduce<GraphNode | null>(
      (best, n) => (n.kind === 'run' && (best === null || n.column < best.column) ? n : best),
      null,
    );
    const rightEdge = firstRun ? position(firstRun).x + RUN_WIDTH + MARGIN : width;
    if (rightEdge * scale <= bounds.width) {
      d3.select(svg).call(zoomRef.current.transform, d3.zoomIdentity.scale(scale));
    } else showTargetEnd();
  };

  /**
   * Readable scale with the target's end in view: where the answer to "why" is. When a path has a
   * collapsed run (the runaway chain), the view slides left just enough to keep the first run in it.
   */
  const showTargetEnd = () => {
    const svg = svgRef.current;
    if (!svg || !zoomRef.current) return;
    const bounds = svg.getBoundingClientRect();
    const scale = Math.max(READABLE_SCALE, Math.min(1, bounds.width / width, viewHeight / height));
    let x = Math.min(0, bounds.width - width * scale);
    const firstRun = graph.nodes.reduce<GraphNode | null>(
      (best, n) => (n.kind === 'run' && (best === null || n.column < best.column) ? n : best),
      null,
    );
    if (firstRun) x = Math.min(0, Math.max(x, MARGIN - position(firstRun).x * scale));
    d3.select(svg).call(zoomRef.current.transform, d3.zoomIdentity.translate(x, 0).scale(scale));
  };

  useEffect(() => {
    const svgElement = svgRef.current;
    if (!svgElement) return;
    const svg = d3.select(svgElement);
    const layer = svg.select<SVGGElement>('g.graph-layer');
    const byKey = new Map(graph.nodes.map((n) => [n.key, n]));
    const links = layer
      .select('g.graph-edges')
      .selectAll<SVGPathElement, (typeof graph.edges)[number]>('path')
      .data(graph.edges, (edge) => `${edge.from}>${edge.to}`)
      .join('path')
      .attr('class', 'graph-edge')
      .attr('d', (edge) => {
        const from = position(byKey.get(edge.from)!);
        const to = position(byKey.get(edge.to)!);
        const fromWidth = byKey.get(edge.from)!.kind === 'run' ? RUN_WIDTH : NODE_WIDTH;
        const x1 = from.x + fromWidth;
        const y1 = from.y + NODE_HEIGHT / 2;
        const y2 = to.y + NODE_HEIGHT / 2;
        const mid = (x1 + to.x) / 2;
        return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${to.x},${y2}`;
      });
    void links;
    const nodes = layer
      .select('g.graph-nodes')
      .selectAll<SVGGElement, GraphNode>('g.graph-node')
      .data(graph.nodes, (n) => n.key)
      .join((enter) => {
        const g = enter.append('g').attr('tabindex', 0).attr('role', 'button');
        g.append('rect');
        g.append('text').attr('class', 'graph-node-title');
        g.append('text').attr('class', 'graph-node-subtitle');
        g.append('title');
        return g;
      });
    nodes
      .attr('class', (n) => `graph-node graph-node-${n.kind}${n.expandedMiddle ? ' graph-node-expanded' : ''}`)
      .attr('data-key', (n) => n.key)
      .attr('data-testid', (n) => (n.kind === 'run' ? 'run-node' : `graph-node-${n.kind}`))
      .attr('aria-label', (n) => visibleText(n.tooltip))
      .attr('transform', (n) => `translate(${position(n).x},${position(n).y})`);
    nodes
      .select('rect')
      .attr('width', (n) => (n.kind === 'run' ? RUN_WIDTH : NODE_WIDTH))
      .attr('height', NODE_HEIGHT)
      .attr('rx', (n) => (n.kind === 'root' ? 14 : 4));
    // Names come from the dump: .text() only, never HTML, with direction and control characters written out.
    nodes
      .select('text.graph-node-title')
      .attr('x', 8)
      .attr('y', 18)
      .text((n) => shorten(visibleText(n.title), n.kind === 'run' ? MAX_TITLE_CHARS + 4 : MAX_TITLE_CHARS));
    nodes
      .select('text.graph-node-subtitle')
      .attr('x', 8)
      .attr('y', 36)
      .text((n) => shorten(visibleText(n.subtitle), MAX_TITLE_CHARS + 4));
    nodes.select('title').text((n) => visibleText(n.tooltip));
    const activate = (n: GraphNode) => {
      if (n.kind === 'run') onToggleRun(n.key);
      else if (n.kind === 'gap') onOpenGap(n.key);
      else if (n.node !== null) openObject(n.node);
    };
    nodes.on('click', (_, n) => activate(n));
    nodes.on('keydown', (event: KeyboardEvent, n) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        activate(n);
        return;
      }
      if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
      const path = graph.pathKeys.find((keys) => keys.includes(n.key));
      if (!path) return;
      const next = path[path.indexOf(n.key) + (event.key === 'ArrowRight' ? 1 : -1)];
      if (next) svgElement.querySelector<SVGGElement>(`g.graph-node[data-key="${CSS.escape(next)}"]`)?.focus();
    });

    const zoom = d3
      .zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.1, 3])
      .on('zoom', (event: d3.D3ZoomEvent<SVGSVGElement, unknown>) =>
        layer.attr('transform', event.transform.toString()),
      );
    zoomRef.current = zoom;
    svg.call(zoom);
    // The first view of this answer shows the story; unfolding a gap or a run keeps the user's view.
    const story = graph.pathKeys.map((keys) => `${keys[0]}>${keys[keys.length - 1]}`).join('|');
    if (shownFor.current !== story) {
      shownFor.current = story;
      showStory();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [graph, expanded]);

  return (
    <div className="graph-frame">
      <div className="graph-toolbar">
        <button type="button" onClick={fit} data-testid="graph-fit">
          Fit
        </button>{' '}
        <button type="button" onClick={showTargetEnd}>
          Target
        </button>
      </div>
      <svg
        ref={svgRef}
        className="roots-graph"
        width="100%"
        height={viewHeight}
        data-testid="roots-graph"
        role="group"
        aria-label="Root paths graph"
      >
        <g className="graph-layer">
          <g className="graph-edges" />
          <g className="graph-nodes" />
        </g>
      </svg>
    </div>
  );
}

/** An expanded run: its first and last members, and the middle one page at a time. */
function RunMembers({ run }: { run: NonNullable<GraphNode['run']> }) {
  const [middleOffset, setMiddleOffset] = useState<number | null>(null);
  const ask = (offset: number, limit: number) =>
    heapWorker.runMembers(run.pathIndex, run.firstNode, run.lastNode, offset, limit);
  const head = useWorkerAnswer(() => ask(0, RUN_ENDS), `run-head:${run.firstNode}`).answer;
  const tail = useWorkerAnswer(
    () => ask(Math.max(RUN_ENDS, run.span - RUN_ENDS), RUN_ENDS),
    `run-tail:${run.firstNode}`,
  ).answer;
  const middle = useWorkerAnswer(
    () => (middleOffset === null ? Promise.resolve(null) : ask(middleOffset, RUN_PAGE)),
    `run-middle:${run.firstNode}:${middleOffset}`,
  ).answer;
  const [searchText, setSearchText] = useState('');
  const search = searchText.trim();
  const found = useWorkerAnswer(
    () =>
      search === ''
        ? Promise.resolve(null)
        : heapWorker.runMembers(run.pathIndex, run.firstNode, run.lastNode, 0, RUN_PAGE, { text: search }),
    `run-search:${run.firstNode}:${search}`,
  ).answer;
  const hidden = Math.max(0, run.span - 2 * RUN_ENDS);
  const nextMiddle = middleOffset === null ? RUN_ENDS : middleOffset + RUN_PAGE;
  return (
    <section className="run-members" data-testid="run-members">
      <h3>
        {run.elided
          ? `${formatInteger(run.count)} members shown; the transcript elides the rest (…)`
          : `${formatInteger(run.count)} members of the run`}
      </h3>
      <label className="run-search">
        Go to member #N, or find an address{' '}
        <input
          type="search"
          value={searchText}
          placeholder="#8906 or 0x7f35…"
          data-testid="run-search"
          onChange={(event) => setSearchText(event.target.value)}
        />
      </label>
      {search !== '' ? (
        <div data-testid="run-search-result">
          {found && found.rows.length === 0 && <p className="muted">No member matches “{search}”.</p>}
          {found && found.positions && found.total > found.rows.length && (
            <p className="muted">
              The first {found.rows.length} of {formatInteger(found.total)} members whose address contains it:
            </p>
          )}
          <MemberList page={found} />
        </div>
      ) : (
        <RunPages
          head={head}
          tail={tail}
          middle={middle}
          hidden={hidden}
          run={run}
          nextMiddle={nextMiddle}
          onMore={setMiddleOffset}
        />
      )}
    </section>
  );
}

function RunPages({
  head,
  tail,
  middle,
  hidden,
  run,
  nextMiddle,
  onMore,
}: {
  head: RunMembersPage | null;
  tail: RunMembersPage | null;
  middle: RunMembersPage | null;
  hidden: number;
  run: NonNullable<GraphNode['run']>;
  nextMiddle: number;
  onMore: (offset: number) => void;
}) {
  return (
    <>
      <MemberList page={head} />
      {hidden > 0 && (
        <div className="run-middle">
          {middle && <MemberList page={middle} />}
          {nextMiddle < run.span - RUN_ENDS && (
            <button type="button" data-testid="run-more" onClick={() => onMore(nextMiddle)}>
              … {formatInteger(Math.max(0, run.span - RUN_ENDS - nextMiddle))} more in the middle — show {RUN_PAGE}
            </button>
          )}
        </div>
      )}
      {run.span > RUN_ENDS && <MemberList page={tail} />}
    </>
  );
}

function MemberList({ page }: { page: RunMembersPage | null }) {
  if (!page) return null;
  return (
    <ol className="member-list" start={page.offset + 1}>
      {page.rows.map((row, index) => (
        <li key={row.node} data-testid="run-member" value={page.positions?.[index] ?? page.offset + index + 1}>
          <ObjectLink object={row} />
        </li>
      ))}
    </ol>
  );
}

/** The same paths as gcroot-style text, for reading, copying and screen readers. */
function RootPathsText({ paths }: { paths: readonly RootPathSummary[] }) {
  const text = paths.map(renderRootPath).join('\n\n');
  return (
    <details className="roots-text" open>
      <summary>As text (gcroot style)</summary>
      <pre data-testid="roots-text">{visibleOutput(text)}</pre>
    </details>
  );
}
