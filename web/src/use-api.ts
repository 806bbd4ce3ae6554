// Loads API data into a component, optionally again every few seconds (the live Services view).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** The state of one load: the last data (kept while a refresh runs or fails) and the last error. */
export interface Loaded<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  /** When data last arrived (ms since the epoch). */
  at: number | null;
  reload: () => void;
}

/**
 * Runs `load` when `key` changes and, with `everyMs`, again that long after each answer. A new key
 * aborts the request in flight and drops the old data.
 */
export function useApi<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  everyMs: number | null = null,
): Loaded<T> {
  const [state, setState] = useState<Omit<Loaded<T>, 'reload'>>({
    data: null,
    error: null,
    loading: true,
    at: null,
  });
  const [round, setRound] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const lastKey = useRef(key);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fresh = lastKey.current !== key;
    lastKey.current = key;
    setState((s) =>
      fresh ? { data: null, error: null, loading: true, at: null } : { ...s, loading: true },
    );
    loadRef
      .current(controller.signal)
      .then(
        (data) => {
          setState({ data, error: null, loading: false, at: Date.now() });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setState((s) => ({
            ...s,
            error: error instanceof Error ? error : new Error(String(error)),
            loading: false,
          }));
        },
      )
      .finally(() => {
        if (everyMs !== null && !controller.signal.aborted) {
          timer = setTimeout(() => {
            setRound((r) => r + 1);
          }, everyMs);
        }
      });
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key, round, everyMs]);

  const reload = useCallback(() => {
    setRound((r) => r + 1);
  }, []);
  return { ...state, reload };
}
