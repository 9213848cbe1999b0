/** See huge-pages.mjs: the environment with glibc's huge-page tunable added, or null when nothing is to add. */
export function hugePageEnv(
  env: NodeJS.ProcessEnv,
  platform?: NodeJS.Platform,
  thpSetting?: string | null,
): NodeJS.ProcessEnv | null;
