/**
 * Dropped dumps kept in the browser's origin-private file system (OPFS), keyed by their SHA-256,
 * so a permalink opens at once on the machine that made it. Least recently used first out above a
 * size limit; `forgetAll` empties it (the UI has a visible button). Nothing leaves the machine.
 */

/** Default size limit of the cache. */
export const DUMP_CACHE_LIMIT_BYTES = 2 * 1024 ** 3;
const INDEX_FILE = 'heapscope-dumps.json';
const DIRECTORY = 'heapscope-dumps';

interface IndexEntry {
  readonly sha256: string;
  readonly name: string;
  readonly size: number;
  readonly lastUsed: number;
}

/** The subset of FileSystemDirectoryHandle the cache uses (injectable for tests). */
export interface CacheDirectory {
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileSystemFileHandle>;
  removeEntry(name: string): Promise<void>;
}

async function defaultDirectory(): Promise<CacheDirectory | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.getDirectory) return null;
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(DIRECTORY, { create: true });
}

/**
 * A use stamp later than every entry's: the clock, or one past the newest when the clock has not
 * moved (two dumps stored in one millisecond must not tie, or the new one could be evicted first).
 */
function nextUse(entries: readonly IndexEntry[]): number {
  let newest = 0;
  for (const e of entries) if (e.lastUsed > newest) newest = e.lastUsed;
  return Math.max(Date.now(), newest + 1);
}

export class DumpCache {
  constructor(
    private readonly directory: () => Promise<CacheDirectory | null> = defaultDirectory,
    private readonly limitBytes = DUMP_CACHE_LIMIT_BYTES,
  ) {}

  private async index(dir: CacheDirectory): Promise<IndexEntry[]> {
    try {
      const file = await (await dir.getFileHandle(INDEX_FILE)).getFile();
      const entries = JSON.parse(await file.text()) as unknown;
      return Array.isArray(entries)
        ? (entries as IndexEntry[]).filter((e) => typeof e?.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256))
        : [];
    } catch {
      return [];
    }
  }

  private async saveIndex(dir: CacheDirectory, entries: IndexEntry[]): Promise<void> {
    const writable = await (await dir.getFileHandle(INDEX_FILE, { create: true })).createWritable();
    await writable.write(JSON.stringify(entries));
    await writable.close();
  }

  async list(): Promise<IndexEntry[]> {
    const dir = await this.directory();
    return dir ? this.index(dir) : [];
  }

  /** Stores a dump (if it fits the limit), then evicts the least recently used over the limit. */
  async put(entry: { sha256: string; name: string; size: number }, blob: Blob): Promise<boolean> {
    const dir = await this.directory();
    if (!dir || blob.size > this.limitBytes) return false;
    let entries = (await this.index(dir)).filter((e) => e.sha256 !== entry.sha256);
    const writable = await (await dir.getFileHandle(entry.sha256, { create: true })).createWritable();
    await writable.write(blob);
    await writable.close();
    entries.push({ ...entry, lastUsed: nextUse(entries) });
    entries.sort((a, b) => b.lastUsed - a.lastUsed);
    let total = 0;
    const kept: IndexEntry[] = [];
    for (const e of entries) {
      if (total + e.size <= this.limitBytes) {
        kept.push(e);
        total += e.size;
      } else {
        await dir.removeEntry(e.sha256).catch(() => undefined);
      }
    }
    entries = kept;
    await this.saveIndex(dir, entries);
    return true;
  }

  /** The cached dump with this fingerprint, or null; marks it as used. */
  async get(sha256: string): Promise<File | null> {
    const dir = await this.directory();
    if (!dir) return null;
    const entries = await this.index(dir);
    const entry = entries.find((e) => e.sha256 === sha256);
    if (!entry) return null;
    try {
      const file = await (await dir.getFileHandle(sha256)).getFile();
      await this.saveIndex(
        dir,
        entries.map((e) => (e === entry ? { ...e, lastUsed: nextUse(entries) } : e)),
      );
      return new File([file], entry.name);
    } catch {
      return null;
    }
  }

  async forgetAll(): Promise<void> {
    const dir = await this.directory();
    if (!dir) return;
    for (const entry of await this.index(dir)) await dir.removeEntry(entry.sha256).catch(() => undefined);
    await this.saveIndex(dir, []);
  }
}
