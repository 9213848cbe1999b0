/**
 * The memory map of a full dump (ELF core or minidump) and SOS's row naming for `maddress -summary`
 * (docs/specs/core-dumps.md §3.1–3.2: CLR kind > usage (Stack, Image) > MEM_RESERVE > image path >
 * protection text, `MAPPED_*` for MEM_MAPPED). The GC heap is not guessed here: those bytes stay
 * under their protection kind until a .gcdump or transcript of the same process names them.
 */
import type { MemoryRegionSummary } from './types';

export type RegionState = 'commit' | 'reserve';
export type RegionType = 'image' | 'mapped' | 'private' | 'unknown';

export interface MemoryRegion {
  readonly start: bigint;
  readonly size: bigint;
  /** Windows PAGE_* protection value (ELF p_flags are translated, see protectionFromElfFlags). */
  readonly protection: number;
  readonly state: RegionState;
  readonly type: RegionType;
  /** Backing file (NT_FILE path or module name), or null. */
  readonly backingFile: string | null;
  /** Row name as SOS's maddress would print it. */
  readonly kind: string;
}

/** createdump's DIAGINFO page (core-dumps.md §1.2): not process memory, labelled apart. */
export const DIAGINFO_KIND = 'DIAGINFO (createdump, not process memory)';

export const PAGE_NOACCESS = 0x01;
export const PAGE_READONLY = 0x02;
export const PAGE_READWRITE = 0x04;
export const PAGE_WRITECOPY = 0x08;
export const PAGE_EXECUTE = 0x10;
export const PAGE_EXECUTE_READ = 0x20;
export const PAGE_EXECUTE_READWRITE = 0x40;
export const PAGE_EXECUTE_WRITECOPY = 0x80;
export const PAGE_GUARD = 0x100;
export const PAGE_NOCACHE = 0x200;
export const PAGE_WRITECOMBINE = 0x400;

const PROTECTION_NAMES: readonly (readonly [number, string])[] = [
  [PAGE_NOACCESS, 'PAGE_NOACCESS'],
  [PAGE_READONLY, 'PAGE_READONLY'],
  [PAGE_READWRITE, 'PAGE_READWRITE'],
  [PAGE_WRITECOPY, 'PAGE_WRITECOPY'],
  [PAGE_EXECUTE, 'PAGE_EXECUTE'],
  [PAGE_EXECUTE_READ, 'PAGE_EXECUTE_READ'],
  [PAGE_EXECUTE_READWRITE, 'PAGE_EXECUTE_READWRITE'],
  [PAGE_EXECUTE_WRITECOPY, 'PAGE_EXECUTE_WRITECOPY'],
  [PAGE_GUARD, 'PAGE_GUARD'],
  [PAGE_NOCACHE, 'PAGE_NOCACHE'],
  [PAGE_WRITECOMBINE, 'PAGE_WRITECOMBINE'],
];

/** ELF PF_X=1, PF_W=2, PF_R=4 → PAGE_* (core-dumps.md §3.2). */
export function protectionFromElfFlags(flags: number): number {
  const r = (flags & 4) !== 0;
  const w = (flags & 2) !== 0;
  const x = (flags & 1) !== 0;
  if (x) return w ? PAGE_EXECUTE_READWRITE : r ? PAGE_EXECUTE_READ : PAGE_EXECUTE;
  if (w) return PAGE_READWRITE;
  if (r) return PAGE_READONLY;
  return PAGE_NOACCESS;
}

/** Protection text as SOS prints it: flags joined by ", ", PAGE → MAPPED for MEM_MAPPED. */
export function protectionText(protection: number, type: RegionType): string {
  const names = PROTECTION_NAMES.filter(([bit]) => (protection & bit) !== 0).map(([, name]) => name);
  const text = names.length > 0 ? names.join(', ') : 'PAGE_UNKNOWN';
  return type === 'mapped' ? text.replaceAll('PAGE', 'MAPPED') : text;
}

/** SOS's DescribedRegion.Name precedence without CLR kinds (Stage A). */
export function regionKindName(
  usage: 'Stack' | null,
  state: RegionState,
  type: RegionType,
  backingFile: string | null,
  protection: number,
): string {
  if (usage !== null) return usage;
  if (state === 'reserve') return '[RESERVED]';
  if (type === 'image' || backingFile !== null) return 'Image';
  return protectionText(protection, type);
}

/** Rows grouped by kind: count and bytes, largest first (maddress -summary order). */
export function summarizeMemoryMap(regions: readonly MemoryRegion[]): MemoryRegionSummary[] {
  const byKind = new Map<string, { count: number; bytes: number }>();
  for (const region of regions) {
    const row = byKind.get(region.kind) ?? { count: 0, bytes: 0 };
    row.count += 1;
    row.bytes += Number(region.size);
    byKind.set(region.kind, row);
  }
  return [...byKind.entries()]
    .map(([kind, row]) => ({ kind, count: row.count, bytes: row.bytes }))
    .sort((a, b) => b.bytes - a.bytes || a.kind.localeCompare(b.kind));
}
