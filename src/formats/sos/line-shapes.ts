/**
 * Recognisers for single lines: prompts and commands (spec §1), elision markers (spec §8) and the
 * row shapes shared by several outputs. Each works on one capped line (line-reader.ts) with plain
 * string tests or anchored regexes without nested quantifiers, so no line can make them backtrack.
 */
import { isAddressToken, normalizeHex, parseGroupedInt, parseSmallSignedInt, restAfterTokens } from './numbers';
import type { SosCommand } from './transcript-types';

/** One line as the block parsers see it. */
export interface LineView {
  readonly number: number;
  /** The line with trailing whitespace removed. */
  readonly text: string;
  /** The line trimmed on both sides. */
  readonly trimmed: string;
  readonly tokens: readonly string[];
  /** The next line, trimmed, or null at the end (one line of lookahead). */
  readonly next: string | null;
}

/** Command names as SOS spells them, mapped to one canonical name (typos seen in the wild included). */
const COMMAND_ALIASES: Record<string, string> = {
  dumpheap: 'dumpheap',
  dumheap: 'dumpheap',
  dumphep: 'dumpheap',
  do: 'dumpobj',
  dumpobj: 'dumpobj',
  dumpvc: 'dumpvc',
  da: 'dumparray',
  dumparray: 'dumparray',
  gcroot: 'gcroot',
  dumpdelegate: 'dumpdelegate',
  eeheap: 'eeheap',
  finalizequeue: 'finalizequeue',
  fq: 'finalizequeue',
  objsize: 'objsize',
  address: 'address',
  maddress: 'maddress',
};

/** WinDbg prompt: `0:000>` (any thread number, optional `:x86` suffix). */
const WINDBG_PROMPT = /^\d{1,3}:\d{3,4}(?::[A-Za-z0-9]{1,8})?>/;

export type PromptDialect = 'windbg' | 'dotnet-dump' | 'lldb' | 'bare';

export interface ParsedCommandLine {
  readonly dialect: PromptDialect;
  /** Null for a bare prompt with nothing after it (dotnet-dump prints `>` lines). */
  readonly command: Omit<SosCommand, 'line'> | null;
}

/**
 * A prompt line (`0:000> !dumpheap -stat`, `0:000>!dumpheap`, `> dumpheap -stat`, `(lldb) sos gcroot`,
 * `$ dotnet-dump analyze …`) or a bare `!command` line. Null for anything else; `>>` lines (dumpobj's
 * `>> Domain:Value`) and `->` links are not prompts.
 */
export function parseCommandLine(trimmed: string): ParsedCommandLine | null {
  let rest: string;
  let dialect: PromptDialect;
  let prompt: string | null;
  const windbg = WINDBG_PROMPT.exec(trimmed);
  if (windbg) {
    dialect = 'windbg';
    prompt = windbg[0];
    rest = trimmed.slice(windbg[0].length).trim();
  } else if (trimmed.startsWith('(lldb)')) {
    dialect = 'lldb';
    prompt = '(lldb)';
    rest = trimmed.slice(6).trim();
  } else if (trimmed === '>' || (trimmed.startsWith('> ') && !trimmed.startsWith('>>'))) {
    dialect = 'dotnet-dump';
    prompt = '>';
    rest = trimmed.slice(1).trim();
  } else if (trimmed.startsWith('$ ')) {
    dialect = 'bare';
    prompt = '$';
    rest = trimmed.slice(2).trim();
    if (!rest.startsWith('dotnet')) return null;
  } else if (trimmed.startsWith('!') && trimmed.length > 1 && isLetter(trimmed.charCodeAt(1))) {
    dialect = 'bare';
    prompt = null;
    rest = trimmed;
    if (
      !(
        firstWord(rest)
          .slice(1)
          .toLowerCase()
          .replace(/^sos\./, '') in COMMAND_ALIASES
      )
    )
      return null;
  } else {
    return null;
  }
  if (rest.length === 0) return { dialect, command: null };
  const words = rest.split(/\s+/).map((w) => w.replace(/^[\u2013\u2014]/, '-'));
  let head = words[0].toLowerCase();
  let argStart = 1;
  if (head === 'sos' && words.length > 1) {
    head = words[1].toLowerCase();
    argStart = 2;
  }
  head = head.replace(/^!/, '').replace(/^sos\./, '');
  const name = COMMAND_ALIASES[head] ?? head;
  return { dialect, command: { name, args: words.slice(argStart), text: rest, prompt } };
}

