/**
 * Numbers as SOS prints them (spec §3): thousands separators `,` or `.` or none (the host culture
 * decides, so never assume `,`), hex bare, `0x`-prefixed or WinDbg backtick-split, size pairs such as
 * `0x0001efbc(126908)` or `80(0x50)`, and human sizes (`2.39gb`, `( 125.994 TB)`, `11.5MB`).
 * All functions return null rather than guess; none uses a regex that can backtrack on long input.
 */

const HEX_DIGITS = /^[0-9a-fA-F]+$/;
const DECIMAL_DIGITS = /^\d+$/;
/** A grouped integer: 1–3 digits then groups of exactly three, one separator kind throughout. */
const GROUPED_COMMA = /^\d{1,3}(?:,\d{3})+$/;
const GROUPED_DOT = /^\d{1,3}(?:\.\d{3})+$/;

/** Longest hex address or MT we accept (64 bits). */
const MAX_HEX_DIGITS = 16;

/**
 * `00007F56405C1C18`, `0x7f56405c1c18`, `7f56`405c1c18` → `7f56405c1c18`; `0` for zero.
 * Null when the token is not hex of at most 64 bits.
 */
export function normalizeHex(token: string): string | null {
  let t = token;
  if (t.length > MAX_HEX_DIGITS + 3) return null;
  if (t.startsWith('0x') || t.startsWith('0X')) t = t.slice(2);
  if (t.includes('`')) t = t.replace('`', '');
  if (t.length === 0 || t.length > MAX_HEX_DIGITS || !HEX_DIGITS.test(t)) return null;
  let start = 0;
  while (start < t.length - 1 && t.charCodeAt(start) === 48 /* '0' */) start++;
  return t.slice(start).toLowerCase();
}

/** True when the token looks like an address or MT column: hex with at least 6 digits. */
export function isAddressToken(token: string): boolean {
  const digits = token.startsWith('0x') || token.startsWith('0X') ? token.length - 2 : token.length;
  if (digits < 6) return false;
  return normalizeHex(token) !== null;
}

/** Splits normalised hex into 32-bit halves. */
export function hexToHalves(hex: string): { lo: number; hi: number } {
  const padded = hex.padStart(16, '0');
  return { hi: parseInt(padded.slice(0, 8), 16), lo: parseInt(padded.slice(8), 16) };
}

/**
 * An integer printed with or without thousands separators: `1,047,579,498`, `9.993.265.315`
 * (German culture), `1374086995`. Null for anything else (`0.5`, `12ab`, `1,2`).
 */
export function parseGroupedInt(token: string): number | null {
  if (token.length === 0 || token.length > 30) return null;
  if (DECIMAL_DIGITS.test(token)) return Number(token);
  if (GROUPED_COMMA.test(token)) return Number(token.replaceAll(',', ''));
  if (GROUPED_DOT.test(token)) return Number(token.replaceAll('.', ''));
  return null;
}

/** A small signed decimal (`-1`, `2`), as in the `Gen` column of old listings. */
export function parseSmallSignedInt(token: string): number | null {
  if (token === '-1') return -1;
  return token.length <= 3 && DECIMAL_DIGITS.test(token) ? Number(token) : null;
}

/** `0x1f` or bare hex as a number (exact below 2^53). */
export function parseHexNumber(token: string): number | null {
  const hex = normalizeHex(token);
  return hex === null ? null : parseInt(hex, 16);
}

/**
 * The decimal value of a size pair: `0x0001efbc(126908)`, `0x15ec688 (22988424)`,
 * `80(0x50)`, `1073741848(0x40000018)`, `0x14459f90 (340107152) bytes`. The decimal part wins; a
 * pair whose two halves disagree yields null.
 */
export function parseSizePair(text: string): number | null {
  const open = text.indexOf('(');
  const close = text.indexOf(')', open + 1);
  if (open < 0 || close < 0) return null;
  const outer = text.slice(0, open).trim();
  const inner = text.slice(open + 1, close).trim();
  const outerIsHex = outer.startsWith('0x') || outer.startsWith('0X');
  const decimal = outerIsHex ? parseGroupedInt(inner) : parseGroupedInt(outer);
  const hex = outerIsHex ? parseHexNumber(outer) : parseHexNumber(inner);
  if (decimal === null) return outerIsHex ? hex : null;
  if (hex !== null && hex !== decimal) return null;
  return decimal;
}

const HUMAN_UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
  tb: 1024 ** 4,
  t: 1024 ** 4,
};

/** `2.39gb`, `464.000 kB`, `11.5MB`, `125.994 TB` → approximate bytes; null when not a size. */
export function parseHumanSize(text: string): number | null {
  const t = text.trim().toLowerCase();
  let split = 0;
  while (split < t.length && ((t[split] >= '0' && t[split] <= '9') || t[split] === '.' || t[split] === ',')) split++;
  if (split === 0 || split > 20) return null;
  const unit = t.slice(split).trim();
  const factor = HUMAN_UNITS[unit];
  if (factor === undefined) return null;
  const value = Number(t.slice(0, split).replace(',', '.'));
  return Number.isFinite(value) ? Math.round(value * factor) : null;
}

/** Splits on runs of whitespace (spaces, tabs, full-width spaces); no empty tokens. */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const space = c === 32 || c === 9 || c === 0x3000 || c === 0xa0;
    if (space) {
      if (start >= 0) {
        tokens.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) tokens.push(line.slice(start));
  return tokens;
}

/**
 * The text after the first `n` whitespace-separated tokens, trimmed (a class name keeps its inner
 * spaces: `Dictionary<System.String, JToken>+Entry[]`).
 */
export function restAfterTokens(line: string, n: number): string {
  let i = 0;
  for (let k = 0; k < n; k++) {
    while (i < line.length && isSpace(line.charCodeAt(i))) i++;
    while (i < line.length && !isSpace(line.charCodeAt(i))) i++;
  }
  return line.slice(i).trim();
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0x3000 || c === 0xa0;
}

/** Groups digits by three with commas, independent of the host locale (for renderings). */
export function formatCount(value: number): string {
  const sign = value < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(value)));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return sign + out;
}

/** How a column of hex tokens was printed: its width, `0x`, case, WinDbg's backtick (`00007ff8`1234abcd`). */
export interface HexForm {
  readonly digits: number;
  readonly prefix: '' | '0x';
  readonly upper: boolean;
  readonly tick: boolean;
}

/** The form of one printed hex token, or null when it is not one. */
export function hexFormOf(token: string): HexForm | null {
  if (normalizeHex(token) === null) return null;
  const prefix = token.startsWith('0x') || token.startsWith('0X') ? '0x' : '';
  const body = prefix ? token.slice(2) : token;
  const tick = body.includes('`');
  const digits = body.replace('`', '');
  return { digits: digits.length, prefix, upper: /[A-F]/.test(digits) && !/[a-f]/.test(digits), tick };
}

export function sameHexForm(a: HexForm, b: HexForm): boolean {
  return a.digits === b.digits && a.prefix === b.prefix && a.upper === b.upper && a.tick === b.tick;
}

/** A normalised hex value written in a printed form (zero-padded to its width, its case, its backtick). */
export function formatHexAs(normalised: string, form: HexForm): string {
  let digits = normalised.padStart(form.digits, '0');
  if (form.upper) digits = digits.toUpperCase();
  if (form.tick && digits.length > 8) digits = `${digits.slice(0, -8)}\`${digits.slice(-8)}`;
  return form.prefix + digits;
}
