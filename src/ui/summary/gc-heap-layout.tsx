import { useState } from 'react';
import type { GcHeapArea, GcHeapLayout } from '../../session/answers';
import { formatBytesShort, formatInteger } from '../common/format';
import { TableHead } from '../common/table-head';

const AREA_LABELS: Record<GcHeapArea, string> = {
  gen0: 'Gen 0',
  gen1: 'Gen 1',
  gen2: 'Gen 2',
  soh: 'Small object heap',
  loh: 'Large object heap',
  poh: 'Pinned object heap',
  foh: 'Frozen object heap',
};
const AREA_ORDER: readonly GcHeapArea[] = ['gen0', 'gen1', 'gen2', 'soh', 'loh', 'poh', 'foh'];

/** Segments listed before "show all": a server GC with regions prints thousands. */
const SEGMENTS_SHOWN = 100;

/** `eeheap -gc` from a transcript: totals by generation/area, generation starts, and the segments. */
export function GcHeapLayoutView({ layout }: { layout: GcHeapLayout }) {
  const [showAll, setShowAll] = useState(false);
  const byArea = new Map<GcHeapArea, { segments: number; allocated: number; committed: number; known: boolean }>();
  const segments = layout.heaps.flatMap((heap) => heap.segments.map((segment) => ({ heap: heap.index, ...segment })));
  for (const segment of segments) {
    const total = byArea.get(segment.area) ?? { segments: 0, allocated: 0, committed: 0, known: false };
    total.segments++;
    total.allocated += segment.allocatedBytes ?? 0;
    total.committed += segment.committedBytes ?? 0;
    total.known ||= segment.committedBytes !== null;
    byArea.set(segment.area, total);
  }
  const shown = showAll ? segments : segments.slice(0, SEGMENTS_SHOWN);
  const hasCommitted = segments.some((segment) => segment.committedBytes !== null);
  return (
    <section data-testid="gc-heap-layout">
      <h2>GC heap (eeheap -gc)</h2>
      <p className="hint">
        As the transcript printed it at line {formatInteger(layout.line)}:{' '}
        {layout.heapCount === null
          ? 'heap count not printed'
          : `${formatInteger(layout.heapCount)} GC heap${layout.heapCount === 1 ? '' : 's'}`}
        {layout.totalSize !== null && `, ${formatInteger(layout.totalSize)} bytes allocated`}
        {layout.totalCommitted !== null && `, ${formatInteger(layout.totalCommitted)} bytes committed`}.
      </p>
      <table className="data-table segments" data-testid="gc-area-table">
        <TableHead
          columns={[
            'Generation or area',
            { number: 'Segments' },
            { number: 'Allocated' },
            { number: 'Allocated (bytes)' },
            hasCommitted && { number: 'Committed (bytes)' },
          ]}
        />
        <tbody>
          {AREA_ORDER.filter((area) => byArea.has(area)).map((area) => {
            const total = byArea.get(area)!;
            return (
              <tr key={area} data-testid="gc-area-row">
                <td>{AREA_LABELS[area]}</td>
                <td className="number">{formatInteger(total.segments)}</td>
                <td className="number">{formatBytesShort(total.allocated)}</td>
                <td className="number">{formatInteger(total.allocated)}</td>
                {hasCommitted && <td className="number">{total.known ? formatInteger(total.committed) : '—'}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
      {layout.heaps.some((heap) => heap.generationStarts.length > 0) && (
        <ul className="generation-starts" data-testid="generation-starts">
          {layout.heaps
            .filter((heap) => heap.generationStarts.length > 0)
            .map((heap, index) => (
              <li key={index}>
                {heap.index === null ? 'Generation starts' : `Heap ${heap.index}`}:{' '}
                {heap.generationStarts.map((g) => `gen ${g.generation} at ${g.address}`).join(', ')}
              </li>
            ))}
        </ul>
      )}
      {segments.length > 0 && (
        <table className="data-table segments" data-testid="gc-segment-table">
          <TableHead
            columns={[
              layout.heaps.length > 1 && 'Heap',
              'Area',
              'Segment',
              'Begin',
              'Allocated',
              hasCommitted && 'Committed',
              { number: 'Allocated size' },
              hasCommitted && { number: 'Committed size' },
            ]}
          />
          <tbody>
            {shown.map((segment, index) => (
              <tr key={index} data-testid="gc-segment-row">
                {layout.heaps.length > 1 && <td className="number">{segment.heap ?? '—'}</td>}
                <td>{AREA_LABELS[segment.area]}</td>
                {[0, 1, 2, ...(hasCommitted ? [3] : [])].map((column) => (
                  <td key={column} className="address">
                    {segment.addresses[column] ?? '—'}
                  </td>
                ))}
                <td className="number">
                  {segment.allocatedBytes === null ? '—' : formatInteger(segment.allocatedBytes)}
                </td>
                {hasCommitted && (
                  <td className="number">
                    {segment.committedBytes === null ? '—' : formatInteger(segment.committedBytes)}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!showAll && segments.length > SEGMENTS_SHOWN && (
        <button type="button" data-testid="gc-segments-all" onClick={() => setShowAll(true)}>
          Show all {formatInteger(segments.length)} segments
        </button>
      )}
    </section>
  );
}
