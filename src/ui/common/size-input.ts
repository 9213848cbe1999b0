/** A size bound typed by a person: decimal (`32792`, `32,792`) or hex as SOS takes it (`0x8018`). */
export function parseSizeBound(text: string): { value: number | null; error: string | null } {
  const clean = text.trim().replace(/[,_\s]/g, '');
  if (clean === '') return { value: null, error: null };
  const value = /^0x[0-9a-f]+$/i.test(clean) ? parseInt(clean.slice(2), 16) : /^\d+$/.test(clean) ? Number(clean) : NaN;
  if (!Number.isSafeInteger(value))
    return { value: null, error: `"${text}" is not a size in bytes (decimal, or hex like 0x8018)` };
  return { value, error: null };
}
