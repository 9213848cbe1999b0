/**
 * `gcroot` output, all four families of spec §6:
 *  1. ancient `ebx:Root:19011c5c(Type)->` then `addr(Type)->` per line;
 *  2. `DOMAIN(001E5E08):HANDLE(Pinned):12312f0:Root:0226c498(System.Object[])->`;
 *  3. `Thread 1b84:` / frame / `esi:` then `->  addr Type`, or `HandleTable:` / `addr (pinned handle)`;
 *  4. newest dotnet-dump `-> 004aee2a1018     System.Object[]` (columns padded).
 */
import type { BlockParser } from './block-parser';
import { hasUnbalancedBrackets, isElision, joinWrapped, type LineView } from './line-shapes';
import { isAddressToken, normalizeHex, parseGroupedInt, restAfterTokens } from './numbers';
import type { GcRoot, GcRootBlock, GcRootChain, GcRootKind, GcRootStep, SosCommand } from './transcript-types';

const NO_ROOT: GcRoot = { kind: 'unknown', name: '', thread: null, frame: null, interior: false };

/** `rbp-18:`, `ebp+50: 0113e140`, `r15:`, `rbx:  (interior)`, ARM `r11-44:` (spec §6.3). */
const REGISTER_LINE = /^([a-z][a-z0-9]{0,4}(?:[+-](?:0x)?[0-9a-f]{1,8})?):(?:\s|$)/;
const THREAD_LINE = /^Thread (?:0x)?[0-9a-fA-F]{1,8}:$/;
const FOUND_LINE = /^Found (\S+) (?:unique )?roots?\b/;

/** Handle kinds as SOS names them in `(… handle)` or `HANDLE(…)`. */
export function handleKind(text: string): GcRootKind {
  const t = text.toLowerCase();
  if (t.includes('async')) return 'async pinned handle';
  if (t.includes('pinned')) return 'pinned handle';
  if (t.includes('strong')) return 'strong handle';
  if (t.includes('weak')) return 'weak handle';
  if (t.includes('dependent')) return 'dependent handle';
  if (t.includes('sized')) return 'sized ref handle';
  if (t.includes('ref')) return 'ref count handle';
  return 'handle';
}

/** The first balanced `( … )` group from `open`: [inner text, index after `)`], or null. */
function balancedGroup(text: string, open: number): [string, number] | null {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return [text.slice(open + 1, i), i + 1];
    }
  }
  return null;
}

/**
 * Cuts the marks SOS and authors put after a link's type: `(interior)`, `(dependent handle)`,
 * `(static variable: Foo.s_bar)` (.NET 8+) and notes such as `(200 Bytes)` (spec §6.2).
 */
export function splitTrailingMarks(text: string): {
  body: string;
  interior: boolean;
  dependent: boolean;
  note: string | null;
} {
  let body = text;
  let interior = false;
  let dependent = false;
  let note: string | null = null;
  for (let guard = 0; guard < 4 && body.endsWith(')'); guard++) {
    const open = body.lastIndexOf('(');
    if (open < 0) break;
    const mark = body.slice(open + 1, -1);
    if (mark === 'interior') interior = true;
    else if (mark === 'dependent handle') dependent = true;
    else if (mark.includes(' ')) note = note === null ? mark : `${mark}; ${note}`;
    else break;
    body = body.slice(0, open).trimEnd();
  }
  return { body, interior, dependent, note };
}

/** True when the line starts like `018af940(`: an address glued to a parenthesised type. */
export function startsWithParenStep(trimmed: string): boolean {
  const open = trimmed.indexOf('(');
  return open >= 6 && open <= 19 && isAddressToken(trimmed.slice(0, open));
}

/** `0226c498(System.Object[])->` (families 1 and 2): address, type, whether the chain goes on. */
export function parseParenStep(
  text: string,
): { address: string; addressText: string; type: string; more: boolean; note: string | null } | null {
  const open = text.indexOf('(');
  if (open <= 0) return null;
  const addressText = text.slice(0, open).trim();
  const address = normalizeHex(addressText);
  if (address === null || open < 6) return null;
  const group = balancedGroup(text, open);
  if (!group) {
    // the type wrapped onto the next line
    return { address, addressText, type: text.slice(open + 1), more: true, note: null };
  }
  const after = text.slice(group[1]).trimStart();
  const more = after.startsWith('->');
  const rest = (more ? after.slice(2) : after).trim();
  // authors' notes after a link: `-> (1272.6 MB!)`, `(200 Bytes)` (spec §6.2)
  const note = rest.startsWith('(') && rest.endsWith(')') ? rest.slice(1, -1).trim() : rest === '' ? null : rest;
  return { address, addressText, type: group[0].trim(), more, note };
}

