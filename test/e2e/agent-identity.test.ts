// Who may write, over real gRPC on loopback against the built CLI: node A's valid credentials (its
// client certificate, its TokenReview token) cannot store anything for node B; credentials renewed
// on disk are served without a restart while open streams go on; a TLS collector that would
// accept anyone refuses to start unless told so.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { runCli } from '../support/cli.js';
import { generateTestCerts, type KeyPair, type TestCerts } from '../support/certs.js';
import { eventually } from '../support/daemon.js';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import {
  flow,
  getJson,
  loopbackCollectorArgs,
  loopbackListenArgs,
  RawStream,
  startCollector,
  type Json,
  type RunningCollector,
} from '../support/ingest-stream.js';

const AGENT = 'system:serviceaccount:snatscope:snatscope-agent';
const AUDIENCE = 'snatscope-collector';

/** Opens a stream as `node` and says hello; resolves with the stream once the hello is acked. */
async function helloAcked(stream: RawStream, node: string, bootId: string): Promise<RawStream> {
  stream.send({ hello: { node, agentVersion: 't', bootId } });
  const [answer] = await stream.waitFor(1);
  assert.ok(answer?.ack, `hello as ${node} answered ${JSON.stringify(answer)}`);
  return stream;
}

/** Node A's credentials, hello as node B, a batch for B: refused, and nothing of B is stored. */
async function assertCannotSpeakFor(
  stream: RawStream,
  collector: RunningCollector,
  node: string,
): Promise<void> {
  stream.send({ hello: { node, agentVersion: 't', bootId: `as-${node}` } });
  stream.send({ batch: { sequence: 1, records: [flow(node, 1)] } });
  stream.send({ services: { sequence: 2, services: [] } });
  const status = await stream.status;
  assert.equal(status.code, grpc.status.PERMISSION_DENIED, status.details);
  assert.deepEqual(stream.received, [], 'no ack');
  const stored = await getJson(`${collector.httpUrl}/api/v1/flows?node=${node}`);
  assert.deepEqual(stored.flows, [], `nothing stored for ${node}`);
}

/** The serial number of the certificate the collector's gRPC port serves to a new connection. */
async function servedSerial(port: number, ca: string, client: KeyPair): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        host: '127.0.0.1',
        port,
        ca: readFileSync(ca),
        cert: readFileSync(client.cert),
        key: readFileSync(client.key),
        ALPNProtocols: ['h2'],
      },
      () => {
        resolve(socket.getPeerCertificate().serialNumber);
        socket.destroy();
      },
    );
    socket.once('error', reject);
  });
}

const serialOf = (path: string): string => new X509Certificate(readFileSync(path)).serialNumber;

