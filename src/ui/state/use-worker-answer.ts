import { useEffect, useRef, useState } from 'react';
import { useViewStore } from './store';

/**
 * Asks the worker a question and keeps the answer, asking again when `key` changes, the analysis
 * becomes ready, or another heap is loaded. Answers for an older question are dropped — unless
 * `keep` is given: then `key` only says when to ask again (an analysis stage), and any answer to a
 * question of the same `keep` (and heap) is taken, the last one staying on screen while the next is
 * asked. The worker answers in order between its stages, often after the next stage has begun.
 */
export function useWorkerAnswer<T>(
  ask: () => Promise<T>,
  key: string,
  keep?: string,
): { answer: T | null; error: string | null } {
  const heapVersion = useViewStore((state) => state.heapVersion);
  const analysisState = useViewStore((state) => state.analysis.state);
  const [result, setResult] = useState<{ answer: T | null; error: string | null; for: string }>({
    answer: null,
    error: null,
    for: '',
  });
  const fullKey = `${heapVersion}|${analysisState}|${key}`;
  const kept = keep === undefined ? null : `${heapVersion}|${keep}`;
  const latestKept = useRef(kept);
  latestKept.current = kept;
  useEffect(() => {
    let current = true;
    const stamp = kept ?? fullKey;
    const take = () => current || (kept !== null && latestKept.current === kept);
    ask().then(
      (answer) => take() && setResult({ answer, error: null, for: stamp }),
      (error: unknown) =>
        take() &&
        setResult({ answer: null, error: error instanceof Error ? error.message : String(error), for: stamp }),
    );
    return () => {
      current = false;
    };
    // `ask` is a fresh closure each render; the keys say when the question changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fullKey, kept]);
  return result.for === (kept ?? fullKey) ? result : { answer: null, error: null };
}
