// The agent's Kubernetes API reader: list+watch of Services, EndpointSlices, this node's Pods and
// Nodes, kept trimmed in memory. It gives the Services in the shape `--services FILE` gives them
// (names IPVS virtual servers, tells LoadBalancer from external IPs) and the names of backend pods
// and client nodes. Without API access it says so once and the agent works as it does without it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { KubeConfig } from '@kubernetes/client-node';

import {
  KubectlServicesParseError,
  readServiceObject,
  type KubeService,
} from '../sources/kubectl-services.js';
import { ClusterNameIndex, ObjectStore, type ClusterNames } from './cluster-names.js';
import {
  DEFAULT_TIMING,
  ListWatch,
  type ListWatchCounters,
  type ListWatchTiming,
  type ResourceSpec,
} from './list-watch.js';
import { KubeObjectError, readEndpointSlice, readNode, readPod } from './objects.js';
import { ClientNodeTransport, type KubeApiError, type KubeTransport } from './transport.js';

/** disabled: no API configured; syncing: before every first list; failing: a request fails. */
export type KubeApiState = 'disabled' | 'syncing' | 'synced' | 'failing';

/** The reader's state for health checks and logs. */
export interface KubeApiStatus {
  readonly state: KubeApiState;
  /** Why it is disabled, or the last error while failing; else null. */
  readonly detail: string | null;
}

/** The log calls the reader makes (a pino Logger fits). */
export interface KubeApiLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** What the reader lists and watches: the agent's ClusterRole grants list/watch on exactly these. */
export const KUBE_API_RESOURCES = Object.freeze({
  services: { group: '', path: '/api/v1/services' },
  endpointslices: { group: 'discovery.k8s.io', path: '/apis/discovery.k8s.io/v1/endpointslices' },
  pods: { group: '', path: '/api/v1/pods' },
  nodes: { group: '', path: '/api/v1/nodes' },
});

/** The service account files a pod gets (automountServiceAccountToken). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Options of fromEnvironment. */
export interface KubeApiEnvironment {
  /** This node's name: the Pods watched are the ones scheduled here. */
  readonly nodeName: string;
  /** A kubeconfig file (out of the cluster, tests); else the in-cluster service account. */
  readonly kubeconfig?: string | null;
  readonly log: KubeApiLog;
  /** Prefix of the service account directory (tests); "" in a pod. */
  readonly serviceAccountRoot?: string;
  readonly timing?: Partial<ListWatchTiming>;
}

function serviceObject(object: unknown): KubeService {
  try {
    return readServiceObject(object, 'services');
  } catch (error) {
    if (!(error instanceof KubectlServicesParseError)) throw error;
    throw new KubeObjectError('services', error.path || '(object)', error.reason);
  }
}

/** Reads names from the Kubernetes API; `start()` begins, `stop()` ends. */
export class KubeApiReader {
  private readonly index = new ClusterNameIndex();
  private readonly serviceStore = new ObjectStore<KubeService>();
  private readonly loops: ListWatch<unknown>[] = [];
  private readonly failing = new Set<string>();
  private controller: AbortController | null = null;
  private running: Promise<void>[] = [];
  private resolveSynced: (synced: boolean) => void = () => undefined;
  private readonly syncedPromise: Promise<boolean>;
  private serviceCache: { generation: number; services: KubeService[] } | null = null;
  private announcedDisabled = false;

  /**
   * `transport` null: disabled (`reason` says why). Use fromEnvironment in the agent; tests may
   * hand a transport to a fake API server.
   */
  constructor(
    private readonly transport: KubeTransport | null,
    private readonly options: {
      readonly nodeName: string;
      readonly log: KubeApiLog;
      readonly source: string;
      readonly reason?: string;
      readonly timing?: Partial<ListWatchTiming>;
    },
  ) {
    this.syncedPromise = new Promise((resolve) => {
      this.resolveSynced = resolve;
    });
    if (transport === null) return;
    const timing: ListWatchTiming = { ...DEFAULT_TIMING, ...options.timing };
    const add = <T>(spec: ResourceSpec<T>, store: ObjectStore<T>): void => {
      const loop: ListWatch<T> = new ListWatch(spec, store, transport, timing, {
        onSynced: () => {
          this.checkSynced();
        },
        onError: (error) => {
          this.loopFailed(loop.resource, error);
        },
        onRecovered: () => {
          this.loopRecovered(loop.resource);
        },
        onMalformed: (error) => {
          this.options.log.warn({ err: error }, 'Kubernetes API: object skipped');
        },
      });
      this.loops.push(loop);
    };
    const { services, endpointslices, pods, nodes } = KUBE_API_RESOURCES;
    add({ resource: 'services', path: services.path, read: serviceObject }, this.serviceStore);
    add(
      { resource: 'endpointslices', path: endpointslices.path, read: readEndpointSlice },
      this.index.slices,
    );
    // Only this node's pods: slices already name every Service backend in the cluster; the local
    // pods add those a slice does not name (hand-made slices without targetRef, a pod just removed
    // from its slice while its connections drain), at the cost of ~100 objects, not the cluster's.
    add(
      {
        resource: 'pods',
        path: pods.path,
        fieldSelector: `spec.nodeName=${options.nodeName}`,
        read: readPod,
      },
      this.index.pods,
    );
    add({ resource: 'nodes', path: nodes.path, read: readNode }, this.index.nodes);
  }

