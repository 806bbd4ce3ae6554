// The lab: a kube-proxy (iptables, nftables or IPVS mode) cluster built from network namespaces on
// the real kernel. IPVS mode loads kube-proxy's real ipsets and iptables rules, but this kernel has
// no IPVS: an nftables DNAT table stands in for its forwarding (lab/kube-proxy-ipvs-rules.ts).
//
//   "internet" 198.51.100.0/24 (br-inet)         LAN 203.0.113.0/24 (br-lan)
//   clients c1 .50, c2 .51 ── router rt .1 ─────── rt .1 ── nodes n1 .11, n2 .12, n3 .13
//                             NAT LB lb .10 ────── lb .5          └─ cni0 10.244.N.1/24 ── pods
//
// Both bridges live in the fabric namespace `<prefix>-fab`. The router (`<prefix>-rt`) sends each
// LoadBalancer IP and externalIP to the node that announces it, and every pod CIDR to its node.
// The NAT load balancer (`<prefix>-lb`) DNATs its listeners to a node's NodePort and masquerades.
// Nothing touches the root namespace: every interface is created inside a lab namespace.
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Cluster, Protocol } from './cluster.js';
import { findNode, findPod, findService, validateCluster } from './cluster.js';
import { renderNftables } from './kube-proxy-nft-rules.js';
import {
  renderIpsetRestore,
  renderIpvsIptablesRestore,
  renderIpvsStandIn,
} from './kube-proxy-ipvs-rules.js';
import { renderIptablesRestore } from './kube-proxy-rules.js';
import type { CommandOutput, NamespaceProcess } from './netns.js';
import {
  addAddress,
  addBridge,
  addNamespace,
  addRoute,
  addVethPair,
  attachToBridge,
  killPids,
  linkUp,
  listNamespaces,
  removeNamespaces,
  removeNamespacesSync,
  run,
  runInNamespace,
  setSysctls,
  spawnInNamespace,
} from './netns.js';

/** An IPv4 address and port. */
export interface SocketAddress {
  readonly ip: string;
  readonly port: number;
}

/** One probe: `client` (a client, node or pod name) opens a connection / sends a datagram to ip:port. */
export interface ProbeRequest {
  readonly client: string;
  readonly ip: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** How long to wait for the answer; default 1500 ms. */
  readonly timeoutMs?: number;
}

/** A pod answered. `observedSource` is the peer address its socket saw: the ground truth. */
export interface ProbeReply {
  readonly outcome: 'reply';
  /** The client socket's local address: the original source of the entry node's conntrack entry. */
  readonly clientAddress: SocketAddress;
  readonly seenBy: { readonly pod: string; readonly node: string };
  readonly observedSource: SocketAddress;
}

/** Nobody answered in time (e.g. Local policy on a node without a local endpoint drops it). */
export interface ProbeTimeout {
  readonly outcome: 'timeout';
  readonly clientAddress: SocketAddress;
}

/** The client got a socket error such as ECONNREFUSED (a REJECT or a closed port). */
export interface ProbeRejected {
  readonly outcome: 'rejected';
  readonly clientAddress: SocketAddress;
  readonly error: string;
}

/** What a probe observed. */
export type ProbeResult = ProbeReply | ProbeTimeout | ProbeRejected;

/** Which kube-proxy mode renders and loads the nodes' rules. */
export type ProxyMode = 'iptables' | 'nftables' | 'ipvs';

/** How createLab builds the lab. */
export interface LabOptions {
  /** Namespace name prefix; default `ss` + 4 random base36 characters. */
  readonly prefix?: string;
  /**
   * Leave the lab running when this process exits (the CLI's `up`): no exit hooks, pod servers
   * detached. Remove it later with destroyLabByPrefix.
   */
  readonly keepAlive?: boolean;
  /**
   * kube-proxy's mode on every node; default `iptables` (iptables-restore into `filter`/`nat`).
   * `nftables` loads table `ip kube-proxy` with `nft -f` and no iptables rules at all. `ipvs`
   * loads the IPVS mode's ipsets and iptables rules, and the nftables stand-in for IPVS itself.
   */
  readonly proxyMode?: ProxyMode;
}

