import { type ReactNode, useCallback, useEffect, useState } from 'react';

import { ApiError, call, describe } from './api';

/** Runs a server action with a busy flag and the server's refusal kept for display. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/** Loads data when its inputs change; reload() fetches again (after a change). */
export function useLoad<T>(load: () => Promise<T>, inputs: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setError(null);
    load().then((loaded) => current && setData(loaded), (failure) => current && setError(describe(failure)));
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...inputs, round]);
  return { data, error, reload: () => setRound((r) => r + 1) };
}

export function ErrorText({ error }: { error: string | null }) {
  return error ? <p role="alert" className="error">{error}</p> : null;
}

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">{title}</h1>
        {actions && <div className="actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

export function Loading({ error }: { error: string | null }) {
  return error ? <ErrorText error={error} /> : <p className="muted" aria-live="polite">Loading…</p>;
}

export function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}

export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/**
 * A versioned definition (a flag, an experiment) at {@code path}: loaded, missing (404: about to be created) or
 * failed; {@code onLoaded} seeds the editor. Loads again when {@code round} changes (after a save).
 */
export function useDefinition<T>(path: string, round: number, onLoaded: (loaded: T) => void) {
  const [stored, setStored] = useState<T | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setError(null);
    call<T>(path).then(({ body }) => {
      if (current) {
        setStored(body);
        setMissing(false);
        onLoaded(body);
      }
    }, (failure) => {
      if (!current) {
        return;
      }
      if (failure instanceof ApiError && failure.problem.status === 404) {
        setMissing(true);
        setStored(null);
      } else {
        setError(describe(failure));
      }
    });
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, round]);
  return { stored, setStored, missing, error };
}
