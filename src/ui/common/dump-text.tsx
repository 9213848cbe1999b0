import { visibleText } from '../../session/visible-text';

const MARKER = /(<U\+[0-9A-F]{4}>)/;

/**
 * A piece of text from the dump (a type name, a field, a root's label, a file name), rendered as
 * text with its direction and control characters shown as highlighted `<U+XXXX>` markers instead of
 * applied (session/visible-text.ts). React renders it as text, never as HTML.
 */
export function DumpText({ text }: { readonly text: string }) {
  const shown = visibleText(text);
  if (shown === text) return <>{text}</>;
  return (
    <>
      {shown.split(MARKER).map((part, index) =>
        index % 2 === 1 ? (
          <span key={index} className="control-char" data-testid="control-char">
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </>
  );
}
