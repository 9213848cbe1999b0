/**
 * Type-name helpers shared by the analyses. Names are display strings from the collector
 * (gcdump spec §5.4), spelled differently by CoreCLR, Mono and ClrMD; these functions compare them
 * without caring which spelling a dump uses.
 */

/** ` (Bytes > 10K)`, ` (Ptrs,ElemSize=4)`, ` (Bytes > 10K,Ptrs,ElemSize=16)` — collector suffixes. */
const COLLECTOR_SUFFIX = / \((?:Bytes > [0-9]+[KM]?(?:,[^)]*)?|(?:No)?Ptrs,ElemSize=\d+)\)$/;

/** The type name without dotnet-gcdump's size-range or PerfView's array suffix. */
export function baseTypeName(name: string): string {
  return name.replace(COLLECTOR_SUFFIX, '');
}

/**
 * The last component of a (possibly nested) type name, generic arguments kept:
 * `System.Threading.CancellationTokenSource+CallbackNode` → `CallbackNode`,
 * `System.Threading.CancellationTokenSource.CallbackNode` (Mono) → `CallbackNode`.
 */
export function simpleTypeName(name: string): string {
  const base = baseTypeName(name);
  const genericAt = base.indexOf('<');
  const head = genericAt < 0 ? base : base.slice(0, genericAt);
  const cut = Math.max(head.lastIndexOf('.'), head.lastIndexOf('+'));
  return base.slice(cut + 1);
}

/**
 * True when `name` is the type `qualified` (e.g. `System.Threading.CancellationTokenSource+CallbackNode`)
 * in any spelling: fully qualified with `+` or `.`, or with the declaring type dropped as CoreCLR's
 * dotnet-gcdump does for nested types (`CallbackNode`).
 */
export function isTypeNamed(name: string, qualified: string): boolean {
  const base = baseTypeName(name);
  if (base === qualified) return true;
  if (base === qualified.replace(/\+/g, '.')) return true;
  const nestedAt = qualified.lastIndexOf('+');
  return nestedAt >= 0 && base === qualified.slice(nestedAt + 1);
}

/**
 * A type's simple name with the indefinite article English puts before it: "an AuditRecord", "an
 * ArrayList", "a Dictionary", "a UserSession" (U sounding "you" before one consonant and a vowel)
 * but "an UpdateQueue". Capitalized ("An …") when `sentenceStart`.
 */
export function withArticle(name: string, sentenceStart = false): string {
  const an = /^[AEIOaeio]/.test(name) || (/^[Uu]/.test(name) && !/^[Uu][^aeiouAEIOU\W][aeiouy]/.test(name));
  const article = an ? 'an' : 'a';
  return `${sentenceStart ? article[0].toUpperCase() + article.slice(1) : article} ${name}`;
}
