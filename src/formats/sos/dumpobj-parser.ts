/**
 * `dumpobj`/`do`, `dumparray`/`da` and `dumpdelegate` output (spec §7), in the 1.1, 2.0, 4.x and 8+
 * dialects. Field types are kept exactly as printed: SOS cuts them to a fixed width from the left
 * (`...urce+CallbackNode`) and the cut part cannot be recovered (spec §4).
 */
import type { BlockParser } from './block-parser';
import { hasUnbalancedBrackets, joinWrapped, type LineView } from './line-shapes';
import {
  hexFormOf,
  hexToHalves,
  sameHexForm,
  isAddressToken,
  normalizeHex,
  parseGroupedInt,
  parseHexNumber,
  parseSizePair,
  restAfterTokens,
} from './numbers';
import type { DelegateBlock, DumpObjBlock, DumpObjField, SosCommand } from './transcript-types';

/** Longest `String:` preview kept (SOS itself prints at most a few hundred characters). */
export const MAX_PREVIEW_CHARS = 512;

const FIELD_ATTRS = new Set(['instance', 'static', 'TLstatic', 'CLstatic']);
const ELEMENT_ROW = /^\[(\d{1,10})\]\s+(\S+)/;
const INITIAL_ELEMENTS = 16;

/** The first address among a command's arguments (`!do /d 7f…` → `7f…`). */
export function commandAddress(command: SosCommand | null): string | null {
  const text = commandAddressText(command);
  return text === null ? null : normalizeHex(text);
}

/** The same argument as printed. */
export function commandAddressText(command: SosCommand | null): string | null {
  if (!command) return null;
  for (const arg of command.args) {
    if (arg.startsWith('-') || arg.startsWith('/')) continue;
    if (isAddressToken(arg) && normalizeHex(arg) !== null) return arg;
  }
  return null;
}

/** The text after `Label:` or `Label ` (1.1 prints no colons). */
function valueAfter(trimmed: string, label: string): string | null {
  if (!trimmed.startsWith(label)) return null;
  const rest = trimmed.slice(label.length);
  if (rest.startsWith(':')) return rest.slice(1).trim();
  if (rest.startsWith(' ')) return rest.trim();
  return rest.length === 0 ? '' : null;
}

/** `MT Field Offset Type VT Attr Value Name` (modern) or without VT (1.1). */
export function isFieldHeader(tokens: readonly string[]): boolean {
  return (
    tokens.length >= 6 && tokens[0] === 'MT' && tokens[1] === 'Field' && tokens[2] === 'Offset' && tokens[3] === 'Type'
  );
}

/**
 * A field row, parsed from both ends because the Type column may contain spaces (`...aseType,
 * Npgsql]]`): MT, Field and Offset from the left; Name, Value, Attr and VT from the right.
 */
export function parseFieldRow(view: LineView): Omit<DumpObjField, 'perDomainValues'> | null {
  const t = view.tokens;
  if (t.length < 5 || !isAddressToken(t[0]) || normalizeHex(t[1]) === null || normalizeHex(t[2]) === null) return null;
  let attrAt = -1;
  for (let i = t.length - 1; i >= 4; i--) {
    if (FIELD_ATTRS.has(t[i])) {
      attrAt = i;
      break;
    }
  }
  if (attrAt < 0 || attrAt < t.length - 3) return null;
  let value: string | null;
  let name: string;
  if (attrAt === t.length - 1) {
    // `instance 0000…` with the name wrapped onto the next line
    return null;
  } else if (attrAt === t.length - 2) {
    if (t[attrAt] === 'instance') {
      value = t[attrAt + 1];
      name = '';
    } else {
      value = null;
      name = t[attrAt + 1];
    }
  } else {
    value = t[attrAt + 1];
    name = t[attrAt + 2];
  }
  let attr = t[attrAt];
  let typeEnd = attrAt;
  if (t[attrAt - 1] === 'shared') {
    attr = 'shared ' + attr;
    typeEnd--;
  }
  let valueType: boolean | null = null;
  const vt = t[typeEnd - 1];
  if (typeEnd - 1 > 3 && (vt === '0' || vt === '1' || vt === 'Yes' || vt === 'No')) {
    valueType = vt === '1' || vt === 'Yes'; // .NET 10's SOS prints Yes/No
    typeEnd--;
  }
  if (typeEnd <= 3) return null;
  return {
    mt: normalizeHex(t[0]) ?? t[0],
    field: t[1],
    offset: t[2],
    type: t.slice(3, typeEnd).join(' '),
    valueType,
    attr,
    value,
    name,
    line: view.number,
  };
}

export class DumpObjParser implements BlockParser {
  readonly block: DumpObjBlock;
  private inFields = false;
  private sawOther = false;
  private elementForms: 'none' | 'one' | 'mixed' = 'none';

