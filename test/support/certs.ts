// Throwaway PKI for TLS tests, made with the openssl CLI: a CA, a server certificate for loopback,
// a client certificate from the same CA, and one from a different CA that the server must refuse;
// more leaves on demand (a renewed server certificate, per-node client certificates).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Paths of the generated PEM files. */
export interface TestCerts {
  readonly dir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A CA the server does not trust, and a client certificate it signed. */
  readonly foreignCaCert: string;
  readonly foreignClientCert: string;
  readonly foreignClientKey: string;
  /** Issues another server certificate of the CA with the same names (a renewal). */
  issueServer(name: string): KeyPair;
  /** Issues another client certificate of the CA: subject CN `cn`, plus URI SANs `uris`. */
  issueClient(name: string, subject: { cn: string; uris?: readonly string[] }): KeyPair;
  /** Removes the directory. */
  cleanup(): void;
}

/** A certificate (PEM file) and its key. */
export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

// Distinct serials per certificate, even when several are issued within one millisecond.
let serial = Date.now();

// P-256 keys: fast to generate, and every TLS stack accepts them.
const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    ...KEY_ARGS,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

function makeLeaf(dir: string, name: string, ca: string, extensions: string[], cn = name): void {
  writeFileSync(join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
  openssl(dir, [
    'req',
    ...KEY_ARGS,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${cn}`,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-set_serial',
    String(++serial),
    '-days',
    '2',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  ]);
}

/** Generates the test PKI in a temp dir; `extraIps` are added to the server certificate's SANs. */
export function generateTestCerts(options: { extraIps?: readonly string[] } = {}): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'snatscope-certs-'));
  const san = [
    'IP:127.0.0.1',
    'DNS:localhost',
    ...(options.extraIps ?? []).map((ip) => `IP:${ip}`),
  ];
  const leaf = (usage: string): string[] => [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${usage}`,
  ];
  const serverExtensions = [...leaf('serverAuth'), `subjectAltName=${san.join(',')}`];
  makeCa(dir, 'ca');
  makeCa(dir, 'foreign-ca');
  makeLeaf(dir, 'server', 'ca', serverExtensions);
  makeLeaf(dir, 'client', 'ca', leaf('clientAuth'));
  makeLeaf(dir, 'foreign-client', 'foreign-ca', leaf('clientAuth'));
  const file = (name: string): string => join(dir, name);
  return {
    dir,
    caCert: file('ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
    foreignCaCert: file('foreign-ca.crt'),
    foreignClientCert: file('foreign-client.crt'),
    foreignClientKey: file('foreign-client.key'),
    issueServer: (name) => {
      makeLeaf(dir, name, 'ca', serverExtensions);
      return { cert: file(`${name}.crt`), key: file(`${name}.key`) };
    },
    issueClient: (name, subject) => {
      const uris = (subject.uris ?? []).map((uri) => `URI:${uri}`);
      const extensions = [
        ...leaf('clientAuth'),
        ...(uris.length > 0 ? [`subjectAltName=${uris.join(',')}`] : []),
      ];
      makeLeaf(dir, name, 'ca', extensions, subject.cn);
      return { cert: file(`${name}.crt`), key: file(`${name}.key`) };
    },
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
