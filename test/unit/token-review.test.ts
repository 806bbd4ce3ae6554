// Agent tokens verified with Kubernetes TokenReviews: what an answer proves (recorded shapes), and
// the reviewer against a local HTTPS stand-in for the API server: its own credentials, the cache
// (TTL, bound, shared in-flight reviews) and an API that cannot answer.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { CollectorMetrics } from '../../collector/metrics.js';
import {
  parseTokenReview,
  TOKEN_REVIEW_DEFAULTS,
  TokenReviewer,
  TokenReviewError,
  tokenVerdict,
  type TokenReviewConfig,
} from '../../collector/token-review.js';
import { generateTestCerts, type TestCerts } from '../support/certs.js';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';

const AGENT = 'system:serviceaccount:snatscope:snatscope-agent';
const AUDIENCE = 'snatscope-collector';
const expected = { audience: AUDIENCE, agentUser: AGENT };

/** A review answer as kube-apiserver 1.30+ gives it for a pod's projected token. */
function answer(status: Record<string, unknown>): unknown {
  return {
    kind: 'TokenReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: { token: 'eyJhbGciOiJSUzI1NiIs...', audiences: [AUDIENCE] },
    status,
  };
}

const agentUser = (extra: Record<string, string[]>, username = AGENT): Record<string, unknown> => ({
  username,
  uid: '6f2b7c1e-61d4-4d0f-9d0c-0b3f2d5a9e11',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:snatscope', 'system:authenticated'],
  extra: {
    'authentication.kubernetes.io/credential-id': ['JTI=1c6a2d4e-9f0b-4d8e-8a57-3f5e0c2b7d90'],
    'authentication.kubernetes.io/pod-name': ['snatscope-agent-7xk2p'],
    'authentication.kubernetes.io/pod-uid': ['a3e5c7d9-1b2f-4a6c-8e0d-2f4b6d8a0c1e'],
    ...extra,
  },
});
const onNode = (node: string): Record<string, string[]> => ({
  'authentication.kubernetes.io/node-name': [node],
  'authentication.kubernetes.io/node-uid': ['0d1c9f4a-7b3e-4e52-b1a6-8c2f5d7e9a03'],
});

