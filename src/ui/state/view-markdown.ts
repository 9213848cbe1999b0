/**
 * "Copy as Markdown" for whichever view is open: what it shows (its first rows, not the whole heap),
 * with the dump it came from and the link that reopens it, for a ticket or a chat. Dump text is
 * written with its direction and control characters made visible, and table cells escaped.
 */
import { evidenceMarkdown } from '../../permalink/evidence-card';
import { renderRootPath } from '../../session/answer-text';
import { visibleOutput, visibleText } from '../../session/visible-text';
import { heapWorker } from './heap-worker';
import { findingEvidence } from './evidence';
import { useViewStore, type ViewStore } from './store';
import { parseSizeBound } from '../common/size-input';

/** Rows a copied table carries: enough for a ticket, never the heap. */
const MARKDOWN_ROWS = 25;

const number = (value: number | null) => (value === null ? '?' : value.toLocaleString('en-US'));

/** A table cell: dump text made visible, pipes and backticks escaped, one line. */
function cell(text: string): string {
  return visibleText(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/`/g, '\\`');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const align = header.map((name, index) => (index === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

export async function viewMarkdown(state: ViewStore = useViewStore.getState()): Promise<string> {
  const { summary, view, selection } = state;
  if (!summary) return '';
  const heading = `**heapscope** · ${view} of \`${cell(summary.fileName)}\` (${number(summary.objectCount)} objects, ${number(summary.totalBytes)} bytes)`;
  const link = `[Open this view](${window.location.href}) (the dump itself is never uploaded: open the same file)`;
  return [heading, await viewBody(state, selection), link].filter((part) => part !== '').join('\n\n') + '\n';
}

async function viewBody(state: ViewStore, selection: ViewStore['selection']): Promise<string> {
  switch (state.view) {
    case 'summary':
    case 'types': {
      const query = state.view === 'types' ? state.histogram : { ...state.histogram, filter: '', regex: false };
      const page = await heapWorker.histogramPage({ ...query, offset: 0, limit: MARKDOWN_ROWS });
      const filter = query.filter
        ? ` matching ${query.regex ? 'the regular expression ' : ''}\`${cell(query.filter)}\``
        : '';
      return [
        `Types${filter}, by ${query.sortKey}${query.descending ? ' (descending)' : ''}: the first ${page.rows.length} of ${number(page.totalRows)}.`,
        table(
          ['Type', 'Count', 'Bytes', 'Retained'],
          page.rows.map((row) => [cell(row.name), number(row.count), number(row.bytes), number(row.retained)]),
        ),
      ].join('\n\n');
    }
    case 'instances': {
      if (selection.typeName === null) return '';
      const { instances } = state;
      const page = await heapWorker.instances({
        typeName: selection.typeName,
        includeSizeVariants: instances.includeSizeVariants,
        minSize: parseSizeBound(instances.min).value,
        maxSize: parseSizeBound(instances.max).value,
        liveness: instances.liveness,
        sortKey: instances.sortKey,
        descending: instances.descending,
        offset: 0,
        limit: MARKDOWN_ROWS,
      });
      return [
        `Instances of \`${cell(selection.typeName)}\`: ${number(page.matching.count)} objects, ${number(page.matching.bytes)} bytes; the first ${page.rows.length}.`,
        table(
          ['Address', 'Size', 'Retained', 'Distance'],
          page.rows.map((row) => [`\`${row.address}\``, number(row.size), number(row.retained), number(row.distance)]),
        ),
      ].join('\n\n');
    }
    case 'object': {
      if (selection.node === null) return '';
      const details = await heapWorker.object(selection.node);
      if (!details) return '';
      const lines = [
        `\`${cell(details.type)}\` at \`${details.address}\`: ${number(details.size)} bytes, retains ${number(details.retained)}, ${number(details.distance)} references from a root.`,
      ];
      if (details.dominator)
        lines.push(`Kept alive by \`${cell(details.dominator.type)}\` at \`${details.dominator.address}\`.`);
      if (details.fields)
        lines.push(
          table(
            ['Field', 'Type', 'Value'],
            details.fields.map((f) => [cell(f.name), cell(f.type), cell(f.value ?? '—')]),
          ),
        );
      return lines.join('\n\n');
    }
    case 'roots': {
      if (selection.node === null) return '';
      const answer = await heapWorker.rootPaths(selection.node);
      return '```\n' + visibleOutput(answer.paths.map(renderRootPath).join('\n\n')).replace(/```/g, "'''") + '\n```';
    }
    case 'findings': {
      const findings = await heapWorker.findings();
      const chosen = findings.filter((finding) => selection.findingId === null || finding.id === selection.findingId);
      if (chosen.length === 0) return 'No findings.';
      const cards = await Promise.all(chosen.map(async (finding) => evidenceMarkdown(await findingEvidence(finding))));
      return cards.join('\n\n');
    }
    case 'transcript': {
      const show = await heapWorker.transcriptShow();
      if (!show) return '';
      const blocks = show.blocks
        .slice(0, MARKDOWN_ROWS)
        .map((block) => `${block.title}\n${block.body}`)
        .join('\n\n');
      const more = show.blocks.length > MARKDOWN_ROWS ? `\n\n… ${show.blocks.length - MARKDOWN_ROWS} more blocks` : '';
      return '```\n' + visibleOutput(blocks + more).replace(/```/g, "'''") + '\n```';
    }
    case 'diff': {
      const diff = await heapWorker.diff(MARKDOWN_ROWS);
      if (!diff) return '';
      return [
        `Compared \`${cell(diff.before.name)}\` → \`${cell(diff.after.name)}\`.`,
        table(
          ['Grew', 'Type', 'In', 'Held', 'Under'],
          diff.growth.map((entry) => [
            `${entry.countBefore.toLocaleString('en-US')} → ${entry.countAfter.toLocaleString('en-US')}`,
            cell(entry.type),
            cell(entry.accumulationPoint ?? ''),
            number(entry.retainedDelta),
            cell(entry.owner ?? ''),
          ]),
        ),
        table(
          ['Type', 'Δ count', 'Δ bytes', 'Δ retained'],
          diff.types.map((row) => [
            cell(row.name),
            number(row.countDelta),
            number(row.bytesDelta),
            number(row.retainedDelta),
          ]),
        ),
      ].join('\n\n');
    }
    case 'dominators': {
      const page = await heapWorker.dominatorChildren(null, 0, MARKDOWN_ROWS);
      return [
        `The biggest retainers (top of the dominator tree): the first ${page.rows.length} of ${number(page.total)}.`,
        table(
          ['Object', 'Address', 'Size', 'Retained', '% of heap'],
          page.rows.map((row) => [
            cell(row.type),
            row.address ? `\`${row.address}\`` : '',
            number(row.size),
            number(row.retained),
            row.percent.toFixed(2),
          ]),
        ),
      ].join('\n\n');
    }
  }
}
