// The collector's Prometheus metrics on the three-node lab's records: counted flows, scrape-time
// gauges from the correlator and stitcher, label caps, and no client IP in any label.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Correlator } from '../../collector/correlate.js';
import { CollectorMetrics } from '../../collector/metrics.js';
import { eventually } from '../support/daemon.js';
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
  const correlator = new Correlator({ upstreamCidrs: options.upstreamCidrs ?? [] });
  const stitcher = new Stitcher();
  metrics.attach(correlator, stitcher, { countFlows: () => Promise.resolve(42) });
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

  it('counts flows from inside --upstream-cidr that no node rewrote as lost upstream', async () => {
    // c1 (198.51.100.50) stands for an upstream proxy: its checkout flow kept its source on n2.
    const metrics = labMetrics({ upstreamCidrs: ['198.51.100.50/32'] });
    assert.deepEqual(
      (await samples(metrics, 'snatscope_flows_total')).filter((s) => s.includes('checkout')),
      [
        'service=checkout:https,namespace=shop,node=n2,snat=false,cause=ClientIpLostUpstream,policy=Local 1',
        'service=checkout:https,namespace=shop,node=n2,snat=false,cause=None,policy=Local 2',
        'service=checkout:https,namespace=shop,node=n2,snat=true,cause=LocalOrigin,policy=Local 1',
      ],
    );
    assert.deepEqual(
      (await samples(metrics, 'snatscope_service_client_ip_preserved_ratio')).filter((s) =>
        s.includes('checkout'),
      ),
      ['service=checkout:https,namespace=shop,policy=Local 0.5'],
    );
    assert.deepEqual(
      (await samples(metrics, 'snatscope_service_flows')).filter((s) => s.includes('checkout')),
      [
        'service=checkout:https,namespace=shop,cause=ClientIpLostUpstream 1',
        'service=checkout:https,namespace=shop,cause=LocalOrigin 1',
        'service=checkout:https,namespace=shop,cause=None 2',
      ],
    );
  });

  it('reads the stitcher and the store at scrape time', async () => {
    const metrics = labMetrics();
    assert.deepEqual(await samples(metrics, 'snatscope_stitched_total'), [' 7']);
    assert.deepEqual(await samples(metrics, 'snatscope_stitch_pending'), [' 7']);
    assert.deepEqual(await samples(metrics, 'snatscope_stitch_evicted_total'), [' 0']);
    assert.deepEqual(await samples(metrics, 'snatscope_store_flows'), [' 42']);
  });

  it('does not hold a scrape for a slow store count, nor start a second one meanwhile', async () => {
    const metrics = new CollectorMetrics();
    let counts = 0;
    let finish: (flows: number) => void = () => undefined;
    metrics.attach(new Correlator(), new Stitcher(), {
      countFlows: () => {
        counts++;
        return new Promise<number>((resolve) => {
          finish = resolve;
        });
      },
    });
    // The count never ends by itself: the scrapes end anyway, with the gauge's last value.
    assert.deepEqual(await samples(metrics, 'snatscope_store_flows'), [' 0']);
    assert.deepEqual(await samples(metrics, 'snatscope_store_flows'), [' 0']);
    assert.equal(counts, 1, 'one count at a time');
    finish(10_000_000);
    await eventually(
      async () =>
        (await samples(metrics, 'snatscope_store_flows'))[0] === ' 10000000' ? true : undefined,
      'the finished count',
    );
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

describe('CollectorMetrics label bounds', () => {
  /**
   * An entry flow whose every label-bound field is made up from `i`, decoded from the wire as the
   * ingest gets it (protobufjs keeps enum numbers it does not know).
   */
  const hostile = (i: number, overrides: v1.IFlowRecord = {}): v1.IFlowRecord => {
    const record: v1.IFlowRecord = {
      kind: v1.FlowRecord.Kind.flow,
      node: `node-${i}`,
      protocol: 'tcp',
      client: { ip: '198.51.100.50', port: 1024 + i },
      snat: i % 2 === 0,
      service: { namespace: `ns-${i}`, name: `svc-${i}`, port: 'http' },
      conntrackId: i + 1,
      observedAt: 1000,
    };
    const garbage = v1.FlowRecord.fromObject({
      ...record,
      cause: 1000 + i,
      externalTrafficPolicy: 7 + i,
      proxyMode: 9 + i,
      ...overrides,
    });
    return v1.FlowRecord.decode(v1.FlowRecord.encode(garbage).finish());
  };

  /** Enum values this build knows, for records whose names are the point. */
  const known: v1.IFlowRecord = {
    cause: v1.FlowRecord.Cause.None,
    externalTrafficPolicy: v1.TrafficPolicy.Cluster,
  };

  /** Metrics fed like the ingest feeds them: correlator first, then the flow counter. */
  function feed(
    metrics: CollectorMetrics,
    records: v1.IFlowRecord[],
    correlator = new Correlator(),
  ): Correlator {
    metrics.attach(correlator, new Stitcher());
    for (const record of records) {
      correlator.addFlow(record);
      metrics.observeFlow(record);
    }
    return correlator;
  }

  /** Series per metric in the text exposition. */
  async function seriesCounts(metrics: CollectorMetrics): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const line of (await metrics.text()).split('\n')) {
      const name = /^(snatscope_\w+)\{/.exec(line)?.[1];
      if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  }

  it('labels 2,000 made-up enum values as "unknown": 2 series, not 2,001', async () => {
    const metrics = new CollectorMetrics();
    const records = Array.from({ length: 2000 }, (_, i) =>
      hostile(i, {
        node: 'n1',
        service: { namespace: 'shop', name: 'api', port: 'http' },
      }),
    );
    feed(metrics, records);
    assert.deepEqual(await samples(metrics, 'snatscope_flows_total'), [
      'service=api:http,namespace=shop,node=n1,snat=false,cause=unknown,policy=unknown 1000',
      'service=api:http,namespace=shop,node=n1,snat=true,cause=unknown,policy=unknown 1000',
    ]);
    const counts = await seriesCounts(metrics);
    assert.ok((counts.get('snatscope_service_flows') ?? 0) <= 1, 'one cause label: unknown');
  });

  it('keeps 2,000 made-up Services and nodes within the series caps and counts the overflow', async () => {
    const metrics = new CollectorMetrics({
      maxServiceLabels: 50,
      maxNodeLabels: 10,
      maxSeries: 40,
    });
    feed(
      metrics,
      Array.from({ length: 2000 }, (_, i) => hostile(i)),
    );
    const counts = await seriesCounts(metrics);
    // 40 series of their own plus the "(other)" ones: unknown cause × snat × unknown policy.
    assert.ok((counts.get('snatscope_flows_total') ?? 0) <= 40 + 2, JSON.stringify([...counts]));
    for (const [name, count] of counts) {
      assert.ok(count <= 40 + 36, `${name} has ${count} series`);
    }
    const overflow = await samples(metrics, 'snatscope_metric_label_overflow_total');
    const folded = overflow.find((s) => s.startsWith('metric=snatscope_flows_total '));
    assert.ok(folded !== undefined && Number(folded.split(' ')[1]) >= 2000 - 40, folded);
    const total = (await samples(metrics, 'snatscope_flows_total'))
      .map((s) => Number(s.split(' ').at(-1)))
      .reduce((a, b) => a + b, 0);
    assert.equal(total, 2000, 'every flow still counted, under "(other)" beyond the caps');
  });

  it('folds over-long names into "(other)"', async () => {
    const metrics = new CollectorMetrics();
    feed(metrics, [hostile(1, { ...known, node: 'n'.repeat(300) })]);
    assert.deepEqual(await samples(metrics, 'snatscope_flows_total'), [
      'service=svc-1:http,namespace=ns-1,node=(other),snat=false,cause=None,policy=Cluster 1',
    ]);
  });

  it('prune() forgets idle Services’ series and frees their labels for new Services', async () => {
    const metrics = new CollectorMetrics({ maxServiceLabels: 1, idleSeconds: 100 });
    const correlator = feed(
      metrics,
      [hostile(1, { ...known, observedAt: 1000 })],
      new Correlator({ idleSeconds: 100 }),
    );
    const later = hostile(2, { ...known, observedAt: 1500 });
    correlator.addFlow(later);
    metrics.observeFlow(later);
    assert.deepEqual(
      (await samples(metrics, 'snatscope_flows_total')).map((s) => /service=([^,]+)/.exec(s)?.[1]),
      ['(other)', 'svc-1:http'],
    );
    correlator.prune(1550);
    metrics.prune(1550);
    const newest = hostile(3, { ...known, observedAt: 1600 });
    correlator.addFlow(newest);
    metrics.observeFlow(newest);
    assert.deepEqual(
      (await samples(metrics, 'snatscope_flows_total')).map((s) => /service=([^,]+)/.exec(s)?.[1]),
      ['(other)', 'svc-3:http'],
    );
    const evictions = await samples(metrics, 'snatscope_cache_evictions_total');
    assert.ok(evictions.includes('cache=metric_services,reason=age 1'), evictions.join('\n'));
    assert.ok(evictions.includes('cache=correlator_services,reason=age 1'), evictions.join('\n'));
  });
});
