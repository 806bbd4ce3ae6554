// Lookups from an address to the Pod or Node that owns it, built from trimmed API objects (no
// I/O). The classifier asks once per record, so each answer is one Map lookup; the maps are rebuilt
// only when the objects changed since the last question.
import type { v1 } from '../../proto/index.js';
import type { KubeName, NodeAddresses, PodAddresses, SliceEndpoints } from './objects.js';

/** What the classifier may ask about addresses; null when unknown or ambiguous, never a guess. */
export interface ClusterNames {
  /** The Pod that has this address (not hostNetwork pods: they share the node's). */
  podByIp(ip: string): v1.IObjectRef | null;
  /** The Node that has this address as its InternalIP or ExternalIP. */
  nodeByIp(ip: string): string | null;
}

/** Objects of one resource by `namespace/name`, with a generation that changes on every write. */
export class ObjectStore<T> {
  private readonly objects = new Map<string, T>();
  private changes = 0;

  /** Replaces everything (after a list). */
  replace(entries: Iterable<readonly [string, T]>): void {
    this.objects.clear();
    for (const [key, value] of entries) this.objects.set(key, value);
    this.changes++;
  }

  set(key: string, value: T): void {
    this.objects.set(key, value);
    this.changes++;
  }

  delete(key: string): void {
    if (this.objects.delete(key)) this.changes++;
  }

  values(): IterableIterator<T> {
    return this.objects.values();
  }

  get size(): number {
    return this.objects.size;
  }

  /** Grows with every change: readers compare it to know when to rebuild. */
  get generation(): number {
    return this.changes;
  }
}

// Marks an address claimed by two different owners (a stale slice next to a new pod, two
// hostNetwork endpoints on one node): the answer is "unknown", not the first one seen.
const AMBIGUOUS = Symbol('ambiguous');
type Owner<T> = T | typeof AMBIGUOUS;

function claim<T>(map: Map<string, Owner<T>>, ip: string, owner: T, same: (a: T) => boolean): void {
  const previous = map.get(ip);
  if (previous === undefined) map.set(ip, owner);
  else if (previous !== AMBIGUOUS && !same(previous)) map.set(ip, AMBIGUOUS);
}

function answer<T>(owner: Owner<T> | undefined): T | null {
  return owner === undefined || owner === AMBIGUOUS ? null : owner;
}

/**
 * The names the agent learns from the API: EndpointSlices (every Service backend in the cluster,
 * by targetRef), this node's Pods (backends a slice does not name) and Nodes.
 */
export class ClusterNameIndex implements ClusterNames {
  readonly slices = new ObjectStore<SliceEndpoints>();
  readonly pods = new ObjectStore<PodAddresses>();
  readonly nodes = new ObjectStore<NodeAddresses>();
  private podIps = new Map<string, Owner<v1.IObjectRef>>();
  private nodeIps = new Map<string, Owner<string>>();
  private podGeneration = -1;
  private nodeGeneration = -1;

  podByIp(ip: string): v1.IObjectRef | null {
    const generation = this.slices.generation + this.pods.generation;
    if (generation !== this.podGeneration) {
      this.podIps = this.buildPodIps();
      this.podGeneration = generation;
    }
    return answer(this.podIps.get(ip));
  }

  nodeByIp(ip: string): string | null {
    if (this.nodes.generation !== this.nodeGeneration) {
      const map = new Map<string, Owner<string>>();
      for (const node of this.nodes.values()) {
        for (const address of node.ips) claim(map, address, node.name, (n) => n === node.name);
      }
      this.nodeIps = map;
      this.nodeGeneration = this.nodes.generation;
    }
    return answer(this.nodeIps.get(ip));
  }

  private buildPodIps(): Map<string, Owner<v1.IObjectRef>> {
    const map = new Map<string, Owner<v1.IObjectRef>>();
    // One shared object per pod: records that name it point at the same ref.
    const refs = new Map<string, v1.IObjectRef>();
    const refOf = (pod: KubeName): v1.IObjectRef => {
      const key = `${pod.namespace}/${pod.name}`;
      let ref = refs.get(key);
      if (ref === undefined) {
        ref = Object.freeze({ namespace: pod.namespace, name: pod.name });
        refs.set(key, ref);
      }
      return ref;
    };
    const add = (ip: string, pod: KubeName): void => {
      const ref = refOf(pod);
      claim(map, ip, ref, (r) => r === ref);
    };
    for (const slice of this.slices.values()) {
      for (const endpoint of slice.endpoints) add(endpoint.ip, endpoint.pod);
    }
    for (const pod of this.pods.values()) {
      for (const ip of pod.ips) add(ip, pod);
    }
    return map;
  }
}
