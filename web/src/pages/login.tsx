// Sign-in: the user pastes an API token (a line of the collector's --api-token-file); it is
// checked against the collector and kept in this tab's sessionStorage only.
import { useState } from 'preact/hooks';
import { ApiError, getJson, sessionToken } from '../api.js';
import type { UiStatusJson } from '../wire.js';

/** The sign-in form; `problem` is why the user is asked (a refused token). */
export function Login({ problem, onSignedIn }: { problem: string | null; onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(problem);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    sessionToken.set(token.trim());
    try {
      await getJson<UiStatusJson>('api/v1/ui/status');
      onSignedIn();
    } catch (caught) {
      sessionToken.clear();
      setError(
        caught instanceof ApiError && caught.status === 401
          ? 'The collector refused this token. Use a line of the file given to the collector’s --api-token-file (the demo prints it next to the page’s address).'
          : `Could not check the token: ${(caught as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" tabIndex={-1} class="login">
      <h1>Sign in to snatscope</h1>
      <p>
        This page shows client IP addresses of real users, so the collector asks for an API token:
        one line of the file given to <code>snatscope collector --api-token-file</code> (the demo
        prints it next to the page’s address). It is kept in this browser tab only and sent as an{' '}
        <code>Authorization: Bearer</code> header, never in a URL.
      </p>
      {error !== null && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)}>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(e) => {
            setToken(e.currentTarget.value);
          }}
        />
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
