import { useState } from 'react';
import { heapWorker } from '../state/heap-worker';
import { useWorkerAnswer } from '../state/use-worker-answer';
import { DumpText } from '../common/dump-text';
import { formatInteger } from '../common/format';

/**
 * The Transcript view: every block heapscope recognised in an SOS transcript, in order, as `heapscope
 * show` prints it — stat tables, listings, dumpobj with fields, dumparray, objsize, gcroot chains,
 * eeheap, address summaries, fragmented blocks, finalizequeue — with its lines in the file, so a
 * user sees what was read and what was not. Text from the transcript stays text.
 */
export function TranscriptView() {
  // useWorkerAnswer asks again for every heap (and analysis state): the worker keeps the answer.
  const { answer, error } = useWorkerAnswer(() => heapWorker.transcriptShow(), 'transcript');
  const [kind, setKind] = useState('');
  if (error) return <p className="error-text">{error}</p>;
  // The tab is shown for transcripts only: no answer yet is the transcript being read again.
  if (answer === null) return <p className="empty-view">Reading the transcript…</p>;
  const kinds = [...new Set(answer.blocks.map((block) => block.kind))];
  const blocks = kind === '' ? answer.blocks : answer.blocks.filter((block) => block.kind === kind);
  return (
    <div className="transcript-view" data-testid="transcript-view">
      <p>
        <DumpText text={answer.name} />: {formatInteger(answer.lineCount)} lines, {answer.dialect} prompts,{' '}
        {formatInteger(answer.commands.length)} commands, {formatInteger(answer.blocks.length)} blocks read
        {answer.sessions.length > 1 ? `, ${answer.sessions.length} debugger sessions` : ''}.
      </p>
      {answer.sessions.length > 1 && (
        <ol className="muted" data-testid="transcript-view-sessions">
          {answer.sessions.map((session) => (
            <li key={session.index}>
              Session {session.index}: lines {formatInteger(session.firstLine)}–{formatInteger(session.lastLine)}
              {session.reason ? (
                <>
                  , from <DumpText text={session.reason} />
                </>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      <label>
        Blocks{' '}
        <select value={kind} onChange={(event) => setKind(event.target.value)} data-testid="transcript-kind">
          <option value="">all ({answer.blocks.length})</option>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {k} ({answer.blocks.filter((block) => block.kind === k).length})
            </option>
          ))}
        </select>
      </label>
      <ol className="transcript-blocks">
        {blocks.map((block) => (
          <li key={block.line} data-testid="transcript-block" data-kind={block.kind}>
            <details open={blocks.length <= 12}>
              <summary>
                <code>
                  <DumpText text={block.title} />
                </code>
              </summary>
              <pre className="transcript-block-body">
                <DumpText text={block.body} />
              </pre>
            </details>
          </li>
        ))}
      </ol>
      {answer.messages.length > 0 && (
        <>
          <h3>Tool messages</h3>
          <ul data-testid="transcript-messages">
            {answer.messages.map((message) => (
              <li key={message.line}>
                line {message.line}: <DumpText text={message.text} />
              </li>
            ))}
          </ul>
        </>
      )}
      {answer.warnings.length > 0 && (
        <>
          <h3>What did not add up</h3>
          <ul>
            {answer.warnings.map((warning, index) => (
              <li key={index}>
                <DumpText text={warning} />
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
