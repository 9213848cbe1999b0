/** Windows minidump → memory map → HeapModel with memory-summary rows only. */
import { gcHeapNote, labelGcHeap } from '../../heap/gc-heap-labels';
import { dumpFacts } from '../../heap/dump-facts';
import { HeapBuilder, UNKNOWN_PRODUCER } from '../../heap/heap-builder';
import type { HeapModel } from '../../heap/types';
import type { ByteSource, LoadOptions } from '../byte-source';
import { minidumpMemoryMap, readMinidump, summarizeMemoryMap } from './minidump-reader';

export { readMinidump, minidumpMemoryMap } from './minidump-reader';

export async function importMinidump(source: ByteSource, options: LoadOptions = {}): Promise<{ heap: HeapModel }> {
  const dump = await readMinidump(source);
  const builder = new HeapBuilder('minidump');
  builder.setCapabilities({ objects: false, edges: false, roots: false, addresses: false });
  const labelling = options.gcHeapFrom ? labelGcHeap(minidumpMemoryMap(dump), options.gcHeapFrom.ranges) : null;
  const regions = labelling ? labelling.regions : minidumpMemoryMap(dump);
  for (const row of summarizeMemoryMap(regions)) builder.addMemoryRow(row);
  builder.setDumpFacts(
    dumpFacts({
      regions,
      threads: dump.threads,
      processName: null,
      processId: null,
      pointerSize: dump.pointerSize,
      architecture: dump.architecture,
      bytesRead: dump.bytesRead,
      fileBytes: source.size,
    }),
  );
  builder.setProducer({
    ...UNKNOWN_PRODUCER,
    description: `Windows minidump (${dump.architecture}), ${dump.threads.length} threads, ${dump.pointerSize}-byte pointers; read ${dump.bytesRead} of ${source.size} bytes`,
    pointerSize: dump.pointerSize,
    processName: null,
    processId: null,
  });
  builder.warn(gcHeapNote(labelling, options.gcHeapFrom?.from ?? null, 'a dump'));
  options.onProgress?.({
    stage: 'read minidump streams',
    bytesRead: dump.bytesRead,
    totalBytes: source.size,
    fraction: 1,
  });
  return { heap: builder.build() };
}
