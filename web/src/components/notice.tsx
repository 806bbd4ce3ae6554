// The loading, empty and error states: each says what is going on and what to do next.
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api.js';

/** A request in flight. */
export function Loading({ what }: { what: string }) {
  return (
    <p class="notice" role="status">
      Loading {what}…
    </p>
  );
}

/** Nothing to show yet, and why. */
export function Empty({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <div class="notice empty" role="status">
      <p class="notice-title">{title}</p>
      {children}
    </div>
  );
}

/** A failed request, in words that say what to check. */
export function Failure({ error, retry }: { error: Error; retry?: () => void }) {
  const status = error instanceof ApiError ? error.status : 0;
  const hint =
    status === 0
      ? 'Check that the collector runs and that this address (or the kubectl port-forward) reaches it.'
      : status === 400
        ? 'Correct the search fields and try again.'
        : status === 503
          ? 'The collector is busy or still starting; it retries by itself.'
          : 'Retry; if it persists, read the collector’s log.';
  return (
    <div class="notice error" role="alert">
      <p class="notice-title">
        {status === 400 ? 'The collector refused the search' : 'Could not load'}
      </p>
      <p>{error.message}</p>
      <p>{hint}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}
