// Pure parser for `kubectl get svc -A -o json` (a v1 List of Services, or one Service). IPVS
// virtual servers carry no Service names, so this is what names them: it maps (protocol, VIP,
// port) and NodePorts back to `ns/name:port`.
import { isIP } from 'node:net';

import { canonicalIp } from '../../common/cidr.js';

/** Service port protocols, lower-cased as the rest of snatscope writes them. */
export type KubeProtocol = 'tcp' | 'udp' | 'sctp';

/** One entry of `spec.ports`. */
export interface KubeServicePort {
  /** The port's name; "" for an unnamed single port (kube-proxy writes `ns/name:`). */
  name: string;
  protocol: KubeProtocol;
  port: number;
  nodePort: number | null;
  /** A number or a named container port; null when absent. */
  targetPort: number | string | null;
}

/** The fields of a Service that decide how kube-proxy exposes it. */
export interface KubeService {
  namespace: string;
  name: string;
  /** ClusterIP, NodePort, LoadBalancer or ExternalName. */
  type: string;
  /** `spec.clusterIPs` (or `spec.clusterIP`), without "None" (headless). */
  clusterIPs: string[];
  ports: KubeServicePort[];
  /** Null when unset (ClusterIP Services; the API server defaults it for the others). */
  externalTrafficPolicy: 'Cluster' | 'Local' | null;
  healthCheckNodePort: number | null;
  /** `status.loadBalancer.ingress[].ip` (hostname-only ingresses have none). */
  loadBalancerIPs: string[];
  externalIPs: string[];
  loadBalancerSourceRanges: string[];
}

/** A Service (or the document) that cannot be read; `path` says where in the JSON. */
export class KubectlServicesParseError extends Error {
  constructor(
    readonly source: string,
    /** JSON path such as `items[3].spec.ports[0].nodePort`, or "" for the whole document. */
    readonly path: string,
    readonly reason: string,
    /** The line in the file, known only for JSON syntax errors. */
    readonly lineNumber: number | null = null,
  ) {
    super(
      lineNumber !== null
        ? `${source}:${lineNumber}: ${reason}`
        : `${source}: ${path === '' ? '' : `${path}: `}${reason}`,
    );
    this.name = new.target.name;
  }
}

/** Services of a document and the items that could not be read (they are skipped). */
export interface KubectlServicesParseResult {
  services: KubeService[];
  errors: KubectlServicesParseError[];
}

class Invalid extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(reason);
  }
}

type JsonObject = Record<string, unknown>;

/** Parses `kubectl get svc -A -o json`; a malformed Service is skipped and reported. */
export function parseKubectlServices(text: string, source: string): KubectlServicesParseResult {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      services: [],
      errors: [
        new KubectlServicesParseError(
          source,
          '',
          `not JSON (${message})`,
          syntaxErrorLine(text, message),
        ),
      ],
    };
  }
  if (!isObject(document)) {
    return {
      services: [],
      errors: [new KubectlServicesParseError(source, '', 'not a JSON object')],
    };
  }
  const items: { value: unknown; path: string }[] = [];
  if (Array.isArray(document.items)) {
    document.items.forEach((value: unknown, index) =>
      items.push({ value, path: `items[${index}]` }),
    );
  } else if (document.kind === 'Service') {
    items.push({ value: document, path: '' });
  } else {
    return {
      services: [],
      errors: [
        new KubectlServicesParseError(source, '', 'neither a List with items nor a Service'),
      ],
    };
  }
  const services: KubeService[] = [];
  const errors: KubectlServicesParseError[] = [];
  for (const { value, path } of items) {
    try {
      // A List from `kubectl get all -o json` mixes kinds: only Services matter here.
      if (isObject(value) && typeof value.kind === 'string' && value.kind !== 'Service') continue;
      services.push(readService(value, path));
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      errors.push(new KubectlServicesParseError(source, error.path, error.message));
    }
  }
  return { services, errors };
}

/**
 * Reads one Service object as the API server returns it (a list item or a watch event's object):
 * the same fields `parseKubectlServices` takes from each item. Throws KubectlServicesParseError.
 */
export function readServiceObject(value: unknown, source: string): KubeService {
  try {
    return readService(value, '');
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    throw new KubectlServicesParseError(source, error.path, error.message);
  }
}

