/**
 * `heapscope runtime CORE`: the .NET runtime an ELF core holds and its data contract descriptor
 * (formats/elf-core/runtime-descriptor.ts) — the first stage of reading a core's managed heap without
 * the DAC (issue #19). The JSON has every contract, type (size, field offsets) and global.
 */
import { FormatError, type ByteSource } from '../formats/byte-source';
import { detectFormat } from '../formats/detect';
import { importElfCore } from '../formats/elf-core';
import type { ContractDescriptor } from '../formats/elf-core/runtime-descriptor';
import type { ManagedHeapFacts, RuntimeFacts } from '../heap/types';
import { rootsInWords } from './answer-text';

export interface RuntimeAnswer extends RuntimeFacts {
  readonly file: string;
  readonly bytesRead: number;
  readonly fileBytes: number;
  /** The whole descriptor (numbers as hex text), when found. */
  readonly types: readonly {
    name: string;
    size: number | null;
    fields: { name: string; offset: number; type: string | null }[];
  }[];
  readonly globals: readonly {
    name: string;
    type: string | null;
    value: string | null;
    pointerIndex: number | null;
    address: string | null;
  }[];
}

export async function runtimeOf(source: ByteSource): Promise<RuntimeAnswer> {
  const format = detectFormat(await source.read(0, Math.min(4, source.size)));
  if (format !== 'elf-core') {
    throw new FormatError(
      format ?? 'unknown',
      `${source.name} is ${format === 'minidump' ? 'a Windows minidump' : 'not an ELF core'}: heapscope runtime reads the .NET runtime of Linux cores (dotnet-dump collect, createdump)`,
      0,
    );
  }
  const imported = await importElfCore(source);
  const facts = imported.heap.dumpFacts!;
  const descriptor: ContractDescriptor | null =
    imported.runtime.status === 'found' ? imported.runtime.descriptor : null;
  const hex = (n: bigint | null) => (n === null ? null : `0x${n.toString(16)}`);
  return {
    file: source.name,
    bytesRead: facts.bytesRead,
    fileBytes: facts.fileBytes,
    ...facts.runtime!,
    types: descriptor ? descriptor.types.map((type) => ({ ...type, fields: [...type.fields] })) : [],
    globals: descriptor
      ? descriptor.globals.map((global) => ({
          name: global.name,
          type: global.type,
          value: hex(global.value),
          pointerIndex: global.pointerIndex,
          address: hex(global.address),
        }))
      : [],
  };
}

export function renderRuntime(answer: RuntimeAnswer): string {
  const lines = [
    `${answer.file}: read ${answer.bytesRead.toLocaleString('en-US')} of ${answer.fileBytes.toLocaleString('en-US')} bytes`,
  ];
  if (answer.description) lines.push(`runtime: ${answer.description}`, `  loaded from ${answer.path}`);
  if (answer.status !== 'found' || !answer.descriptor) {
    lines.push(answer.message ?? 'no data contract descriptor');
    return `${lines.join('\n')}\n`;
  }
  const d = answer.descriptor;
  lines.push(
    `data contract descriptor: DotNetRuntimeContractDescriptor at ${d.address}, ${d.jsonBytes.toLocaleString('en-US')} bytes of JSON`,
    `  ${d.contracts.length} contracts: ${d.contracts.map((c) => `${c.name} ${c.version}`).join(', ')}`,
    `  ${d.typeCount} types, ${d.globalCount} globals (--json lists them, with field offsets)`,
    '  globals a heap walk starts from:',
    ...d.keyGlobals.map((g) => `    ${g.name.padEnd(28)} ${g.value}${g.type ? `  (${g.type})` : ''}`),
  );
  lines.push(...managedHeapLines(answer.managedHeap));
  return `${lines.join('\n')}\n`;
}

/** The walk of the GC heap in a few lines: what it read, or why it could not, and what it did not read. */
export function managedHeapLines(heap: ManagedHeapFacts | null): string[] {
  if (!heap) return [];
  if (heap.status !== 'read') return [`managed heap: not read: ${heap.message}`];
  const n = (value: number) => value.toLocaleString('en-US');
  return [
    `managed heap: ${n(heap.objects)} objects, ${n(heap.bytes)} bytes in ${n(heap.regions)} regions ` +
      `(${heap.server ? `server GC, ${heap.heaps} heap${heap.heaps === 1 ? '' : 's'}` : 'workstation GC'}; ` +
      `GC interface ${heap.gcVersion}; ${n(heap.allocationContexts)} allocation contexts skipped) — heapscope stat lists its types, heapscope findings its leaks`,
    ...heap.warnings.map((warning) => `  warning: ${warning}`),
    `  ${n(heap.references)} references; roots: ${rootsInWords(heap.roots)}`,
    `  not read: ${heap.missing.join(', ')}`,
  ];
}