export class GcRootParser implements BlockParser {
  readonly block: GcRootBlock;
  private section: 'none' | 'handles' | 'thread' | 'finalizer' = 'none';
  private thread: string | null = null;
  private frame: string | null = null;
  private lastWasFrame = false;
  private pendingRoot: GcRoot | null = null;
  private chain: GcRootChain | null = null;
  private gapPending = false;
  private expectMoreInfo = false;
  /** The last step while its type may continue on the next line (wrapped). */
  private openStep: GcRootStep | null = null;

  constructor(line: number, command: SosCommand | null) {
    const targetArg = command?.args.find((arg) => isAddressToken(arg));
    this.block = {
      kind: 'gcroot',
      line,
      endLine: line,
      command,
      elided: false,
      noiseLines: 0,
      family: null,
      chains: [],
      foundRoots: null,
      target: targetArg ? normalizeHex(targetArg) : null,
      targetText: targetArg ?? null,
    };
  }

  onElision(): void {
    if (this.chain || this.pendingRoot) this.gapPending = true;
  }

  accept(view: LineView): boolean {
    const { trimmed, tokens } = view;
    const wasFrame = this.lastWasFrame;
    this.lastWasFrame = false;
    if (trimmed.startsWith('Note: Roots found on stacks')) {
      this.expectMoreInfo = true;
      return true;
    }
    if (this.expectMoreInfo) {
      this.expectMoreInfo = false;
      if (trimmed.startsWith('more info')) return true;
    }
    if (
      trimmed.startsWith('Scan Thread ') ||
      trimmed.startsWith('Caching GC roots') ||
      trimmed.startsWith('Subsequent runs of this command') ||
      trimmed.startsWith('Searching for roots') ||
      trimmed.startsWith('Please note that') ||
      trimmed === 'Non-GC roots:'
    ) {
      return true;
    }
    if (trimmed === 'HandleTable:') return this.enterSection('handles', null);
    if (trimmed === 'Finalizer Queue:') return this.enterSection('finalizer', null);
    if (THREAD_LINE.test(trimmed)) return this.enterSection('thread', tokens[1].slice(0, -1));
    const found = FOUND_LINE.exec(trimmed);
    if (found) {
      this.block.foundRoots = parseGroupedInt(found[1]);
      this.closeChain();
      return true;
    }
    if (trimmed.startsWith('->')) return this.acceptArrow(view);
    const rootAt = trimmed.indexOf(':Root:');
    if (rootAt > 0) return this.acceptParenRoot(trimmed, rootAt, view.number);
    if (this.acceptRootLine(view)) return true;
    if (startsWithParenStep(trimmed) && this.acceptParenStep(trimmed, view.number)) return true;
    if (this.section === 'thread' && tokens.length >= 3 && isAddressToken(tokens[0]) && isAddressToken(tokens[1])) {
      this.frame = restAfterTokens(trimmed, 2);
      this.pendingRoot = null;
      this.lastWasFrame = true;
      return true;
    }
    // A page that wraps long lines puts the step's mark on a line of its own.
    const lastStep = this.chain?.steps.at(-1);
    if (lastStep && (trimmed === '(dependent handle)' || trimmed === '(interior)')) {
      const step = lastStep as { interior: boolean; dependent: boolean };
      if (trimmed === '(interior)') step.interior = true;
      else step.dependent = true;
      this.openStep = null;
      return true;
    }
    if (this.openStep && !isElision(trimmed) && !isAddressToken(tokens[0])) {
      const step = this.openStep as { type: string; interior: boolean; dependent: boolean; note: string | null };
      const marks = splitTrailingMarks(trimmed);
      step.type = joinWrapped(step.type, marks.body);
      step.interior ||= marks.interior;
      step.dependent ||= marks.dependent;
      step.note ??= marks.note;
      if (step.type !== '' && !hasUnbalancedBrackets(step.type)) this.openStep = null;
      return true;
    }
    if (wasFrame && this.frame !== null && !isElision(trimmed)) {
      // a frame's signature or its `[file @ line]` part wrapped to column 0
      this.frame += ' ' + trimmed;
      this.lastWasFrame = true;
      return true;
    }
    return false;
  }

  private enterSection(section: 'handles' | 'thread' | 'finalizer', thread: string | null): boolean {
    this.closeChain();
    this.section = section;
    this.thread = thread;
    this.frame = null;
    this.pendingRoot = null;
    this.block.family ??= 3;
    return true;
  }

