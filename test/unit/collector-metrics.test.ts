// The collector's Prometheus metrics on the three-node lab's records: counted flows, scrape-time
// gauges from the correlator and stitcher, label caps, and no client IP in any label.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Correlator } from '../../collector/correlate.js';
import { CollectorMetrics } from '../../collector/metrics.js';
import { Stitcher } from '../../collector/stitch.js';
import { v1 } from '../../proto/index.js';

/** Every lab record and service state, in node order. */
function lab(): { flows: v1.IFlowRecord[]; states: Map<string, v1.IServiceState[]> } {
  const flows: v1.IFlowRecord[] = [];
  const states = new Map<string, v1.IServiceState[]>();
  for (const node of ['n1', 'n2', 'n3']) {
    const url = new URL(`../golden/analyze/lab-${node}.ndjson`, import.meta.url);
    const objects = readFileSync(url, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string });
    for (const o of objects.filter((o) => o.kind !== 'service')) {
      flows.push(v1.FlowRecord.fromObject({ ...o, observedAt: 1000 }));
    }
    states.set(
      node,
      objects.filter((o) => o.kind === 'service').map((o) => v1.ServiceState.fromObject(o)),
    );
  }
  return { flows, states };
}

/** The lab pushed through stitcher, correlator and metrics like the ingest does. */
function labMetrics(options: ConstructorParameters<typeof CollectorMetrics>[0] = {}) {
  const metrics = new CollectorMetrics(options);
  const correlator = new Correlator();
  const stitcher = new Stitcher();
  metrics.attach(correlator, stitcher, { countFlows: () => 42 });
  const { flows, states } = lab();
  for (const [node, list] of states) correlator.setServices(node, list);
  for (const record of flows) {
    stitcher.stitch(record);
    correlator.addFlow(record);
    metrics.observeFlow(record);
  }
  return metrics;
}

/** The samples of one metric as "label=value,… value" lines, sorted. */
async function samples(metrics: CollectorMetrics, name: string): Promise<string[]> {
  const metric = metrics.registry.getSingleMetric(name);
  assert.ok(metric, `no metric ${name}`);
  const { values } = await metric.get();
  return values
    .map((v) => {
      const labels = Object.entries(v.labels)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(',');
      return `${labels} ${v.value}`;
    })
    .sort();
}

