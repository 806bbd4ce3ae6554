// Credentials re-read while running: the collector's when they change on disk (a good new version
// replaces the old one, an unusable one is logged and counted once while the old one stays in
// use), the agent's token on every reconnect; and the rule by which a client certificate names
// its node.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { certificateNode } from '../../collector/agent-identity.js';
import { reloadingServerTls, reloadingTokenFile } from '../../collector/credential-reload.js';
import { CollectorMetrics } from '../../collector/metrics.js';
import {
  CredentialsError,
  readAgentToken,
  rereadKeepingLastGood,
} from '../../common/credentials.js';
import { generateTestCerts, type TestCerts } from '../support/certs.js';

const log = pino({ level: 'silent' });

describe('reloading credential files', () => {
  let dir: string;
  let certs: TestCerts;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-reload-'));
    certs = generateTestCerts();
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
    certs.cleanup();
  });

  it('swaps in a changed token file, keeps the last good one when the new one is broken', async () => {
    const path = join(dir, 'tokens');
    writeFileSync(path, 'old-token n1\n');
    const metrics = new CollectorMetrics();
    const tokens = reloadingTokenFile(path, { intervalMs: 60_000, metrics, log });
    const seen: number[] = [];
    tokens.onChange((table) => seen.push(table.size));
    assert.equal(await tokens.check(), 'unchanged');

    writeFileSync(path, 'new-token n1\nother-token\n');
    assert.equal(await tokens.check(), 'reloaded');
    assert.equal(tokens.current.nodeFor('new-token'), 'n1');
    assert.equal(tokens.current.nodeFor('old-token'), undefined);
    assert.deepEqual(seen, [2]);

    writeFileSync(path, 'a b c\n');
    assert.equal(await tokens.check(), 'failed');
    assert.equal(await tokens.check(), 'unchanged', 'the same broken file is reported once');
    assert.equal(tokens.current.nodeFor('new-token'), 'n1', 'still the last good file');

    assert.match(
      await metrics.registry.metrics(),
      /^snatscope_credentials_unusable\{kind="tokens"\} 1$/m,
    );

    writeFileSync(path, 'newest-token\n');
    assert.equal(await tokens.check(), 'reloaded');
    const text = await metrics.registry.metrics();
    assert.match(text, /^snatscope_credentials_unusable\{kind="tokens"\} 0$/m);
    assert.match(text, /^snatscope_credentials_reloads_total\{kind="tokens",result="ok"\} 2$/m);
    assert.match(text, /^snatscope_credentials_reloads_total\{kind="tokens",result="error"\} 1$/m);
  });

  it('refuses unusable files at start-up, naming the file', () => {
    const watch = { intervalMs: 60_000, metrics: new CollectorMetrics(), log };
    assert.throws(
      () => reloadingTokenFile(join(dir, 'missing'), watch),
      (error: unknown) =>
        error instanceof CredentialsError &&
        /cannot read the tokens file .*missing/.test(error.message),
    );
    assert.throws(
      () => reloadingServerTls({ cert: certs.serverCert, key: certs.clientKey, ca: null }, watch),
      /the TLS key file .*client\.key is unusable: it does not match the certificate/,
    );
  });

  it('serves a renewed certificate, not a renewal caught half-written', async () => {
    const files = { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key'), ca: certs.caCert };
    copyFileSync(certs.serverCert, files.cert);
    copyFileSync(certs.serverKey, files.key);
    const metrics = new CollectorMetrics();
    const tls = reloadingServerTls(files, { intervalMs: 60_000, metrics, log });
    const first = tls.current.cert;
    const renewed = certs.issueServer('server-renewed');
    copyFileSync(renewed.cert, files.cert); // the key is not there yet
    assert.equal(await tls.check(), 'failed');
    assert.equal(tls.current.cert, first);
    copyFileSync(renewed.key, files.key);
    assert.equal(await tls.check(), 'reloaded');
    assert.notDeepEqual(tls.current.cert, first);
    assert.match(
      await metrics.registry.metrics(),
      /^snatscope_credentials_reloads_total\{kind="tls",result="error"\} 1$/m,
    );
  });
});

describe("the agent's token, re-read on every reconnect", () => {
  it('follows a rotated file and keeps the last good token while the file is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snatscope-agent-token-'));
    try {
      const path = join(dir, 'token');
      writeFileSync(path, 'first\n');
      const failures: unknown[] = [];
      const token = rereadKeepingLastGood(
        () => readAgentToken(path),
        (error) => failures.push(error),
      );
      assert.equal(token(), 'first');
      writeFileSync(path, 'rotated\n');
      assert.equal(token(), 'rotated');
      writeFileSync(path, '');
      assert.equal(token(), 'rotated');
      assert.match(String(failures[0]), /the token file .*token is empty/);
      rmSync(path);
      assert.throws(
        () =>
          rereadKeepingLastGood(
            () => readAgentToken(path),
            () => undefined,
          ),
        /cannot read the token file/,
        'unusable at start-up: the caller makes it a usage error',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the node a client certificate names', () => {
  // Only the two fields the rule reads; Node fills the rest from the real certificate.
  const peer = (cn: string | string[], san?: string): PeerCertificate =>
    ({ subject: { CN: cn }, subjectaltname: san }) as unknown as PeerCertificate;
  const cases: { name: string; cert: PeerCertificate; want: string | null | RegExp }[] = [
    { name: 'a node URI SAN', cert: peer('agent', 'URI:urn:snatscope:node:n1'), want: 'n1' },
    {
      name: 'the URI SAN wins over the CN',
      cert: peer('node:n2', 'DNS:agent.example, URI:urn:snatscope:node:n1'),
      want: 'n1',
    },
    { name: 'a node CN', cert: peer('node:n2'), want: 'n2' },
    { name: 'a shared agent certificate names no node', cert: peer('snatscope-agent'), want: null },
    { name: 'several CNs name no node', cert: peer(['node:n1', 'node:n2']), want: null },
    {
      name: 'two node URIs are refused',
      cert: peer('agent', 'URI:urn:snatscope:node:n1, URI:urn:snatscope:node:n2'),
      want: /names several nodes \(n1, n2\)/,
    },
  ];
  for (const { name, cert, want } of cases) {
    it(name, () => {
      const node = certificateNode(cert);
      if (want instanceof RegExp) {
        assert.ok(node !== null && typeof node === 'object');
        assert.equal(node.code, grpc.status.PERMISSION_DENIED);
        assert.match(node.details, want);
      } else {
        assert.equal(node, want);
      }
    });
  }
});
