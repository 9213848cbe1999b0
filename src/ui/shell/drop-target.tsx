import { useEffect, useState, type ReactNode } from 'react';
import { openFiles } from '../state/heap-worker';

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * The whole window accepts a dropped file: listeners sit on `window`, so a drop anywhere (even
 * outside the app's box) opens the file instead of navigating the browser to it.
 */
export function DropTarget({ children }: { children: ReactNode }) {
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    // dragenter/dragleave fire for every child element crossed; count them to know when the
    // pointer has really left the window.
    let depth = 0;
    const onDragEnter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth++;
      setDragging(true);
    };
    const onDragOver = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onDragLeave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      event.preventDefault();
      depth = 0;
      setDragging(false);
      void openFiles([...(event.dataTransfer?.files ?? [])]);
    };
    window.addEventListener('dragenter', onDragEnter);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onDragEnter);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  return (
    <div className={dragging ? 'app app-dragging' : 'app'} data-testid="drop-target" data-dragging={dragging}>
      {children}
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop a .gcdump, an SOS transcript or a core to open it
        </div>
      )}
    </div>
  );
}
