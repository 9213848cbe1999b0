/**
 * A canonical, human-readable text rendering of what a transcript yields: every block with its kind
 * and lines, stat tables, memory rows, chains, object fields, and the heap model's shape. The golden
 * tests compare it with checked-in snapshots; the CLI can print it for `--verbose` inspection.
 * Numbers are grouped with `,` independently of the host locale, so the text is stable.
 */
import { formatAddress } from '../../heap/address';
import { NodeFlag, type HeapModel } from '../../heap/types';
import { formatCount, formatHexAs } from './numbers';
import { statScope, wholeHeapStat } from './transcript-queries';
import type { DumpObjBlock, ListingBlock, SosBlock, SosTranscript, StatTable } from './transcript-types';

const n = (value: number | null): string => (value === null ? '—' : formatCount(value));

/** Long tables show this many rows at each end, so a snapshot stays readable. */
const SHOWN_AT_EACH_END = 12;

/** Row indices to show, with -1 standing for the elided middle. */
function shownIndices(count: number): number[] {
  if (count <= 3 * SHOWN_AT_EACH_END) return [...Array(count).keys()];
  const head = [...Array(SHOWN_AT_EACH_END).keys()];
  const tail = head.map((i) => count - SHOWN_AT_EACH_END + i);
  return [...head, -1, ...tail];
}

function statTableLines(table: StatTable, indent: string): string[] {
  const out: string[] = [];
  if (table.preliminaryTotal !== null) out.push(`${indent}preliminary total: ${n(table.preliminaryTotal)} objects`);
  for (const section of table.heapSections) out.push(`${indent}heap ${section.heap}: ${n(section.objects)} objects`);
  out.push(
    `${indent}header: ${table.hasHeader ? 'yes' : 'no'}; footer: ${n(table.totalObjects)} objects, ${n(table.totalBytes)} bytes`,
  );
  for (const index of shownIndices(table.rows.length)) {
    if (index < 0) {
      out.push(`${indent}  … ${n(table.rows.length - 2 * SHOWN_AT_EACH_END)} rows not shown`);
      continue;
    }
    const row = table.rows[index];
    out.push(
      `${indent}  ${row.mtText.padStart(16)} ${n(row.count).padStart(11)} ${n(row.bytes).padStart(15)}  ${row.name}`,
    );
  }
  for (const fragment of table.fragmented) {
    out.push(
      `${indent}  fragment ${fragment.address} ${n(fragment.bytes)} bytes, followed by ${fragment.followedBy} ${fragment.followedByType}`,
    );
  }
  return out;
}

