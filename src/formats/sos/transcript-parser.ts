/**
 * Turns the lines of a transcript into an SosTranscript. It recognises each output by its shape
 * (spec §9.1), with or without the command line before it, one line at a time with one line of
 * lookahead, so a transcript of any length streams through in bounded memory apart from what it
 * keeps (listings are columnar).
 *
 * Each line goes, in order, to: the prompt/command recogniser; the elision recogniser; the open
 * block; the block starters. A line nobody takes is noise: counted, never fatal, and it does not
 * close the open block (authors write notes inside outputs). Commands close the open block.
 */
import type { BlockParser } from './block-parser';
import { DelegateParser, DumpObjParser, isDelegateHeader, isFieldHeader, parseObjSizeLine } from './dumpobj-parser';
import { GcRootParser, parseParenStep, startsWithParenStep } from './gcroot-parser';
import {
  isElision,
  isListingHeader,
  isStatHeader,
  isToolMessage,
  parseCommandLine,
  parseListingRow,
  parsePreliminaryTotal,
  parseStatFooter,
  parseStatRow,
  type LineView,
} from './line-shapes';
import { MAX_LINE_CHARS, type TextLine } from './line-reader';
import {
  AddressSummaryParser,
  addressSummaryTitle,
  EeHeapParser,
  FinalizeQueueParser,
  isEeHeapLine,
  isFinalizeQueueStart,
  isMemoryTableLine,
  MemorySummaryParser,
  ObjSizeParser,
} from './memory-parsers';
import { isAddressToken, tokenize } from './numbers';
import { ListingBlockParser, StatBlockParser } from './stat-parser';
import type { SosBlockKind, SosCommand, SosTranscript } from './transcript-types';

