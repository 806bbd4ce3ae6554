// The deployment packages: every object of deploy/kustomize/base (and of the Helm chart, when a helm
// binary is at hand) parses, passes the Kubernetes OpenAPI schema of its kind, and keeps the
// security settings the agent and the collector were designed for. The flags they pass must be
// flags the CLI really has.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { parse, parseAllDocuments } from 'yaml';
import { KUBE_API_RESOURCES } from '../../agent/kube/reader.js';
import { agentCommand } from '../../cli/agent.js';
import { collectorCommand } from '../../cli/collector.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BASE = join(ROOT, 'deploy/kustomize/base');
const CHART = join(ROOT, 'deploy/helm/snatscope');

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment,
   @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   parsed YAML is walked freely here and every value read is asserted on; a wrong shape fails the
   test either way (schema validation runs first). */
/** A Kubernetes object as parsed from YAML; the fields are checked, not trusted. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Obj = Record<string, any>;

const key = (o: Obj): string => `${String(o.kind)}/${String(o.metadata?.name)}`;

/** Schema-checked kinds: kubernetes-models validates against the OpenAPI schema of its release. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/Deployment': Deployment,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

/** Prometheus Operator kinds: no schema package here, so their required fields by hand. */
const CRD_CHECKS: Record<string, (o: Obj) => void> = {
  'monitoring.coreos.com/v1/ServiceMonitor': (o) => {
    assert.ok(Object.keys(o.spec?.selector?.matchLabels ?? {}).length > 0, 'spec.selector');
    assert.ok(Array.isArray(o.spec.endpoints) && o.spec.endpoints.length > 0, 'spec.endpoints');
    for (const endpoint of o.spec.endpoints) assert.equal(typeof endpoint.port, 'string');
  },
  'monitoring.coreos.com/v1/PodMonitor': (o) => {
    assert.ok(Object.keys(o.spec?.selector?.matchLabels ?? {}).length > 0, 'spec.selector');
    assert.ok(Array.isArray(o.spec.podMetricsEndpoints) && o.spec.podMetricsEndpoints.length > 0);
    for (const endpoint of o.spec.podMetricsEndpoints) assert.equal(typeof endpoint.port, 'string');
  },
  'monitoring.coreos.com/v1/PrometheusRule': (o) => {
    const groups = o.spec?.groups as Obj[] | undefined;
    assert.ok(Array.isArray(groups) && groups.length > 0, 'spec.groups');
    for (const group of groups) {
      assert.equal(typeof group.name, 'string', 'group name');
      assert.ok(Array.isArray(group.rules) && group.rules.length > 0, `${group.name}: rules`);
      for (const rule of group.rules as Obj[]) {
        assert.ok(['string', 'number'].includes(typeof rule.expr), `${group.name}: expr`);
        assert.ok(
          (typeof rule.record === 'string') !== (typeof rule.alert === 'string'),
          `${group.name}: a rule is a record or an alert`,
        );
      }
    }
  },
};

function validateObject(o: Obj): void {
  const kind = `${String(o.apiVersion)}/${String(o.kind)}`;
  assert.equal(typeof o.metadata?.name, 'string', `${kind}: metadata.name`);
  const Model = MODELS[kind];
  const crd = CRD_CHECKS[kind];
  assert.ok(Model ?? crd, `${key(o)}: no schema for ${kind}; add it to MODELS or CRD_CHECKS`);
  if (Model) new Model(o as never).validate();
  else crd?.(o);
}

/** YAML 1.1, as kubectl, kustomize and Helm read it: `defaultMode: 0400` is octal 256 there. */
function parseYamlDocuments(text: string, source: string): Obj[] {
  return parseAllDocuments(text, { version: '1.1' })
    .map((document) => {
      assert.deepEqual(document.errors, [], `${source}: YAML errors`);
      return document.toJS() as Obj | null;
    })
    .filter((o): o is Obj => o !== null);
}

