import { describe, expect, it } from 'vitest';
import { inertJson, visibleOutput, visibleText } from './visible-text';

// The Trojan Source shapes (CVE-2021-42574): overrides, embeddings, isolates and marks.
const BIDI = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
];

describe('dump text is shown, never obeyed', () => {
  it('writes every bidirectional control out as a <U+XXXX> marker', () => {
    for (const character of BIDI) {
      const shown = visibleText(`Evil${character}gnp.exe`);
      expect(shown).toBe(`Evil<U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>gnp.exe`);
    }
    expect(visibleText('a\u2067b\u2069c')).toBe('a<U+2067>b<U+2069>c');
  });

  it('writes control characters out in a name (a terminal escape, a line end), keeps ordinary text', () => {
    expect(visibleText('Name\u001b[2J\nForged line')).toBe('Name<U+001B>[2J<U+000A>Forged line');
    expect(visibleText('System.Collections.Generic.Dictionary<System.String, Müller[]> (Bytes > 10K)')).toBe(
      'System.Collections.Generic.Dictionary<System.String, Müller[]> (Bytes > 10K)',
    );
    expect(visibleText('\u0085\u009b\u007f')).toBe('<U+0085><U+009B><U+007F>');
  });

  it("keeps a whole answer's own tabs and line ends", () => {
    expect(visibleOutput('a\tb\nc\u202ed\r\n')).toBe('a\tb\nc<U+202E>d<U+000D>\n');
  });

  it('escapes them in JSON so that it parses to the same strings', () => {
    const value = { name: 'Evil\u202egnp.exe', other: ['\u2066x\u2069', 'del\u007f', 'nel\u0085'], n: 1 };
    const json = inertJson(JSON.stringify(value, null, 2));
    expect(json).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(json).toContain('\\u202e');
    expect(JSON.parse(json)).toEqual(value);
  });
});
