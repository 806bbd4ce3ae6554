// Rule and address changes on the real kernel reach a running agent without waiting for its
// safety refresh (set to 1 h here) or any periodic read: a Service added with `iptables-restore --noflush` shows in its
// service records, and a NodePort taken on an address added to the node shows as an entry flow.
// Needs root (network namespaces) and `npm run build` (the agent runs from bin/).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultCluster, type Cluster, type ServicePortSpec } from '../../lab/cluster.js';
import { renderIptablesRestore } from '../../lab/kube-proxy-rules.js';
import { createLab, newPrefix, type Lab } from '../../lab/lab.js';
import { listNamespaces } from '../../lab/netns.js';
import { parseNdjson } from '../support/cli.js';
import { eventually, startSnatscope, type Daemon } from '../support/daemon.js';

// Every Service with Cluster policy: with a Local one lacking an endpoint on n1, n1 would hold a
// "has no local endpoints" drop rule, whose counters make the agent read every 10 s anyway.
const cluster: Cluster = {
  ...defaultCluster(),
  services: defaultCluster().services.map(({ healthCheckNodePort: _unused, ...service }) => ({
    ...service,
    externalTrafficPolicy: 'Cluster' as const,
  })),
};
const ADDED: ServicePortSpec = {
  namespace: 'extra',
  name: 'added',
  portName: 'http',
  type: 'NodePort',
  protocol: 'tcp',
  clusterIP: '10.96.0.99',
  port: 80,
  targetPort: 8080,
  nodePort: 30099,
  externalTrafficPolicy: 'Cluster',
  loadBalancerIPs: [],
  externalIPs: [],
  endpoints: ['web-a'],
};
const NEW_ADDRESS = '203.0.113.77';
type Json = Record<string, unknown>;

/**
 * The `iptables-restore --noflush` input that turns `before`'s rules into `after`'s when `after`
 * only adds: new chains declared (an existing chain declared again would be flushed), new rules
 * appended, as kube-proxy's partial syncs do.
 */
function addedRules(before: string, after: string): string {
  const out: string[] = [];
  const sections = (text: string): Map<string, string[]> => {
    const tables = new Map<string, string[]>();
    let current: string[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith('*')) tables.set(line, (current = []));
      else if (line.startsWith(':') || line.startsWith('-A ')) current.push(line);
    }
    return tables;
  };
  const old = sections(before);
  for (const [table, lines] of sections(after)) {
    const known = new Set(old.get(table) ?? []);
    const chains = new Set((old.get(table) ?? []).map((l) => l.split(' ')[0]));
    const added = lines.filter(
      (l) => !known.has(l) && !(l.startsWith(':') && chains.has(l.split(' ')[0])),
    );
    if (added.length > 0) out.push(table, ...added, 'COMMIT');
  }
  return out.join('\n') + '\n';
}

describe('a running agent follows rule and address changes (kube-proxy iptables mode)', () => {
  let lab: Lab;
  let agent: Daemon | null = null;
  const records = (): Json[] => parseNdjson(agent?.stdout() ?? '');

  before(async () => {
    lab = await createLab(cluster, { prefix: newPrefix() });
    agent = startSnatscope(
      [
        'agent',
        '--node-name',
        'n1',
        '--poll-interval',
        '1s',
        '--tables-refresh',
        '1h',
        '--log-level',
        'debug',
      ],
      lab.nodeNamespace('n1'),
    );
    // The read made once the change streams surely listen: changes from now on are followed.
    await agent.waitForStderr(/"reason":"armed".*reading rules and addresses/, 20_000);
  });

  after(async () => {
    await agent?.stop();
    const prefix = lab.prefix;
    await lab.destroy();
    const left = (await listNamespaces()).filter((ns) => ns.startsWith(prefix));
    assert.deepEqual(left, [], 'the lab removed every namespace it made');
  });

  it('follows the changes: neither streams failed nor a fallback to periodic reads', () => {
    assert.doesNotMatch(agent?.stderr() ?? '', /reading them periodically/);
  });

  it('a Service added with iptables-restore --noflush shows in the service records', async () => {
    const withAdded: Cluster = { ...cluster, services: [...cluster.services, ADDED] };
    const input = addedRules(
      renderIptablesRestore(cluster, 'n1'),
      renderIptablesRestore(withAdded, 'n1'),
    );
    assert.match(input, /KUBE-NODEPORTS .*--dport 30099/);
    const namespace = lab.nodeNamespace('n1');
    assert.equal(
      records().some((r) => r.kind === 'service' && (r.service as Json).name === 'added'),
      false,
    );
    await lab.exec(namespace, ['sh', '-c', `iptables-restore --noflush <<'EOF'\n${input}EOF`]);
    const record = await eventually(
      () => records().find((r) => r.kind === 'service' && (r.service as Json).name === 'added'),
      'a service record of extra/added',
    );
    assert.equal(record.nodePort, 30099);
    assert.match(agent?.stderr() ?? '', /"reason":"change".*reading rules and addresses/);
    assert.doesNotMatch(agent?.stderr() ?? '', /"reason":"(safety|periodic|counters)"/);
  });

  it('a NodePort reached on an address added to the node shows as an entry flow', async () => {
    const namespace = lab.nodeNamespace('n1');
    const changeReads = (): number =>
      agent?.stderr().match(/"reason":"change".*reading rules and addresses/g)?.length ?? 0;
    const before = changeReads();
    await lab.exec(namespace, ['ip', 'addr', 'add', `${NEW_ADDRESS}/24`, 'dev', 'eth0']);
    // The agent reads the new address list first; then a connection to it is an entry flow.
    await eventually(
      () => (changeReads() > before ? true : undefined),
      'a read after the address change',
    );
    const result = await lab.probe({ client: 'c1', ip: NEW_ADDRESS, port: 30080, protocol: 'tcp' });
    assert.equal(result.outcome, 'reply', JSON.stringify(result));
    const flow = await eventually(
      () => records().find((r) => r.kind === 'flow' && (r.entry as Json).ip === NEW_ADDRESS),
      `an entry flow to ${NEW_ADDRESS}:30080`,
    );
    assert.equal((flow.service as Json).name, 'api');
    assert.doesNotMatch(agent?.stderr() ?? '', /"reason":"(safety|periodic|counters)"/);
  });
});
