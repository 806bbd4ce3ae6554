// Makes a TCP service inside a lab namespace reachable on the host's loopback without touching the
// host's interfaces, addresses or routes:
//
//   host 127.0.0.1:PORT ──(this process)──► unix socket in a temp dir ──► relay inside the
//   namespace ──► TARGET_HOST:TARGET_PORT there
//
// Path-named unix sockets belong to the file system, not to a network namespace, which is what lets
// the two sides meet. Closing the forward and stopping the relay leaves nothing behind but the
// socket file, which lives in the caller's temp dir.
import { existsSync } from 'node:fs';
import net from 'node:net';
import { startNamespaceDaemon, type NamespaceDaemon } from './namespace-daemon.js';

// The relay: plain Node.js, no imports of ours, so `node -e` runs it anywhere. It prints "ready"
// once its unix socket listens. argv: socket path, target host, target port.
const relayScript = `
const net = require('node:net');
const [path, host, port] = process.argv.slice(1);
const server = net.createServer((inbound) => {
  const outbound = net.connect(Number(port), host);
  const close = () => { inbound.destroy(); outbound.destroy(); };
  for (const socket of [inbound, outbound]) { socket.on('error', close); socket.on('close', close); }
  inbound.pipe(outbound).pipe(inbound);
});
server.on('error', (error) => { console.error('relay: ' + error.message); process.exit(1); });
server.listen(path, () => console.log('relay ready ' + path + ' -> ' + host + ':' + port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** How startHostForward connects the host to a namespace. */
export interface HostForwardOptions {
  /** Loopback port on the host; 0 picks a free one. */
  readonly hostPort: number;
  readonly namespace: string;
  readonly targetHost: string;
  readonly targetPort: number;
  /** Unix socket path between the two halves (in a private temp dir). */
  readonly socketPath: string;
  /** Log file of the relay process. */
  readonly logFile: string;
}

/** A running forward. */
export interface HostForward {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** The relay process inside the namespace. */
  readonly relay: NamespaceDaemon;
  /** Closes the host listener and every open connection, then stops the relay. */
  close(graceMs: number): Promise<void>;
}

/** Thrown when the host port cannot be bound (most often: already in use). */
export class HostPortUnavailable extends Error {
  override readonly name = 'HostPortUnavailable';
}

function portUnavailable(port: number, error: NodeJS.ErrnoException): HostPortUnavailable {
  return new HostPortUnavailable(
    `cannot listen on 127.0.0.1:${port} (${error.code ?? error.message}); ` +
      'pick another port with --http-port',
  );
}

/**
 * Throws HostPortUnavailable unless 127.0.0.1:`port` can be bound right now: lets a caller fail
 * before building anything. (Another process may still take it before startHostForward.)
 */
export async function checkHostPort(port: number): Promise<void> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(portUnavailable(port, error));
    });
    probe.listen(port, '127.0.0.1', () => {
      probe.close(() => {
        resolve();
      });
    });
  });
}

async function waitForFile(path: string, relay: NamespaceDaemon, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    const status = relay.exitStatus();
    if (status !== null) {
      throw new Error(`the relay in the lab exited (${status}):\n${relay.logTail()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the relay did not create ${path} within ${timeoutMs} ms:\n${relay.logTail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Listens on 127.0.0.1:`hostPort` and relays every connection to `targetHost:targetPort` inside
 * `namespace`. On failure nothing it started is left running.
 */
export async function startHostForward(options: HostForwardOptions): Promise<HostForward> {
  const relay = startNamespaceDaemon(
    'http relay',
    options.namespace,
    [
      process.execPath,
      '-e',
      relayScript,
      options.socketPath,
      options.targetHost,
      String(options.targetPort),
    ],
    options.logFile,
  );
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(options.socketPath);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', close);
      socket.on('close', () => {
        sockets.delete(socket);
        close();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  try {
    await waitForFile(options.socketPath, relay, 10_000);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      // Stays registered after listening, so a later server error is not an uncaught exception.
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(portUnavailable(options.hostPort, error));
      });
      server.listen(options.hostPort, '127.0.0.1');
    });
  } catch (error) {
    if (server.listening) server.close();
    await relay.stop(2000);
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.hostPort;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    relay,
    close(graceMs: number): Promise<void> {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        });
        for (const socket of sockets) socket.destroy();
        await closed;
        await relay.stop(graceMs);
      })();
      return closing;
    },
  };
}
