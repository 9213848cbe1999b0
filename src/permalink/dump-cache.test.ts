/**
 * The dump cache's bookkeeping (LRU order, the size limit, forget all, a corrupt index) on an
 * in-memory directory with the same calls as OPFS's FileSystemDirectoryHandle. The real OPFS is
 * exercised in the browser by e2e/permalinks.spec.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DumpCache, type CacheDirectory } from './dump-cache';

/** Files by name, written through createWritable() like OPFS's handles. */
class MemoryDirectory implements CacheDirectory {
  readonly files = new Map<string, Blob>();

  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileSystemFileHandle> {
    if (!this.files.has(name) && !options?.create) {
      return Promise.reject(new DOMException(`${name} not found`, 'NotFoundError'));
    }
    if (!this.files.has(name)) this.files.set(name, new Blob([]));
    const handle = {
      getFile: () => Promise.resolve(new File([this.files.get(name)!], name)),
      createWritable: () => {
        const parts: BlobPart[] = [];
        return Promise.resolve({
          write: (data: BlobPart) => {
            parts.push(data);
            return Promise.resolve();
          },
          close: () => {
            this.files.set(name, new Blob(parts));
            return Promise.resolve();
          },
          // Like OPFS: an aborted stream leaves the file as it was.
          abort: () => Promise.resolve(),
        });
      },
    };
    return Promise.resolve(handle as unknown as FileSystemFileHandle);
  }

  removeEntry(name: string): Promise<void> {
    if (!this.files.delete(name)) return Promise.reject(new DOMException(`${name} not found`, 'NotFoundError'));
    return Promise.resolve();
  }

  dumps(): string[] {
    return [...this.files.keys()].filter((name) => /^[0-9a-f]{64}$/.test(name)).sort();
  }
}

const sha = (digit: string) => digit.repeat(64);
const blob = (size: number) => new Blob([new Uint8Array(size)]);

