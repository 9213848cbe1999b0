import { useEffect, useState } from 'react';
import { openDump } from '../state/heap-worker';

/** Name given to pasted text, as if it were a dropped file. */
const PASTED_NAME = 'pasted transcript.txt';

function openText(text: string): void {
  if (text.trim() !== '') void openDump(new Blob([text], { type: 'text/plain' }), PASTED_NAME);
}

/**
 * Besides dropping a `.txt`, a transcript of an SOS session can be pasted: into the box this button
 * opens, or anywhere on the page when no text field has the focus. The text is data, shown as text.
 */
export function PasteTranscript() {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
      const pasted = event.clipboardData?.getData('text/plain') ?? '';
      if (pasted.trim() === '') return;
      event.preventDefault();
      openText(pasted);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, []);
  return (
    <div className="paste-transcript">
      <button type="button" className="link-button" data-testid="paste-open" onClick={() => setOpen(!open)}>
        {open ? 'Close the paste box' : 'Paste an SOS transcript'}
      </button>
      {open && (
        <div className="paste-box">
          <textarea
            data-testid="paste-text"
            value={text}
            rows={8}
            spellCheck={false}
            placeholder="Paste what dotnet-dump analyze or WinDbg printed: maddress -summary, dumpheap -stat, gcroot, dumpobj …"
            onChange={(event) => setText(event.currentTarget.value)}
          />
          <button
            type="button"
            className="primary"
            data-testid="paste-submit"
            disabled={text.trim() === ''}
            onClick={() => {
              openText(text);
              setOpen(false);
            }}
          >
            Open the transcript
          </button>
        </div>
      )}
    </div>
  );
}