function blockLines(block: SosBlock): string[] {
  const head =
    `L${block.line}-${block.endLine} ${block.kind}` +
    (block.command
      ? ` (command L${block.command.line}: ${block.command.name} ${block.command.args.join(' ')})`.replace(/ \)$/, ')')
      : ' (no command)') +
    (block.elided ? ' ELIDED' : '') +
    (block.noiseLines > 0 ? ` noise=${block.noiseLines}` : '');
  const out = [head];
  const indent = '    ';
  switch (block.kind) {
    case 'memory-summary':
      for (const row of block.rows)
        out.push(
          `${indent}${row.kind.padEnd(24)} ${n(row.count).padStart(8)} ${n(row.bytes).padStart(16)}  (${row.sizeText})`,
        );
      if (block.total) out.push(`${indent}[TOTAL] ${n(block.total.count)} regions, ${n(block.total.bytes)} bytes`);
      break;
    case 'address-summary':
      out.push(`${indent}layout: ${block.layout}`);
      for (const section of block.sections) {
        out.push(`${indent}${section.title}:`);
        for (const row of section.rows)
          out.push(`${indent}  ${row.kind.padEnd(28)} ${n(row.count).padStart(6)} ${n(row.bytes).padStart(20)}`);
      }
      break;
    case 'dumpheap-stat':
      out.push(`${indent}origin: ${block.origin}; filter: ${statScope(block)}`);
      out.push(...statTableLines(block, indent));
      break;
    case 'dumpheap-listing': {
      const rows = block.rows;
      out.push(
        `${indent}filter: ${block.filter.join(' ') || 'none'}; header: ${block.hasHeader ? 'yes' : 'no'}; rows: ${n(rows.count)} (free ${block.freeRows}); stated total: ${n(block.statedTotal)}`,
      );
      out.push(
        `${indent}MTs: ${block.mts.map((mt, i) => (block.mtNames[i] ? `${mt} (${block.mtNames[i]})` : mt)).join(', ')}`,
      );
      for (const r of rows.count <= 4 ? [...Array(rows.count).keys()] : [0, 1, rows.count - 2, rows.count - 1]) {
        out.push(
          `${indent}  [${r}] ${listingAddress(block, r)} MT ${block.mtTexts[rows.mtIndex[r]]} size ${n(rows.size[r])}`,
        );
      }
      break;
    }
    case 'gcroot':
      out.push(
        `${indent}family: ${block.family ?? '—'}; target: ${block.targetText ?? '—'}; found roots: ${n(block.foundRoots)}; chains: ${block.chains.length}`,
      );
      block.chains.forEach((chain, c) => {
        const root = chain.root;
        out.push(
          `${indent}chain ${c + 1} (L${chain.line}): root ${root.kind} "${root.name}"` +
            (root.thread ? ` thread ${root.thread}` : '') +
            (root.frame ? ` frame "${root.frame}"` : '') +
            (root.interior ? ' (interior)' : '') +
            (chain.rootMissing ? ' ROOT MISSING' : '') +
            `, ${chain.steps.length} steps`,
        );
        for (const step of chain.steps) {
          if (step.elidedBefore) out.push(`${indent}    …`);
          out.push(
            `${indent}  -> ${step.addressText} ${step.type}${step.interior ? ' (interior)' : ''}${step.dependent ? ' (dependent handle)' : ''}` +
              (step.note ? `  [note: ${step.note}]` : ''),
          );
        }
      });
      break;
    case 'dumpobj':
    case 'dumparray':
      out.push(
        `${indent}address: ${block.addressText ?? '—'}; name: ${block.name ?? '—'}; MT: ${block.methodTableText ?? '—'}; size: ${n(block.size)}; gen: ${n(block.generation)}`,
      );
      if (block.file) out.push(`${indent}file: ${block.file}`);
      if (block.stringValue !== null) out.push(`${indent}string: ${JSON.stringify(block.stringValue)}`);
      if (block.array)
        out.push(
          `${indent}array: rank ${block.array.rank}, ${n(block.array.length)} elements of ${block.array.elementKind}; element MT ${block.elementMethodTable ?? '—'}`,
        );
      if (block.note) out.push(`${indent}note: ${block.note}`);
      for (const field of block.fields) {
        out.push(
          `${indent}  ${field.name.padEnd(28)} ${field.attr.padEnd(13)} ${field.type.padEnd(24)} vt=${field.valueType === null ? '-' : field.valueType ? 1 : 0} value=${field.value ?? '—'}` +
            (field.perDomainValues ? ` [${field.perDomainValues}]` : ''),
        );
      }
      if (block.elements.count > 0) {
        const e = block.elements;
        const shown = Math.min(e.count, 4);
        const items: string[] = [];
        for (let i = 0; i < shown; i++)
          items.push(
            `[${e.index[i]}] ${e.addressLo[i] === 0 && e.addressHi[i] === 0 ? 'null' : elementAddress(block, i)}`,
          );
        out.push(`${indent}elements: ${e.count}: ${items.join(', ')}${e.count > shown ? ', …' : ''}`);
      }
      break;
    case 'dumpdelegate':
      out.push(`${indent}address: ${block.address ?? '—'}`);
      for (const target of block.targets)
        out.push(`${indent}  target ${target.target} method ${target.method} ${target.name}`);
      break;
    case 'eeheap':
      out.push(
        `${indent}heaps: ${n(block.heapCount)}; GC heap size: ${n(block.gcHeapSize)}; committed: ${n(block.gcCommittedSize)}`,
      );
      for (const heap of block.heaps) {
        out.push(
          `${indent}heap ${heap.index ?? '(single)'}: gen starts ${heap.generationStarts.map((g) => `${g.generation}@${g.addressText}`).join(' ')}; size ${n(heap.heapSize)}; committed ${n(heap.committedSize)}`,
        );
        for (const index of shownIndices(heap.segments.length)) {
          if (index < 0) {
            out.push(`${indent}  … ${n(heap.segments.length - 2 * SHOWN_AT_EACH_END)} segments not shown`);
            continue;
          }
          const segment = heap.segments[index];
          out.push(
            `${indent}  ${segment.area} ${segment.addressTexts.join(' ')} allocated ${n(segment.allocatedSize)} committed ${n(segment.committedSize)}`,
          );
        }
        const areaTotals = new Map<string, { count: number; bytes: number }>();
        for (const segment of heap.segments) {
          const total = areaTotals.get(segment.area) ?? { count: 0, bytes: 0 };
          total.count++;
          total.bytes += segment.allocatedSize ?? 0;
          areaTotals.set(segment.area, total);
        }
        out.push(
          `${indent}  by area: ${[...areaTotals].map(([area, total]) => `${area} ${total.count} segments ${n(total.bytes)} bytes`).join('; ')}`,
        );
      }
      break;
    case 'finalizequeue':
      for (const g of block.generations)
        out.push(
          `${indent}${g.heap === null ? '' : `heap ${g.heap} `}generation ${g.generation}: ${n(g.objects)} finalizable`,
        );
      out.push(`${indent}ready for finalization: ${n(block.readyForFinalization)}`);
      out.push(...statTableLines(block.table, indent));
      break;
    case 'objsize':
      for (const result of block.results)
        out.push(`${indent}sizeof(${result.address}) = ${n(result.bytes)} bytes (${result.type})`);
      break;
  }
  return out;
}

