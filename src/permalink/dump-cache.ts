/**
 * Dropped dumps kept in the browser's origin-private file system (OPFS), keyed by their SHA-256,
 * so a permalink opens at once on the machine that made it. Beside a dump, once its analyses are
 * done, its heap image (heap-image.ts): the model and the analyses, so a link reopens without
 * parsing or analysing again. Least recently used first out above a size limit, a dump and its
 * image counted together; `forgetAll` empties it (the UI has a visible button). Nothing leaves the
 * machine.
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
  /** Bytes of the dump's heap image, once one is stored (written whole before it is listed). */
  readonly imageSize?: number;
}

/** A dump's bytes in the cache, its image's included. */
const entryBytes = (e: IndexEntry) => e.size + (e.imageSize ?? 0);
const imageName = (sha256: string) => `${sha256}.image`;

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
    const entries = await this.index(dir);
    const known = entries.find((e) => e.sha256 === entry.sha256 && e.size === blob.size);
    if (known) {
      // The same bytes (the name says so): not written again; its image stays.
      await this.saveIndex(
        dir,
        entries.map((e) => (e === known ? { ...e, name: entry.name, lastUsed: nextUse(entries) } : e)),
      );
      return true;
    }
    const others = entries.filter((e) => e.sha256 !== entry.sha256);
    await dir.removeEntry(imageName(entry.sha256)).catch(() => undefined);
    const writable = await (await dir.getFileHandle(entry.sha256, { create: true })).createWritable();
    await writable.write(blob);
    await writable.close();
    others.push({ ...entry, lastUsed: nextUse(others) });
    await this.saveIndex(dir, await this.evict(dir, others));
    return true;
  }

  /** Keeps the most recently used entries within the limit; removes the files of the others. */
  private async evict(dir: CacheDirectory, entries: IndexEntry[]): Promise<IndexEntry[]> {
    entries.sort((a, b) => b.lastUsed - a.lastUsed);
    let total = 0;
    const kept: IndexEntry[] = [];
    for (const e of entries) {
      if (total + entryBytes(e) <= this.limitBytes) {
        kept.push(e);
        total += entryBytes(e);
      } else {
        await dir.removeEntry(e.sha256).catch(() => undefined);
        if (e.imageSize !== undefined) await dir.removeEntry(imageName(e.sha256)).catch(() => undefined);
      }
    }
    return kept;
  }

  /**
   * Stores the heap image of a cached dump: `write` gets the file's writable stream and writes
   * `bytes` bytes. The image is listed only once written and closed (OPFS commits a writable stream
   * on close), so a tab closed while writing leaves no half image. False when the dump is not
   * cached or the two do not fit the limit together.
   */
  async putImage(
    sha256: string,
    bytes: number,
    write: (writable: FileSystemWritableFileStream) => Promise<void>,
  ): Promise<boolean> {
    const dir = await this.directory();
    if (!dir) return false;
    const entry = (await this.index(dir)).find((e) => e.sha256 === sha256);
    if (!entry || entry.size + bytes > this.limitBytes) return false;
    const writable = await (await dir.getFileHandle(imageName(sha256), { create: true })).createWritable();
    try {
      await write(writable);
      await writable.close();
    } catch (error) {
      await writable.abort?.().catch(() => undefined);
      throw error;
    }
    // The index is read again: another tab may have changed it while the image was written.
    const entries = await this.index(dir);
    const current = entries.find((e) => e.sha256 === sha256);
    if (!current) {
      await dir.removeEntry(imageName(sha256)).catch(() => undefined);
      return false;
    }
    const updated = entries.map((e) => (e === current ? { ...e, imageSize: bytes, lastUsed: nextUse(entries) } : e));
    await this.saveIndex(dir, await this.evict(dir, updated));
    return true;
  }

  /** The stored heap image of a cached dump, or null (none, or not the size the index lists). */
  async getImage(sha256: string): Promise<File | null> {
    const dir = await this.directory();
    if (!dir) return null;
    const entry = (await this.index(dir)).find((e) => e.sha256 === sha256);
    if (!entry?.imageSize) return null;
    try {
      const file = await (await dir.getFileHandle(imageName(sha256))).getFile();
      return file.size === entry.imageSize ? file : null;
    } catch {
      return null;
    }
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

  /**
   * The stored image read through a synchronous access handle: straight into the caller's arrays,
   * without the copies a Blob read makes (the fastest read OPFS has). Only in a dedicated worker,
   * and only while no other tab holds the file: null otherwise, and the caller reads the File.
   * `close` must be called once the image is read (the handle locks the file).
   */
  async openImageForReading(
    sha256: string,
  ): Promise<{ size: number; read(offset: number, length: number): Promise<Uint8Array>; close(): void } | null> {
    const dir = await this.directory();
    if (!dir) return null;
    const entry = (await this.index(dir)).find((e) => e.sha256 === sha256);
    if (!entry?.imageSize) return null;
    try {
      const fileHandle = await dir.getFileHandle(imageName(sha256));
      if (typeof fileHandle.createSyncAccessHandle !== 'function') return null;
      const handle = await fileHandle.createSyncAccessHandle();
      const size = handle.getSize();
      if (size !== entry.imageSize) {
        handle.close();
        return null;
      }
      return {
        size,
        read(offset, length) {
          const bytes = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
          let done = 0;
          while (done < bytes.length) {
            const n = handle.read(bytes.subarray(done), { at: offset + done });
            if (n <= 0) break;
            done += n;
          }
          return Promise.resolve(done === bytes.length ? bytes : bytes.subarray(0, done));
        },
        close: () => handle.close(),
      };
    } catch {
      return null;
    }
  }

  async forgetAll(): Promise<void> {
    const dir = await this.directory();
    if (!dir) return;
    for (const entry of await this.index(dir)) {
      await dir.removeEntry(entry.sha256).catch(() => undefined);
      await dir.removeEntry(imageName(entry.sha256)).catch(() => undefined);
    }
    await this.saveIndex(dir, []);
  }
}