/** A running lab. */
export interface Lab {
  readonly prefix: string;
  readonly cluster: Cluster;
  /** The kube-proxy mode whose rules the nodes carry. */
  readonly proxyMode: ProxyMode;
  /** Every namespace of the lab, fabric first. */
  readonly namespaces: readonly string[];
  /** The router: the LAN's gateway (`cluster.lanRouterIp`), where a collector can run. */
  readonly routerNamespace: string;
  /** `<prefix>-<node>`; throws for a name the cluster lacks (as do the two below). */
  nodeNamespace(node: string): string;
  /** `<prefix>-<client>`. */
  clientNamespace(client: string): string;
  /** `<prefix>-<node>-<pod>`. */
  podNamespace(pod: string): string;
  /** Runs `argv` inside one of this lab's namespaces; throws CommandError on failure. */
  exec(namespace: string, argv: readonly string[]): Promise<CommandOutput>;
  /** Sends one probe and reports what the client and the answering pod saw. */
  probe(request: ProbeRequest): Promise<ProbeResult>;
  /**
   * Re-renders and reloads kube-proxy's rules on `node` (from `cluster` if given) in the lab's
   * proxy mode; counters restart at 0.
   */
  reloadRules(node: string, cluster?: Cluster): Promise<void>;
  /** Kills the lab's processes and deletes its namespaces; idempotent. */
  destroy(): Promise<void>;
}

const prefixPattern = /^[a-z][a-z0-9]{1,7}$/;
const readyTimeoutMs = 15_000;

/** A fresh lab prefix: `ss` + 4 random base36 characters. */
export function newPrefix(): string {
  return (
    'ss' +
    randomInt(36 ** 4)
      .toString(36)
      .padStart(4, '0')
  );
}

function checkPrefix(prefix: string): void {
  if (!prefixPattern.test(prefix))
    throw new Error(`lab prefix "${prefix}" must match ${prefixPattern}`);
}

// When compiled into dist/lab/, the plain-JS helpers are still only in the source tree's lab/.
function labScript(name: string): string {
  for (const candidate of [`./${name}`, `../../lab/${name}`]) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`lab script ${name} not found near ${fileURLToPath(import.meta.url)}`);
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function intToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function splitCidr(cidr: string): { network: string; length: number } {
  const [network, length] = cidr.split('/');
  if (network === undefined || length === undefined) throw new Error(`bad CIDR "${cidr}"`);
  return { network, length: Number(length) };
}

// The node's cni0 address, which is also its pods' gateway: the first host of the pod CIDR.
function podGateway(podCidr: string): string {
  return intToIp(ipToInt(splitCidr(podCidr).network) + 1);
}

// Host-side veth names look like a CNI's (vethXXXXXXXX) and fit IFNAMSIZ.
function podVethName(pod: string): string {
  let hash = 2166136261;
  for (const char of pod) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return 'veth' + hash.toString(16).padStart(8, '0');
}

// Promise.all that waits for every task before throwing the first error, so a failed build is
// never torn down while its other commands still run against the namespaces being deleted.
async function settleAll(tasks: readonly Promise<unknown>[]): Promise<void> {
  for (const result of await Promise.allSettled(tasks)) {
    if (result.status === 'rejected') {
      const reason: unknown = result.reason;
      throw reason;
    }
  }
}

const liveLabs = new Set<LabInstance>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // 'exit' handlers cannot await, hence the synchronous teardown.
  process.on('exit', () => {
    for (const lab of liveLabs) lab.destroySync();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const lab of liveLabs) lab.destroySync();
      // Our listener is gone now: re-raising lets the default action or other handlers run.
      process.kill(process.pid, signal);
    });
  }
}

class LabInstance implements Lab {
  readonly namespaces: readonly string[];
  private readonly created: string[] = [];
  private readonly processes: NamespaceProcess[] = [];
  private destroying: Promise<void> | undefined;

  constructor(
    readonly prefix: string,
    readonly cluster: Cluster,
    alreadyBuilt: boolean,
    readonly proxyMode: ProxyMode,
  ) {
    this.namespaces = [
      this.fabricNamespace,
      this.routerNamespace,
      this.loadBalancerNamespace,
      ...cluster.clients.map((c) => this.clientNamespace(c.name)),
      ...cluster.nodes.map((n) => this.nodeNamespace(n.name)),
      ...cluster.pods.map((p) => this.podNamespace(p.name)),
    ];
    if (alreadyBuilt) this.created.push(...this.namespaces);
  }

  get fabricNamespace(): string {
    return `${this.prefix}-fab`;
  }

  get routerNamespace(): string {
    return `${this.prefix}-rt`;
  }

  get loadBalancerNamespace(): string {
    return `${this.prefix}-lb`;
  }

  nodeNamespace(node: string): string {
    return `${this.prefix}-${findNode(this.cluster, node).name}`;
  }