  constructor(line: number, command: SosCommand | null) {
    this.block = {
      kind: command?.name === 'dumparray' ? 'dumparray' : 'dumpobj',
      line,
      endLine: line,
      command,
      elided: false,
      noiseLines: 0,
      address: commandAddress(command),
      addressText: commandAddressText(command),
      name: null,
      methodTable: null,
      methodTableText: null,
      eeClass: null,
      eeClassText: null,
      size: null,
      generation: null,
      file: null,
      stringValue: null,
      array: null,
      elementMethodTable: null,
      fields: [],
      elements: {
        count: 0,
        index: new Float64Array(INITIAL_ELEMENTS),
        addressLo: new Uint32Array(INITIAL_ELEMENTS),
        addressHi: new Uint32Array(INITIAL_ELEMENTS),
      },
      note: null,
      elementForm: null,
    };
  }

  accept(view: LineView): boolean {
    const block = this.block;
    const { trimmed, tokens } = view;
    const name = valueAfter(trimmed, 'Name');
    if (name !== null && name !== '') {
      if (block.name !== null || this.sawOther) return false;
      block.name = name;
      return true;
    }
    // A generic name wrapped by the page (`…Awaiter,` / `Microsoft.VisualStudio.Threading]]`): the
    // next line carries the rest until the brackets balance.
    if (!this.sawOther && block.name !== null && hasUnbalancedBrackets(block.name) && !trimmed.includes(':')) {
      block.name = joinWrapped(block.name, trimmed);
      return true;
    }
    this.sawOther = true;
    if (trimmed === 'Free Object') {
      block.name ??= 'Free';
      return true;
    }
    const methodTable = valueAfter(trimmed, 'MethodTable');
    if (methodTable !== null) {
      if (block.methodTable !== null) return false;
      block.methodTable = normalizeHex(methodTable);
      block.methodTableText = methodTable;
      return true;
    }
    const eeClass = valueAfter(trimmed, 'EEClass');
    if (eeClass !== null) {
      block.eeClass = normalizeHex(eeClass);
      block.eeClassText = eeClass;
      return true;
    }
    const size = valueAfter(trimmed, 'Size');
    if (size !== null && block.size === null) {
      block.size = parseSizePair(size) ?? parseGroupedInt(size.split(/\s/)[0] ?? '');
      return true;
    }
    const generation = valueAfter(trimmed, 'GC Generation');
    if (generation !== null) {
      block.generation = parseGroupedInt(generation);
      return true;
    }
    const file = valueAfter(trimmed, 'File');
    if (file !== null) {
      block.file = file;
      return true;
    }
    const mdToken = valueAfter(trimmed, 'mdToken');
    if (mdToken !== null) {
      const open = mdToken.indexOf('(');
      if (open >= 0 && mdToken.endsWith(')')) block.file ??= mdToken.slice(open + 1, -1);
      return true;
    }
    if (trimmed.startsWith('(') && trimmed.endsWith(')') && !this.inFields) {
      block.file ??= trimmed.slice(1, -1); // 2.0 prints the module path in parentheses
      return true;
    }
    if (
      valueAfter(trimmed, 'FieldDesc*') !== null ||
      valueAfter(trimmed, 'Tracked Type') !== null ||
      valueAfter(trimmed, 'Canonical MethodTable') !== null ||
      valueAfter(trimmed, 'Content') !== null
    ) {
      return true;
    }
    const stringValue = valueAfter(trimmed, 'String');
    if (stringValue !== null) {
      block.stringValue = stringValue.slice(0, MAX_PREVIEW_CHARS);
      return true;
    }
    const array = valueAfter(trimmed, 'Array');
    if (array !== null) {
      block.array = parseArrayLine(array);
      return true;
    }
    const element = valueAfter(trimmed, 'Element Methodtable') ?? valueAfter(trimmed, 'Element MethodTable');
    if (element !== null) {
      block.elementMethodTable = normalizeHex(element);
      return true;
    }
    if (valueAfter(trimmed, 'Element Type') !== null) return true;
    if (trimmed === 'Fields:') {
      this.inFields = true;
      return true;
    }
    if (trimmed === 'None' && this.inFields) return true;
    if (trimmed.startsWith('Unable to display fields')) {
      block.note = trimmed;
      return true;
    }
    if (isFieldHeader(tokens)) {
      this.inFields = true;
      return true;
    }
    if (trimmed.startsWith('>>')) {
      const last = block.fields.at(-1);
      if (last) last.perDomainValues = trimmed;
      return block.fields.length > 0;
    }
    if (trimmed.includes('dynamic statics NYI')) return this.inFields;
    const field = parseFieldRow(view);
    if (field) {
      this.inFields = true;
      block.fields.push({ ...field, perDomainValues: null });
      return true;
    }
    const last = block.fields.at(-1);
    if (last && last.name === '' && tokens.length === 1) {
      last.name = tokens[0]; // spec §5: the field name wrapped onto its own line
      return true;
    }
    const elementRow = ELEMENT_ROW.exec(trimmed);
    if (elementRow && (block.array !== null || block.elements.count > 0)) {
      const value = elementRow[2];
      const address = value === 'null' ? '0' : normalizeHex(value);
      if (address === null) return false;
      if (value !== 'null') this.noteElementForm(value);
      this.addElement(Number(elementRow[1]), address);
      (block as { kind: 'dumpobj' | 'dumparray' }).kind = 'dumparray';
      return true;
    }
    return false;
  }

