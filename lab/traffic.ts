// Demo traffic: every way a client outside the cluster can reach a Service of the lab (NodePort on
// each node, LoadBalancer IPs, external IPs, the external NAT load balancer), sent round after round
// through the lab's probe client, with counters a person can follow.
import type { Cluster, ServicePortSpec, TrafficPolicy } from './cluster.js';
import { findPod, findService, servicePortName } from './cluster.js';
import type { Lab, ProbeRequest, ProbeResult } from './lab.js';

/** One way into the cluster and what kube-proxy's rules make of it. */
export interface DemoProbe {
  /** e.g. "shop/api:http NodePort via n1". */
  readonly name: string;
  readonly request: ProbeRequest;
  /** `drop`: a Local-policy Service entered on a node without a local endpoint. */
  readonly expect: 'reply' | 'drop';
  readonly service: string;
  readonly policy: TrafficPolicy;
}

/** Counters of a running traffic driver. */
export interface TrafficStats {
  /** Rounds over the whole probe list completed. */
  readonly rounds: number;
  readonly sent: number;
  /** A pod answered a probe that should be answered. */
  readonly answered: number;
  /** Nobody answered a probe kube-proxy must drop (Local policy, no local endpoint). */
  readonly droppedAsExpected: number;
  /** Any other outcome: a reply to a probe that should be dropped, a timeout, a socket error. */
  readonly unexpected: number;
  /** The latest unexpected outcome, for the progress line; null when there was none. */
  readonly lastUnexpected: string | null;
}

/** A traffic driver started by startTraffic. */
export interface TrafficDriver {
  stats(): TrafficStats;
  /** Stops sending and resolves once every probe in flight has finished. */
  stop(): Promise<void>;
}

/** How startTraffic paces the probes. */
export interface TrafficOptions {
  /** Probes in flight at once; each is a short-lived process, so keep this small. Default 2. */
  readonly concurrency?: number;
  /** Pause between rounds. Default 1000 ms. */
  readonly pauseMs?: number;
  /** Answer timeout of probes that should be answered. Default 1500 ms. */
  readonly replyTimeoutMs?: number;
  /** How long to wait before counting a probe as dropped. Default 500 ms. */
  readonly dropTimeoutMs?: number;
}

function nodesWithEndpoint(cluster: Cluster, service: ServicePortSpec): Set<string> {
  return new Set(service.endpoints.map((pod) => findPod(cluster, pod).node));
}

/**
 * Every way in from the lab's clients: each Service's NodePort on every node (from c1), its
 * LoadBalancer and external IPs (from c2), and each listener of the external NAT load balancer
 * (from c1). Node-local and hairpin probes are left out on purpose: their SNAT (LocalOrigin,
 * Hairpin) would turn a Local Service's "preserved" verdict into "partial", which is not what the
 * demo sets out to show.
 */
export function demoProbes(cluster: Cluster): DemoProbe[] {
  const [nodePortClient, routedClient] = [
    cluster.clients[0],
    cluster.clients[1] ?? cluster.clients[0],
  ];
  if (nodePortClient === undefined || routedClient === undefined) {
    throw new Error('the cluster description has no client to send demo traffic from');
  }
  const probes: DemoProbe[] = [];
  for (const service of cluster.services) {
    const name = servicePortName(service);
    const local = nodesWithEndpoint(cluster, service);
    const policy = service.externalTrafficPolicy;
    const expectFor = (entryNode: string): 'reply' | 'drop' =>
      policy === 'Local' && !local.has(entryNode) ? 'drop' : 'reply';
    if (service.nodePort !== undefined) {
      for (const node of cluster.nodes) {
        probes.push({
          name: `${name} NodePort via ${node.name}`,
          request: {
            client: nodePortClient.name,
            ip: node.ip,
            port: service.nodePort,
            protocol: service.protocol,
          },
          expect: expectFor(node.name),
          service: name,
          policy,
        });
      }
    }
    for (const [kind, routedIps] of [
      ['LoadBalancer', service.loadBalancerIPs],
      ['externalIP', service.externalIPs],
    ] as const) {
      for (const routed of routedIps) {
        probes.push({
          name: `${name} ${kind} ${routed.ip} via ${routed.announcedBy}`,
          request: {
            client: routedClient.name,
            ip: routed.ip,
            port: service.port,
            protocol: service.protocol,
          },
          expect: expectFor(routed.announcedBy),
          service: name,
          policy,
        });
      }
    }
  }
  const balancer = cluster.natLoadBalancer;
  for (const forward of balancer.forwards) {
    const service = findService(cluster, forward.service);
    probes.push({
      name: `${forward.service} through the NAT load balancer ${balancer.internetIp}:${forward.port} to ${forward.node}`,
      request: {
        client: nodePortClient.name,
        ip: balancer.internetIp,
        port: forward.port,
        protocol: forward.protocol,
      },
      // The balancer only forwards to nodes that can answer, so these are always answered.
      expect: 'reply',
      service: forward.service,
      policy: service.externalTrafficPolicy,
    });
  }
  return probes;
}

function describeOutcome(probe: DemoProbe, result: ProbeResult): string {
  switch (result.outcome) {
    case 'reply':
      return `${probe.name}: answered by ${result.seenBy.pod} but kube-proxy should have dropped it`;
    case 'timeout':
      return `${probe.name}: no answer`;
    case 'rejected':
      return `${probe.name}: ${result.error}`;
  }
}

/**
 * Sends `probes` round after round through `lab` until stop() is called. A probe that fails to run
 * at all (e.g. the lab is being torn down) counts as unexpected; the driver never throws.
 */
export function startTraffic(
  lab: Pick<Lab, 'probe'>,
  probes: readonly DemoProbe[],
  options: TrafficOptions = {},
): TrafficDriver {
  const concurrency = options.concurrency ?? 2;
  const pauseMs = options.pauseMs ?? 1000;
  const replyTimeoutMs = options.replyTimeoutMs ?? 1500;
  const dropTimeoutMs = options.dropTimeoutMs ?? 500;
  const counters = {
    rounds: 0,
    sent: 0,
    answered: 0,
    droppedAsExpected: 0,
    unexpected: 0,
    lastUnexpected: null as string | null,
  };
  const halt = new AbortController();
  // A function, not a flag read in place: the loops re-check it after every await.
  const stopping = (): boolean => halt.signal.aborted;

  async function send(probe: DemoProbe): Promise<void> {
    counters.sent++;
    const timeoutMs = probe.expect === 'drop' ? dropTimeoutMs : replyTimeoutMs;
    let result: ProbeResult;
    try {
      result = await lab.probe({ ...probe.request, timeoutMs });
    } catch (error) {
      counters.unexpected++;
      counters.lastUnexpected = `${probe.name}: ${(error as Error).message.split('\n')[0] ?? ''}`;
      return;
    }
    if (probe.expect === 'reply' && result.outcome === 'reply') counters.answered++;
    else if (probe.expect === 'drop' && result.outcome === 'timeout') counters.droppedAsExpected++;
    else {
      counters.unexpected++;
      counters.lastUnexpected = describeOutcome(probe, result);
    }
  }

  async function round(): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!stopping()) {
        const probe = probes[next++];
        if (probe === undefined) return;
        await send(probe);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  const running = (async () => {
    while (!stopping()) {
      await round();
      if (stopping()) break;
      counters.rounds++;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          halt.signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, pauseMs);
        halt.signal.addEventListener('abort', done, { once: true });
      });
    }
  })();

  return {
    stats: () => ({ ...counters }),
    async stop(): Promise<void> {
      halt.abort();
      await running;
    },
  };
}
