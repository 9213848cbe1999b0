import type { DumpFacts, ManagedHeapFacts, RuntimeFacts } from '../../session/answers';

import { formatBytesShort, formatInteger } from '../common/format';
import { DumpText } from '../common/dump-text';
import { TableHead } from '../common/table-head';
import { rootsInWords } from '../../session/answer-text';

/** A core's or minidump's process: who it was, its threads and stacks, its largest images, bytes read. */
export function DumpFactsView({ facts }: { facts: DumpFacts }) {
  const readShare = facts.fileBytes > 0 ? (facts.bytesRead / facts.fileBytes) * 100 : 0;
  return (
    <section data-testid="dump-facts">
      <h2>Process</h2>
      <dl className="facts">
        <dt>Process</dt>
        <dd data-testid="dump-process">
          {facts.processName ?? 'not recorded in the dump'}
          {facts.processId !== null && ` (pid ${facts.processId})`}
        </dd>
        <dt>Architecture</dt>
        <dd>
          {facts.architecture}, {facts.pointerSize}-byte pointers
        </dd>
        <dt>Threads</dt>
        <dd className="number" data-testid="dump-threads">
          {formatInteger(facts.threadCount)}
        </dd>
        <dt>Mapped images</dt>
        <dd className="number">{formatInteger(facts.imageCount)}</dd>
        <dt>Read from the file</dt>
        <dd className="number" data-testid="dump-bytes-read">
          {formatInteger(facts.bytesRead)} of {formatInteger(facts.fileBytes)} bytes (
          {readShare < 0.01 && readShare > 0 ? '< 0.01' : readShare.toFixed(2)}%): headers and notes
          {facts.runtime?.managedHeap?.status === 'read'
            ? ", the runtime's descriptor and type data, and the GC heap's regions"
            : facts.runtime?.status === 'found'
              ? ", and the runtime's descriptor"
              : ' only'}
        </dd>
      </dl>
      {facts.runtime && <RuntimeFactsView runtime={facts.runtime} />}
      {facts.largestImages.length > 0 && (
        <>
          <h3>Largest images</h3>
          <table className="data-table segments" data-testid="dump-images">
            <TableHead columns={['Image', { number: 'Regions' }, { number: 'Size' }, { number: 'Size (bytes)' }]} />
            <tbody>
              {facts.largestImages.map((image) => (
                <tr key={image.path} data-testid="dump-image">
                  <td className="type-name">
                    <DumpText text={image.path} />
                  </td>
                  <td className="number">{formatInteger(image.regions)}</td>
                  <td className="number">{formatBytesShort(image.bytes)}</td>
                  <td className="number">{formatInteger(image.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {facts.threads.length > 0 && (
        <>
          <h3>
            Thread stacks
            {facts.threads.length < facts.threadCount &&
              ` (the first ${formatInteger(facts.threads.length)} of ${formatInteger(facts.threadCount)})`}
          </h3>
          <table className="data-table segments" data-testid="dump-thread-table">
            <TableHead columns={['Thread', 'Stack pointer', 'Stack region', { number: 'Region bytes' }]} />
            <tbody>
              {facts.threads.map((thread, index) => (
                <tr key={index} data-testid="dump-thread">
                  <td className="number">{thread.id}</td>
                  <td className="address">{thread.stackPointer ?? '—'}</td>
                  <td className="address">{thread.stackRegion ?? '—'}</td>
                  <td className="number">
                    {thread.stackRegionBytes === null ? '—' : formatInteger(thread.stackRegionBytes)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/**
 * The .NET runtime the core holds and its data contract descriptor (.NET 10+), or why there is none
 * and what to open instead. Every text is the dump's data, shown as text.
 */
function RuntimeFactsView({ runtime }: { runtime: RuntimeFacts }) {
  return (
    <section data-testid="runtime-facts" data-status={runtime.status}>
      <h3>.NET runtime</h3>
      {runtime.description && (
        <p data-testid="runtime-description">
          <DumpText text={runtime.description} />
          {runtime.path && (
            <>
              {' '}
              — loaded from <DumpText text={runtime.path} />
            </>
          )}
        </p>
      )}
      {runtime.message && (
        <p className="warning" data-testid="runtime-message">
          <DumpText text={runtime.message} />
        </p>
      )}
      {runtime.descriptor && (
        <>
          <p data-testid="runtime-descriptor">
            Data contract descriptor at {runtime.descriptor.address}: {runtime.descriptor.contracts.length} contracts,{' '}
            {formatInteger(runtime.descriptor.typeCount)} types, {formatInteger(runtime.descriptor.globalCount)} globals
            ({formatInteger(runtime.descriptor.jsonBytes)} bytes of JSON). Contracts:{' '}
            <DumpText text={runtime.descriptor.contracts.map((c) => `${c.name} ${c.version}`).join(', ')} />.
          </p>
          {runtime.managedHeap && <ManagedHeapView heap={runtime.managedHeap} />}
          <table className="data-table segments" data-testid="runtime-globals">
            <TableHead columns={['Global', 'Type', 'Value']} />
            <tbody>
              {runtime.descriptor.keyGlobals.map((global) => (
                <tr key={global.name} data-testid="runtime-global">
                  <td className="type-name">
                    <DumpText text={global.name} />
                  </td>
                  <td>{global.type ? <DumpText text={global.type} /> : '—'}</td>
                  <td className="address">
                    <DumpText text={global.value} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The walk of the core's GC heap: what it found (the Types and Instances views hold the objects), or why not. */
function ManagedHeapView({ heap }: { heap: ManagedHeapFacts }) {
  if (heap.status !== 'read') {
    return (
      <p className="warning" data-testid="managed-heap" data-status={heap.status}>
        The managed heap was not read: <DumpText text={heap.message ?? 'no reason given'} />
      </p>
    );
  }
  return (
    <div data-testid="managed-heap" data-status={heap.status}>
      <p>
        Managed heap: <span className="number">{formatInteger(heap.objects)}</span> objects,{' '}
        <span className="number">{formatInteger(heap.bytes)}</span> bytes in {formatInteger(heap.regions)} GC regions (
        {heap.server ? `server GC, ${formatInteger(heap.heaps)} heap${heap.heaps === 1 ? '' : 's'}` : 'workstation GC'};{' '}
        {formatInteger(heap.allocationContexts)} allocation contexts skipped), walked object by object without the DAC,
        with <span className="number">{formatInteger(heap.references)}</span> references between them (from each
        type&apos;s GC descriptor). Roots: {rootsInWords(heap.roots)}. Not read: {heap.missing.join(', ')}.
      </p>
      {heap.warnings.length > 0 && (
        <ul className="warning" data-testid="managed-heap-warnings">
          {heap.warnings.map((warning) => (
            <li key={warning}>
              <DumpText text={warning} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