/** The base as kustomize builds it: its resources plus the generated ConfigMaps. */
function kustomizeObjects(): Obj[] {
  const kustomization = parse(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8'), {
    version: '1.1',
  }) as Obj;
  const objects: Obj[] = [];
  for (const file of kustomization.resources as string[]) {
    objects.push(...parseYamlDocuments(readFileSync(join(BASE, file), 'utf8'), file));
  }
  const generatorLabels = (kustomization.generatorOptions?.labels ?? {}) as Obj;
  for (const generator of (kustomization.configMapGenerator ?? []) as Obj[]) {
    const data: Record<string, string> = {};
    for (const entry of generator.files as string[]) {
      const [name, path] = entry.includes('=') ? entry.split('=', 2) : [basename(entry), entry];
      data[name ?? ''] = readFileSync(join(BASE, path ?? ''), 'utf8');
    }
    const labels = { ...generatorLabels, ...(generator.options?.labels ?? {}) } as Obj;
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: generator.name,
        ...(generator.namespace ? { namespace: generator.namespace } : {}),
        ...(Object.keys(labels).length > 0 ? { labels } : {}),
      },
      data,
    });
  }
  return objects;
}

/** A binary from $NAME or PATH, or null. */
function findBinary(name: string): string | null {
  const given = process.env[name.toUpperCase()];
  if (given) return given;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

function byKey(objects: Obj[]): Map<string, Obj> {
  const map = new Map<string, Obj>();
  for (const o of objects) {
    assert.ok(!map.has(key(o)), `${key(o)} appears twice`);
    map.set(key(o), o);
  }
  return map;
}

function one(objects: Map<string, Obj>, name: string): Obj {
  const o = objects.get(name);
  assert.ok(o, `${name} is missing`);
  return o;
}

/** Value after `flag` in an args list. */
function argValue(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at === -1 ? undefined : args[at + 1];
}

/** Every `--flag` of a container's args must be a flag of that subcommand. */
function assertKnownFlags(args: string[], longFlags: readonly (string | undefined)[]): void {
  for (const arg of args.filter((a) => a.startsWith('--'))) {
    assert.ok(longFlags.includes(arg), `${arg} is not a flag of snatscope ${String(args[0])}`);
  }
}

/** Each file path the container's args name lies in a read-only mount of a Secret volume. */
function assertSecretFilesMounted(pod: Obj, container: Obj, flags: string[]): string[] {
  const args = container.args as string[];
  const secrets: string[] = [];
  for (const flag of flags) {
    const path = argValue(args, flag);
    assert.ok(path, `${container.name}: ${flag} missing`);
    const mount = (container.volumeMounts as Obj[]).find((m) =>
      path.startsWith(`${String(m.mountPath)}/`),
    );
    assert.ok(mount, `${container.name}: ${flag} ${path} is in no volume mount`);
    assert.equal(mount.readOnly, true, `${container.name}: ${String(mount.name)} read-only`);
    const volume = (pod.volumes as Obj[]).find((v) => v.name === mount.name);
    assert.ok(volume?.secret?.secretName, `${container.name}: ${flag} comes from a Secret`);
    // Owner (and group, for the collector's fsGroup) may read; nobody else, nobody writes.
    assert.ok([0o400, 0o440].includes(volume.secret.defaultMode as number), `${flag} file mode`);
    secrets.push(volume.secret.secretName as string);
  }
  return secrets;
}

/** What the agent's API reader lists and watches, as group → resources. */
const AGENT_READS: Record<string, string[]> = {};
for (const [resource, { group }] of Object.entries(KUBE_API_RESOURCES)) {
  AGENT_READS[group] = [...(AGENT_READS[group] ?? []), resource].sort();
}

/** A ClusterRole's rules as group → resources, asserting that every verb is list or watch. */
function agentReadRules(rules: unknown): Record<string, string[]> {
  const granted: Record<string, string[]> = {};
  for (const rule of rules as Obj[]) {
    assert.deepEqual(
      [...(rule.verbs as string[])].sort(),
      ['list', 'watch'],
      'list and watch only',
    );
    assert.equal(rule.resourceNames, undefined);
    for (const group of rule.apiGroups as string[]) {
      granted[group] = [...(granted[group] ?? []), ...(rule.resources as string[])].sort();
    }
  }
  return granted;
}

/** The checks every rendering of the packages must pass, whichever tool built it. */
function checkSecurityAndWiring(objects: Map<string, Obj>): void {
  const agentSet = one(objects, 'DaemonSet/snatscope-agent');
  const namespace = agentSet.metadata.namespace as string;
  const agentPod = agentSet.spec.template.spec as Obj;
  const agent = (agentPod.containers as Obj[])[0] ?? {};
  const sc = agent.securityContext as Obj;

  // The agent: the node's network namespace, just enough capabilities, nothing writable.
  assert.equal(agentPod.hostNetwork, true);
  assert.equal(agentPod.dnsPolicy, 'ClusterFirstWithHostNet');
  assert.equal(agentPod.hostPID ?? false, false);
  assert.equal(agentPod.priorityClassName, 'system-node-critical');
  assert.deepEqual(agentPod.tolerations, [{ operator: 'Exists' }]);
  assert.equal(agentPod.securityContext?.seccompProfile?.type, 'RuntimeDefault');
  assert.equal((agentPod.containers as Obj[]).length, 1);
  assert.equal(sc.privileged ?? false, false);
  assert.equal(sc.allowPrivilegeEscalation, false);
  assert.deepEqual(sc.capabilities.drop, ['ALL']);
  const added = [...(sc.capabilities.add as string[])].sort();
  // BPF and PERFMON with the socket tracer (and its tracefs and BTF mounts), never without it.
  const tracer = !(agent.args as string[]).includes('--no-socket-tracer');
  assert.deepEqual(
    added,
    tracer ? ['BPF', 'NET_ADMIN', 'NET_RAW', 'PERFMON'] : ['NET_ADMIN', 'NET_RAW'],
    `agent capabilities: ${added.join(', ')}`,
  );
  const hostMounts = (agentPod.volumes as Obj[])
    .filter((volume) => volume.hostPath)
    .map((volume) => {
      const mount = (agent.volumeMounts as Obj[]).find((m) => m.name === volume.name);
      return `${String(volume.hostPath.path)} ${String(mount?.mountPath)} ${String(mount?.readOnly ?? false)}`;
    })
    .sort();
  assert.deepEqual(
    hostMounts,
    [
      ...(tracer
        ? ['/sys/kernel/btf /sys/kernel/btf true', '/sys/kernel/tracing /sys/kernel/tracing true']
        : []),
      '/var/lib/snatscope/spool /var/lib/snatscope/spool false',
    ],
    'only the spool is writable from the node; tracefs and BTF only with the tracer, read-only',
  );
  assert.equal(sc.readOnlyRootFilesystem, true);
  assert.equal(sc.runAsUser, 0);
  assert.equal(sc.seccompProfile?.type, 'RuntimeDefault');

  const env = new Map((agent.env as Obj[]).map((e) => [e.name as string, e]));
  assert.equal(env.get('NODE_NAME')?.valueFrom?.fieldRef?.fieldPath, 'spec.nodeName');
  assert.match(
    String(env.get('NODE_OPTIONS')?.value),
    /--max-semi-space-size=\d+ --max-old-space-size=\d+/,
  );
  assert.equal(agent.resources?.requests?.cpu, '50m');
  assert.equal(agent.resources?.requests?.memory, '160Mi');
  assert.equal(agent.resources?.limits?.memory, '256Mi');

  const agentArgs = agent.args as string[];
  assert.equal(agentArgs[0], 'agent');
  assertKnownFlags(
    agentArgs,
    agentCommand().options.map((o) => o.long),
  );
  assert.equal(argValue(agentArgs, '--node-name'), '$(NODE_NAME)');
  assert.equal(argValue(agentArgs, '--collector'), `snatscope-collector.${namespace}.svc:9090`);
  assert.equal(argValue(agentArgs, '--spool-dir'), '/var/lib/snatscope/spool');
  assert.equal(argValue(agentArgs, '--metrics-listen'), '0.0.0.0:9109');
  assert.ok(!agentArgs.includes('--insecure'), 'the agent streams over TLS');
  const agentSecrets = assertSecretFilesMounted(agentPod, agent, [
    '--tls-ca',
    '--tls-cert',
    '--tls-key',
  ]);
  // Per-node identity: the token is the pod's own, projected for the collector's audience only.
  // The API token is mounted for the Kubernetes API reader, whose role can only list and watch.
  assert.equal(agentPod.automountServiceAccountToken, true, 'the API reader needs its token');
  const tokenPath = argValue(agentArgs, '--token-file') ?? '';
  const tokenMount = (agent.volumeMounts as Obj[]).find((m) =>
    tokenPath.startsWith(`${String(m.mountPath)}/`),
  );
  assert.ok(tokenMount?.readOnly === true, '--token-file is in a read-only mount');
  const tokenVolume = (agentPod.volumes as Obj[]).find((v) => v.name === tokenMount.name);
  assert.ok(tokenVolume?.projected, '--token-file is a projected volume');
  assert.equal(tokenVolume.projected.defaultMode, 0o400);
  const projected = (tokenVolume.projected.sources as Obj[])[0]?.serviceAccountToken as Obj;
  assert.equal(`${String(tokenMount.mountPath)}/${String(projected.path)}`, tokenPath);
  const lifetime = projected.expirationSeconds as number;
  assert.ok(lifetime >= 600 && lifetime <= 3600, 'a short-lived token');
  const metricsPort = (agent.ports as Obj[]).find((p) => p.name === 'metrics');
  assert.equal(metricsPort?.containerPort, 9109);
  assert.equal(agent.livenessProbe?.httpGet?.path, '/healthz');
  assert.ok(['metrics', 9109].includes(agent.livenessProbe?.httpGet?.port as string | number));
  assert.equal(agent.readinessProbe?.httpGet?.path, '/readyz');
  assert.ok(['metrics', 9109].includes(agent.readinessProbe?.httpGet?.port as string | number));
  const spoolMount = (agent.volumeMounts as Obj[]).find(
    (m) => m.mountPath === '/var/lib/snatscope/spool',
  );
  assert.ok(spoolMount, 'the spool directory is a volume (the root filesystem is read-only)');

  // The collector: non-root, read-only root; on SQLite one replica replaced, never doubled (one
  // writer); on ClickHouse stateless replicas rolled one at a time.
  const collectorDeployment = one(objects, 'Deployment/snatscope-collector');
  const collectorPod = collectorDeployment.spec.template.spec as Obj;
  const collector = (collectorPod.containers as Obj[])[0] ?? {};
  if (argValue(collector.args as string[], '--store') !== 'clickhouse') {
    assert.equal(collectorDeployment.spec.replicas, 1);
    assert.equal(collectorDeployment.spec.strategy?.type, 'Recreate');
  }
  assert.equal(collectorPod.hostNetwork ?? false, false);
  assert.equal(collectorPod.securityContext?.runAsNonRoot, true);
  assert.ok((collectorPod.securityContext?.runAsUser as number) > 0);
  assert.equal(collector.securityContext?.readOnlyRootFilesystem, true);
  assert.equal(collector.securityContext?.allowPrivilegeEscalation, false);
  assert.equal(collector.securityContext?.privileged ?? false, false);
  assert.deepEqual(collector.securityContext?.capabilities?.drop, ['ALL']);
  assert.equal(collector.securityContext?.capabilities?.add, undefined);
  assert.ok(collector.resources?.requests?.memory && collector.resources?.limits?.memory);
  const collectorArgs = collector.args as string[];
  assert.equal(collectorArgs[0], 'collector');
  assertKnownFlags(
    collectorArgs,
    collectorCommand().options.map((o) => o.long),
  );
  const clickhouse = argValue(collectorArgs, '--store') === 'clickhouse';
  if (clickhouse) {
    assert.equal(argValue(collectorArgs, '--db'), undefined, 'no SQLite file with ClickHouse');
    assert.match(argValue(collectorArgs, '--clickhouse-url') ?? '', /^https?:\/\//);
  } else {
    assert.equal(argValue(collectorArgs, '--db'), '/data/flows.db');
  }
  assert.ok(!collectorArgs.includes('--insecure'));
  assert.ok(!collectorArgs.includes('--api-insecure-no-auth'), 'the query API needs tokens');
  assert.equal(argValue(collectorArgs, '--http-listen'), '0.0.0.0:9108');
  assert.equal(argValue(collectorArgs, '--metrics-listen'), '0.0.0.0:9110');
  const collectorSecrets = assertSecretFilesMounted(collectorPod, collector, [
    '--tls-cert',
    '--tls-key',
    '--tls-ca',
    '--api-token-file',
    ...(clickhouse ? ['--clickhouse-password-file'] : []),
  ]);
  // The collector checks each agent's token with a TokenReview, for the audience it was minted for
  // and the agents' ServiceAccount; its own API token is mounted for that.
  assert.ok(collectorArgs.includes('--token-review'), 'per-node identity by TokenReview');
  assert.equal(argValue(collectorArgs, '--token-review-audience'), projected.audience);
  assert.equal(
    argValue(collectorArgs, '--agent-service-account'),
    `system:serviceaccount:${namespace}:${String(agentPod.serviceAccountName)}`,
  );
  assert.equal(collectorPod.automountServiceAccountToken, true);
  const dataMount = (collector.volumeMounts as Obj[]).find((m) => m.mountPath === '/data');
  if (clickhouse) {
    // Stateless replicas: no volume, no claim; a budget keeps one of them through disruptions.
    assert.equal(dataMount, undefined);
    assert.ok(![...objects.keys()].some((k) => k.startsWith('PersistentVolumeClaim/')));
  } else {
    const dataVolume = (collectorPod.volumes as Obj[]).find((v) => v.name === dataMount?.name);
    const claim = dataVolume?.persistentVolumeClaim?.claimName as string | undefined;
    assert.ok(claim && objects.has(`PersistentVolumeClaim/${claim}`), '/data is the PVC');
  }
  const ports = new Map((collector.ports as Obj[]).map((p) => [p.name as string, p.containerPort]));
  assert.equal(ports.get('grpc'), 9090);
  assert.equal(ports.get('http'), 9108);
  assert.equal(ports.get('metrics'), 9110);
  // The probes need no token: they go to the metrics listener, as /readyz left the API port.
  assert.equal(collector.readinessProbe?.httpGet?.path, '/readyz');
  assert.equal(collector.readinessProbe?.httpGet?.port, 'metrics');
  assert.equal(collector.livenessProbe?.httpGet?.path, '/healthz');
  assert.equal(collector.livenessProbe?.httpGet?.port, 'metrics');
  assert.deepEqual([...agentSecrets, ...collectorSecrets].sort(), [
    'snatscope-agent-tls',
    'snatscope-agent-tls',
    'snatscope-agent-tls',
    ...(clickhouse ? ['snatscope-clickhouse'] : []),
    'snatscope-collector-api-tokens',
    'snatscope-collector-tls',
    'snatscope-collector-tls',
    'snatscope-collector-tls',
  ]);

  // The Service the agents dial selects the collector pods and exposes both ports.
  const service = one(objects, 'Service/snatscope-collector');
  const podLabels = collectorDeployment.spec.template.metadata.labels as Obj;
  for (const [label, value] of Object.entries(service.spec.selector as Obj)) {
    assert.equal(podLabels[label], value, `Service selector ${label}`);
  }
  assert.deepEqual(
    (service.spec.ports as Obj[]).map((p) => [p.name, p.port]),
    [
      ['grpc', 9090],
      ['http', 9108],
      ['metrics', 9110],
    ],
  );

  // Ingress to the collector, port by port: the API and /metrics only from selected peers.
  const policy = one(objects, 'NetworkPolicy/snatscope-collector');
  for (const [label, value] of Object.entries(policy.spec.podSelector.matchLabels as Obj)) {
    assert.equal(podLabels[label], value, `NetworkPolicy podSelector ${label}`);
  }
  assert.deepEqual(policy.spec.policyTypes, ['Ingress']);
  const rules = policy.spec.ingress as Obj[];
  const rulesFor = (port: string): Obj[] =>
    rules.filter((rule) => (rule.ports as Obj[]).some((p) => p.port === port));
  for (const rule of rules) {
    assert.ok(Array.isArray(rule.ports) && rule.ports.length > 0, 'every rule names its ports');
    for (const p of rule.ports as Obj[]) assert.ok(ports.has(p.port as string), String(p.port));
  }
  assert.equal(rulesFor('grpc').length, 1, 'agents reach gRPC');
  for (const port of ['http', 'metrics']) {
    const [rule, ...others] = rulesFor(port);
    assert.equal(others.length, 0, `${port}: one rule`);
    const peers = (rule?.from ?? []) as Obj[];
    assert.ok(peers.length > 0, `${port}: open to selected peers only, not to everyone`);
    for (const peer of peers) {
      assert.ok(peer.namespaceSelector ?? peer.podSelector, `${port}: peers by selector`);
      assert.equal(peer.ipBlock, undefined, `${port}: no address range`);
    }
  }
  const prometheusPeer = (rulesFor('metrics')[0]?.from as Obj[])[0];
  assert.ok(prometheusPeer?.namespaceSelector && prometheusPeer.podSelector, 'Prometheus pods');

  // Least privilege: the agent may only list and watch what its API reader reads; the collector
  // may only create TokenReviews.
  assert.deepEqual(agentReadRules(one(objects, 'ClusterRole/snatscope-agent').rules), AGENT_READS);
  const binding = one(objects, 'ClusterRoleBinding/snatscope-agent');
  assert.deepEqual(binding.subjects, [
    { kind: 'ServiceAccount', name: 'snatscope-agent', namespace },
  ]);
  assert.deepEqual(one(objects, 'ClusterRole/snatscope-collector').rules, [
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  ]);
  assert.deepEqual(one(objects, 'ClusterRoleBinding/snatscope-collector').subjects, [
    { kind: 'ServiceAccount', name: 'snatscope-collector', namespace },
  ]);
  for (const o of objects.values()) {
    if (['Role', 'RoleBinding'].includes(o.kind as string)) {
      assert.ok(!JSON.stringify(o).includes('snatscope-collector'), `${key(o)}: collector RBAC`);
    }
  }
  assert.equal(agentPod.serviceAccountName, 'snatscope-agent');
  assert.equal(collectorPod.serviceAccountName, 'snatscope-collector');

  // Monitoring: the ServiceMonitor scrapes the collector's http port, the PodMonitor the agents'.
  const serviceMonitor = one(objects, 'ServiceMonitor/snatscope-collector');
  for (const [label, value] of Object.entries(serviceMonitor.spec.selector.matchLabels as Obj)) {
    assert.equal(service.metadata.labels?.[label], value, `ServiceMonitor selector ${label}`);
  }
  assert.equal(serviceMonitor.spec.endpoints[0].port, 'metrics');
  const podMonitor = one(objects, 'PodMonitor/snatscope-agent');
  assert.equal(podMonitor.spec.podMetricsEndpoints[0].port, 'metrics');
  one(objects, 'PrometheusRule/snatscope');
  const dashboard = one(objects, 'ConfigMap/snatscope-dashboard');
  assert.equal(dashboard.metadata.labels?.grafana_dashboard, '1');
  const json = (dashboard.data as Record<string, string>)['snatscope-dashboard.json'];
  assert.equal(typeof (JSON.parse(json ?? '') as Obj).title, 'string');

  for (const o of objects.values()) {
    if (!['ClusterRole', 'ClusterRoleBinding', 'Namespace'].includes(o.kind as string)) {
      assert.equal(o.metadata.namespace, namespace, `${key(o)} namespace`);
    }
  }
}

describe('deploy/kustomize/base', () => {
  const objects = kustomizeObjects();
  const byName = byKey(objects);

  it('has every object the deployment needs, once', () => {
    assert.deepEqual([...byName.keys()].sort(), [
      'ClusterRole/snatscope-agent',
      'ClusterRole/snatscope-collector',
      'ClusterRoleBinding/snatscope-agent',
      'ClusterRoleBinding/snatscope-collector',
      'ConfigMap/snatscope-dashboard',
      'DaemonSet/snatscope-agent',
      'Deployment/snatscope-collector',
      'Namespace/snatscope',
      'NetworkPolicy/snatscope-collector',
      'PersistentVolumeClaim/snatscope-collector-data',
      'PodMonitor/snatscope-agent',
      'PrometheusRule/snatscope',
      'Service/snatscope-collector',
      'ServiceAccount/snatscope-agent',
      'ServiceAccount/snatscope-collector',
      'ServiceMonitor/snatscope-collector',
    ]);
  });

  for (const o of objects) {
    it(`${key(o)} passes its schema`, () => {
      validateObject(o);
    });
  }

  it('keeps the agent and collector locked down and wired to each other', () => {
    checkSecurityAndWiring(byName);
    assert.equal(byName.get('Namespace/snatscope')?.metadata.name, 'snatscope');
  });

  it('the schema check does catch a wrong type', () => {
    const broken = structuredClone(one(byName, 'DaemonSet/snatscope-agent'));
    broken.spec.template.spec.hostNetwork = 'yes';
    assert.throws(() => {
      validateObject(broken);
    }, /hostNetwork/);
  });

  it('copies of deploy/prometheus and deploy/grafana are in sync (node deploy/sync.mjs)', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'deploy/sync.mjs'), '--check'], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
  });

  const kubectl = findBinary('kubectl');
  it('builds with kubectl kustomize to the same objects', { skip: kubectl === null }, () => {
    const built = execFileSync(kubectl ?? '', ['kustomize', BASE], { encoding: 'utf8' });
    const fromKubectl = byKey(parseYamlDocuments(built, 'kubectl kustomize'));
    assert.deepEqual(
      new Map([...fromKubectl].sort(([a], [b]) => a.localeCompare(b))),
      new Map([...byName].sort(([a], [b]) => a.localeCompare(b))),
    );
  });
});