function modelLines(heap: HeapModel): string[] {
  let pseudo = 0;
  for (let i = 0; i < heap.nodes.count; i++) if (heap.nodes.flags[i] & NodeFlag.Pseudo) pseudo++;
  const caps = Object.entries(heap.capabilities)
    .map(([key, value]) => `${key}=${value ? 'yes' : 'no'}`)
    .join(' ');
  const out = [
    `model: ${n(heap.nodes.count)} nodes (${n(pseudo)} pseudo), ${n(heap.edges.count)} edges, ${n(heap.types.count)} types, total size ${n(heap.totalSize)}`,
    `  capabilities: ${caps}`,
    `  producer: ${heap.producer.description}; pointer size ${heap.producer.pointerSize ?? '—'}`,
  ];
  let memoryBytes = 0;
  for (const row of heap.memorySummary) memoryBytes += row.bytes;
  out.push(`  memory rows: ${heap.memorySummary.length}, ${n(memoryBytes)} bytes`);
  const order = [...Array(heap.types.count).keys()].filter((t) => heap.types.objectCount[t] > 0);
  order.sort((a, b) => heap.types.bytes[b] - heap.types.bytes[a] || a - b);
  out.push('  top types by bytes:');
  for (const t of order.slice(0, 5)) {
    out.push(
      `    ${heap.types.names[t]} [${heap.types.modules[t] ?? '—'}]: ${n(heap.types.objectCount[t])} objects, ${n(heap.types.bytes[t])} bytes`,
    );
  }
  for (const warning of heap.warnings) out.push(`  warning: ${warning}`);
  return out;
}

export function renderTranscriptReport(transcript: SosTranscript, heap: HeapModel): string {
  const out = [
    `transcript: ${transcript.name}`,
    `lines: ${transcript.lineCount}; dialect: ${transcript.dialect}; commands: ${transcript.commands.length}; blocks: ${transcript.blocks.length}; noise lines: ${transcript.noiseLines}; elision lines: ${transcript.elisionLines}`,
    'commands:',
    ...transcript.commands.map((command) => `  L${command.line} ${command.name} ${command.args.join(' ')}`.trimEnd()),
    'blocks:',
  ];
  for (const block of transcript.blocks) out.push(...blockLines(block).map((line) => `  ${line}`));
  for (const message of transcript.messages) out.push(`message L${message.line}: ${message.text}`);
  const stat = wholeHeapStat(transcript);
  out.push(
    stat
      ? `whole-heap stat: L${stat.line}, ${stat.rows.length} rows, ${n(stat.totalObjects)} objects, ${n(stat.totalBytes)} bytes${stat.elided ? ', elided' : ''}`
      : 'whole-heap stat: none',
  );
  out.push(...modelLines(heap));
  return out.join('\n') + '\n';
}

/** A listing row's address as the debugger printed the column (normalised with `0x` when its rows differ). */
export function listingAddress(block: ListingBlock, row: number): string {
  const address = formatAddress(block.rows.addressLo[row], block.rows.addressHi[row]);
  return block.addressForm ? formatHexAs(address.slice(2), block.addressForm) : address;
}

/** A dumparray element's address as printed (normalised with `0x` when the elements' forms differ). */
export function elementAddress(block: DumpObjBlock, element: number): string {
  const address = formatAddress(block.elements.addressLo[element], block.elements.addressHi[element]);
  return block.elementForm ? formatHexAs(address.slice(2), block.elementForm) : address;
}

/** Each block as `show` prints it: its title line (lines, kind, command) and the lines under it. */
export function transcriptBlockTexts(
  transcript: SosTranscript,
): { line: number; endLine: number; kind: string; title: string; body: string }[] {
  return transcript.blocks.map((block) => {
    const [title, ...rest] = blockLines(block);
    return {
      line: block.line,
      endLine: block.endLine,
      kind: block.kind,
      title,
      body: rest.map((line) => line.replace(/^ {4}/, '')).join('\n'),
    };
  });
}