  clientNamespace(client: string): string {
    if (!this.cluster.clients.some((c) => c.name === client)) {
      throw new Error(`cluster has no client "${client}"`);
    }
    return `${this.prefix}-${client}`;
  }

  podNamespace(pod: string): string {
    const spec = findPod(this.cluster, pod);
    return `${this.prefix}-${spec.node}-${spec.name}`;
  }

  private namespaceOf(name: string): string {
    if (this.cluster.clients.some((c) => c.name === name)) return this.clientNamespace(name);
    if (this.cluster.nodes.some((n) => n.name === name)) return this.nodeNamespace(name);
    if (this.cluster.pods.some((p) => p.name === name)) return this.podNamespace(name);
    throw new Error(`"${name}" is not a client, node or pod of the lab`);
  }

  async exec(namespace: string, argv: readonly string[]): Promise<CommandOutput> {
    // Guards against a typo running a command in some other namespace.
    if (!this.namespaces.includes(namespace)) {
      throw new Error(`namespace "${namespace}" is not part of lab ${this.prefix}`);
    }
    return await runInNamespace(namespace, argv);
  }

  async probe(request: ProbeRequest): Promise<ProbeResult> {
    const namespace = this.namespaceOf(request.client);
    const argv = [
      process.execPath,
      labScript('probe-client.mjs'),
      ['--protocol', request.protocol],
      ['--ip', request.ip],
      ['--port', String(request.port)],
      ['--timeout-ms', String(request.timeoutMs ?? 1500)],
    ].flat();
    // The probe exits 1 on a socket error and 2 on timeout; both still print their JSON line.
    const { stdout, stderr } = await run(['ip', 'netns', 'exec', namespace, ...argv], {
      allowExitCodes: [0, 1, 2],
    });
    return parseProbeOutput(
      stdout,
      stderr,
      `probe from ${request.client} to ${request.ip}:${request.port}/${request.protocol}`,
    );
  }

  async reloadRules(node: string, cluster: Cluster = this.cluster): Promise<void> {
    const namespace = this.nodeNamespace(node);
    if (this.proxyMode === 'iptables') {
      await runInNamespace(namespace, ['iptables-restore'], {
        input: renderIptablesRestore(cluster, node),
      });
      return;
    }
    if (this.proxyMode === 'ipvs') {
      // Sets before the rules that match them; the stand-in's chains run after the rules' marks.
      await runInNamespace(namespace, ['ipset', 'restore'], {
        input: renderIpsetRestore(cluster, node),
      });
      await runInNamespace(namespace, ['iptables-restore'], {
        input: renderIpvsIptablesRestore(cluster, node),
      });
      await runInNamespace(namespace, ['nft', '-f', '-'], {
        input: renderIpvsStandIn(cluster, node),
      });
      return;
    }
    // One nft transaction: "add" makes the delete succeed on the first load, and the delete drops
    // every chain, set and element of the previous rules, so a reload is a full replacement that
    // packets never see half-done (kube-proxy flushes its chains and maps in one transaction).
    await runInNamespace(namespace, ['nft', '-f', '-'], {
      input:
        'add table ip kube-proxy\ndelete table ip kube-proxy\n' + renderNftables(cluster, node),
    });
  }

  destroy(): Promise<void> {
    this.destroying ??= (async () => {
      liveLabs.delete(this);
      await Promise.all(this.processes.map((p) => p.kill()));
      await removeNamespaces(this.created);
    })();
    return this.destroying;
  }

  /** The exit-hook variant of destroy(). */
  destroySync(): void {
    liveLabs.delete(this);
    killPids(this.processes.map((p) => p.pid));
    removeNamespacesSync(this.created);
  }

