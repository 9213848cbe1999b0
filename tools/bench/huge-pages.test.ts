import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hugePageEnv } from '../../bin/huge-pages.mjs';

const ROOT = resolve(import.meta.dirname, '../..');

describe("the CLI's huge-page tunable", () => {
  it('is added on Linux with transparent huge pages, beside tunables already set, and only once', () => {
    const madvise = 'always [madvise] never\n';
    expect(hugePageEnv({ PATH: '/bin' }, 'linux', madvise)).toEqual({
      PATH: '/bin',
      GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1',
    });
    expect(hugePageEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux', madvise)?.GLIBC_TUNABLES).toBe(
      'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1',
    );
    expect(hugePageEnv({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'linux', madvise)).toBeNull();
    expect(hugePageEnv({}, 'linux', 'always madvise [never]\n')).toBeNull();
    expect(hugePageEnv({}, 'linux', null)).toBeNull();
    expect(hugePageEnv({}, 'darwin', madvise)).toBeNull();
  });

  it('leaves the output and exit status of the CLI as they are when it starts itself again', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, 'bin/heapscope.mjs'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, GLIBC_TUNABLES: undefined },
      });
    const run = cli('findings', join(ROOT, 'sample-dumps/leaks/audit-trail.gcdump'), '--json');
    expect(run.status).toBe(0);
    const findings = JSON.parse(run.stdout) as { count: number }[];
    expect(findings[0].count).toBe(6011);
    const missing = cli('findings', join(ROOT, 'sample-dumps/no-such.gcdump'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no-such.gcdump');
  });
});