  /** Keeps the elements' printed form while they all share one. */
  private noteElementForm(value: string): void {
    const form = hexFormOf(value);
    if (this.elementForms === 'mixed' || form === null) return;
    if (this.elementForms === 'none') {
      this.block.elementForm = form;
      this.elementForms = 'one';
    } else if (!sameHexForm(this.block.elementForm!, form)) {
      this.block.elementForm = null;
      this.elementForms = 'mixed';
    }
  }

  private addElement(index: number, address: string): void {
    const elements = this.block.elements;
    if (elements.count === elements.index.length) {
      const capacity = elements.count * 2;
      const grownIndex = new Float64Array(capacity);
      grownIndex.set(elements.index);
      const grownLo = new Uint32Array(capacity);
      grownLo.set(elements.addressLo);
      const grownHi = new Uint32Array(capacity);
      grownHi.set(elements.addressHi);
      elements.index = grownIndex;
      elements.addressLo = grownLo;
      elements.addressHi = grownHi;
    }
    const halves = hexToHalves(address);
    elements.index[elements.count] = index;
    elements.addressLo[elements.count] = halves.lo;
    elements.addressHi[elements.count] = halves.hi;
    elements.count++;
  }
}

/** `Rank 1, Number of elements 16, Type CLASS (Print Array)`. */
function parseArrayLine(text: string): DumpObjBlock['array'] {
  const parts = text.split(',').map((part) => part.trim());
  let rank = 1;
  let length = 0;
  let elementKind = '';
  for (const part of parts) {
    if (part.startsWith('Rank ')) rank = parseGroupedInt(part.slice(5).trim()) ?? rank;
    else if (part.startsWith('Number of elements ')) length = parseGroupedInt(part.slice(19).trim()) ?? length;
    else if (part.startsWith('Type '))
      elementKind = part
        .slice(5)
        .replace(/\s*\(Print Array\)$/, '')
        .trim();
  }
  return { rank, length, elementKind };
}

/** `Target           Method           Name` header of dumpdelegate. */
export function isDelegateHeader(tokens: readonly string[]): boolean {
  return tokens.length === 3 && tokens[0] === 'Target' && tokens[1] === 'Method' && tokens[2] === 'Name';
}

export class DelegateParser implements BlockParser {
  readonly block: DelegateBlock;

  constructor(line: number, command: SosCommand | null) {
    this.block = {
      kind: 'dumpdelegate',
      line,
      endLine: line,
      command,
      elided: false,
      noiseLines: 0,
      address: commandAddress(command),
      targets: [],
    };
  }

  accept(view: LineView): boolean {
    const { tokens, trimmed } = view;
    if (isDelegateHeader(tokens)) return this.block.targets.length === 0;
    if (tokens.length >= 3 && isAddressToken(tokens[0]) && isAddressToken(tokens[1])) {
      this.block.targets.push({
        target: normalizeHex(tokens[0]) ?? tokens[0],
        method: normalizeHex(tokens[1]) ?? tokens[1],
        name: restAfterTokens(trimmed, 2),
        line: view.number,
      });
      return true;
    }
    return false;
  }
}

/** `sizeof(000000024f77c060) =          824 (       0x338) bytes (CMP.Model.Organization)`. */
export function parseObjSizeLine(trimmed: string): { address: string; bytes: number; type: string } | null {
  if (!trimmed.startsWith('sizeof(')) return null;
  const close = trimmed.indexOf(')');
  const equals = trimmed.indexOf('=', close);
  if (close < 0 || equals < 0) return null;
  const address = normalizeHex(trimmed.slice(7, close).trim());
  const after = trimmed.slice(equals + 1).trim();
  const first = after.split(/\s+/)[0] ?? '';
  const bytes = parseGroupedInt(first) ?? parseHexNumber(first);
  const typeOpen = after.lastIndexOf('(');
  const type = typeOpen >= 0 && after.endsWith(')') ? after.slice(typeOpen + 1, -1) : '';
  if (address === null || bytes === null) return null;
  return { address, bytes, type };
}