  /** Builds everything; on failure the caller destroys what was made. */
  async build(keepAlive: boolean): Promise<void> {
    const cluster = this.cluster;
    const fab = this.fabricNamespace;
    const rt = this.routerNamespace;
    const lb = this.loadBalancerNamespace;
    const lanSuffix = `/${cluster.lanPrefixLength}`;
    const internetSuffix = `/${cluster.internetPrefixLength}`;

    const forwarding = [rt, lb, ...cluster.nodes.map((n) => this.nodeNamespace(n.name))];
    await settleAll(
      this.namespaces.map(async (namespace) => {
        // Recorded before creation so a half-made namespace is still cleaned up.
        this.created.push(namespace);
        await addNamespace(namespace);
        // Asymmetric paths (LB IPs, NodePorts, pod CIDRs routed via nodes) must not be dropped
        // by reverse-path filtering; new interfaces inherit "default".
        await setSysctls(namespace, {
          'net.ipv4.conf.all.rp_filter': 0,
          'net.ipv4.conf.default.rp_filter': 0,
          ...(forwarding.includes(namespace) ? { 'net.ipv4.ip_forward': 1 } : {}),
        });
      }),
    );
    await settleAll([addBridge(fab, 'br-lan'), addBridge(fab, 'br-inet')]);

    const routedIps = cluster.services.flatMap((s) => [...s.loadBalancerIPs, ...s.externalIPs]);
    await settleAll([
      (async () => {
        await this.plug(rt, 'lan0', 'br-lan', 'l-rt', cluster.lanRouterIp + lanSuffix);
        await this.plug(rt, 'inet0', 'br-inet', 'i-rt', cluster.internetRouterIp + internetSuffix);
        // MetalLB-L2-like: each LB/external IP goes to the node that announces it.
        for (const routed of routedIps) {
          await addRoute(rt, `${routed.ip}/32`, findNode(cluster, routed.announcedBy).ip);
        }
        for (const node of cluster.nodes) await addRoute(rt, node.podCidr, node.ip);
      })(),
      (async () => {
        const balancer = cluster.natLoadBalancer;
        await this.plug(lb, 'inet0', 'br-inet', 'i-lb', balancer.internetIp + internetSuffix);
        await this.plug(lb, 'lan0', 'br-lan', 'l-lb', balancer.lanIp + lanSuffix);
        await runInNamespace(lb, ['iptables-restore'], { input: this.natLoadBalancerRules() });
      })(),
      ...cluster.clients.map(async (client) => {
        const namespace = this.clientNamespace(client.name);
        await this.plug(
          namespace,
          'eth0',
          'br-inet',
          `i-${client.name}`,
          client.ip + internetSuffix,
        );
        await addRoute(namespace, 'default', cluster.internetRouterIp);
      }),
      ...cluster.nodes.map((node) => this.buildNode(node.name)),
    ]);

    await settleAll(cluster.pods.map((pod) => this.startPodServer(pod.name, keepAlive)));
  }

  // Connects `namespace` to a fabric bridge through a veth pair and gives its end an address.
  private async plug(
    namespace: string,
    device: string,
    bridge: 'br-lan' | 'br-inet',
    fabricPort: string,
    address: string,
  ): Promise<void> {
    const fab = this.fabricNamespace;
    await addVethPair(fab, fabricPort, namespace, device);
    await attachToBridge(fab, fabricPort, bridge, { hairpin: false });
    await settleAll([linkUp(fab, fabricPort), linkUp(namespace, device)]);
    await addAddress(namespace, device, address);
  }

  private natLoadBalancerRules(): string {
    const balancer = this.cluster.natLoadBalancer;
    const lines = ['*nat'];
    for (const forward of balancer.forwards) {
      const node = findNode(this.cluster, forward.node);
      const nodePort = findService(this.cluster, forward.service).nodePort;
      lines.push(
        `-A PREROUTING -d ${balancer.internetIp}/32 -p ${forward.protocol} -m ${forward.protocol} --dport ${forward.port} -j DNAT --to-destination ${node.ip}:${nodePort}`,
      );
    }
    // Source NAT only what was load-balanced: this is where the client IP is lost.
    lines.push('-A POSTROUTING -o lan0 -m conntrack --ctstate DNAT -j MASQUERADE', 'COMMIT', '');
    return lines.join('\n');
  }

  private async buildNode(nodeName: string): Promise<void> {
    const cluster = this.cluster;
    const node = findNode(cluster, nodeName);
    const namespace = this.nodeNamespace(nodeName);
    await this.plug(
      namespace,
      'eth0',
      'br-lan',
      `l-${nodeName}`,
      `${node.ip}/${cluster.lanPrefixLength}`,
    );
    await addRoute(namespace, 'default', cluster.lanRouterIp);
    for (const other of cluster.nodes.filter((n) => n.name !== nodeName)) {
      await addRoute(namespace, other.podCidr, other.ip);
    }

    const gateway = podGateway(node.podCidr);
    const podPrefix = splitCidr(node.podCidr).length;
    await addBridge(namespace, 'cni0');
    await addAddress(namespace, 'cni0', `${gateway}/${podPrefix}`);
    await settleAll(
      cluster.pods
        .filter((pod) => pod.node === nodeName)
        .map(async (pod) => {
          const podNamespace = this.podNamespace(pod.name);
          const veth = podVethName(pod.name);
          await addVethPair(namespace, veth, podNamespace, 'eth0');
          await attachToBridge(namespace, veth, 'cni0', { hairpin: true });
          await settleAll([linkUp(namespace, veth), linkUp(podNamespace, 'eth0')]);
          await addAddress(podNamespace, 'eth0', `${pod.ip}/${podPrefix}`);
          await addRoute(podNamespace, 'default', gateway);
        }),
    );

    await this.reloadRules(nodeName);
    // Per-flow packet/byte counters and delta-time in conntrack output, as on many real nodes.
    await setSysctls(
      namespace,
      { 'net.netfilter.nf_conntrack_acct': 1, 'net.netfilter.nf_conntrack_timestamp': 1 },
      { ignoreMissing: true },
    );
  }