/** A Service port found by address, with its `ns/name:port` key. */
export interface KubeServicePortMatch {
  service: KubeService;
  port: KubeServicePort;
  /** `ns/name:port` as kube-proxy writes it. */
  key: string;
}

/** Lookups from what IPVS and conntrack show (protocol, address, port) to Service ports. */
export class KubeServiceIndex {
  private readonly byAddress = new Map<string, KubeServicePortMatch>();
  private readonly byNodePort = new Map<string, KubeServicePortMatch>();

  constructor(readonly services: readonly KubeService[]) {
    for (const service of services) {
      for (const port of service.ports) {
        const match: KubeServicePortMatch = {
          service,
          port,
          key: `${service.namespace}/${service.name}:${port.name}`,
        };
        const addresses = [
          ...service.clusterIPs,
          ...service.loadBalancerIPs,
          ...service.externalIPs,
        ];
        for (const ip of addresses) {
          this.byAddress.set(addressKey(port.protocol, ip, port.port), match);
        }
        if (port.nodePort !== null) this.byNodePort.set(`${port.protocol} ${port.nodePort}`, match);
      }
    }
  }

  /** The port served on a cluster, load-balancer or external IP. */
  byServiceAddress(protocol: string, ip: string, port: number): KubeServicePortMatch | null {
    return this.byAddress.get(addressKey(protocol, ip, port)) ?? null;
  }

  /** The port that owns a NodePort. */
  byNode(protocol: string, nodePort: number): KubeServicePortMatch | null {
    return this.byNodePort.get(`${protocol} ${nodePort}`) ?? null;
  }
}

function addressKey(protocol: string, ip: string, port: number): string {
  return `${protocol} ${canonicalIp(ip)} ${port}`;
}

/** Node 20 says "… in JSON at position N"; newer V8 adds "(line L column C)". */
function syntaxErrorLine(text: string, message: string): number | null {
  const line = /\(line (\d+) column \d+\)/.exec(message);
  if (line !== null) return Number(line[1]);
  const position = /at position (\d+)/.exec(message);
  if (position === null) return null;
  const offset = Number(position[1]);
  let count = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 0x0a) count++;
  return count;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: unknown, path: string, required: boolean): JsonObject | null {
  if (value === undefined || value === null) {
    if (required) throw new Invalid(path, 'missing');
    return null;
  }
  if (!isObject(value)) throw new Invalid(path, 'not an object');
  return value;
}

function stringAt(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new Invalid(path, 'not a string');
  return value;
}

function portAt(value: unknown, path: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Invalid(path, 'not a port number');
  }
  // The API server writes 0 for "none" in some old clients' output; it is not a port.
  return value === 0 ? null : value;
}

function addressesAt(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Invalid(path, 'not an array');
  return value.map((item: unknown, index) => addressAt(item, `${path}[${index}]`));
}

function addressAt(value: unknown, path: string): string {
  if (typeof value !== 'string' || isIP(value) === 0) throw new Invalid(path, 'not an IP address');
  return canonicalIp(value);
}