describe('deploy/kustomize/components/no-socket-tracer', () => {
  const kubectl = findBinary('kubectl');
  it(
    'the overlay builds the base without BPF, PERFMON, tracefs and BTF, and with --no-socket-tracer',
    { skip: kubectl === null },
    () => {
      const overlay = join(ROOT, 'deploy/kustomize/overlays/no-socket-tracer');
      const built = execFileSync(kubectl ?? '', ['kustomize', overlay], { encoding: 'utf8' });
      const objects = byKey(parseYamlDocuments(built, 'kubectl kustomize (no socket tracer)'));
      const agent = one(objects, 'DaemonSet/snatscope-agent').spec.template.spec.containers[0];
      assert.ok((agent.args as string[]).includes('--no-socket-tracer'));
      for (const o of objects.values()) validateObject(o);
      checkSecurityAndWiring(objects);
    },
  );
});

describe('deploy/kustomize/components/clickhouse-store', () => {
  const kubectl = findBinary('kubectl');
  it(
    'the overlay builds two stateless collectors on ClickHouse with a disruption budget',
    { skip: kubectl === null },
    () => {
      const overlay = join(ROOT, 'deploy/kustomize/overlays/clickhouse-store');
      const built = execFileSync(kubectl ?? '', ['kustomize', overlay], { encoding: 'utf8' });
      const objects = byKey(parseYamlDocuments(built, 'kubectl kustomize (ClickHouse store)'));
      for (const o of objects.values()) validateObject(o);
      checkSecurityAndWiring(objects);
      const deployment = one(objects, 'Deployment/snatscope-collector');
      assert.equal(deployment.spec.replicas, 2);
      assert.equal(deployment.spec.strategy.type, 'RollingUpdate');
      const container = deployment.spec.template.spec.containers[0];
      assert.equal(argValue(container.args as string[], '--store'), 'clickhouse');
      assert.ok(
        (container.env as Obj[]).some((e) => e.name === 'CLICKHOUSE_USER'),
        'the user from the environment, the password from a Secret file',
      );
      const budget = one(objects, 'PodDisruptionBudget/snatscope-collector');
      assert.equal(budget.spec.minAvailable, 1);
      const podLabels = deployment.spec.template.metadata.labels as Obj;
      for (const [label, value] of Object.entries(budget.spec.selector.matchLabels as Obj)) {
        assert.equal(podLabels[label], value, `the budget selects the collector pods (${label})`);
      }
    },
  );
});