  private async startPodServer(podName: string, keepAlive: boolean): Promise<void> {
    const pod = findPod(this.cluster, podName);
    const ports = [
      ...new Set(
        this.cluster.services.filter((s) => s.endpoints.includes(podName)).map((s) => s.targetPort),
      ),
    ];
    if (ports.length === 0) return;
    const server = spawnInNamespace(
      this.podNamespace(podName),
      [
        process.execPath,
        labScript('pod-server.mjs'),
        ['--pod', pod.name, '--node', pod.node],
        ports.flatMap((port) => ['--port', String(port)]),
      ].flat(2),
      { detached: keepAlive },
    );
    this.processes.push(server);
    await server.waitForLine('ready', readyTimeoutMs);
    if (keepAlive) server.release();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function socketAddress(value: unknown, what: string): SocketAddress {
  if (isRecord(value) && typeof value.ip === 'string' && typeof value.port === 'number') {
    return { ip: value.ip, port: value.port };
  }
  throw new Error(`${what}: expected {ip, port}, got ${JSON.stringify(value)}`);
}

function parseProbeOutput(stdout: string, stderr: string, what: string): ProbeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new Error(`${what}: probe-client printed no JSON: ${stdout.trim()} ${stderr.trim()}`);
  }
  if (!isRecord(parsed)) throw new Error(`${what}: unexpected output ${stdout.trim()}`);
  const clientAddress = socketAddress(parsed.local, `${what}: local`);
  if (parsed.error === 'timeout') return { outcome: 'timeout', clientAddress };
  if (typeof parsed.error === 'string') {
    return { outcome: 'rejected', clientAddress, error: parsed.error };
  }
  const reply = parsed.reply;
  if (isRecord(reply) && typeof reply.pod === 'string' && typeof reply.node === 'string') {
    return {
      outcome: 'reply',
      clientAddress,
      seenBy: { pod: reply.pod, node: reply.node },
      observedSource: socketAddress(reply.peer, `${what}: peer`),
    };
  }
  throw new Error(`${what}: unexpected output ${stdout.trim()}`);
}

/**
 * Builds `cluster` in fresh namespaces, loads each node's kube-proxy rules, starts every pod's
 * server and returns once all of them listen. On failure it removes what it made and rethrows.
 */
export async function createLab(cluster: Cluster, options: LabOptions = {}): Promise<Lab> {
  validateCluster(cluster);
  const prefix = options.prefix ?? newPrefix();
  checkPrefix(prefix);
  const clash = (await listNamespaces()).find((name) => name.startsWith(`${prefix}-`));
  if (clash !== undefined)
    throw new Error(`namespace ${clash} already exists: prefix ${prefix} is taken`);

  const keepAlive = options.keepAlive ?? false;
  const lab = new LabInstance(prefix, cluster, false, options.proxyMode ?? 'iptables');
  if (!keepAlive) {
    installExitHooks();
    liveLabs.add(lab);
  }
  try {
    await lab.build(keepAlive);
  } catch (error) {
    await lab.destroy();
    throw error;
  }
  return lab;
}

/**
 * A Lab handle for a lab already running under `prefix` (e.g. made by the CLI's `up`); pass the
 * proxy mode it was built with if reloadRules will be called.
 */
export function attachLab(
  prefix: string,
  cluster: Cluster,
  options: Pick<LabOptions, 'proxyMode'> = {},
): Lab {
  checkPrefix(prefix);
  validateCluster(cluster);
  return new LabInstance(prefix, cluster, true, options.proxyMode ?? 'iptables');
}

/** Removes every namespace named `<prefix>-…` and the processes inside; returns the names removed. */
export async function destroyLabByPrefix(prefix: string): Promise<string[]> {
  checkPrefix(prefix);
  const names = (await listNamespaces()).filter((name) => name.startsWith(`${prefix}-`));
  await removeNamespaces(names);
  return names;
}
