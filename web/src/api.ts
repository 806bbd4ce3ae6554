// Calls to the collector's API from the page. The token the user typed is kept in this tab's
// sessionStorage (gone when the tab closes) and sent as a bearer header; never in a URL. Paths are
// relative to the page, so a path prefix in front of the collector just works.

const TOKEN_KEY = 'snatscope.apiToken';

/** The API token of this tab's session. */
export const sessionToken = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string): void => {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear: (): void => {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** An API answer other than 2xx, with the collector's `error` text when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

let onUnauthorized: (message: string) => void = () => undefined;

/** Who to tell when the collector refuses the token (the app shows the sign-in form again). */
export function whenUnauthorized(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

/** GETs `path` (relative, e.g. "api/v1/services") with the query parameters that are set. */
export async function getJson<T>(
  path: string,
  params: Record<string, string | undefined> = {},
  signal?: AbortSignal,
): Promise<T> {
  const url = new URL(path, document.baseURI);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') url.searchParams.set(key, value);
  }
  const token = sessionToken.get() ?? '';
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      cache: 'no-store',
      signal: signal ?? null,
    });
  } catch (error) {
    if (signal?.aborted === true) throw error;
    throw new ApiError(
      'the collector did not answer: is it running, and is the port-forward still open?',
      0,
    );
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: string } | null;
    const message = body?.error ?? `${response.status} ${response.statusText}`;
    if (response.status === 401) onUnauthorized(message);
    throw new ApiError(message, response.status);
  }
  return (await response.json()) as T;
}
