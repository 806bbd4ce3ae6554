// A stand-in for the Kubernetes API server (no API server runs here), over HTTPS with the test CA.
// TokenReview: its answers copy the shape of real kube-apiserver answers as the Kubernetes API
// reference (authentication.k8s.io/v1 TokenReview) and the service-account docs show them: 201
// Created with the review echoed back; for a pod-bound projected token on 1.30+,
// status.user.extra holds authentication.kubernetes.io/{credential-id,node-name,node-uid,pod-name,
// pod-uid}; an invalid token gets `"user": {}` and an `error`, with `authenticated` left out (the
// API server omits false); a caller without a valid token of its own gets a 401 Status.
// List/watch (when given FakeKubeResources): GET of services, endpointslices, pods and nodes as
// the API server answers them — paged lists (`limit`, `continue`), `resourceVersion` with
// NotOlderThan/Exact semantics, watches as chunked JSON lines from a resourceVersion, BOOKMARK
// events when asked for with allowWatchBookmarks, 410 Gone (an ERROR event with a Status of code
// 410 on a watch, HTTP 410 on an Exact list or an expired continue token), 403 Forbidden Status
// bodies, and watch streams the server ends.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** What the fake cluster knows about one agent token. */
export interface FakeToken {
  /** The user it authenticates as, e.g. system:serviceaccount:snatscope:snatscope-agent. */
  readonly user: string;
  /** The audience it was minted for. */
  readonly audience: string;
  /** The node of the pod it is bound to; null: a token with no node claim (before 1.30). */
  readonly node: string | null;
}

/** One review the fake answered. */
export interface ReviewRequest {
  readonly authorization: string | undefined;
  readonly token: string;
  readonly audiences: readonly string[];
}

