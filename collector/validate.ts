// Checks what an agent sends before anything of it is stored: a malformed message is refused as a
// whole (INVALID_ARGUMENT with the first reason), so a half-stored batch never exists.
import { isIP } from 'node:net';
import { v1 } from '../proto/index.js';

/** Why a message was refused: a stable code for metrics and a sentence for the agent's log. */
export interface Invalid {
  code:
    | 'sequence'
    | 'node'
    | 'address'
    | 'port'
    | 'enum'
    | 'service'
    | 'protocol'
    | 'time'
    | 'rule'
    | 'pod';
  reason: string;
}

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);
const MAX_PORT = 65535;
// Kubernetes' own name rules (DNS-1123 label for namespaces and Service names, IANA service name or
// number for port names, DNS-1123 subdomain for node names): every one of these becomes a metric
// label or a stored dictionary entry, so nothing else is let through.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PORT_NAME = /^([a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?|\d{1,5})?$/;
const NODE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
// conntrack's TCP/SCTP/DCCP state names (or none for UDP).
const CONNTRACK_STATE = /^([A-Z][A-Z0-9_]{0,23})?$/;
// Pod names are DNS-1123 subdomains.
const POD_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
// A table or chain name (iptables allows 28 characters, nftables 256) and a rule's text: printable
// ASCII and spaces only, as iptables-save and nft print them; they are stored as dictionary names.
const RULE_NAME = /^[\x21-\x7e]{1,256}$/;
const RULE_TEXT = /^[\x20-\x7e]{1,4096}$/;
const MAX_BOOT_ID = 128;
const MAX_AGENT_VERSION = 64;
// Addresses a Service state may list (load balancer, external, cluster IPs; endpoints).
const MAX_STATE_ADDRESSES = 4096;

const invalid = (code: Invalid['code'], reason: string): Invalid => ({ code, reason });

function checkHostPort(
  value: v1.IHostPort | null | undefined,
  field: string,
  required: boolean,
): Invalid | null {
  if (!value) return required ? invalid('address', `${field} is missing`) : null;
  if (isIP(value.ip ?? '') === 0)
    return invalid('address', `${field}.ip "${value.ip ?? ''}" is not an IP address`);
  return checkPort(`${field}.port`, value.port ?? 0);
}

function checkPort(field: string, port: number): Invalid | null {
  return Number.isInteger(port) && port <= MAX_PORT
    ? null
    : invalid('port', `${field} ${port} is out of range`);
}

/** An enum value the proto does not define: it would become a label, a verdict or a stored code. */
function checkEnum(
  field: string,
  value: number | null | undefined,
  values: object,
): Invalid | null {
  return (value ?? 0) in values ? null : invalid('enum', `${field} ${value} is unknown`);
}

function checkService(service: v1.IServicePortName | null | undefined): Invalid | null {
  if (!service?.namespace || !service.name)
    return invalid('service', 'service namespace/name is missing');
  if (!DNS_LABEL.test(service.namespace))
    return invalid('service', `service namespace "${clip(service.namespace)}" is not a namespace`);
  if (!DNS_LABEL.test(service.name))
    return invalid('service', `service name "${clip(service.name)}" is not a Service name`);
  if (!PORT_NAME.test(service.port ?? ''))
    return invalid('service', `service port "${clip(service.port ?? '')}" is not a port name`);
  return null;
}

/** The names an agent adds from rules and the Kubernetes API: each is stored in a dictionary. */
function checkReferences(record: v1.IFlowRecord): Invalid | null {
  const rule = record.snatRule;
  if (rule) {
    for (const [field, value, form] of [
      ['table', rule.table, RULE_NAME],
      ['chain', rule.chain, RULE_NAME],
      ['rule', rule.rule, RULE_TEXT],
    ] as const) {
      if (!form.test(value ?? ''))
        return invalid('rule', `snatRule.${field} "${clip(value ?? '')}" is not printable text`);
    }
  }
  const pod = record.backendPod;
  if (pod && !(DNS_LABEL.test(pod.namespace ?? '') && POD_NAME.test(pod.name ?? '')))
    return invalid(
      'pod',
      `backendPod "${clip(`${pod.namespace ?? ''}/${pod.name ?? ''}`)}" is not a pod name`,
    );
  const clientNode = record.clientNode;
  if (clientNode != null && !NODE_NAME.test(clientNode))
    return invalid('node', `clientNode "${clip(clientNode)}" is not a node name`);
  return null;
}

/** The first problem of a hello: the node name, boot id and version become labels or keys. */
export function checkHello(hello: v1.IAgentHello): Invalid | null {
  const node = hello.node ?? '';
  const bootId = hello.bootId ?? '';
  if (node === '' || bootId === '')
    return invalid('protocol', 'hello needs a node name and a boot id');
  if (!NODE_NAME.test(node)) return invalid('node', `node name "${clip(node)}" is not a node name`);
  if (bootId.length > MAX_BOOT_ID || !/^[\x21-\x7e]+$/.test(bootId))
    return invalid(
      'protocol',
      `boot id "${clip(bootId)}" is not printable or longer than ${MAX_BOOT_ID}`,
    );
  if ((hello.agentVersion ?? '').length > MAX_AGENT_VERSION)
    return invalid('protocol', `agent version is longer than ${MAX_AGENT_VERSION}`);
  return checkEnum('proxyMode', hello.proxyMode, v1.ProxyMode);
}