function firstWord(text: string): string {
  const space = text.search(/\s/);
  return space < 0 ? text : text.slice(0, space);
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Elision markers (spec §8): `...`, `.......`, `…`, `… [omitted]`, `<… cut to save space …>`,
 * `// Abbreviated`, `...removed lines`, `[... removed for brevity]`, `--- many lines of output
 * omitted ---`, `省略几千行`, `省略...`.
 */
export function isElision(trimmed: string): boolean {
  if (trimmed.length === 0 || trimmed.length > 120) return false;
  let onlyDots = true;
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i];
    if (c !== '.' && c !== '\u2026' && c !== ' ') {
      onlyDots = false;
      break;
    }
  }
  if (onlyDots) return trimmed.length >= 2 || trimmed === '\u2026';
  if (trimmed.startsWith('...') || trimmed.startsWith('\u2026')) return true;
  if (
    trimmed.startsWith('<\u2026') ||
    trimmed.startsWith('<...') ||
    trimmed.startsWith('[...') ||
    trimmed.startsWith('[\u2026')
  ) {
    return true;
  }
  if (trimmed.startsWith('\u7701\u7565')) return true; // 省略 ("omitted")
  const lower = trimmed.toLowerCase();
  if (trimmed.startsWith('//') && /abbreviat|omit|snip|cut|remov/.test(lower)) return true;
  if (trimmed.startsWith('--') && lower.includes('omitted')) return true;
  return false;
}

/** Tool messages worth keeping as messages (spec §8): errors and warnings that are not output. */
export function isToolMessage(trimmed: string): boolean {
  return (
    trimmed.startsWith('Invalid object') ||
    trimmed.startsWith('Not a managed object') ||
    trimmed.startsWith('<Note: this object has an invalid') ||
    trimmed.startsWith('Error requesting heap segment') ||
    trimmed.startsWith('Failed to retrieve segments') ||
    trimmed.startsWith('Unable to build snapshot') ||
    trimmed.startsWith('The version of SOS does not match') ||
    trimmed.startsWith('Command canceled') ||
    trimmed.startsWith('The user dump currently examined is a minidump')
  );
}

/** A `MT Count TotalSize Class Name` header, however aligned or collapsed. */
export function isStatHeader(tokens: readonly string[]): boolean {
  return (
    tokens.length === 5 &&
    tokens[0] === 'MT' &&
    tokens[1] === 'Count' &&
    tokens[2] === 'TotalSize' &&
    tokens[3] === 'Class' &&
    tokens[4] === 'Name'
  );
}

/** `Address MT Size` or `Address MT Size Gen`. */
export function isListingHeader(tokens: readonly string[]): boolean {
  return (
    (tokens.length === 3 || (tokens.length === 4 && tokens[3] === 'Gen')) &&
    tokens[0] === 'Address' &&
    tokens[1] === 'MT' &&
    tokens[2] === 'Size'
  );
}

export interface StatRowShape {
  readonly mt: string;
  /** The MethodTable exactly as printed (`00007fcf162568f0`, `0x79c489a0`). */
  readonly mtText: string;
  readonly count: number;
  readonly bytes: number;
  /** May be '' when the class name wrapped onto the next line (spec §5). */
  readonly name: string;
}

