/** See cli-bundle.mjs: the stamp of the sources under `root`. */
export function bundleStamp(root?: string): string;
/** See cli-bundle.mjs: the directory of a bundle made from the sources as they are now, or null. */
export function cliBundleDir(): string | null;
