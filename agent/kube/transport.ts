// The I/O edge to the Kubernetes API: one list page and one watch stream, through
// @kubernetes/client-node's KubeConfig (credentials, CA, in-cluster token file re-read every
// minute) and its Watch class (chunked JSON events). Lists go through https with the same options,
// so that list items and watch objects are the same raw JSON.
import { request as httpRequest, STATUS_CODES, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';

import { KubeConfig, Watch } from '@kubernetes/client-node';

/** One page of a list: its items, the list's resourceVersion and the token of the next page. */
export interface KubeListPage {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
  /** "" on the last page. */
  readonly continueToken: string;
}

/** One watch event as the API server sends it. */
export interface KubeWatchEvent {
  readonly type: string;
  readonly object: unknown;
}

/** A failed request: the HTTP status (or the Status code of a watch ERROR event), when known. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number | null,
    /** The Status reason (Forbidden, Expired, Gone…) or a transport error's code. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The two requests a list/watch loop makes. */
export interface KubeTransport {
  /** Where requests go, for logs ("https://10.96.0.1:443"). */
  readonly server: string;
  /** One list page; throws KubeApiError. */
  list(
    path: string,
    query: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<KubeListPage>;
  /**
   * Streams one watch: resolves when the server ends it (or `signal` aborts it), rejects with
   * KubeApiError when it cannot start or breaks. `onEvent` must not throw.
   */
  watch(
    path: string,
    query: Readonly<Record<string, string>>,
    onEvent: (event: KubeWatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

// A list page of 500 EndpointSlices is a few MB; this only stops a runaway answer.
const MAX_LIST_BYTES = 256 * 1024 * 1024;
const LIST_TIMEOUT_MS = 60_000;

/** A Status body's reason and message, if the text is one. */
function statusOf(text: string): { reason: string; message: string } | null {
  try {
    const status = JSON.parse(text) as { kind?: unknown; reason?: unknown; message?: unknown };
    if (status.kind !== 'Status') return null;
    return {
      reason: typeof status.reason === 'string' ? status.reason : '',
      message: typeof status.message === 'string' ? status.message : '',
    };
  } catch {
    return null;
  }
}

function errorFrom(error: unknown, what: string): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const object = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  const message = typeof object.message === 'string' ? object.message : String(error);
  // Watch reports a non-200 answer as an Error with statusCode; sockets fail with a code.
  if (typeof object.statusCode === 'number') {
    const status = object.statusCode;
    return new KubeApiError(status, STATUS_CODES[status] ?? '', `${what}: ${status} ${message}`);
  }
  const reason = typeof object.code === 'string' ? object.code : 'Error';
  return new KubeApiError(null, reason, `${what}: ${message}`);
}

/** The transport of a loaded KubeConfig (in-cluster or a kubeconfig file). */
export class ClientNodeTransport implements KubeTransport {
  readonly server: string;
  private readonly watcher: Watch;

  constructor(private readonly config: KubeConfig) {
    const cluster = config.getCurrentCluster();
    if (cluster === null) throw new Error('kubeconfig: no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
    this.watcher = new Watch(config);
  }

  async list(
    path: string,
    query: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<KubeListPage> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const what = `GET ${url.pathname}${url.search}`;
    const options: RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
    await this.config.applyToHTTPSOptions(options);
    const { status, text } = await fetchText(url, options, signal).catch((error: unknown) => {
      throw errorFrom(error, what);
    });
    if (status !== 200) {
      const body = statusOf(text);
      throw new KubeApiError(
        status,
        body?.reason ?? STATUS_CODES[status] ?? '',
        `${what}: ${status} ${body?.message ?? STATUS_CODES[status] ?? ''}`,
      );
    }
    let list: { items?: unknown; metadata?: { resourceVersion?: unknown; continue?: unknown } };
    try {
      list = JSON.parse(text) as typeof list;
    } catch (error) {
      throw new KubeApiError(status, 'BadJSON', `${what}: not JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(list.items)) {
      throw new KubeApiError(status, 'BadList', `${what}: the answer has no items array`);
    }
    const rv = list.metadata?.resourceVersion;
    const next = list.metadata?.continue;
    return {
      items: list.items as unknown[],
      resourceVersion: typeof rv === 'string' ? rv : '',
      continueToken: typeof next === 'string' ? next : '',
    };
  }

  watch(
    path: string,
    query: Readonly<Record<string, string>>,
    onEvent: (event: KubeWatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      let controller: AbortController | null = null;
      let settled = false;
      const finish = (error: unknown): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        controller?.abort();
        if (error && !signal.aborted) reject(errorFrom(error, `watch ${path}`));
        else resolve();
      };
      // Watch hands its AbortController back only once the response headers are in; until then
      // an abort settles here and the request is cut as soon as the controller arrives.
      const onAbort = (): void => {
        finish(null);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.watcher
        .watch(
          path,
          query,
          (type: string, object: unknown) => {
            onEvent({ type, object });
          },
          (error: unknown) => {
            finish(error);
          },
        )
        .then(
          (started) => {
            controller = started;
            if (settled) started.abort();
          },
          (error: unknown) => {
            finish(error);
          },
        );
    });
  }
}

function fetchText(
  url: URL,
  options: RequestOptions,
  signal: AbortSignal,
): Promise<{ status: number; text: string }> {
  const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
  const combined = AbortSignal.any([signal, AbortSignal.timeout(LIST_TIMEOUT_MS)]);
  return new Promise((resolve, reject) => {
    const req = request(url, { ...options, signal: combined }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_LIST_BYTES) {
          req.destroy(new Error(`answer larger than ${MAX_LIST_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