describe('dump cache (OPFS), least recently used first out', () => {
  let dir: MemoryDirectory;
  let cache: DumpCache;
  beforeEach(() => {
    dir = new MemoryDirectory();
    cache = new DumpCache(() => Promise.resolve(dir), 100);
    vi.useFakeTimers();
    vi.setSystemTime(1_000);
  });
  afterEach(() => vi.useRealTimers());

  it('keeps dumps under the limit and evicts the least recently used above it', async () => {
    expect(await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 40 }, blob(40))).toBe(true);
    vi.setSystemTime(2_000);
    expect(await cache.put({ sha256: sha('b'), name: 'b.gcdump', size: 40 }, blob(40))).toBe(true);
    vi.setSystemTime(3_000);
    // Opening a makes b the least recently used.
    const a = await cache.get(sha('a'));
    expect(a?.name).toBe('a.gcdump');
    expect(a?.size).toBe(40);
    vi.setSystemTime(4_000);
    expect(await cache.put({ sha256: sha('c'), name: 'c.gcdump', size: 40 }, blob(40))).toBe(true);
    expect(dir.dumps()).toEqual([sha('a'), sha('c')]);
    expect((await cache.list()).map((e) => e.name)).toEqual(['c.gcdump', 'a.gcdump']);
    expect(await cache.get(sha('b'))).toBeNull();
  });

  it('keeps the newest dump when two are stored in the same millisecond', async () => {
    await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 60 }, blob(60));
    await cache.put({ sha256: sha('b'), name: 'b.gcdump', size: 60 }, blob(60));
    expect(dir.dumps()).toEqual([sha('b')]);
  });

  it('refuses a dump larger than the whole limit and keeps what it had', async () => {
    await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 10 }, blob(10));
    expect(await cache.put({ sha256: sha('b'), name: 'big.gcdump', size: 101 }, blob(101))).toBe(false);
    expect(dir.dumps()).toEqual([sha('a')]);
  });

  it('storing the same dump again replaces its entry instead of counting it twice', async () => {
    await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 60 }, blob(60));
    vi.setSystemTime(2_000);
    await cache.put({ sha256: sha('a'), name: 'renamed.gcdump', size: 60 }, blob(60));
    expect(await cache.list()).toEqual([{ sha256: sha('a'), name: 'renamed.gcdump', size: 60, lastUsed: 2_000 }]);
  });

  it('the same bytes stored again are not written again, and keep their image', async () => {
    await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 30 }, blob(30));
    await cache.putImage(sha('a'), 20, (w) => w.write(new Uint8Array(20)));
    const written = dir.files.get(sha('a'));
    vi.setSystemTime(2_000);
    await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 30 }, blob(30));
    expect(dir.files.get(sha('a'))).toBe(written);
    expect((await cache.getImage(sha('a')))?.size).toBe(20);
  });

  describe('heap images beside their dumps', () => {
    it('stores an image only for a cached dump, and lists it once it is written whole', async () => {
      expect(await cache.putImage(sha('a'), 10, (w) => w.write(new Uint8Array(10)))).toBe(false);
      await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 30 }, blob(30));
      expect(await cache.getImage(sha('a'))).toBeNull();
      let listedWhileWriting: File | null | undefined;
      expect(
        await cache.putImage(sha('a'), 25, async (w) => {
          await w.write(new Uint8Array(25));
          listedWhileWriting = await cache.getImage(sha('a'));
        }),
      ).toBe(true);
      expect(listedWhileWriting).toBeNull();
      expect((await cache.getImage(sha('a')))?.size).toBe(25);
      expect((await cache.list())[0].imageSize).toBe(25);
    });

    it('a write that fails lists no image', async () => {
      await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 30 }, blob(30));
      await expect(cache.putImage(sha('a'), 25, () => Promise.reject(new Error('tab closed')))).rejects.toThrow(
        'tab closed',
      );
      expect(await cache.getImage(sha('a'))).toBeNull();
    });

    it('an image whose file is not the size the index lists is not offered', async () => {
      await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 30 }, blob(30));
      await cache.putImage(sha('a'), 25, (w) => w.write(new Uint8Array(25)));
      dir.files.set(`${sha('a')}.image`, new Blob([new Uint8Array(24)]));
      expect(await cache.getImage(sha('a'))).toBeNull();
    });

    it('refuses an image that does not fit the limit beside its dump', async () => {
      await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 60 }, blob(60));
      expect(await cache.putImage(sha('a'), 41, (w) => w.write(new Uint8Array(41)))).toBe(false);
      expect(dir.files.has(`${sha('a')}.image`)).toBe(false);
    });

    it('counts images in the limit: the least recently used dump goes with its image', async () => {
      await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 30 }, blob(30));
      await cache.putImage(sha('a'), 30, (w) => w.write(new Uint8Array(30)));
      vi.setSystemTime(2_000);
      await cache.put({ sha256: sha('b'), name: 'b.gcdump', size: 30 }, blob(30));
      vi.setSystemTime(3_000);
      // a (60 with its image) + b (30) fit in 100; b's image of 30 does not fit beside both.
      expect(await cache.putImage(sha('b'), 30, (w) => w.write(new Uint8Array(30)))).toBe(true);
      expect(dir.dumps()).toEqual([sha('b')]);
      expect(dir.files.has(`${sha('a')}.image`)).toBe(false);
      expect((await cache.getImage(sha('b')))?.size).toBe(30);
    });

    it('storing a different dump under a name removes the old image', async () => {
      await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 30 }, blob(30));
      await cache.putImage(sha('a'), 20, (w) => w.write(new Uint8Array(20)));
      await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 31 }, blob(31));
      expect(await cache.getImage(sha('a'))).toBeNull();
      expect(dir.files.has(`${sha('a')}.image`)).toBe(false);
    });

    it('forget all removes the images too', async () => {
      await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 30 }, blob(30));
      await cache.putImage(sha('a'), 20, (w) => w.write(new Uint8Array(20)));
      await cache.forgetAll();
      expect([...dir.files.keys()].filter((name) => name !== 'heapscope-dumps.json')).toEqual([]);
    });
  });

  it('forget all removes every dump and the index', async () => {
    await cache.put({ sha256: sha('a'), name: 'a.gcdump', size: 10 }, blob(10));
    await cache.put({ sha256: sha('b'), name: 'b.gcdump', size: 10 }, blob(10));
    await cache.forgetAll();
    expect(dir.dumps()).toEqual([]);
    expect(await cache.list()).toEqual([]);
  });

  it('a corrupt or hostile index is treated as empty, and its names are never used as paths', async () => {
    const index = await dir.getFileHandle('heapscope-dumps.json', { create: true });
    const writable = await (
      index as unknown as { createWritable(): Promise<FileSystemWritableFileStream> }
    ).createWritable();
    await writable.write(JSON.stringify([{ sha256: '../../etc/passwd', name: 'x', size: 1, lastUsed: 1 }, 'junk']));
    await writable.close();
    expect(await cache.list()).toEqual([]);
    dir.files.set('heapscope-dumps.json', new Blob(['{not json']));
    expect(await cache.list()).toEqual([]);
    expect(await cache.get(sha('a'))).toBeNull();
  });

  it('without OPFS (an old browser, a worker without storage) it stores nothing and says so', async () => {
    const none = new DumpCache(() => Promise.resolve(null));
    expect(await none.put({ sha256: sha('a'), name: 'a', size: 1 }, blob(1))).toBe(false);
    expect(await none.get(sha('a'))).toBeNull();
    expect(await none.list()).toEqual([]);
  });
});
