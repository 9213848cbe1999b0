import { useState } from 'react';
import { heapWorker } from '../state/heap-worker';
import { useViewStore } from '../state/store';
import { useWorkerAnswer } from '../state/use-worker-answer';
import { ObjectLink, bytesOrUnknown } from '../common/object-link';
import { formatInteger } from '../common/format';
import { TableHead } from '../common/table-head';
import { DumpText } from '../common/dump-text';
import type { ObjectDetails } from '../../session/answers';

const REFERENCES_PER_PAGE = 50;

/** The object inspector: what the object is, who alone keeps it alive, references out and in. */
export function ObjectView() {
  const node = useViewStore((state) => state.selection.node);
  const openRoots = useViewStore((state) => state.openRoots);
  const { answer: details } = useWorkerAnswer(() => heapWorker.object(node ?? -1), `object:${node}`);
  if (node === null) return <p className="empty-view">No object selected.</p>;
  if (!details) return <p className="empty-view">Loading…</p>;
  return (
    <div className="object-view" data-testid="object-view">
      <h2 className="object-title">
        <span className="type-name" data-testid="object-type">
          <DumpText text={details.type} />
        </span>{' '}
        <span className="object-address">
          <DumpText text={details.address} />
        </span>
      </h2>
      <dl className="facts">
        <dt>Size</dt>
        <dd>{formatInteger(details.size)} B</dd>
        <dt>Retained</dt>
        <dd>
          {bytesOrUnknown(details.retained)}
          {details.ownershipNote && (
            <span className="ownership-note" data-testid="ownership-note">
              {' — '}
              <DumpText text={details.ownershipNote} />
            </span>
          )}
        </dd>
        <dt>Distance from the roots</dt>
        <dd>
          {details.distance === null
            ? 'not reachable from any root (garbage, or its roots were not captured)'
            : `${formatInteger(details.distance)} references`}
        </dd>
        <dt>Module</dt>
        <dd>{details.module ? <DumpText text={details.module} /> : '—'}</dd>
        <dt>Kept alive alone by</dt>
        <dd>{details.dominator ? <ObjectLink object={details.dominator} /> : '—'}</dd>
      </dl>
      <button type="button" className="primary" data-testid="object-show-roots" onClick={() => openRoots(details.node)}>
        Show root paths
      </button>
      {details.fields && <FieldTable fields={details.fields} />}
      {details.valuesReadable && <CoreValues node={details.node} />}
      <div className="references">
        <ReferenceTable
          node={details.node}
          direction="out"
          total={details.referencesOut}
          title="References out (fields)"
        />
        <ReferenceTable
          node={details.node}
          direction="in"
          total={details.referencesIn}
          title="References in (retainers)"
        />
      </div>
    </div>
  );
}

/**
 * A full core's values of the object, read from the file when it is shown: a string's characters,
 * or its fields with their values (text from the dump, never markup).
 */
function CoreValues({ node }: { node: number }) {
  const { answer: values } = useWorkerAnswer(() => heapWorker.objectValues(node), `values:${node}`);
  if (!values) return null;
  if (values.string !== null || values.stringLength !== null) {
    const cut = values.stringLength !== null && values.string !== null && values.string.length < values.stringLength;
    return (
      <section className="field-table" data-testid="object-string">
        <h3>
          String value ({formatInteger(values.stringLength ?? 0)} characters{cut ? ', the first shown' : ''}), read from
          the core
        </h3>
        {values.string !== null ? (
          <pre className="string-value">
            <DumpText text={values.string} />
          </pre>
        ) : (
          <p className="warning">{values.note}</p>
        )}
      </section>
    );
  }
  return (
    <>
      {values.fields.length > 0 && <FieldTable fields={values.fields} title="Fields, read from the core" />}
      {values.note && (
        <p className="warning" data-testid="object-values-note">
          <DumpText text={values.note} />
        </p>
      )}
    </>
  );
}

/** Fields as the transcript's dumpobj printed them, or as read from a core (text, never markup). */
function FieldTable({
  fields,
  title = "Fields, as the transcript's dumpobj printed them",
}: {
  fields: NonNullable<ObjectDetails['fields']>;
  title?: string;
}) {
  return (
    <section className="field-table" data-testid="object-fields">
      <h3>{title}</h3>
      <table className="data-table">
        <TableHead columns={['Name', 'Type', { number: 'Value' }, 'Attr']} />
        <tbody>
          {fields.map((field, index) => (
            <tr key={index} data-testid="object-field">
              <td>
                <DumpText text={field.name} />
              </td>
              <td className="type-name">
                <DumpText text={field.type} />
              </td>
              <td className="number address">{field.value === null ? '—' : <DumpText text={field.value} />}</td>
              <td>
                <DumpText text={field.attr} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ReferenceTable({
  node,
  direction,
  total,
  title,
}: {
  node: number;
  direction: 'in' | 'out';
  total: number;
  title: string;
}) {
  const [offset, setOffset] = useState(0);
  const { answer: page } = useWorkerAnswer(
    () => heapWorker.references(node, direction, offset, REFERENCES_PER_PAGE),
    `${node}:${direction}:${offset}`,
  );
  return (
    <section className="reference-table" data-testid={`references-${direction}`}>
      <h3>
        {title} · {formatInteger(total)}
      </h3>
      <table>
        <tbody>
          {page?.rows.map((row, index) => (
            <tr key={`${row.node}:${index}`}>
              <td>
                <ObjectLink object={row} />
              </td>
              <td className="numeric">{formatInteger(row.size)} B</td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > REFERENCES_PER_PAGE && (
        <div className="pager">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - REFERENCES_PER_PAGE))}
          >
            Previous
          </button>
          <span>
            {formatInteger(offset + 1)}–{formatInteger(Math.min(total, offset + REFERENCES_PER_PAGE))} of{' '}
            {formatInteger(total)}
          </span>
          <button
            type="button"
            disabled={offset + REFERENCES_PER_PAGE >= total}
            onClick={() => setOffset(offset + REFERENCES_PER_PAGE)}
          >
            Next
          </button>
        </div>
      )}
    </section>
  );
}
