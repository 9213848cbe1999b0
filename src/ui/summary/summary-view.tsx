import type { ReactNode } from 'react';
import type { HeapSummary } from '../../session/answers';
import { ByteChart } from '../common/byte-chart';
import { DumpFactsView } from './dump-facts-view';
import { GcHeapLayoutView } from './gc-heap-layout';
import { TableHead } from '../common/table-head';
import { DumpText } from '../common/dump-text';
import { formatBytesLong, formatBytesShort, formatInteger } from '../common/format';
import { useViewStore } from '../state/store';
import { reopenTranscriptSession } from '../state/heap-worker';

/**
 * A transcript of several debugger sessions (two dumps in one paste): which one this heap is of, why
 * the transcript was cut there, and a button to open each other one. Sessions are never merged.
 */
function TranscriptSessions({ sessions }: { sessions: NonNullable<HeapSummary['transcriptSessions']> }) {
  return (
    <section className="warning" data-testid="transcript-sessions" aria-label="Debugger sessions">
      <p>
        This transcript holds {sessions.sessions.length} debugger sessions; what you see is of session {sessions.chosen}{' '}
        alone (they are never merged into one heap).
      </p>
      <ol>
        {sessions.sessions.map((session) => (
          <li key={session.index} data-testid="transcript-session" data-chosen={session.index === sessions.chosen}>
            Lines {formatInteger(session.firstLine)}–{formatInteger(session.lastLine)}, {session.blocks} output block(s)
            {session.reason ? (
              <>
                {' '}
                — starts at <DumpText text={session.reason} />
              </>
            ) : null}{' '}
            {session.index === sessions.chosen ? (
              <strong>(shown)</strong>
            ) : (
              <button type="button" onClick={() => reopenTranscriptSession(session.index)}>
                Open session {session.index}
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Fact({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className="number" data-testid={testId}>
        {typeof value === 'string' ? <DumpText text={value} /> : value}
      </dd>
    </>
  );
}

const GENERATION_LABELS = ['Gen 0', 'Gen 1', 'Gen 2', 'LOH', 'POH'] as const;

export function SummaryView({ summary }: { summary: HeapSummary }) {
  const producer = summary.creationTool ?? summary.producerDescription;
  // A full dump whose objects were not read (no .NET 10 runtime to read them from, or a core without
  // the GC's pages): only its memory map. A .NET 10 core whose heap was walked has its facts as a gcdump.
  const fullDump = (summary.format === 'elf-core' || summary.format === 'minidump') && summary.objectCount === 0;
  const analysis = useViewStore((state) => state.analysis);
  const unreachable = analysis.state === 'ready' ? analysis.unreachable : null;
  return (
    <div className="summary">
      {summary.reachedNodeCap && (
        <p className="warning" role="alert" data-testid="node-cap-warning">
          This dump has {formatInteger(summary.nodeCount)} nodes
          {summary.nodeCount === 10_000_000 ? ', exactly' : ', just past'} the 10,000,000 at which dotnet-gcdump
          silently stops. The heap was probably truncated: objects beyond the cap would be missing, and every count here
          a lower bound.
        </p>
      )}
      {summary.transcriptSessions && <TranscriptSessions sessions={summary.transcriptSessions} />}
      {summary.sampled && (
        <p className="warning" data-testid="sampled-note">
          This dump was sampled: the tool stored a subset of the objects and a multiplier per type. Object counts and
          byte totals are estimates scaled by those multipliers.
        </p>
      )}
      <div className="summary-columns">
        {fullDump ? (
          <p className="hint" data-testid="summary-no-objects">
            A full dump whose objects were not read: only where the process's memory is (below). heapscope walks the
            managed heap of a .NET 10 core holding the GC's pages (the .NET runtime section says why not here); a
            .gcdump or SOS transcript of the same process has the objects.
          </p>
        ) : (
          <dl className="facts" data-testid="summary-facts">
            <Fact label="Objects" value={formatInteger(summary.objectCount)} testId="summary-objects" />
            <Fact label="Nodes in the graph" value={formatInteger(summary.nodeCount)} testId="summary-nodes" />
            <Fact label="Bytes" value={formatBytesLong(summary.totalBytes)} testId="summary-bytes" />
            <Fact label="Types" value={formatInteger(summary.distinctTypeNames)} testId="summary-types" />
            <Fact label="Type-table entries" value={formatInteger(summary.typeTableEntries)} />
            <Fact label="References" value={formatInteger(summary.edgeCount)} />
            <Fact label="Root" value={summary.rootName ?? 'none'} testId="summary-root" />
            <Fact
              label="Root categories"
              value={
                <>
                  {formatInteger(summary.rootCategoryCount)}
                  {summary.rootCategories.map((category, index) => (
                    <span key={index} className="root-category">
                      {category.name} <span className="hint">{formatInteger(category.references)}</span>
                    </span>
                  ))}
                </>
              }
              testId="summary-root-categories"
            />
            <Fact label="Root references" value={formatInteger(summary.rootReferenceCount)} testId="summary-roots" />
            <Fact label="Pseudo-nodes" value={formatInteger(summary.pseudoNodeCount)} />
            {unreachable && (
              <Fact
                label="Unreachable"
                value={`${formatInteger(unreachable.count)} objects, ${formatBytesLong(unreachable.bytes)}: no root reaches them (garbage the next GC frees); retained sizes count reachable objects only`}
                testId="summary-unreachable"
              />
            )}
            <Fact label="Never-defined nodes" value={formatInteger(summary.undefinedNodeCount)} />
          </dl>
        )}
        <dl className="facts">
          <Fact label="Producer" value={producer} testId="summary-producer" />
          <Fact
            label="Pointer size"
            value={
              summary.pointerSize === null ? 'unknown' : `${summary.pointerSize} bytes (${summary.pointerSize * 8}-bit)`
            }
            testId="summary-pointer-size"
          />
          {!fullDump && (
            <Fact
              label="Sampling"
              value={summary.sampled ? 'sampled: counts are estimates' : 'not sampled: exact counts'}
              testId="summary-sampling"
            />
          )}
          {summary.processName !== null && <Fact label="Process" value={summary.processName} />}
          {summary.processId !== null && <Fact label="Process id" value={String(summary.processId)} />}
          {summary.machineName !== null && <Fact label="Machine" value={summary.machineName} />}
          {summary.timeCollected !== null && <Fact label="Collected" value={summary.timeCollected} />}
          <Fact label="File" value={`${summary.fileName} · ${formatBytesShort(summary.fileBytes)}`} />
          <Fact label="Read in" value={`${formatInteger(summary.loadMs)} ms`} />
        </dl>
      </div>

      {summary.warnings.length > 0 && (
        <section className="reader-warnings" data-testid="reader-warnings">
          <h2>Warnings from the reader</h2>
          <ul>
            {summary.warnings.map((warning, index) => (
              <li key={index}>{warning}</li>
            ))}
          </ul>
        </section>
      )}

      {!fullDump && (
        <section>
          <h2>Where the bytes are</h2>
          <p className="hint chart-hint">
            Shallow bytes by category of type name; green bars are your own namespaces.
            {summary.sampled && ' Estimated from the sampled objects.'}
          </p>
          <ByteChart categories={summary.byteCategories} totalBytes={summary.histogramBytes} />
        </section>
      )}

      {summary.memorySummary.length > 0 && <MemorySummary rows={summary.memorySummary} />}

      {summary.dumpFacts && <DumpFactsView facts={summary.dumpFacts} />}

      {summary.gcHeapLayout && <GcHeapLayoutView layout={summary.gcHeapLayout} />}

      {summary.segments.length > 0 && (
        <section>
          <h2>GC segments and generations</h2>
          <table className="data-table segments" data-testid="segment-table">
            <TableHead
              columns={[
                'Start',
                'End',
                'Kind',
                { number: 'Size' },
                { number: 'Objects' },
                { number: 'Object bytes' },
                ...GENERATION_LABELS.map((label) => ({ number: label })),
              ]}
            />
            <tbody>
              {summary.segments.map((segment, index) => (
                <tr key={index}>
                  <td className="address">{segment.start}</td>
                  <td className="address">{segment.end}</td>
                  <td>{segment.kind}</td>
                  <td className="number">{formatInteger(segment.sizeBytes)}</td>
                  <td className="number">{formatInteger(segment.objectCount)}</td>
                  <td className="number">{formatInteger(segment.objectBytes)}</td>
                  {segment.generationBytes.map((bytes, generation) => (
                    <td key={generation} className="number">
                      {formatInteger(bytes)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

/**
 * The `maddress -summary` / `!address -summary` table as SOS prints it (by bytes, a [TOTAL] row),
 * and the same as bars.
 */
function MemorySummary({ rows }: { rows: HeapSummary['memorySummary'] }) {
  const sorted = [...rows].sort((a, b) => b.bytes - a.bytes);
  const total = sorted.reduce((sum, row) => ({ count: sum.count + row.count, bytes: sum.bytes + row.bytes }), {
    count: 0,
    bytes: 0,
  });
  return (
    <section>
      <h2>Memory regions</h2>
      <table className="data-table segments" data-testid="memory-summary">
        <TableHead columns={['Memory type', { number: 'Count' }, { number: 'Size' }, { number: 'Size (bytes)' }]} />
        <tbody>
          {sorted.map((row, index) => (
            <tr key={index} data-testid="memory-row">
              <td>{row.kind}</td>
              <td className="number">{formatInteger(row.count)}</td>
              <td className="number">{formatBytesShort(row.bytes)}</td>
              <td className="number">{formatInteger(row.bytes)}</td>
            </tr>
          ))}
          <tr className="total-row" data-testid="memory-total">
            <td>[TOTAL]</td>
            <td className="number">{formatInteger(total.count)}</td>
            <td className="number">{formatBytesShort(total.bytes)}</td>
            <td className="number">{formatInteger(total.bytes)}</td>
          </tr>
        </tbody>
      </table>
      <div data-testid="memory-chart">
        <ByteChart
          categories={sorted.map((row) => ({ id: 'other', label: row.kind, bytes: row.bytes, count: row.count }))}
          totalBytes={total.bytes}
        />
      </div>
    </section>
  );
}
