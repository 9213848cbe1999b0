/**
 * What a full dump says about its process beyond the memory table (issue #9, item 4): name, id,
 * pointer size, the threads with their stack pointers and stack regions, the largest mapped images,
 * and how much of the file was read. Small by construction (bounded lists), so it travels to the UI.
 */
import type { MemoryRegion } from './memory-map';
import type { DumpFacts, RuntimeFacts } from './types';

/** Images listed, largest first. */
export const LISTED_IMAGES = 12;
/** Threads listed (a process can have thousands; the count is always given). */
export const LISTED_THREADS = 64;

export function dumpFacts(input: {
  readonly regions: readonly MemoryRegion[];
  readonly threads: readonly { readonly tid: number; readonly stackPointer: bigint | null }[];
  readonly processName: string | null;
  readonly processId: number | null;
  readonly pointerSize: 4 | 8;
  readonly architecture: string;
  readonly bytesRead: number;
  readonly fileBytes: number;
  readonly runtime?: RuntimeFacts | null;
}): DumpFacts {
  const images = new Map<string, { bytes: number; regions: number }>();
  for (const region of input.regions) {
    if (region.kind !== 'Image' || region.backingFile === null) continue;
    const image = images.get(region.backingFile) ?? { bytes: 0, regions: 0 };
    image.bytes += Number(region.size);
    image.regions++;
    images.set(region.backingFile, image);
  }
  const stackRegions = input.regions.filter((region) => region.kind === 'Stack');
  return {
    processName: input.processName,
    processId: input.processId,
    pointerSize: input.pointerSize,
    architecture: input.architecture,
    threadCount: input.threads.length,
    threads: input.threads.slice(0, LISTED_THREADS).map((thread) => {
      const sp = thread.stackPointer;
      const region = sp === null ? undefined : stackRegions.find((r) => sp >= r.start && sp < r.start + r.size);
      return {
        id: thread.tid,
        stackPointer: sp === null ? null : `0x${sp.toString(16)}`,
        stackRegion: region ? `0x${region.start.toString(16)}` : null,
        stackRegionBytes: region ? Number(region.size) : null,
      };
    }),
    imageCount: images.size,
    largestImages: [...images]
      .map(([path, image]) => ({ path, ...image }))
      .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
      .slice(0, LISTED_IMAGES),
    bytesRead: input.bytesRead,
    fileBytes: input.fileBytes,
    runtime: input.runtime ?? null,
  };
}
