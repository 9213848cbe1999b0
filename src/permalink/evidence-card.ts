/**
 * "Copy link with evidence": a compact summary of a finding or a root path that travels in the
 * link itself (deflate + base64url in the `evidence` key), so a colleague without the dump still
 * sees what was found. It holds only type names, numbers and addresses — the UI says so next to the
 * button (EVIDENCE_NOTICE). Decoding validates every field; anything else is rejected.
 */
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import { MAX_EVIDENCE_CHARS } from './url-state';

export const EVIDENCE_NOTICE =
  'The link carries a summary with type names, counts, sizes and addresses only — no field values, no strings from the heap, not the dump.';

export type EvidenceStep =
  | { readonly type: string; readonly address: string }
  | { readonly run: { readonly type: string; readonly count: number; readonly first: string; readonly last: string } };

export interface EvidenceCard {
  readonly title: string;
  readonly count: number | null;
  readonly retainedBytes: number | null;
  readonly anchor: { readonly type: string; readonly address: string } | null;
  readonly owners: readonly string[];
  readonly keptAlive: readonly { readonly type: string; readonly count: number; readonly bytes: number }[];
  readonly path: { readonly root: string; readonly steps: readonly EvidenceStep[] } | null;
  readonly histogram: readonly { readonly name: string; readonly count: number; readonly bytes: number }[];
  readonly dump: { readonly name: string; readonly size: number; readonly sha256: string } | null;
  /** Rows or path steps were left out to stay under the URL budget. */
  readonly truncated: boolean;
}

const MAX_NAME = 500;
const MAX_ROWS = 50;
const MAX_STEPS = 200;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function pack(card: EvidenceCard): string {
  return toBase64Url(deflateSync(strToU8(JSON.stringify(card)), { level: 9 }));
}

/**
 * Encodes a card for the URL, dropping histogram rows, then the middle of the path, then kept-alive
 * rows until it fits MAX_EVIDENCE_CHARS (and says so in `truncated`).
 */
export function encodeEvidence(card: EvidenceCard): string {
  let current: EvidenceCard = {
    ...card,
    keptAlive: card.keptAlive.slice(0, MAX_ROWS),
    histogram: card.histogram.slice(0, MAX_ROWS),
    path: card.path ? { root: card.path.root, steps: card.path.steps.slice(-MAX_STEPS) } : null,
    truncated:
      card.truncated ||
      card.keptAlive.length > MAX_ROWS ||
      card.histogram.length > MAX_ROWS ||
      (card.path?.steps.length ?? 0) > MAX_STEPS,
  };
  for (let guard = 0; guard < 200; guard++) {
    const packed = pack(current);
    if (packed.length <= MAX_EVIDENCE_CHARS) return packed;
    if (current.histogram.length > 0)
      current = {
        ...current,
        histogram: current.histogram.slice(0, Math.floor(current.histogram.length / 2)),
        truncated: true,
      };
    else if (current.path && current.path.steps.length > 4)
      current = {
        ...current,
        path: { root: current.path.root, steps: current.path.steps.slice(Math.ceil(current.path.steps.length / 2)) },
        truncated: true,
      };
    else if (current.keptAlive.length > 0)
      current = { ...current, keptAlive: current.keptAlive.slice(0, -1), truncated: true };
    else
      current = {
        ...current,
        title: current.title.slice(0, 100),
        owners: current.owners.slice(0, 2).map((o) => o.slice(0, 100)),
        truncated: true,
      };
  }
  throw new Error('evidence card does not fit in a link');
}

const isText = (value: unknown, max = MAX_NAME): value is string => typeof value === 'string' && value.length <= max;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isAddress = (value: unknown): value is string => typeof value === 'string' && /^(0x[0-9a-f]{1,16})?$/.test(value);

function validStep(step: unknown): step is EvidenceStep {
  if (typeof step !== 'object' || step === null) return false;
  if ('run' in step) {
    const run = (step as { run: Record<string, unknown> }).run;
    return (
      typeof run === 'object' &&
      run !== null &&
      isText(run.type) &&
      isCount(run.count) &&
      isAddress(run.first) &&
      isAddress(run.last)
    );
  }
  const node = step as Record<string, unknown>;
  return isText(node.type) && isAddress(node.address);
}