describe('what a TokenReview answer proves', () => {
  const cases: { name: string; body: unknown; want: RegExp | string }[] = [
    {
      name: 'an agent pod on node n1',
      body: answer({ authenticated: true, user: agentUser(onNode('n1')), audiences: [AUDIENCE] }),
      want: 'n1',
    },
    {
      name: 'an invalid token (authenticated omitted, user empty)',
      body: answer({
        user: {},
        error: '[invalid bearer token, square/go-jose: error in cryptographic primitive]',
      }),
      want: /not authenticated \(\[invalid bearer token/,
    },
    {
      name: 'another ServiceAccount of the cluster',
      body: answer({
        authenticated: true,
        user: agentUser(onNode('n1'), 'system:serviceaccount:default:builder'),
        audiences: [AUDIENCE],
      }),
      want: /belongs to "system:serviceaccount:default:builder"/,
    },
    {
      name: 'no node claim (Kubernetes before 1.30)',
      body: answer({ authenticated: true, user: agentUser({}), audiences: [AUDIENCE] }),
      want: /names no node/,
    },
    {
      name: 'an API server that does not check audiences',
      body: answer({ authenticated: true, user: agentUser(onNode('n1')) }),
      want: /not for the audience "snatscope-collector"/,
    },
  ];
  for (const { name, body, want } of cases) {
    it(name, () => {
      const verdict = tokenVerdict(parseTokenReview(body), expected);
      if (typeof want === 'string') assert.deepEqual(verdict, { node: want });
      else assert.match('refused' in verdict ? verdict.refused : '', want);
    });
  }

  it('refuses what is not a TokenReview answer, naming the field', () => {
    assert.throws(
      () => parseTokenReview({ kind: 'Status', status: 'Failure', code: 403 }),
      TokenReviewError,
    );
    assert.throws(
      () =>
        parseTokenReview(
          answer({
            authenticated: true,
            user: { extra: { 'authentication.kubernetes.io/node-name': 'n1' } },
          }),
        ),
      /extra\["authentication.kubernetes.io\/node-name"\] is not a list of strings/,
    );
  });
});

describe('TokenReviewer against a local API server', () => {
  let certs: TestCerts;
  let api: FakeKubeApi;
  let config: TokenReviewConfig;
  const log = pino({ level: 'silent' });

  before(async () => {
    certs = generateTestCerts();
    writeFileSync(join(certs.dir, 'token'), 'collector-token\n');
    api = await startFakeKubeApi({
      cert: readFileSync(certs.serverCert),
      key: readFileSync(certs.serverKey),
      callerToken: 'collector-token',
      tokens: new Map([
        ['t-n1', { user: AGENT, audience: AUDIENCE, node: 'n1' }],
        ['t-n2', { user: AGENT, audience: AUDIENCE, node: 'n2' }],
        ['t-n3', { user: AGENT, audience: AUDIENCE, node: 'n3' }],
        ['t-api', { user: AGENT, audience: 'https://kubernetes.default.svc', node: 'n1' }],
      ]),
    });
    config = {
      ...TOKEN_REVIEW_DEFAULTS,
      apiServer: api.url,
      tokenFile: join(certs.dir, 'token'),
      caFile: certs.caCert,
      audience: AUDIENCE,
      agentUser: AGENT,
    };
  });

  after(async () => {
    await api.close();
    certs.cleanup();
  });

  it('asks with its own token and the audience; caches the answer for the TTL', async () => {
    let now = 1_000_000;
    const metrics = new CollectorMetrics();
    const reviewer = new TokenReviewer(config, metrics, log, () => now);
    const before = api.reviews.length;
    assert.deepEqual(await reviewer.verify('t-n1'), { node: 'n1' });
    assert.deepEqual(await reviewer.verify('t-n1'), { node: 'n1' });
    const asked = api.reviews.slice(before);
    assert.deepEqual(asked, [
      { authorization: 'Bearer collector-token', token: 't-n1', audiences: [AUDIENCE] },
    ]);
    now += config.cacheTtlMs + 1;
    await reviewer.verify('t-n1');
    assert.equal(api.reviews.length - before, 2, 'asked again after the TTL');
    const text = await metrics.registry.metrics();
    assert.match(text, /^snatscope_token_reviews_total\{source="api",result="accepted"\} 2$/m);
    assert.match(text, /^snatscope_token_reviews_total\{source="cache",result="accepted"\} 1$/m);
  });

  it('refuses a token minted for another audience, and an unknown one', async () => {
    const reviewer = new TokenReviewer(config, new CollectorMetrics(), log);
    for (const token of ['t-api', 'forged']) {
      const verdict = await reviewer.verify(token);
      assert.ok('refused' in verdict && !verdict.authenticated, JSON.stringify(verdict));
      assert.match(verdict.refused, /invalid bearer token/);
    }
  });

  it('keeps at most cacheMaxEntries answers and shares a review in flight', async () => {
    const reviewer = new TokenReviewer(
      { ...config, cacheMaxEntries: 2 },
      new CollectorMetrics(),
      log,
    );
    const before = api.reviews.length;
    const together = await Promise.all([reviewer.verify('t-n1'), reviewer.verify('t-n1')]);
    assert.deepEqual(together, [{ node: 'n1' }, { node: 'n1' }]);
    assert.equal(api.reviews.length - before, 1, 'one review for two concurrent asks');
    await reviewer.verify('t-n2');
    await reviewer.verify('t-n3'); // evicts t-n1, the oldest
    await reviewer.verify('t-n3');
    await reviewer.verify('t-n1');
    assert.deepEqual(
      api.reviews.slice(before).map((r) => r.token),
      ['t-n1', 't-n2', 't-n3', 't-n1'],
    );
  });

  it('fails with TokenReviewError, not a verdict, when the API refuses the collector or is down', async () => {
    writeFileSync(join(certs.dir, 'wrong-token'), 'not-the-collector\n');
    const metrics = new CollectorMetrics();
    const refused = new TokenReviewer(
      { ...config, tokenFile: join(certs.dir, 'wrong-token') },
      metrics,
      log,
    );
    await assert.rejects(refused.verify('t-n1'), /HTTP 401: .*Unauthorized/);
    const down = new TokenReviewer({ ...config, apiServer: 'https://127.0.0.1:1' }, metrics, log);
    await assert.rejects(down.verify('t-n1'), (error: unknown) => {
      assert.ok(error instanceof TokenReviewError);
      assert.match(error.message, /TokenReview at https:\/\/127\.0\.0\.1:1\/apis\/.*ECONNREFUSED/);
      return true;
    });
    const noFiles = new TokenReviewer(
      { ...config, caFile: join(certs.dir, 'missing.crt') },
      metrics,
      log,
    );
    await assert.rejects(noFiles.verify('t-n1'), /cannot read the collector's own API credentials/);
    // Failures are not cached: the same token is asked again once the API answers.
    assert.deepEqual(await refused.verify('t-n2').catch(() => null), null);
    assert.match(
      await metrics.registry.metrics(),
      /^snatscope_token_reviews_total\{source="api",result="error"\} 4$/m,
    );
  });
});