describe('deploy/helm/snatscope', () => {
  const base = byKey(kustomizeObjects());
  const templates = join(CHART, 'templates');
  const templateTexts = readdirSync(templates)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => readFileSync(join(templates, file), 'utf8'));

  it('has a template for every object of the kustomize base', () => {
    for (const o of base.values()) {
      // The chart's Namespace is the release namespace; every other name is fixed.
      const name = o.kind === 'Namespace' ? '{{ .Release.Namespace }}' : String(o.metadata.name);
      const found = templateTexts.some(
        (text) =>
          new RegExp(`^kind: ${String(o.kind)}$`, 'm').test(text) &&
          text.split('\n').includes(`  name: ${name}`),
      );
      assert.ok(found, `no template renders ${key(o)}`);
    }
  });

  it('grants the agent the same list/watch rules as the kustomize base (without helm)', () => {
    const text = readFileSync(join(templates, 'clusterrole-agent.yaml'), 'utf8');
    // The rules block holds no template expressions: it parses as plain YAML.
    const rules = text.slice(text.indexOf('\nrules:') + 1, text.indexOf('{{- end }}'));
    assert.ok(!rules.includes('{{'), 'rules without templating');
    const parsed = parse(rules, { version: '1.1' }) as { rules: unknown };
    assert.deepEqual(parsed.rules, one(base, 'ClusterRole/snatscope-agent').rules);
    assert.deepEqual(agentReadRules(parsed.rules), AGENT_READS);
  });

  it('templates were not reformatted as plain YAML (prettier turns {{ into { {)', () => {
    for (const text of templateTexts) assert.ok(!/\{ \{|\} \}/.test(text));
  });

  const helm = findBinary('helm');
  it(
    'renders the same objects, valid and locked down (helm template)',
    { skip: helm === null },
    () => {
      const rendered = execFileSync(
        helm ?? '',
        [
          'template',
          'snatscope',
          CHART,
          '--namespace',
          'snatscope',
          '--set',
          'namespace.create=true',
        ],
        { encoding: 'utf8' },
      );
      const objects = parseYamlDocuments(rendered, 'helm template');
      for (const o of objects) validateObject(o);
      const byName = byKey(objects);
      assert.deepEqual([...byName.keys()].sort(), [...base.keys()].sort());
      checkSecurityAndWiring(byName);
      // Same rules and dashboard as the kustomize base, whatever the chart's labels.
      assert.deepEqual(
        one(byName, 'PrometheusRule/snatscope').spec,
        one(base, 'PrometheusRule/snatscope').spec,
      );
      assert.deepEqual(
        one(byName, 'ConfigMap/snatscope-dashboard').data,
        one(base, 'ConfigMap/snatscope-dashboard').data,
      );
    },
  );
});
