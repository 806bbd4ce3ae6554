// A stand-in for the Kubernetes API server's TokenReview endpoint (no API server runs here), over
// HTTPS with the test CA. Its answers copy the shape of real kube-apiserver answers as the
// Kubernetes API reference (authentication.k8s.io/v1 TokenReview) and the service-account docs
// show them: 201 Created with the review echoed back; for a pod-bound projected token on 1.30+,
// status.user.extra holds authentication.kubernetes.io/{credential-id,node-name,node-uid,pod-name,
// pod-uid}; an invalid token gets `"user": {}` and an `error`, with `authenticated` left out (the
// API server omits false); a caller without a valid token of its own gets a 401 Status.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

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
  readonly tokens: ReadonlyMap<string, FakeToken>;
}): Promise<FakeKubeApi> {
  const reviews: ReviewRequest[] = [];
  const server: Server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const json = (code: number, body: unknown): void => {
        res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/apis/authentication.k8s.io/v1/tokenreviews') {
        json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404 });
        return;
      }
      if (req.headers.authorization !== `Bearer ${options.callerToken}`) {
        json(401, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'Unauthorized',
          reason: 'Unauthorized',
          code: 401,
        });
        return;
      }
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        spec: { token: string; audiences?: string[] };
      };
      const { token, audiences = [] } = review.spec;
      reviews.push({ authorization: req.headers.authorization, token, audiences });
      const known = options.tokens.get(token);
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reviews,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
