// Transparent huge pages for the heapscope CLI and the Node benchmark.
//
// Node allocates typed arrays with calloc; glibc serves large ones with mmap, one page fault per
// 4 KB page on first touch. On a virtual machine a fault is dear: here about 11 µs, so touching a
// 74 MB column (one Uint32 per object at the incident's 18.6 M objects) costs 0.2 s before any work.
// With the tunable glibc.malloc.hugetlb=1 (glibc 2.35 and later; older ones ignore it), glibc asks
// the kernel for transparent huge pages on those mappings (madvise), which the kernel's default
// "madvise" mode grants: one fault per 2 MB. Memory is touched the same; only faults are fewer.
// The tunable is read when a process starts, so the CLI sets it for a child process of its own.
import { readFileSync } from 'node:fs';

const TUNABLE = 'glibc.malloc.hugetlb=1';

/**
 * The environment with the tunable added, or null when there is nothing to add: not Linux, the
 * kernel has transparent huge pages off ("[never]"), or the tunable is set already (by us or the user).
 */
export function hugePageEnv(env, platform = process.platform, thpSetting = readThpSetting()) {
  if (platform !== 'linux' || thpSetting === null || thpSetting.includes('[never]')) return null;
  const tunables = env.GLIBC_TUNABLES ?? '';
  if (tunables.includes('glibc.malloc.hugetlb')) return null;
  return { ...env, GLIBC_TUNABLES: tunables ? `${tunables}:${TUNABLE}` : TUNABLE };
}

function readThpSetting() {
  try {
    return readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
  } catch {
    return null;
  }
}