/** A running fake API server. */
export interface FakeKubeApi {
  readonly url: string;
  readonly reviews: ReviewRequest[];
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1; the collector must present `callerToken`. */
export async function startFakeKubeApi(options: {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly callerToken: string;
  readonly tokens?: ReadonlyMap<string, FakeToken>;
  readonly resources?: FakeKubeResources;
}): Promise<FakeKubeApi> {
  const tokens = options.tokens ?? new Map<string, FakeToken>();
  const reviews: ReviewRequest[] = [];
  const server: Server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const json = (code: number, body: unknown): void => {
        res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (req.method === 'GET' && options.resources) {
        if (req.headers.authorization !== `Bearer ${options.callerToken}`) {
          json(401, UNAUTHORIZED);
          return;
        }
        options.resources.serve(req, res);
        return;
      }
      if (req.method !== 'POST' || req.url !== '/apis/authentication.k8s.io/v1/tokenreviews') {
        json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404 });
        return;
      }
      if (req.headers.authorization !== `Bearer ${options.callerToken}`) {
        json(401, UNAUTHORIZED);
        return;
      }
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        spec: { token: string; audiences?: string[] };
      };
      const { token, audiences = [] } = review.spec;
      reviews.push({ authorization: req.headers.authorization, token, audiences });
      const known = tokens.get(token);
      const answer = {
        kind: 'TokenReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: review.spec,
      };
      if (!known || !audiences.includes(known.audience)) {
        json(201, {
          ...answer,
          status: {
            user: {},
            error: known
              ? `[invalid bearer token, token audiences ["${known.audience}"] is invalid for the target audiences ${JSON.stringify(audiences)}]`
              : '[invalid bearer token, square/go-jose: error in cryptographic primitive]',
          },
        });
        return;
      }
      const [, , namespace = ''] = known.user.split(':');
      const pod = `snatscope-agent-${known.node ?? 'x'}`;
      json(201, {
        ...answer,
        status: {
          authenticated: true,
          user: {
            username: known.user,
            uid: '6f2b7c1e-61d4-4d0f-9d0c-0b3f2d5a9e11',
            groups: [
              'system:serviceaccounts',
              `system:serviceaccounts:${namespace}`,
              'system:authenticated',
            ],
            extra: {
              'authentication.kubernetes.io/credential-id': [
                'JTI=1c6a2d4e-9f0b-4d8e-8a57-3f5e0c2b7d90',
              ],
              ...(known.node === null
                ? {}
                : {
                    'authentication.kubernetes.io/node-name': [known.node],
                    'authentication.kubernetes.io/node-uid': [
                      '0d1c9f4a-7b3e-4e52-b1a6-8c2f5d7e9a03',
                    ],
                  }),
              'authentication.kubernetes.io/pod-name': [pod],
              'authentication.kubernetes.io/pod-uid': ['a3e5c7d9-1b2f-4a6c-8e0d-2f4b6d8a0c1e'],
            },
          },
          audiences: [known.audience],
        },
      });
    });
  });
  // Every TCP connection, destroyed on close: TLS connections of watch streams the client dropped
  // were seen to keep close() waiting even after closeAllConnections().
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reviews,
    close: () =>
      new Promise((resolve) => {
        options.resources?.closeWatches();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const UNAUTHORIZED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Unauthorized',
  reason: 'Unauthorized',
  code: 401,
};

/** The collections the fake serves, by the path the agent lists and watches. */
export const FAKE_RESOURCE_PATHS = {
  services: '/api/v1/services',
  endpointslices: '/apis/discovery.k8s.io/v1/endpointslices',
  pods: '/api/v1/pods',
  nodes: '/api/v1/nodes',
} as const;

/** A resource the fake serves. */
export type FakeResource = keyof typeof FAKE_RESOURCE_PATHS;

const ITEM_KIND: Record<FakeResource, { kind: string; apiVersion: string }> = {
  services: { kind: 'Service', apiVersion: 'v1' },
  endpointslices: { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1' },
  pods: { kind: 'Pod', apiVersion: 'v1' },
  nodes: { kind: 'Node', apiVersion: 'v1' },
};

/** One request the fake answered (the tests' evidence of what the reader asked). */
export interface FakeRequest {
  readonly resource: FakeResource;
  readonly watch: boolean;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
}

/** A Kubernetes object as JSON. */
export type KubeJson = Record<string, unknown> & {
  metadata: Record<string, unknown> & { name: string; namespace?: string };
};

interface Change {
  readonly revision: number;
  readonly resource: FakeResource;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: KubeJson;
}

interface OpenWatch {
  readonly resource: FakeResource;
  readonly nodeName: string | null;
  readonly bookmarks: boolean;
  readonly res: ServerResponse;
}

function keyOf(object: KubeJson): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
}

/**
 * The fake cluster's objects with one revision counter (etcd's), a change history that watches
 * replay from, and knobs for what a real API server does on its own: compaction (410), watch
 * streams it ends, bookmarks, and RBAC denials.
 */
export class FakeKubeResources {
  /** Every list and watch request, in order. */
  readonly requests: FakeRequest[] = [];
  private revision = 1000;
  // Changes below this revision are compacted: lists and watches from before it get 410 Gone.
  private oldest = 0;
  private readonly objects = new Map<FakeResource, Map<string, KubeJson>>(
    Object.keys(FAKE_RESOURCE_PATHS).map((r) => [r as FakeResource, new Map()]),
  );
  private readonly history: Change[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly denied = new Set<FakeResource>();
  private hook: ((request: FakeRequest) => void) | null = null;

  /** Stores the items of a recorded List document, each under a new revision. */
  load(resource: FakeResource, list: { items: KubeJson[] }): void {
    for (const item of list.items) this.change(resource, 'ADDED', item);
  }

  add(resource: FakeResource, object: KubeJson): void {
    this.change(resource, 'ADDED', object);
  }

  modify(resource: FakeResource, object: KubeJson): void {
    this.change(resource, 'MODIFIED', object);
  }

  remove(resource: FakeResource, object: KubeJson): void {
    this.change(resource, 'DELETED', object);
  }

  /** A stored object (a copy), for tests that change one field of it. */
  get(resource: FakeResource, namespace: string, name: string): KubeJson {
    const object = this.objects.get(resource)?.get(`${namespace}/${name}`);
    if (!object) throw new Error(`fake: no ${resource} ${namespace}/${name}`);
    return structuredClone(object);
  }

  /** The current revision (what a list returns as its resourceVersion). */
  get resourceVersion(): string {
    return String(this.revision);
  }

  /**
   * Other kinds changed in etcd (Leases, Events churn all the time): the revision moves on, and
   * every open watch that asked for bookmarks gets a BOOKMARK at the new revision.
   */
  bookmark(otherChanges = 5): string {
    this.revision += otherChanges;
    for (const watch of this.watches) {
      if (!watch.bookmarks) continue;
      const { kind, apiVersion } = ITEM_KIND[watch.resource];
      this.send(watch, {
        type: 'BOOKMARK',
        object: { kind, apiVersion, metadata: { resourceVersion: String(this.revision) } },
      });
    }
    return String(this.revision);
  }

  /**
   * Compacts the history: open watches get an ERROR event with a 410 Status ("too old resource
   * version") and are ended; later requests from an older resourceVersion get 410 too.
   */
  compact(): void {
    this.revision += 1;
    this.oldest = this.revision;
    for (const watch of [...this.watches]) {
      this.send(watch, {
        type: 'ERROR',
        object: status(
          410,
          'Expired',
          `too old resource version: ${this.oldest - 1} (${this.oldest})`,
        ),
      });
      this.end(watch);
    }
  }

  /** Ends every open watch stream, as an API server does at its timeout or on restart. */
  closeWatches(): void {
    for (const watch of [...this.watches]) this.end(watch);
  }

  /** Open watch streams, per resource. */
  openWatches(resource: FakeResource): number {
    return [...this.watches].filter((w) => w.resource === resource).length;
  }

  /** Answers 403 Forbidden for a resource, as RBAC does without a rule for it. */
  deny(resource: FakeResource, denied = true): void {
    if (denied) this.denied.add(resource);
    else this.denied.delete(resource);
  }

  /** Runs before each list/watch request is answered (to change state between two pages). */
  onRequest(hook: ((request: FakeRequest) => void) | null): void {
    this.hook = hook;
  }

  /** Answers one GET (the fake server's handler calls it after authentication). */
  serve(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://fake');
    const resource = (Object.keys(FAKE_RESOURCE_PATHS) as FakeResource[]).find(
      (r) => FAKE_RESOURCE_PATHS[r] === url.pathname,
    );
    const json = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (resource === undefined) {
      json(404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    const query = Object.fromEntries(url.searchParams);
    const watch = query.watch === 'true' || query.watch === '1';
    const answer = (code: number): void => {
      this.requests.push({ resource, watch, query, status: code });
    };
    this.hook?.({ resource, watch, query, status: 0 });
    if (this.denied.has(resource)) {
      answer(403);
      json(
        403,
        status(
          403,
          'Forbidden',
          `${resource} is forbidden: User "system:serviceaccount:snatscope:snatscope-agent" cannot ${watch ? 'watch' : 'list'} resource "${resource}" in API group "${ITEM_KIND[resource].apiVersion.includes('/') ? ITEM_KIND[resource].apiVersion.split('/')[0] : ''}" at the cluster scope`,
        ),
      );
      return;
    }
    const nodeName = /^spec\.nodeName=(.*)$/.exec(query.fieldSelector ?? '')?.[1] ?? null;
    if (watch) {
      answer(200);
      this.startWatch(resource, nodeName, query, res);
      return;
    }
    const list = this.list(resource, nodeName, query);
    answer(list.code);
    json(list.code, list.body);
  }

  private change(resource: FakeResource, type: Change['type'], input: KubeJson): void {
    const object = structuredClone(input);
    this.revision += 1;
    object.metadata.resourceVersion = String(this.revision);
    const store = this.objects.get(resource) as Map<string, KubeJson>;
    if (type === 'DELETED') store.delete(keyOf(object));
    else store.set(keyOf(object), object);
    const change: Change = { revision: this.revision, resource, type, object };
    this.history.push(change);
    for (const watch of this.watches) {
      if (this.matches(watch.resource, watch.nodeName, change)) {
        this.send(watch, { type, object: this.withKind(resource, object) });
      }
    }
  }

  private matches(resource: FakeResource, nodeName: string | null, change: Change): boolean {
    if (change.resource !== resource) return false;
    if (nodeName === null) return true;
    return (change.object.spec as { nodeName?: string } | undefined)?.nodeName === nodeName;
  }

  private withKind(resource: FakeResource, object: KubeJson): KubeJson {
    return { ...ITEM_KIND[resource], ...object };
  }

  private list(
    resource: FakeResource,
    nodeName: string | null,
    query: Record<string, string>,
  ): { code: number; body: unknown } {
    const limit = Number(query.limit ?? 0);
    let offset = 0;
    if (query.continue) {
      const token = JSON.parse(Buffer.from(query.continue, 'base64url').toString('utf8')) as {
        offset: number;
        revision: number;
      };
      if (token.revision < this.oldest) {
        return {
          code: 410,
          body: status(
            410,
            'Expired',
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
          ),
        };
      }
      offset = token.offset;
    } else if (query.resourceVersion && query.resourceVersion !== '0') {
      // Exact (asked for, or the legacy meaning of resourceVersion with limit) needs that very
      // revision; NotOlderThan is served from the current state, however old the asked one is.
      const exact =
        query.resourceVersionMatch === 'Exact' ||
        (query.resourceVersionMatch === undefined && limit > 0);
      if (exact && Number(query.resourceVersion) < this.oldest) {
        return {
          code: 410,
          body: status(
            410,
            'Expired',
            `too old resource version: ${query.resourceVersion} (${this.oldest})`,
          ),
        };
      }
    }
    const all = [...(this.objects.get(resource) as Map<string, KubeJson>).values()]
      .filter((o) => nodeName === null || (o.spec as { nodeName?: string }).nodeName === nodeName)
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    const items = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const more = limit > 0 && offset + limit < all.length;
    const { apiVersion } = ITEM_KIND[resource];
    return {
      code: 200,
      body: {
        kind: `${ITEM_KIND[resource].kind}List`,
        apiVersion,
        metadata: {
          resourceVersion: String(this.revision),
          ...(more
            ? {
                continue: Buffer.from(
                  JSON.stringify({ offset: offset + limit, revision: this.revision }),
                ).toString('base64url'),
                remainingItemCount: all.length - offset - limit,
              }
            : {}),
        },
        // List items carry no kind/apiVersion: the List's say it.
        items: items.map((item) => {
          const copy: Record<string, unknown> = { ...item };
          delete copy.kind;
          delete copy.apiVersion;
          return copy;
        }),
      },
    };
  }

  private startWatch(
    resource: FakeResource,
    nodeName: string | null,
    query: Record<string, string>,
    res: ServerResponse,
  ): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const watch: OpenWatch = {
      resource,
      nodeName,
      bookmarks: query.allowWatchBookmarks === 'true',
      res,
    };
    const from = query.resourceVersion ?? '';
    if (from !== '' && from !== '0' && Number(from) < this.oldest) {
      this.send(watch, {
        type: 'ERROR',
        object: status(410, 'Expired', `too old resource version: ${from} (${this.oldest})`),
      });
      res.end();
      return;
    }
    this.watches.add(watch);
    res.on('close', () => this.watches.delete(watch));
    if (from === '' || from === '0') {
      // No resourceVersion: the current state as synthetic ADDED events, then changes.
      for (const object of (this.objects.get(resource) as Map<string, KubeJson>).values()) {
        const change: Change = { revision: 0, resource, type: 'ADDED', object };
        if (this.matches(resource, nodeName, change)) {
          this.send(watch, { type: 'ADDED', object: this.withKind(resource, object) });
        }
      }
      return;
    }
    for (const change of this.history) {
      if (change.revision > Number(from) && this.matches(resource, nodeName, change)) {
        this.send(watch, { type: change.type, object: this.withKind(resource, change.object) });
      }
    }
  }

  private send(watch: OpenWatch, event: unknown): void {
    watch.res.write(`${JSON.stringify(event)}\n`);
  }

  private end(watch: OpenWatch): void {
    this.watches.delete(watch);
    watch.res.end();
  }
}