describe('per-node identity with mutual TLS client certificates', () => {
  let dir: string;
  let certs: TestCerts;
  let collector: RunningCollector;
  let n1: KeyPair;
  let n2: KeyPair;
  const clients: grpc.Client[] = [];
  const client = (pair: KeyPair): grpc.Client => {
    const made = new grpc.Client(
      collector.grpcTarget,
      grpc.credentials.createSsl(
        readFileSync(certs.caCert),
        readFileSync(pair.key),
        readFileSync(pair.cert),
      ),
    );
    clients.push(made);
    return made;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-identity-'));
    certs = generateTestCerts();
    n1 = certs.issueClient('agent-n1', { cn: 'snatscope-agent', uris: ['urn:snatscope:node:n1'] });
    n2 = certs.issueClient('agent-n2', { cn: 'node:n2' });
    // The collector serves copies, so the test can renew them in place.
    copyFileSync(certs.serverCert, join(dir, 'tls.crt'));
    copyFileSync(certs.serverKey, join(dir, 'tls.key'));
    writeFileSync(join(dir, 'tokens'), 'shared-token\n');
    collector = await startCollector([
      ...loopbackListenArgs(join(dir, 'flows.db')),
      '--api-insecure-no-auth',
      '--tls-cert',
      join(dir, 'tls.crt'),
      '--tls-key',
      join(dir, 'tls.key'),
      '--tls-ca',
      certs.caCert,
      '--token-file',
      join(dir, 'tokens'),
      '--credentials-poll',
      '100ms',
    ]);
  });

  after(async () => {
    for (const made of clients) made.close();
    await collector.daemon.stop();
    certs.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("node n1's certificate (URI SAN) cannot store for n2, nor n2's (CN) for n1", async () => {
    await assertCannotSpeakFor(new RawStream(client(n1), 'shared-token'), collector, 'n2');
    await assertCannotSpeakFor(new RawStream(client(n2), 'shared-token'), collector, 'n1');
    const own = await helloAcked(new RawStream(client(n1), 'shared-token'), 'n1', 'own');
    own.send({ batch: { sequence: 1, records: [flow('n1', 1)] } });
    await own.waitFor(2);
    own.end();
    const stored = (await getJson(`${collector.httpUrl}/api/v1/flows?node=n1`)).flows as Json[];
    assert.equal(stored.length, 1, 'n1 stores as n1');
  });

  it('serves a renewed certificate and token file without a restart; open streams go on', async () => {
    const open = await helloAcked(new RawStream(client(n1), 'shared-token'), 'n1', 'rotation');
    const port = Number(collector.grpcTarget.split(':')[1]);
    assert.equal(await servedSerial(port, certs.caCert, n1), serialOf(certs.serverCert));

    // A renewal caught half-written (new certificate, old key) is not served.
    const renewed = certs.issueServer('server-renewed');
    copyFileSync(renewed.cert, join(dir, 'tls.crt'));
    await collector.daemon.waitForStderr(/unusable; keeping the previous ones/);
    assert.equal(await servedSerial(port, certs.caCert, n1), serialOf(certs.serverCert));
    copyFileSync(renewed.key, join(dir, 'tls.key'));
    writeFileSync(join(dir, 'tokens'), 'rotated-token\n');
    await eventually(
      async () =>
        (await servedSerial(port, certs.caCert, n1)) === serialOf(renewed.cert) ? true : undefined,
      'the renewed certificate to be served',
    );
    await eventually(async () => {
      const old = new RawStream(client(n1), 'shared-token');
      old.send({ hello: { node: 'n1', agentVersion: 't', bootId: 'old-token' } });
      const status = await old.status;
      return status.code === grpc.status.UNAUTHENTICATED ? true : undefined;
    }, 'the old token to be refused');
    const fresh = await helloAcked(new RawStream(client(n1), 'rotated-token'), 'n1', 'new-token');
    fresh.end();

    // The stream opened before the renewal still stores and acks.
    open.send({ batch: { sequence: 1, records: [flow('n1', 7)] } });
    const answers = await open.waitFor(2);
    assert.equal(answers[1]?.ack?.sequence, 1);
    open.end();
    assert.equal((await open.status).code, grpc.status.OK);
    const metrics = await (await fetch(`${collector.httpUrl}/metrics`)).text();
    assert.match(metrics, /^snatscope_credentials_reloads_total\{kind="tls",result="ok"\} 1$/m);
    assert.match(metrics, /^snatscope_credentials_reloads_total\{kind="tls",result="error"\} 1$/m);
    assert.match(metrics, /^snatscope_credentials_reloads_total\{kind="tokens",result="ok"\} 1$/m);
  });
});

describe('per-node identity with TokenReview (projected ServiceAccount tokens)', () => {
  let dir: string;
  let certs: TestCerts;
  let api: FakeKubeApi;
  let collector: RunningCollector;
  let client: grpc.Client;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-tokenreview-'));
    certs = generateTestCerts();
    // The collector's own ServiceAccount files, as a pod has them.
    writeFileSync(join(dir, 'token'), 'collector-token\n');
    copyFileSync(certs.caCert, join(dir, 'ca.crt'));
    api = await startFakeKubeApi({
      cert: readFileSync(certs.serverCert),
      key: readFileSync(certs.serverKey),
      callerToken: 'collector-token',
      tokens: new Map([
        ['token-n1', { user: AGENT, audience: AUDIENCE, node: 'n1' }],
        [
          'token-builder',
          { user: 'system:serviceaccount:ci:builder', audience: AUDIENCE, node: 'n1' },
        ],
        ['token-no-node', { user: AGENT, audience: AUDIENCE, node: null }],
      ]),
    });
    collector = await startCollector([
      ...loopbackCollectorArgs(join(dir, 'flows.db')),
      '--token-review',
      '--kube-api-server',
      api.url,
      '--kube-credentials-dir',
      dir,
    ]);
    client = new grpc.Client(collector.grpcTarget, grpc.credentials.createInsecure());
  });

  after(async () => {
    client.close();
    await collector.daemon.stop();
    await api.close();
    certs.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("node n1's token cannot store for n2; n1 stores as n1", async () => {
    await assertCannotSpeakFor(new RawStream(client, 'token-n1'), collector, 'n2');
    const own = await helloAcked(new RawStream(client, 'token-n1'), 'n1', 'own');
    own.send({ batch: { sequence: 1, records: [flow('n1', 1)] } });
    await own.waitFor(2);
    own.end();
    const stored = (await getJson(`${collector.httpUrl}/api/v1/flows?node=n1`)).flows as Json[];
    assert.equal(stored.length, 1);
    assert.deepEqual(
      new Set(api.reviews.map((r) => `${r.authorization ?? ''} ${r.audiences.join(',')}`)),
      new Set([`Bearer collector-token ${AUDIENCE}`]),
    );
    assert.equal(
      api.reviews.filter((r) => r.token === 'token-n1').length,
      1,
      'the second stream used the cached review',
    );
  });

  it('refuses an unknown token, another ServiceAccount and a token without a node claim', async () => {
    const cases: [string | undefined, grpc.status, RegExp][] = [
      [undefined, grpc.status.UNAUTHENTICATED, /missing "authorization: Bearer/],
      ['forged', grpc.status.UNAUTHENTICATED, /not authenticated \(\[invalid bearer token/],
      ['token-builder', grpc.status.PERMISSION_DENIED, /system:serviceaccount:ci:builder/],
      ['token-no-node', grpc.status.PERMISSION_DENIED, /names no node/],
    ];
    for (const [token, code, details] of cases) {
      const stream = new RawStream(client, token);
      stream.send({ hello: { node: 'n1', agentVersion: 't', bootId: `refused-${token}` } });
      stream.send({ batch: { sequence: 1, records: [flow('n1', 50)] } });
      const status = await stream.status;
      assert.equal(status.code, code, `${token}: ${status.details}`);
      assert.match(status.details, details);
    }
    const stored = (await getJson(`${collector.httpUrl}/api/v1/flows?node=n1`)).flows as Json[];
    assert.ok(!stored.some((f) => (f.client as { port: number }).port === 20050));
  });
});

describe('a TLS collector that would accept anyone', () => {
  it('refuses to start unless --allow-unauthenticated-agents says so', async () => {
    const certs = generateTestCerts();
    const dir = mkdtempSync(join(tmpdir(), 'snatscope-open-'));
    try {
      const args = [
        'collector',
        ...loopbackListenArgs(join(dir, 'flows.db')),
        '--api-insecure-no-auth',
        '--tls-cert',
        certs.serverCert,
        '--tls-key',
        certs.serverKey,
      ];
      const refused = runCli(args);
      assert.equal(refused.status, 2, refused.stderr);
      assert.match(refused.stderr, /would accept streams from anyone: give --tls-ca/);
      const allowed = await startCollector([...args.slice(1), '--allow-unauthenticated-agents']);
      // Server-only TLS through the reloading certificate provider (no CA provider at all).
      const client = new grpc.Client(
        allowed.grpcTarget,
        grpc.credentials.createSsl(readFileSync(certs.caCert)),
      );
      try {
        const stream = await helloAcked(new RawStream(client), 'n1', 'anyone');
        stream.end();
      } finally {
        client.close();
        await allowed.daemon.stop();
      }
    } finally {
      certs.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
