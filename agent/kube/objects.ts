// Pure readers that trim Kubernetes API objects (list items and watch events' objects, as JSON) to
// the few fields the agent keeps: names and addresses. A Pod or Node as the API returns it carries
// managedFields, container specs, image lists and conditions; keeping those for every object of a
// large cluster would cost memory for nothing.
import { isIP } from 'node:net';

import { canonicalIp } from '../../common/cidr.js';

/** An object that cannot be read; `path` says where in its JSON. */
export class KubeObjectError extends Error {
  constructor(
    /** The resource it came from, e.g. "pods". */
    readonly resource: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${resource}: ${path}: ${reason}`);
    this.name = new.target.name;
  }
}

/** A namespaced object's name ("" namespace for cluster-scoped kinds such as Node). */
export interface KubeName {
  readonly namespace: string;
  readonly name: string;
}

/** What every object's metadata gives: its name and its resourceVersion. */
export interface ObjectMeta extends KubeName {
  readonly resourceVersion: string;
}

/** A Pod's name and the addresses that identify it (none for hostNetwork or finished pods). */
export interface PodAddresses extends KubeName {
  readonly ips: readonly string[];
}

/** A Node's name and its InternalIP and ExternalIP addresses. */
export interface NodeAddresses {
  readonly name: string;
  readonly ips: readonly string[];
}

/** One address of an EndpointSlice endpoint whose targetRef is a Pod. */
export interface PodEndpoint {
  readonly ip: string;
  readonly pod: KubeName;
}

/** The pod endpoints of one EndpointSlice. */
export interface SliceEndpoints extends KubeName {
  readonly endpoints: readonly PodEndpoint[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(resource: string, value: unknown, path: string): Json {
  if (!isObject(value)) throw new KubeObjectError(resource, path, 'not an object');
  return value;
}

function optionalObject(resource: string, value: unknown, path: string): Json | null {
  return value === undefined || value === null ? null : objectAt(resource, value, path);
}

function arrayAt(resource: string, value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KubeObjectError(resource, path, 'not an array');
  return value;
}

function stringAt(resource: string, value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new KubeObjectError(resource, path, 'not a string');
  return value;
}

/** The canonical form of an IP address, or null for anything else (a hostname, ""). */
function ipOrNull(value: unknown): string | null {
  return typeof value === 'string' && isIP(value) !== 0 ? canonicalIp(value) : null;
}

/** Reads `metadata.{namespace,name,resourceVersion}`; a name is required. */
export function readObjectMeta(resource: string, value: unknown): ObjectMeta {
  const object = objectAt(resource, value, '(object)');
  const metadata = objectAt(resource, object.metadata, 'metadata');
  const name = stringAt(resource, metadata.name, 'metadata.name');
  if (name === '') throw new KubeObjectError(resource, 'metadata.name', 'missing');
  return {
    namespace: stringAt(resource, metadata.namespace, 'metadata.namespace'),
    name,
    resourceVersion: stringAt(resource, metadata.resourceVersion, 'metadata.resourceVersion'),
  };
}

// A finished pod's IP goes back to the pool and may already belong to another pod.
const FINISHED_PHASES = new Set(['Succeeded', 'Failed']);

/**
 * A Pod's addresses: `status.podIPs` (or the older `status.podIP`). hostNetwork pods share the
 * node's addresses, so an address does not name them; they get none, as finished pods do.
 */
export function readPod(value: unknown): PodAddresses {
  const meta = readObjectMeta('pods', value);
  const object = value as Json;
  const spec = optionalObject('pods', object.spec, 'spec');
  const status = optionalObject('pods', object.status, 'status');
  const phase = stringAt('pods', status?.phase, 'status.phase');
  if (spec?.hostNetwork === true || FINISHED_PHASES.has(phase)) {
    return { namespace: meta.namespace, name: meta.name, ips: [] };
  }
  const ips = new Set<string>();
  arrayAt('pods', status?.podIPs, 'status.podIPs').forEach((entry, index) => {
    const ip = ipOrNull(objectAt('pods', entry, `status.podIPs[${index}]`).ip);
    if (ip !== null) ips.add(ip);
  });
  const single = ipOrNull(status?.podIP);
  if (single !== null) ips.add(single);
  return { namespace: meta.namespace, name: meta.name, ips: [...ips] };
}

// Hostname and InternalDNS/ExternalDNS entries are names, not addresses a packet comes from.
const NODE_ADDRESS_TYPES = new Set(['InternalIP', 'ExternalIP']);

/** A Node's InternalIP and ExternalIP addresses from `status.addresses`. */
export function readNode(value: unknown): NodeAddresses {
  const meta = readObjectMeta('nodes', value);
  const status = optionalObject('nodes', (value as Json).status, 'status');
  const ips = new Set<string>();
  arrayAt('nodes', status?.addresses, 'status.addresses').forEach((entry, index) => {
    const address = objectAt('nodes', entry, `status.addresses[${index}]`);
    if (typeof address.type !== 'string' || !NODE_ADDRESS_TYPES.has(address.type)) return;
    const ip = ipOrNull(address.address);
    if (ip !== null) ips.add(ip);
  });
  return { name: meta.name, ips: [...ips] };
}

/**
 * The endpoints of a discovery.k8s.io/v1 EndpointSlice that name a Pod (`targetRef.kind: Pod`),
 * one entry per address. FQDN slices and endpoints without a pod reference (the `kubernetes`
 * Service, hand-made slices) name nothing.
 */
export function readEndpointSlice(value: unknown): SliceEndpoints {
  const meta = readObjectMeta('endpointslices', value);
  const object = value as Json;
  const endpoints: PodEndpoint[] = [];
  if (object.addressType === 'FQDN') return { ...namesOf(meta), endpoints };
  arrayAt('endpointslices', object.endpoints, 'endpoints').forEach((raw, index) => {
    const where = `endpoints[${index}]`;
    const endpoint = objectAt('endpointslices', raw, where);
    const target = optionalObject('endpointslices', endpoint.targetRef, `${where}.targetRef`);
    if (target === null || target.kind !== 'Pod') return;
    const name = stringAt('endpointslices', target.name, `${where}.targetRef.name`);
    if (name === '') return;
    // The reference's namespace is the slice's when left out (same-namespace references).
    const namespace =
      stringAt('endpointslices', target.namespace, `${where}.targetRef.namespace`) ||
      meta.namespace;
    const pod: KubeName = { namespace, name };
    for (const address of arrayAt('endpointslices', endpoint.addresses, `${where}.addresses`)) {
      const ip = ipOrNull(address);
      if (ip !== null) endpoints.push({ ip, pod });
    }
  });
  return { ...namesOf(meta), endpoints };
}

function namesOf(meta: ObjectMeta): KubeName {
  return { namespace: meta.namespace, name: meta.name };
}
