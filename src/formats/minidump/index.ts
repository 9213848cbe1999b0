/** Windows minidump → memory map → HeapModel with memory-summary rows only. */
import { HeapBuilder } from '../../heap/heap-builder';
import type { HeapModel } from '../../heap/types';
import type { ByteSource, LoadOptions } from '../byte-source';
import { minidumpMemoryMap, readMinidump, summarizeMemoryMap } from './minidump-reader';

export { readMinidump, minidumpMemoryMap } from './minidump-reader';

export async function importMinidump(source: ByteSource, options: LoadOptions = {}): Promise<{ heap: HeapModel }> {
  const dump = await readMinidump(source);
  const builder = new HeapBuilder('minidump');
  builder.setCapabilities({ objects: false, edges: false, roots: false, addresses: false });
  for (const row of summarizeMemoryMap(minidumpMemoryMap(dump))) builder.addMemoryRow(row);
  builder.setProducer({
    creationTool: null,
    description: `Windows minidump (${dump.architecture}), ${dump.threads.length} threads, ${dump.pointerSize}-byte pointers; read ${dump.bytesRead} of ${source.size} bytes`,
    pointerSize: dump.pointerSize,
    processName: null,
    processId: null,
    machineName: null,
    timeCollected: null,
    totalProcessCommit: null,
    totalProcessWorkingSet: null,
    collectionLog: null,
  });
  builder.warn('The GC heap and loader heaps are not named from a dump alone: load a .gcdump or SOS transcript of the same process to name them.');
  options.onProgress?.({ stage: 'read minidump streams', bytesRead: dump.bytesRead, totalBytes: source.size, fraction: 1 });
  return { heap: builder.build() };
}
