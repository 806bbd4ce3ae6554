// `snatscope services` as people read it: the table rows of the collector's summaries (the JSON
// the API serves), for a Local Service that every node kept but an upstream NAT load balancer did not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { servicesTable } from '../../cli/query.js';
import { Correlator } from '../../collector/correlate.js';
import { summaryToJson } from '../../proto/json.js';
import { v1 } from '../../proto/index.js';

const { Cause, Kind } = v1.FlowRecord;

/** shop/checkout as the demo drives it: 68 flows from clients, 32 through the NAT LB 203.0.113.5. */
function checkoutSummaries(): Record<string, unknown>[] {
  const correlator = new Correlator({ upstreamCidrs: ['203.0.113.5/32'] });
  for (let i = 0; i < 100; i++) {
    correlator.addFlow({
      kind: Kind.flow,
      node: 'n2',
      protocol: 'tcp',
      client: { ip: i < 32 ? '203.0.113.5' : '198.51.100.50', port: 40000 + i },
      entry: { ip: '192.0.2.10', port: 443 },
      backend: { ip: '10.244.2.20', port: 8443 },
      observedSource: { ip: i < 32 ? '203.0.113.5' : '198.51.100.50', port: 40000 + i },
      snat: false,
      cause: Cause.None,
      service: { namespace: 'shop', name: 'checkout', port: 'https' },
      externalTrafficPolicy: v1.TrafficPolicy.Local,
      endpointLocal: true,
      conntrackId: i + 1,
      observedAt: 1000,
    });
  }
  return correlator.summaries().map(summaryToJson);
}

describe('services table', () => {
  it('shows client-IP-kept against the real client, with SNAT on the node and upstream loss apart', () => {
    const [header, row] = servicesTable(checkoutSummaries()).split('\n');
    assert.match(
      header ?? '',
      /^VERDICT\s+CLIENT IP KEPT\s+FLOWS\s+SNAT ON NODE\s+LOST UPSTREAM\s+FINDINGS\s+SERVICE/,
    );
    assert.match(
      row ?? '',
      /^partial\s+68\.0%\s+100\s+0\s+32\s+1\s+shop\/checkout:https\/tcp\s+Local\s/,
    );
  });

  it('serves the same numbers in JSON: causes, upstreamFlows and both ratios', () => {
    const [checkout] = checkoutSummaries();
    assert.deepEqual(
      {
        verdict: checkout?.verdict,
        preservedRatio: checkout?.preservedRatio,
        nodePreservedRatio: checkout?.nodePreservedRatio,
        upstreamFlows: checkout?.upstreamFlows,
        keptFlows: checkout?.keptFlows,
        causes: checkout?.causes,
      },
      {
        verdict: 'partial',
        preservedRatio: 0.68,
        nodePreservedRatio: 1,
        upstreamFlows: 32,
        keptFlows: 68,
        causes: { None: 68, ClientIpLostUpstream: 32 },
      },
    );
  });

  it('lists the finding that says where the client IP was lost', () => {
    const text = servicesTable(checkoutSummaries());
    assert.match(text, /\[warning\] ClientIpLostUpstream — shop\/checkout:https \(nodes: n2\)/);
    assert.match(text, /lost upstream, not on a node/);
  });
});

describe('services JSON without flows', () => {
  it('has null ratios and zero counts, not absent fields', () => {
    const correlator = new Correlator();
    correlator.setServices('n1', [
      {
        node: 'n1',
        service: { namespace: 'shop', name: 'checkout', port: 'https' },
        protocol: 'tcp',
        externalTrafficPolicy: v1.TrafficPolicy.Local,
      },
    ]);
    const [summary] = correlator.summaries().map(summaryToJson);
    assert.deepEqual(
      [
        summary?.verdict,
        summary?.preservedRatio,
        summary?.nodePreservedRatio,
        summary?.upstreamFlows,
        summary?.keptFlows,
        summary?.nodesForwardingWithoutLocalEndpoints,
      ],
      ['no-traffic', null, null, 0, 0, []],
    );
  });
});
