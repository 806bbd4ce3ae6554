// A real ClickHouse server for tests: Debian's clickhouse-server started as root from a temporary
// config (own ports on 127.0.0.1, own data, tmp and log paths, own users.xml with a password user),
// stopped by its PID, its directory removed. Also the ClickHouseFlowStore factory the store
// contract suite takes, each call on a fresh database of the running server.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  openClickHouseStore,
  type ClickHouseFlowStore,
  type ClickHouseStoreOptions,
} from '../../collector/clickhouse-store.js';

/** A running test server. */
export interface ClickHouseTestServer {
  /** HTTP URL, e.g. http://127.0.0.1:38123 */
  url: string;
  username: string;
  password: string;
  /** A file holding the password (as an operator would give it to --clickhouse-password-file). */
  passwordFile: string;
  /** The server's data, config and log directory. */
  dir: string;
  child: ChildProcess;
  /** Store options for `database` on this server. */
  storeOptions(database: string): ClickHouseStoreOptions;
  /** A new store on a new, empty database (the contract suite's factory). */
  newStore(): Promise<ClickHouseFlowStore>;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
}

const USER = 'snatscope';

/** A free TCP port on 127.0.0.1 (asked from the kernel; a tiny race with other processes remains). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port from listen(0)');
  return address.port;
}

/** Ports and password of a server to start; a cluster's servers know each other's in advance. */
interface ServerPlan {
  httpPort: number;
  tcpPort: number;
  password: string;
}

async function planServer(
  password = `pw-${Math.random().toString(36).slice(2)}`,
): Promise<ServerPlan> {
  return { httpPort: await freePort(), tcpPort: await freePort(), password };
}

/**
 * `count` servers that each know all of them as the one-replica shards of cluster "snatscope"
 * (remote_servers), for Distributed tables; the same password user on every one.
 */
export async function startClickHouseCluster(count: number): Promise<ClickHouseTestServer[]> {
  const first = await planServer();
  const plans = [first];
  while (plans.length < count) plans.push(await planServer(first.password));
  const shards = plans
    .map(
      (plan) => `<shard><replica><host>127.0.0.1</host><port>${plan.tcpPort}</port>
        <user>${USER}</user><password>${plan.password}</password></replica></shard>`,
    )
    .join('\n      ');
  const remoteServers = `<remote_servers><snatscope>
      ${shards}
    </snatscope></remote_servers>`;
  const servers: ClickHouseTestServer[] = [];
  try {
    for (const plan of plans) servers.push(await startClickHouse(plan, remoteServers));
  } catch (error) {
    for (const server of servers) await server.stop();
    throw error;
  }
  return servers;
}

/** Starts a server; resolves once /ping answers and the password user can run a query. */
export async function startClickHouse(
  plan?: ServerPlan,
  remoteServers = '',
): Promise<ClickHouseTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'snatscope-clickhouse-'));
  const { httpPort, tcpPort, password } = plan ?? (await planServer());
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  writeFileSync(
    join(dir, 'users.xml'),
    `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users>
    <${USER}>
      <password>${password}</password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </${USER}>
  </users>
  <quotas><default></default></quotas>
</yandex>
`,
  );
  writeFileSync(
    join(dir, 'config.xml'),
    `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/server.log</log>
    <errorlog>${dir}/server.err.log</errorlog>
  </logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  ${remoteServers}
</yandex>
`,
  );
  const child = spawn('clickhouse-server', [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const killed = delay(15_000).then(() => child.kill('SIGKILL'));
      await Promise.race([exited, killed]);
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, password, child, () => stderr, dir);
  } catch (error) {
    await stop();
    throw error;
  }
  let databases = 0;
  const storeOptions = (database: string): ClickHouseStoreOptions => ({
    url,
    database,
    username: USER,
    passwordFile,
  });
  return {
    url,
    username: USER,
    password,
    passwordFile,
    dir,
    child,
    storeOptions,
    newStore: () => openClickHouseStore(storeOptions(`t${process.pid}_${++databases}`)),
    stop,
  };
}

/** Polls until the server answers a query as the password user (not only /ping: users load late). */
async function waitReady(
  url: string,
  password: string,
  child: ChildProcess,
  stderr: () => string,
  dir: string,
): Promise<void> {
  const started = Date.now();
  const auth = `Basic ${Buffer.from(`${USER}:${password}`).toString('base64')}`;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`clickhouse-server exited (${child.exitCode ?? child.signalCode}):
${stderr()}${readLog(join(dir, 'server.err.log'))}`);
    }
    try {
      const ping = await fetch(`${url}/ping`);
      if (ping.ok) {
        const query = await fetch(`${url}/?query=SELECT%201`, { headers: { Authorization: auth } });
        if (query.ok) return;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 60_000) {
      throw new Error(`clickhouse-server not ready after 60 s:
${readLog(join(dir, 'server.err.log'))}`);
    }
    await delay(100);
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(-4000);
  } catch {
    return '';
  }
}

// One server shared by a test file, started on first use: what the store contract suite needs,
// `describeStoreContract('clickhouse', newClickHouseStore)` with `after(stopSharedClickHouse)`.
let shared: Promise<ClickHouseTestServer> | null = null;

/** The file's shared server, started by the first call. */
export function sharedClickHouse(): Promise<ClickHouseTestServer> {
  shared ??= startClickHouse();
  return shared;
}

/** A store on a fresh database of the shared server (the contract suite's factory). */
export async function newClickHouseStore(): Promise<ClickHouseFlowStore> {
  return (await sharedClickHouse()).newStore();
}

/** Stops the shared server, if one was started. */
export async function stopSharedClickHouse(): Promise<void> {
  const server = shared;
  shared = null;
  if (server !== null) await (await server).stop();
}
