import { useCallback, useEffect, useRef, useState } from 'react';

export type AsyncState<T> = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'done'; value: T };

/** Runs `load` on mount and whenever `deps` change; `reload` runs it again. Late answers of stale runs are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): [AsyncState<T>, () => void] {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const run = useRef(0);
  const reload = useCallback(() => {
    const mine = ++run.current;
    setState((s) => (s.status === 'done' ? s : { status: 'loading' }));
    load().then(
      (value) => mine === run.current && setState({ status: 'done', value }),
      (error) => mine === run.current && setState({ status: 'error', error }),
    );
  }, deps);
  useEffect(() => {
    setState({ status: 'loading' });
    reload();
  }, [reload]);
  return [state, reload];
}