describe('CollectorMetrics', () => {
  it('counts entry flows by Service, entry node, snat, cause and policy', async () => {
    const metrics = labMetrics();
    assert.deepEqual(
      (await samples(metrics, 'snatscope_flows_total')).filter((s) =>
        s.includes('service=api:http'),
      ),
      [
        'service=api:http,namespace=shop,node=n1,snat=true,cause=ClusterPolicyMasquerade,policy=Cluster 2',
        'service=api:http,namespace=shop,node=n2,snat=true,cause=ClusterPolicyMasquerade,policy=Cluster 1',
        'service=api:http,namespace=shop,node=n3,snat=true,cause=ClusterPolicyMasquerade,policy=Cluster 1',
      ],
    );
    const total = (await samples(metrics, 'snatscope_flows_total'))
      .map((s) => Number(s.split(' ').at(-1)))
      .reduce((a, b) => a + b, 0);
    assert.equal(total, 14, 'the 14 entry records of the lab; backend halves are not entry flows');
  });

  it('does not count closed records again', async () => {
    const metrics = new CollectorMetrics();
    const record: v1.IFlowRecord = {
      kind: v1.FlowRecord.Kind.flow,
      node: 'n1',
      service: { namespace: 'shop', name: 'api', port: 'http' },
      cause: v1.FlowRecord.Cause.ClusterPolicyMasquerade,
      snat: true,
    };
    metrics.observeFlow(record);
    metrics.observeFlow({ ...record, closed: true });
    assert.deepEqual(await samples(metrics, 'snatscope_flows_total'), [
      'service=api:http,namespace=shop,node=n1,snat=true,cause=ClusterPolicyMasquerade,policy=Cluster 1',
    ]);
  });

  it('computes the per-Service gauges at scrape time', async () => {
    const metrics = labMetrics();
    assert.deepEqual(await samples(metrics, 'snatscope_service_client_ip_preserved_ratio'), [
      'service=api:http,namespace=shop,policy=Cluster 0',
      'service=checkout:https,namespace=shop,policy=Local 0.75',
      'service=resolver:dns,namespace=dns,policy=Cluster 0',
      'service=stream:rtp,namespace=media,policy=Local 1',
      'service=web:http,namespace=shop,policy=Cluster 0',
    ]);
    assert.deepEqual(
      (await samples(metrics, 'snatscope_service_flows')).filter((s) => s.includes('checkout')),
      [
        'service=checkout:https,namespace=shop,cause=LocalOrigin 1',
        'service=checkout:https,namespace=shop,cause=None 3',
      ],
    );
    assert.deepEqual(
      await samples(metrics, 'snatscope_service_no_local_endpoint_dropped_packets'),
      [
        'service=checkout:https,namespace=shop,node=n1 1',
        'service=checkout:https,namespace=shop,node=n2 0',
        'service=checkout:https,namespace=shop,node=n3 1',
        'service=stream:rtp,namespace=media,node=n1 1',
        'service=stream:rtp,namespace=media,node=n2 1',
        'service=stream:rtp,namespace=media,node=n3 0',
      ],
    );
    assert.deepEqual(await samples(metrics, 'snatscope_findings'), [
      'service=api:http,namespace=shop,code=ClusterPolicyMasquerade,severity=warning 1',
      'service=checkout:https,namespace=shop,code=LocalPolicyTrafficToNodesWithoutEndpoints,severity=critical 1',
      'service=resolver:dns,namespace=dns,code=ClusterPolicyMasquerade,severity=warning 1',
      'service=stream:rtp,namespace=media,code=LocalPolicyTrafficToNodesWithoutEndpoints,severity=critical 1',
      'service=web:http,namespace=shop,code=ClusterPolicyMasquerade,severity=warning 1',
    ]);
    assert.deepEqual(
      (await samples(metrics, 'snatscope_service_nodes_with_local_endpoints')).filter((s) =>
        s.includes('checkout'),
      ),
      ['service=checkout:https,namespace=shop,policy=Local 1'],
    );
  });

  it('reads the stitcher and the store at scrape time', async () => {
    const metrics = labMetrics();
    assert.deepEqual(await samples(metrics, 'snatscope_stitched_total'), [' 7']);
    assert.deepEqual(await samples(metrics, 'snatscope_stitch_pending'), [' 7']);
    assert.deepEqual(await samples(metrics, 'snatscope_stitch_evicted_total'), [' 0']);
    assert.deepEqual(await samples(metrics, 'snatscope_store_flows'), [' 42']);
  });

  it('reports Services beyond the label cap as (other), summed', async () => {
    const metrics = labMetrics({ maxServiceLabels: 2 });
    const flows = await samples(metrics, 'snatscope_flows_total');
    const services = new Set(flows.map((s) => /service=([^,]+)/.exec(s)?.[1]));
    assert.deepEqual([...services].sort(), ['(other)', 'api:http', 'resolver:dns']);
    assert.deepEqual(
      (await samples(metrics, 'snatscope_findings')).filter((s) => s.includes('(other)')),
      [
        'service=(other),namespace=(other),code=ClusterPolicyMasquerade,severity=warning 1',
        'service=(other),namespace=(other),code=LocalPolicyTrafficToNodesWithoutEndpoints,severity=critical 2',
      ],
    );
    // Summed before dividing: Local = checkout (3 of 4 kept) + stream (2 of 2); Cluster = web (0 of 1).
    const ratio = (await samples(metrics, 'snatscope_service_client_ip_preserved_ratio')).filter(
      (s) => s.includes('(other)'),
    );
    assert.deepEqual(ratio, [
      'service=(other),namespace=(other),policy=Cluster 0',
      'service=(other),namespace=(other),policy=Local 0.8333333333333334',
    ]);
  });

  it('reports nodes beyond the label cap as (other)', async () => {
    const metrics = labMetrics({ maxNodeLabels: 1 });
    const nodes = new Set(
      (await samples(metrics, 'snatscope_flows_total')).map((s) => /node=([^,]+)/.exec(s)?.[1]),
    );
    assert.deepEqual([...nodes].sort(), ['(other)', 'n1']);
    metrics.agentSeen('n7', 1000);
    assert.deepEqual(await samples(metrics, 'snatscope_agent_last_seen_timestamp_seconds'), [
      'node=(other) 1000',
    ]);
  });

  it('never puts a client address in a label, and has every rejection reason at 0', async () => {
    const text = await labMetrics().text();
    for (const client of ['198.51.100.50', '198.51.100.51', '203.0.113.5"', '192.0.2.10']) {
      assert.ok(!text.includes(client), `${client} appears in the exposition`);
    }
    assert.match(text, /snatscope_ingest_rejected_total\{reason="undecodable"\} 0/);
    assert.match(text, /snatscope_ingest_records_total\{kind="backend"\} 0/);
  });
});