  /**
   * The reader the agent should use: a kubeconfig file when given, else the pod's service account
   * (KUBERNETES_SERVICE_HOST/PORT and the token and CA under SERVICE_ACCOUNT_DIR), else disabled.
   */
  static fromEnvironment(environment: KubeApiEnvironment): KubeApiReader {
    const { nodeName, log, timing } = environment;
    const root = environment.serviceAccountRoot ?? '';
    const config = new KubeConfig();
    let source: string;
    try {
      if (environment.kubeconfig) {
        config.loadFromFile(environment.kubeconfig);
        source = `kubeconfig ${environment.kubeconfig}`;
      } else {
        const token = join(root + SERVICE_ACCOUNT_DIR, 'token');
        const missing = !process.env.KUBERNETES_SERVICE_HOST
          ? 'KUBERNETES_SERVICE_HOST is not set'
          : !existsSync(token)
            ? `no service account token at ${token}`
            : null;
        if (missing !== null) {
          return new KubeApiReader(null, {
            nodeName,
            log,
            source: 'none',
            reason: `not in a cluster (${missing}) and no kubeconfig`,
          });
        }
        config.loadFromCluster(root);
        source = 'in-cluster service account';
      }
      const transport = new ClientNodeTransport(config);
      return new KubeApiReader(transport, {
        nodeName,
        log,
        source: `${source} (${transport.server})`,
        ...(timing ? { timing } : {}),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return new KubeApiReader(null, {
        nodeName,
        log,
        source: 'none',
        reason: `cannot load the API configuration: ${message}`,
      });
    }
  }

  /** Starts the list+watch loops (or logs once that there is no API access). */
  start(): void {
    if (this.transport === null) {
      if (!this.announcedDisabled) {
        this.announcedDisabled = true;
        this.options.log.info(
          { reason: this.options.reason },
          'Kubernetes API not used: no pod or node names; Services come from --services or the rules alone',
        );
      }
      this.resolveSynced(false);
      return;
    }
    if (this.controller !== null) return;
    this.controller = new AbortController();
    const signal = this.controller.signal;
    this.options.log.info(
      { source: this.options.source, node: this.options.nodeName },
      'Kubernetes API: list+watch of services, endpointslices, this node’s pods and nodes',
    );
    this.running = this.loops.map((loop) => loop.run(signal));
  }

  /** Stops every loop and waits for them to end. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await Promise.all(this.running);
    this.running = [];
    this.controller = null;
    this.resolveSynced(false);
  }

  /** Resolves true once every resource has been listed, false if that can no longer happen. */
  whenSynced(): Promise<boolean> {
    return this.syncedPromise;
  }

  status(): KubeApiStatus {
    if (this.transport === null) return { state: 'disabled', detail: this.options.reason ?? null };
    const failing = this.loops.find((loop) => loop.lastError !== null);
    if (failing) return { state: 'failing', detail: failing.lastError?.message ?? null };
    const synced = this.loops.every((loop) => loop.synced);
    return { state: synced ? 'synced' : 'syncing', detail: null };
  }

  /** Counters per resource (services, endpointslices, pods, nodes). */
  counters(): ReadonlyMap<string, Readonly<ListWatchCounters>> {
    return new Map(this.loops.map((loop) => [loop.resource, loop.counters]));
  }

  /** Objects kept per resource. */
  objectCounts(): ReadonlyMap<string, number> {
    return new Map([
      ['services', this.serviceStore.size],
      ['endpointslices', this.index.slices.size],
      ['pods', this.index.pods.size],
      ['nodes', this.index.nodes.size],
    ]);
  }

  /** Pod and node names by address, for the classifier (empty answers until synced). */
  names(): ClusterNames {
    return this.index;
  }

  /**
   * The cluster's Services, as parseKubectlServices reads them from `kubectl get svc -A -o json`;
   * null until the first list (and when disabled), so callers fall back to `--services`.
   */
  services(): KubeService[] | null {
    if (!this.loops.find((loop) => loop.resource === 'services')?.synced) return null;
    const generation = this.serviceStore.generation;
    if (this.serviceCache?.generation !== generation) {
      const services = [...this.serviceStore.values()].sort((a, b) =>
        a.namespace === b.namespace
          ? a.name.localeCompare(b.name)
          : a.namespace.localeCompare(b.namespace),
      );
      this.serviceCache = { generation, services };
    }
    return this.serviceCache.services;
  }

  /** Asks every loop to relist now (a periodic resync does the same). */
  resync(): void {
    for (const loop of this.loops) loop.resync();
  }

  private checkSynced(): void {
    if (this.loops.every((loop) => loop.synced)) {
      this.options.log.info(
        { objects: Object.fromEntries(this.objectCounts()) },
        'Kubernetes API: synced',
      );
      this.resolveSynced(true);
    }
  }

  // One warning when the reader starts failing, one note when it is healthy again: a missing
  // ClusterRole would otherwise log four lines per backoff step.
  private loopFailed(resource: string, error: KubeApiError): void {
    const first = this.failing.size === 0;
    this.failing.add(resource);
    if (!first) return;
    const denied = error.status === 401 || error.status === 403;
    this.options.log.warn(
      { resource, status: error.status, reason: error.reason, err: error.message },
      denied
        ? 'Kubernetes API: access denied; going on without pod and node names (the agent needs list/watch on services, endpointslices, pods and nodes: ClusterRole snatscope-agent)'
        : 'Kubernetes API: request failed; retrying with backoff',
    );
  }

  private loopRecovered(resource: string): void {
    if (!this.failing.delete(resource) || this.failing.size > 0) return;
    this.options.log.info({ resource }, 'Kubernetes API: requests succeed again');
  }
}