/** At most 40 characters of a refused value, for the reason sent back and logged. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function checkProtocol(protocol: string | null | undefined): Invalid | null {
  return PROTOCOLS.has(protocol ?? '')
    ? null
    : invalid('protocol', `protocol "${protocol ?? ''}" is not one kube-proxy serves`);
}

/** The first problem of one flow record sent by `node`, or null when it is well formed. */
export function checkFlowRecord(record: v1.IFlowRecord, node: string): Invalid | null {
  const { Kind, EntryKind, Cause } = v1.FlowRecord;
  if (record.node !== node)
    return invalid('node', `record node "${record.node ?? ''}" is not the stream's node "${node}"`);
  const enums =
    checkEnum('kind', record.kind, Kind) ??
    checkEnum('cause', record.cause, Cause) ??
    checkEnum('entryKind', record.entryKind, EntryKind) ??
    checkEnum('proxyMode', record.proxyMode, v1.ProxyMode) ??
    checkEnum('externalTrafficPolicy', record.externalTrafficPolicy, v1.TrafficPolicy);
  if (enums) return enums;
  const kind = record.kind ?? Kind.flow;
  if (!CONNTRACK_STATE.test(record.state ?? ''))
    return invalid('protocol', `state "${clip(record.state ?? '')}" is not a conntrack state`);
  const observedAt = record.observedAt ?? 0;
  if (!Number.isFinite(observedAt) || observedAt <= 0)
    return invalid('time', `observedAt ${observedAt} is not a time`);
  const entrySide = kind === Kind.flow;
  if (record.closed === true) {
    // The end of a flow carries only its identity (the agent keeps no more per open flow).
    return (
      checkProtocol(record.protocol) ??
      checkHostPort(
        entrySide ? record.client : record.observedSource,
        entrySide ? 'client' : 'observedSource',
        true,
      ) ??
      checkHostPort(
        entrySide ? record.entry : record.backend,
        entrySide ? 'entry' : 'backend',
        true,
      ) ??
      checkReferences(record)
    );
  }
  return (
    checkProtocol(record.protocol) ??
    checkService(record.service) ??
    checkHostPort(record.client, 'client', entrySide) ??
    checkHostPort(record.entry, 'entry', entrySide) ??
    checkHostPort(record.backend, 'backend', true) ??
    checkHostPort(record.observedSource, 'observedSource', true) ??
    checkHostPort(record.socketObserved, 'socketObserved', false) ??
    checkReferences(record)
  );
}

/** The first problem of a service state sent by `node`, or null. */
export function checkServiceState(state: v1.IServiceState, node: string): Invalid | null {
  if (state.node !== node)
    return invalid(
      'node',
      `service state node "${state.node ?? ''}" is not the stream's node "${node}"`,
    );
  const addresses = [
    ...(state.loadBalancerIPs ?? []),
    ...(state.externalIPs ?? []),
    ...(state.clusterIPs ?? []),
    ...(state.endpoints ?? []).map((e) => e.ip ?? ''),
  ];
  if (addresses.length > MAX_STATE_ADDRESSES)
    return invalid('service', `${addresses.length} addresses (at most ${MAX_STATE_ADDRESSES})`);
  const bad = addresses.find((ip) => isIP(ip) === 0);
  if (bad !== undefined) return invalid('address', `"${clip(bad)}" is not an IP address`);
  for (const [field, port] of [
    ['nodePort', state.nodePort],
    ['healthCheckNodePort', state.healthCheckNodePort],
    ['port', state.port],
    ...(state.endpoints ?? []).map((e) => ['endpoint port', e.port] as const),
  ] as const) {
    const problem = port == null ? null : checkPort(field, port);
    if (problem) return problem;
  }
  return (
    checkProtocol(state.protocol) ??
    checkService(state.service) ??
    checkEnum('proxyMode', state.proxyMode, v1.ProxyMode) ??
    checkEnum('externalTrafficPolicy', state.externalTrafficPolicy, v1.TrafficPolicy) ??
    checkForwarding(state)
  );
}

/**
 * forwardsWithoutLocalEndpoints becomes a finding and a node list: it must describe a Local
 * Service that lists an endpoint known to be remote (what it forwards to), nothing else.
 */
function checkForwarding(state: v1.IServiceState): Invalid | null {
  if (state.forwardsWithoutLocalEndpoints !== true) return null;
  if (state.externalTrafficPolicy !== v1.TrafficPolicy.Local)
    return invalid('service', 'forwardsWithoutLocalEndpoints on a Service without Local policy');
  if (!(state.endpoints ?? []).some((endpoint) => endpoint.local === false))
    return invalid('service', 'forwardsWithoutLocalEndpoints with no remote endpoint listed');
  return null;
}

/**
 * The first problem of a batch or snapshot: its sequence must follow the agent's previous one
 * (replays after a reconnect repeat old numbers; those are duplicates, not errors).
 */
export function checkMessage(
  sequence: number,
  items: { records?: v1.IFlowRecord[]; services?: v1.IServiceState[] },
  node: string,
): Invalid | null {
  if (!Number.isSafeInteger(sequence) || sequence <= 0)
    return invalid('sequence', `sequence ${sequence} is not a positive integer`);
  for (const [index, record] of (items.records ?? []).entries()) {
    const problem = checkFlowRecord(record, node);
    if (problem) return { code: problem.code, reason: `record ${index}: ${problem.reason}` };
  }
  for (const [index, state] of (items.services ?? []).entries()) {
    const problem = checkServiceState(state, node);
    if (problem) return { code: problem.code, reason: `service ${index}: ${problem.reason}` };
  }
  return null;
}