/**
 * `MT Count TotalSize Class Name` row: an MT, two integers, the rest is the name. An author's
 * trailing note (`System.String      # MOST USED MEMORY`) is cut from the name.
 */
export function parseStatRow(view: LineView): StatRowShape | null {
  const t = view.tokens;
  if (t.length < 3 || !isAddressToken(t[0])) return null;
  const count = parseGroupedInt(t[1]);
  const bytes = parseGroupedInt(t[2]);
  if (count === null || bytes === null) return null;
  let name = restAfterTokens(view.trimmed, 3);
  const note = name.indexOf(' #');
  if (note >= 0) name = name.slice(0, note).trim();
  const mt = normalizeHex(t[0]);
  if (mt === null) return null;
  return { mt, mtText: t[0], count, bytes, name };
}

export interface ListingRowShape {
  readonly address: string;
  readonly mt: string;
  /** Both as printed. */
  readonly addressText: string;
  readonly mtText: string;
  readonly size: number;
  readonly free: boolean;
  /** Old SOS prints `Gen` and the type after the size. */
  readonly typeName: string | null;
}

/** `Address MT Size [Free]` or old `Address MT Size Gen Type [preview]` (spec §7). */
export function parseListingRow(view: LineView): ListingRowShape | null {
  const t = view.tokens;
  if (t.length < 3 || !isAddressToken(t[0]) || !isAddressToken(t[1])) return null;
  const size = parseGroupedInt(t[2]);
  if (size === null) return null;
  let free = false;
  let typeName: string | null = null;
  if (t.length === 4) {
    if (t[3] !== 'Free') return null;
    free = true;
  } else if (t.length > 4) {
    if (parseSmallSignedInt(t[3]) === null) return null;
    typeName = t[4];
    free = typeName === 'Free';
  }
  const address = normalizeHex(t[0]);
  const mt = normalizeHex(t[1]);
  if (address === null || mt === null) return null;
  return { address, mt, addressText: t[0], mtText: t[1], size, free, typeName };
}

/** True when `[`/`]` or `<`/`>` do not balance: a class name cut by wrapping. */
export function hasUnbalancedBrackets(name: string): boolean {
  let square = 0;
  let angle = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '[') square++;
    else if (c === ']') square--;
    else if (c === '<') angle++;
    else if (c === '>') angle--;
  }
  return square > 0 || angle > 0;
}

/** Rejoins a class name that wrapped: CLR names put a space after each comma (`System.String, mscorlib`). */
export function joinWrapped(head: string, tail: string): string {
  return head.endsWith(',') ? `${head} ${tail}` : head + tail;
}

/** A line of only dashes, `=`, `+` or spaces (table borders and section separators). */
export function isRule(trimmed: string): boolean {
  if (trimmed.length < 3) return false;
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i];
    if (c !== '-' && c !== '=' && c !== '+' && c !== ' ') return false;
  }
  return true;
}

/** `Total 18,591,667 objects, 2,539,831,376 bytes` and its variants (spec §2), or null. */
export function parseStatFooter(tokens: readonly string[]): { objects: number; bytes: number | null } | null {
  if (tokens.length < 3 || tokens[0] !== 'Total') return null;
  const objects = parseGroupedInt(tokens[1]);
  if (objects === null || !tokens[2].startsWith('object')) return null;
  let bytes: number | null = null;
  for (let i = 3; i < tokens.length; i++) {
    const value = parseGroupedInt(tokens[i].replace(/,$/, ''));
    if (value !== null) {
      bytes = value;
      break;
    }
  }
  return { objects, bytes };
}

/** Lower-case `total 36955 objects` (SOS 2.0 prints it before `Statistics:` and after listings). */
export function parsePreliminaryTotal(tokens: readonly string[]): number | null {
  if (tokens.length !== 3 || tokens[0] !== 'total' || !tokens[2].startsWith('object')) return null;
  return parseGroupedInt(tokens[1]);
}