/** Tool messages kept verbatim; more are only counted. */
const MAX_MESSAGES = 200;
/** A debugger opening a dump: WinDbg's `Loading Dump File [C:\x.dmp]`, dotnet-dump's `Loading core dump: /tmp/core`. */
const DUMP_OPENING = /^(Loading Dump File \[|Loading core dump: |Opening dump file )/;
/** Warnings kept verbatim; more are summarised in one line. */
const MAX_WARNINGS = 500;

/** Which commands may have printed a block of each kind. */
const COMMANDS_FOR_KIND: Record<SosBlockKind, readonly string[]> = {
  'memory-summary': ['maddress'],
  'address-summary': ['address'],
  'dumpheap-stat': ['dumpheap'],
  'dumpheap-listing': ['dumpheap'],
  gcroot: ['gcroot'],
  dumpobj: ['dumpobj', 'dumpvc'],
  dumparray: ['dumparray', 'dumpobj'],
  dumpdelegate: ['dumpdelegate'],
  eeheap: ['eeheap'],
  finalizequeue: ['finalizequeue'],
  objsize: ['objsize'],
};

const REGISTER_START = /^[a-z][a-z0-9]{0,4}(?:[+-](?:0x)?[0-9a-f]{1,8})?:(?:\s|$)/;
const THREAD_START = /^Thread (?:0x)?[0-9a-fA-F]{1,8}:$/;

export class TranscriptParser {
  readonly transcript: SosTranscript;
  private current: BlockParser | null = null;
  private previous: BlockParser | null = null;
  private command: SosCommand | null = null;
  /** A blank line came after the last line the open block accepted. */
  private blankSinceAccept = false;
  /** An elision marker waits to be attributed to the block its next line belongs to. */
  private pendingElision = false;
  private held: { number: number; text: string } | null = null;
  private droppedWarnings = 0;
  /** The command whose Statistics table has been read to its footer. */
  private statFinishedFor: SosCommand | null = null;

  constructor(name: string) {
    this.transcript = {
      name,
      lineCount: 0,
      dialect: 'unknown',
      commands: [],
      blocks: [],
      noiseLines: 0,
      elisionLines: 0,
      messages: [],
      warnings: [],
      dumpOpenings: [],
    };
  }

  push(line: TextLine): void {
    this.transcript.lineCount = line.number;
    if (line.truncated) {
      this.warn(`line ${line.number} is longer than ${MAX_LINE_CHARS} characters; the rest was cut`);
    }
    // Markdown damage (spec §5): `**` bold markers merged two table rows into one line.
    const parts = line.text.includes('**') ? line.text.split('**').filter((part) => part.trim() !== '') : [line.text];
    if (parts.length === 0) parts.push('');
    for (const part of parts) this.enqueue(line.number, part);
  }

  finish(): SosTranscript {
    if (this.held) this.process(this.held.number, this.held.text, null);
    this.held = null;
    this.closeCurrent();
    if (this.droppedWarnings > 0) this.transcript.warnings.push(`… and ${this.droppedWarnings} more warnings`);
    return this.transcript;
  }

  private enqueue(number: number, text: string): void {
    if (this.held) this.process(this.held.number, this.held.text, withoutAuthorNote(text.trim()));
    this.held = { number, text };
  }

  private warn(message: string): void {
    if (this.transcript.warnings.length < MAX_WARNINGS) this.transcript.warnings.push(message);
    else this.droppedWarnings++;
  }

  private process(number: number, raw: string, next: string | null): void {
    const text = raw.trimEnd();
    const trimmed = withoutAuthorNote(text.trim());
    if (trimmed.length === 0) {
      if (this.current) this.blankSinceAccept = true;
      return;
    }
    const commandLine = parseCommandLine(trimmed);
    if (commandLine) {
      if (commandLine.dialect !== 'bare' && this.transcript.dialect === 'unknown') {
        this.transcript.dialect = commandLine.dialect;
      }
      if (commandLine.command) {
        this.closeCurrent();
        this.pendingElision = false;
        this.command = { ...commandLine.command, line: number };
        this.transcript.commands.push(this.command);
      }
      return;
    }
    if (isElision(trimmed)) {
      this.transcript.elisionLines++;
      if (this.current && !this.blankSinceAccept) {
        this.current.block.elided = true;
        this.current.onElision?.();
      } else {
        this.pendingElision = true;
      }
      return;
    }
    const view: LineView = { number, text, trimmed, tokens: tokenize(trimmed), next };
    // an elision after a blank line belongs to whichever block takes the next line
    if (this.pendingElision) this.current?.onElision?.();
    if (this.current && this.current.accept(view)) {
      this.accepted(this.current, number);
      return;
    }
    const started = this.startBlock(view);
    if (started && started.accept(view)) {
      this.closeCurrent();
      this.current = started;
      this.transcript.blocks.push(started.block);
      // An elision right before a block's header cut something between outputs, not the block;
      // before a headless first row (`...` then rows) it cut the block's head.
      if (this.pendingElision && !this.isHeadlessRow(view)) this.pendingElision = false;
      this.accepted(started, number);
      return;
    }
    this.transcript.noiseLines++;
    if (this.current) this.current.block.noiseLines++;
    if (DUMP_OPENING.test(trimmed) && this.transcript.dumpOpenings.length < MAX_MESSAGES) {
      this.transcript.dumpOpenings.push({ line: number, text: trimmed });
    }
    if (isToolMessage(trimmed) && this.transcript.messages.length < MAX_MESSAGES) {
      this.transcript.messages.push({ line: number, text: trimmed });
    }
  }

  private accepted(parser: BlockParser, number: number): void {
    if (this.pendingElision) {
      parser.block.elided = true;
      this.pendingElision = false;
    }
    parser.block.endLine = number;
    this.blankSinceAccept = false;
  }

  private closeCurrent(): void {
    if (!this.current) return;
    const warnings: string[] = [];
    this.current.finish?.(warnings);
    for (const warning of warnings) this.warn(warning);
    const block = this.current.block;
    if (block.kind === 'dumpheap-stat' && block.command !== null && block.totalObjects !== null) {
      this.statFinishedFor = block.command;
    }
    this.previous = this.current;
    this.current = null;
    this.blankSinceAccept = false;
  }

  /** The last command, when it could have printed a block of this kind. */
  private commandFor(kind: SosBlockKind): SosCommand | null {
    const command = this.command;
    if (!command || !COMMANDS_FOR_KIND[kind].includes(command.name)) return null;
    // One dumpheap prints one Statistics table: rows after its footer are someone's excerpt.
    if (kind === 'dumpheap-stat' || kind === 'dumpheap-listing') {
      const open = this.current?.block;
      const openFinished = open?.kind === 'dumpheap-stat' && open.command === command && open.totalObjects !== null;
      if (this.statFinishedFor === command || openFinished) return null;
    }
    return command;
  }

  private get commandName(): string | null {
    return this.command?.name ?? null;
  }

  /** A parser for the block this line opens, judged by its shape, or null. */
  private startBlock(view: LineView): BlockParser | null {
    const { number, trimmed, tokens, next } = view;
    // memory tables
    if (
      (trimmed.startsWith('+-') && next?.startsWith('|')) ||
      (isMemoryTableLine(trimmed) && (trimmed.includes('Memory') || this.commandName === 'maddress'))
    ) {
      return new MemorySummaryParser(number, this.commandFor('memory-summary'));
    }
    const addressTitle = addressSummaryTitle(trimmed);
    if (addressTitle) return new AddressSummaryParser(number, this.commandFor('address-summary'), addressTitle.layout);
    if (isFinalizeQueueStart(trimmed)) return new FinalizeQueueParser(number, this.commandFor('finalizequeue'));
    if (isEeHeapLine(trimmed)) return new EeHeapParser(number, this.commandFor('eeheap'));
    if (this.startsGcRoot(view)) return new GcRootParser(number, this.commandFor('gcroot'));
    // objects
    if (
      (trimmed.startsWith('Name:') && (next?.startsWith('MethodTable') || next === '...' || this.isObjectCommand())) ||
      isFieldHeader(tokens) ||
      (trimmed === 'Free Object' && this.isObjectCommand())
    ) {
      const kind = this.commandName === 'dumparray' ? 'dumparray' : 'dumpobj';
      return new DumpObjParser(number, this.commandFor(kind));
    }
    if (
      isDelegateHeader(tokens) ||
      (this.commandName === 'dumpdelegate' &&
        tokens.length >= 3 &&
        isAddressToken(tokens[0]) &&
        isAddressToken(tokens[1]))
    ) {
      return new DelegateParser(number, this.commandFor('dumpdelegate'));
    }
    if (parseObjSizeLine(trimmed)) return new ObjSizeParser(number, this.commandFor('objsize'));
    // dumpheap
    if (
      trimmed === 'Statistics:' ||
      isStatHeader(tokens) ||
      parsePreliminaryTotal(tokens) !== null ||
      (tokens.length === 2 && tokens[0] === 'Heap' && /^\d{1,4}$/.test(tokens[1])) ||
      parseStatFooter(tokens) !== null ||
      trimmed.startsWith('Fragmented blocks larger than')
    ) {
      return this.statParser(number);
    }
    if (isListingHeader(tokens) || trimmed === 'Using our cache to search the heap.') {
      return new ListingBlockParser(number, this.commandFor('dumpheap-listing'));
    }
    const listingRow = parseListingRow(view);
    const statRow = parseStatRow(view);
    if (listingRow && statRow) {
      const command = this.commandFor('dumpheap-stat');
      const statCommand = command ? command.args.some((arg) => arg.toLowerCase() === '-stat') : tokens[1].length < 8;
      return statCommand
        ? this.statParser(number)
        : new ListingBlockParser(number, this.commandFor('dumpheap-listing'));
    }
    if (listingRow) return new ListingBlockParser(number, this.commandFor('dumpheap-listing'));
    if (statRow && statRow.name !== '') return this.statParser(number);
    return null;
  }

  /** A row-shaped line: a table row, a footer or a chain link, as opposed to a header or title. */
  private isHeadlessRow(view: LineView): boolean {
    const { trimmed, tokens } = view;
    return (
      parseStatRow(view) !== null ||
      parseListingRow(view) !== null ||
      parseStatFooter(tokens) !== null ||
      trimmed.startsWith('->') ||
      startsWithParenStep(trimmed)
    );
  }

  private statParser(number: number): StatBlockParser {
    // `!GCHandles` (and SOSEX's `!dumpgen`) print Statistics of their own: the table is theirs.
    const own = this.command && TABLES_OF_OTHER_COMMANDS.has(this.command.name) ? this.command : null;
    const command = this.commandFor('dumpheap-stat') ?? own;
    const previous = this.current ?? this.previous;
    const afterListing =
      (previous?.block.kind === 'dumpheap-listing' && previous.block.command === command) ||
      (command !== null && !command.args.some((arg) => arg.toLowerCase() === '-stat'));
    return new StatBlockParser(number, command, afterListing ? 'listing' : 'stat');
  }

  private isObjectCommand(): boolean {
    const name = this.commandName;
    return name === 'dumpobj' || name === 'dumparray' || name === 'dumpvc';
  }

  private startsGcRoot(view: LineView): boolean {
    const { trimmed, tokens, next } = view;
    if (
      trimmed.startsWith('->') ||
      trimmed === 'HandleTable:' ||
      trimmed === 'Finalizer Queue:' ||
      trimmed.includes(':Root:') ||
      trimmed.startsWith('Note: Roots found on stacks') ||
      trimmed.startsWith('Scan Thread ') ||
      trimmed.startsWith('Caching GC roots') ||
      /^Found \S+ (?:unique )?roots?\b/.test(trimmed)
    ) {
      return true;
    }
    const nextIsLink = next?.startsWith('->') ?? false;
    if (THREAD_START.test(trimmed))
      return nextIsLink || this.commandName === 'gcroot' || (next !== null && isAddressToken(next.split(/\s/)[0]));
    if (REGISTER_START.test(trimmed) && (nextIsLink || this.commandName === 'gcroot')) return true;
    if (
      tokens.length >= 2 &&
      isAddressToken(tokens[0]) &&
      trimmed.endsWith('handle)') &&
      (nextIsLink || this.commandName === 'gcroot')
    ) {
      return true;
    }
    // a bare ancient chain: `19010b78(DemoApp.FormDemoApp)->`
    if (startsWithParenStep(trimmed) && (trimmed.endsWith('->') || this.commandName === 'gcroot')) {
      return parseParenStep(trimmed) !== null;
    }
    return false;
  }
}

/** Commands other than dumpheap whose output ends in a `MT Count TotalSize Class Name` table. */
const TABLES_OF_OTHER_COMMANDS = new Set(['gchandles', 'dumpgen']);

/**
 * An author's `// note` after the output on a line (`Heap 0 (001c3a88)   // heap 0 of the process`):
 * cut, as the stat rows' `# note` is. Only after whitespace, so `https://…` and `[/_/src/…]` stay;
 * never in a `String:` preview, which is the string's own text.
 */
function withoutAuthorNote(trimmed: string): string {
  if (trimmed.startsWith('String:')) return trimmed;
  const note = /\s\/\/(?:\s|$)/.exec(trimmed);
  return note && note.index > 0 ? trimmed.slice(0, note.index).trimEnd() : trimmed;
}
