import { useEffect, useState } from 'react';
import { useViewStore } from './store';

/**
 * Asks the worker a question and keeps the answer, asking again when `key` changes, the analysis
 * becomes ready, or another heap is loaded. Answers for an older question are dropped.
 */
export function useWorkerAnswer<T>(ask: () => Promise<T>, key: string): { answer: T | null; error: string | null } {
  const heapVersion = useViewStore((state) => state.heapVersion);
  const analysisState = useViewStore((state) => state.analysis.state);
  const [result, setResult] = useState<{ answer: T | null; error: string | null; for: string }>({
    answer: null,
    error: null,
    for: '',
  });
  const fullKey = `${heapVersion}|${analysisState}|${key}`;
  useEffect(() => {
    let current = true;
    ask().then(
      (answer) => current && setResult({ answer, error: null, for: fullKey }),
      (error: unknown) =>
        current &&
        setResult({ answer: null, error: error instanceof Error ? error.message : String(error), for: fullKey }),
    );
    return () => {
      current = false;
    };
    // `ask` is a fresh closure each render; the key says when the question changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fullKey]);
  return result.for === fullKey ? result : { answer: null, error: null };
}
