/**
 * Text from a dump is data. Characters that change how the text around them is shown — the
 * bidirectional controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, U+200E/
 * U+200F/U+061C marks) and the C0/C1 control characters (a terminal's escape sequences among them) —
 * are written as visible `<U+XXXX>` markers, so a type name cannot reorder or hide what surrounds it
 * ("Trojan Source", CVE-2021-42574), on the page or in a terminal.
 */

/** The bidirectional controls and DEL with the C1 controls: raw in every output, JSON's included. */
const BIDI_AND_C1 = '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
/** Every character made visible in one piece of dump text (a name, a field value, a label): C0 too. */
const HIDDEN_IN_NAME = new RegExp(`[\\u0000-\\u001f${BIDI_AND_C1}]`, 'g');
/** The same, but keeping tabs and line ends: for a whole text answer that is laid out in lines. */
const HIDDEN_IN_OUTPUT = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f${BIDI_AND_C1}]`, 'g');
/** What JSON.stringify leaves raw (it escapes C0 controls itself, and lays out with line ends). */
const RAW_IN_JSON = new RegExp(`[${BIDI_AND_C1}]`, 'g');

const marker = (character: string) => `<U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`;

/** One piece of dump text as it is shown: its direction and control characters written out. */
export function visibleText(text: string): string {
  return text.replace(HIDDEN_IN_NAME, marker);
}

/** A whole text answer (the CLI's output): the same markers, its own tabs and line ends kept. */
export function visibleOutput(text: string): string {
  return text.replace(HIDDEN_IN_OUTPUT, marker);
}

/**
 * JSON.stringify's output with those characters escaped (`\u202e`): it parses to the very same strings,
 * and reads inert in a terminal. They only occur inside JSON strings, where the escape means the same.
 */
export function inertJson(json: string): string {
  return json.replace(RAW_IN_JSON, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