function readService(value: unknown, path: string): KubeService {
  const at = (suffix: string): string => (path === '' ? suffix : `${path}.${suffix}`);
  const item = objectAt(value, path === '' ? '(document)' : path, true) as JsonObject;
  const metadata = objectAt(item.metadata, at('metadata'), true) as JsonObject;
  const name = stringAt(metadata.name, at('metadata.name'));
  if (name === null || name === '') throw new Invalid(at('metadata.name'), 'missing');
  // Namespaced output always has it; a bare `-o json` of one Service from a file may not.
  const namespace = stringAt(metadata.namespace, at('metadata.namespace')) ?? 'default';
  const spec = objectAt(item.spec, at('spec'), true) as JsonObject;
  const type = stringAt(spec.type, at('spec.type')) ?? 'ClusterIP';

  const clusterIPs = new Set<string>();
  const rawClusterIPs: unknown[] = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  if (spec.clusterIPs !== undefined && !Array.isArray(spec.clusterIPs)) {
    throw new Invalid(at('spec.clusterIPs'), 'not an array');
  }
  for (const [index, ip] of [spec.clusterIP, ...rawClusterIPs].entries()) {
    const where = index === 0 ? at('spec.clusterIP') : at(`spec.clusterIPs[${index - 1}]`);
    // "None" is a headless Service: IPVS has no virtual server for it.
    if (ip === undefined || ip === null || ip === '' || ip === 'None') continue;
    clusterIPs.add(addressAt(ip, where));
  }

  const ports: KubeServicePort[] = [];
  if (spec.ports !== undefined && spec.ports !== null && !Array.isArray(spec.ports)) {
    throw new Invalid(at('spec.ports'), 'not an array');
  }
  const rawPorts: unknown[] = Array.isArray(spec.ports) ? spec.ports : [];
  rawPorts.forEach((raw, index) => {
    const where = at(`spec.ports[${index}]`);
    const port = objectAt(raw, where, true) as JsonObject;
    const protocol = (stringAt(port.protocol, `${where}.protocol`) ?? 'TCP').toLowerCase();
    if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp') {
      throw new Invalid(`${where}.protocol`, `unknown protocol "${protocol}"`);
    }
    const number = portAt(port.port, `${where}.port`);
    if (number === null) throw new Invalid(`${where}.port`, 'missing');
    const target = port.targetPort;
    if (
      target !== undefined &&
      target !== null &&
      typeof target !== 'number' &&
      typeof target !== 'string'
    ) {
      throw new Invalid(`${where}.targetPort`, 'neither a number nor a name');
    }
    ports.push({
      name: stringAt(port.name, `${where}.name`) ?? '',
      protocol,
      port: number,
      nodePort: portAt(port.nodePort, `${where}.nodePort`),
      targetPort: target ?? null,
    });
  });

  const policy = stringAt(spec.externalTrafficPolicy, at('spec.externalTrafficPolicy'));
  // "Global" is the pre-1.22 spelling of Cluster; both values are accepted by kube-proxy.
  const externalTrafficPolicy =
    policy === null || policy === ''
      ? null
      : policy === 'Local'
        ? 'Local'
        : policy === 'Cluster' || policy === 'Global'
          ? 'Cluster'
          : null;
  if (policy !== null && policy !== '' && externalTrafficPolicy === null) {
    throw new Invalid(at('spec.externalTrafficPolicy'), `unknown policy "${policy}"`);
  }

  const status = objectAt(item.status, at('status'), false);
  const loadBalancer = objectAt(status?.loadBalancer, at('status.loadBalancer'), false);
  const ingress: unknown = loadBalancer?.ingress;
  if (ingress !== undefined && ingress !== null && !Array.isArray(ingress)) {
    throw new Invalid(at('status.loadBalancer.ingress'), 'not an array');
  }
  const loadBalancerIPs: string[] = [];
  (Array.isArray(ingress) ? (ingress as unknown[]) : []).forEach((entry, index) => {
    const where = at(`status.loadBalancer.ingress[${index}]`);
    const object = objectAt(entry, where, true) as JsonObject;
    // Hostname-only ingresses (AWS ELB) have no IP that IPVS could serve.
    if (object.ip !== undefined && object.ip !== null) {
      loadBalancerIPs.push(addressAt(object.ip, `${where}.ip`));
    }
  });

  const ranges = spec.loadBalancerSourceRanges;
  if (ranges !== undefined && ranges !== null && !Array.isArray(ranges)) {
    throw new Invalid(at('spec.loadBalancerSourceRanges'), 'not an array');
  }
  const loadBalancerSourceRanges = (Array.isArray(ranges) ? (ranges as unknown[]) : []).map(
    (range, index) => {
      const text = stringAt(range, at(`spec.loadBalancerSourceRanges[${index}]`));
      if (text === null)
        throw new Invalid(at(`spec.loadBalancerSourceRanges[${index}]`), 'missing');
      return text.trim();
    },
  );

  return {
    namespace,
    name,
    type,
    clusterIPs: [...clusterIPs],
    ports,
    externalTrafficPolicy,
    healthCheckNodePort: portAt(spec.healthCheckNodePort, at('spec.healthCheckNodePort')),
    loadBalancerIPs,
    externalIPs: addressesAt(spec.externalIPs, at('spec.externalIPs')),
    loadBalancerSourceRanges,
  };
}