/** Decodes and validates a card from a link; never executes or renders anything. */
export function decodeEvidence(text: string): { ok: true; card: EvidenceCard } | { ok: false; error: string } {
  let value: unknown;
  try {
    if (text.length > MAX_EVIDENCE_CHARS) throw new Error('too long');
    const inflated = inflateSync(fromBase64Url(text));
    if (inflated.length > 256 * 1024) throw new Error('too large once inflated');
    value = JSON.parse(strFromU8(inflated));
  } catch (error) {
    return {
      ok: false,
      error: `The evidence in this link cannot be read (${error instanceof Error ? error.message : 'corrupt'}).`,
    };
  }
  const card = value as Record<string, unknown>;
  const rows = (list: unknown, check: (row: Record<string, unknown>) => boolean) =>
    Array.isArray(list) &&
    list.length <= MAX_ROWS &&
    list.every((row) => typeof row === 'object' && row !== null && check(row as Record<string, unknown>));
  const valid =
    typeof card === 'object' &&
    card !== null &&
    isText(card.title) &&
    (card.count === null || isCount(card.count)) &&
    (card.retainedBytes === null || isCount(card.retainedBytes)) &&
    (card.anchor === null ||
      (typeof card.anchor === 'object' &&
        isText((card.anchor as Record<string, unknown>).type) &&
        isAddress((card.anchor as Record<string, unknown>).address))) &&
    Array.isArray(card.owners) &&
    card.owners.length <= 10 &&
    card.owners.every((owner) => isText(owner)) &&
    rows(card.keptAlive, (row) => isText(row.type) && isCount(row.count) && isCount(row.bytes)) &&
    rows(card.histogram, (row) => isText(row.name) && isCount(row.count) && isCount(row.bytes)) &&
    (card.path === null ||
      (typeof card.path === 'object' &&
        isText((card.path as Record<string, unknown>).root) &&
        Array.isArray((card.path as Record<string, unknown>).steps) &&
        (card.path as { steps: unknown[] }).steps.length <= MAX_STEPS &&
        (card.path as { steps: unknown[] }).steps.every(validStep))) &&
    (card.dump === null ||
      (typeof card.dump === 'object' &&
        isText((card.dump as Record<string, unknown>).name, 260) &&
        isCount((card.dump as Record<string, unknown>).size) &&
        typeof (card.dump as Record<string, unknown>).sha256 === 'string' &&
        /^[0-9a-f]{64}$/.test((card.dump as Record<string, unknown>).sha256 as string))) &&
    typeof card.truncated === 'boolean';
  if (!valid)
    return { ok: false, error: 'The evidence in this link is not a heapscope evidence card; it was ignored.' };
  return { ok: true, card: card as unknown as EvidenceCard };
}

/** Markdown/HTML specials in text from a dump, escaped so a type name stays inert text in a ticket. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);
}

/** "Copy as Markdown": the same evidence, for a ticket. */
export function evidenceMarkdown(card: EvidenceCard): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const lines = [`### ${escapeMarkdown(card.title)}`, ''];
  if (card.dump)
    lines.push(
      `Dump: ${escapeMarkdown(card.dump.name)} (${n(card.dump.size)} bytes, sha256 \`${card.dump.sha256.slice(0, 16)}…\`)`,
      '',
    );
  if (card.count !== null) lines.push(`- Count: ${n(card.count)}`);
  if (card.retainedBytes !== null) lines.push(`- Keeps alive: ${n(card.retainedBytes)} bytes`);
  if (card.anchor) lines.push(`- Object: ${escapeMarkdown(card.anchor.type)} at \`${card.anchor.address}\``);
  if (card.owners.length > 0) lines.push(`- Owned by: ${card.owners.map(escapeMarkdown).join(' ← ')}`);
  if (card.keptAlive.length > 0) {
    lines.push('', '| Kept alive | Count | Bytes |', '| --- | ---: | ---: |');
    for (const row of card.keptAlive) lines.push(`| ${escapeMarkdown(row.type)} | ${n(row.count)} | ${n(row.bytes)} |`);
  }
  if (card.path) {
    lines.push('', 'Root path:', '', '```', card.path.root.replace(/`/g, "'"));
    for (const step of card.path.steps) {
      const line =
        'run' in step
          ? `  -> ${n(step.run.count)} × ${step.run.type} (${step.run.first} … ${step.run.last})`
          : `  -> ${step.address} ${step.type}`;
      lines.push(line.replace(/`/g, "'"));
    }
    lines.push('```');
  }
  if (card.histogram.length > 0) {
    lines.push('', '| Type | Count | Bytes |', '| --- | ---: | ---: |');
    for (const row of card.histogram) lines.push(`| ${escapeMarkdown(row.name)} | ${n(row.count)} | ${n(row.bytes)} |`);
  }
  if (card.truncated) lines.push('', '_Some rows or path steps were left out to fit the link._');
  return lines.join('\n') + '\n';
}