  /** A handle line, a register line or a finalizer-queue entry: the root of the next chain. */
  private acceptRootLine(view: LineView): boolean {
    const { trimmed, tokens } = view;
    if (tokens.length >= 2 && isAddressToken(tokens[0]) && trimmed.endsWith(')')) {
      const open = trimmed.indexOf('(');
      const inner = trimmed.slice(open + 1, -1);
      if (open > 0 && inner.includes('handle') && !inner.includes('(')) {
        this.startRoot({
          kind: handleKind(inner),
          // The handle's address as printed.
          name: tokens[0],
          thread: null,
          frame: null,
          interior: false,
        });
        return true;
      }
    }
    const register = REGISTER_LINE.exec(trimmed);
    if (register) {
      const rest = trimmed.slice(register[0].length).trim();
      const restTokens = rest.length === 0 ? [] : rest.split(/\s+/);
      let interior = false;
      for (const token of restTokens) {
        if (token === '(interior)') interior = true;
        else if (!isAddressToken(token)) return false;
      }
      this.startRoot({ kind: 'stack', name: register[1], thread: this.thread, frame: this.frame, interior });
      return true;
    }
    if (this.section === 'finalizer' && tokens.length === 1 && isAddressToken(tokens[0])) {
      this.startRoot({
        kind: 'finalizer queue',
        name: tokens[0],
        thread: null,
        frame: null,
        interior: false,
      });
      return true;
    }
    return false;
  }

  private startRoot(root: GcRoot): void {
    this.closeChain();
    this.pendingRoot = root;
    this.gapPending = false;
  }

  private acceptArrow(view: LineView): boolean {
    const { body, interior, dependent, note } = splitTrailingMarks(view.trimmed.slice(2).trim());
    const space = body.search(/\s/);
    const addressText = space < 0 ? body : body.slice(0, space);
    const address = normalizeHex(addressText);
    if (address === null || addressText.length < 6) return false;
    const type = space < 0 ? '' : body.slice(space).trim();
    if (this.block.family === null || this.block.family === 3 || this.block.family === 4) {
      this.block.family = space >= 0 && body.slice(space).startsWith('   ') ? 4 : 3;
    }
    this.addStep(address, addressText, type, interior, dependent, view.number, note);
    return true;
  }

  private acceptParenRoot(trimmed: string, rootAt: number, line: number): boolean {
    const prefix = trimmed.slice(0, rootAt);
    let root: GcRoot;
    if (prefix.startsWith('DOMAIN(')) {
      this.block.family = 2;
      const handleAt = prefix.indexOf('HANDLE(');
      const close = handleAt >= 0 ? prefix.indexOf(')', handleAt) : -1;
      const kind = close > 0 ? handleKind(prefix.slice(handleAt + 7, close) + ' handle') : 'handle';
      const name = close > 0 ? prefix.slice(close + 2) : '';
      root = { kind, name, thread: null, frame: null, interior: false };
    } else {
      this.block.family = 1;
      root = { kind: 'stack', name: prefix, thread: this.thread, frame: null, interior: false };
    }
    this.startRoot(root);
    if (!this.acceptParenStep(trimmed.slice(rootAt + 6), line)) {
      this.pendingRoot = root;
    }
    return true;
  }

  private acceptParenStep(text: string, line: number): boolean {
    const step = parseParenStep(text);
    if (!step) return false;
    this.block.family ??= 1;
    this.addStep(step.address, step.addressText, step.type, false, false, line, step.note);
    if (!step.more && !hasUnbalancedBrackets(step.type)) this.closeChainSoon();
    return true;
  }

  /** A paren-form chain ends at a step without `->`; the next step starts a rootless chain. */
  private closeChainSoon(): void {
    this.openStep = null;
    this.chain = null;
    this.pendingRoot = null;
  }

  private addStep(
    address: string,
    addressText: string,
    type: string,
    interior: boolean,
    dependent: boolean,
    line: number,
    note: string | null,
  ): void {
    if (!this.chain) {
      const root = this.pendingRoot ?? NO_ROOT;
      this.chain = { root, steps: [], rootMissing: this.pendingRoot === null, line };
      this.block.chains.push(this.chain);
      this.pendingRoot = null;
    }
    const step: GcRootStep = {
      address,
      addressText,
      type,
      interior,
      dependent,
      elidedBefore: this.gapPending,
      note,
      line,
    };
    this.gapPending = false;
    this.chain.steps.push(step);
    this.openStep = type === '' || hasUnbalancedBrackets(type) ? step : null;
  }

  private closeChain(): void {
    this.chain = null;
    this.openStep = null;
    this.gapPending = false;
  }

  finish(warnings: string[]): void {
    for (const chain of this.block.chains) {
      for (const step of chain.steps) {
        if (step.type === '') warnings.push(`line ${step.line}: gcroot link to ${step.address} has no type`);
      }
    }
  }
}
