// What the API reader keeps of each recorded object (test/data/kube-api), and the cases the
// recordings do not show: finished pods, FQDN slices, references without a namespace, bad JSON.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  KubeObjectError,
  readEndpointSlice,
  readNode,
  readObjectMeta,
  readPod,
} from '../../agent/kube/objects.js';

const DATA = join(import.meta.dirname, '../data/kube-api');
const items = (file: string): Record<string, unknown>[] =>
  (JSON.parse(readFileSync(join(DATA, file), 'utf8')) as { items: Record<string, unknown>[] })
    .items;

describe('trimmed API objects', () => {
  it('recorded pods: a hostNetwork pod has no address of its own', () => {
    assert.deepEqual(items('pods.json').map(readPod), [
      { namespace: 'kube-system', name: 'etcd-m01', ips: [] },
      { namespace: 'kube-system', name: 'coredns-66bff467f8-z8czk', ips: ['10.244.0.3'] },
    ]);
  });

  it('recorded nodes: InternalIP and ExternalIP, not Hostname', () => {
    assert.deepEqual(items('nodes.json').map(readNode), [
      { name: 'm01', ips: ['172.17.0.2'] },
      { name: 'm02', ips: ['172.17.0.3', '203.0.113.12'] },
    ]);
  });

  it('recorded slices: only endpoints with a Pod targetRef', () => {
    assert.deepEqual(
      items('endpointslices.json').map((s) => readEndpointSlice(s).endpoints),
      [
        [],
        [{ ip: '10.244.0.3', pod: { namespace: 'kube-system', name: 'coredns-66bff467f8-z8czk' } }],
        [
          {
            ip: '10.244.1.7',
            pod: {
              namespace: 'kubelb',
              name: 'envoy-tenant-primary-default-tcp-gw-235977ec-6b9f8d7c5-mz4wq',
            },
          },
        ],
      ],
    );
  });

  const [, coredns] = items('pods.json');
  const cases: { name: string; got: () => unknown; want: unknown }[] = [
    {
      name: 'a finished pod gave its address back',
      got: () =>
        readPod({ ...coredns, status: { phase: 'Succeeded', podIPs: [{ ip: '10.244.0.3' }] } }).ips,
      want: [],
    },
    {
      name: 'dual-stack podIPs, canonical IPv6',
      got: () =>
        readPod({ ...coredns, status: { podIPs: [{ ip: '10.244.0.3' }, { ip: 'fd00::0:5' }] } })
          .ips,
      want: ['10.244.0.3', 'fd00::5'],
    },
    {
      name: 'an FQDN slice names nothing',
      got: () =>
        readEndpointSlice({
          metadata: { name: 'ext', namespace: 'a' },
          addressType: 'FQDN',
          endpoints: [{ addresses: ['example.com'], targetRef: { kind: 'Pod', name: 'p' } }],
        }).endpoints,
      want: [],
    },
    {
      name: 'a targetRef without namespace is in the slice’s',
      got: () =>
        readEndpointSlice({
          metadata: { name: 's', namespace: 'shop' },
          addressType: 'IPv4',
          endpoints: [{ addresses: ['10.0.0.1'], targetRef: { kind: 'Pod', name: 'p' } }],
        }).endpoints,
      want: [{ ip: '10.0.0.1', pod: { namespace: 'shop', name: 'p' } }],
    },
    {
      name: 'a cluster-scoped object has namespace ""',
      got: () => readObjectMeta('nodes', { metadata: { name: 'm01', resourceVersion: '7' } }),
      want: { namespace: '', name: 'm01', resourceVersion: '7' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(c.got(), c.want);
    });
  }

  it('a malformed object is one typed error saying where', () => {
    assert.throws(
      () => readNode({ metadata: { name: 'm01' }, status: { addresses: 'x' } }),
      (error: unknown) =>
        error instanceof KubeObjectError &&
        error.resource === 'nodes' &&
        error.path === 'status.addresses',
    );
    assert.throws(() => readPod({ metadata: {} }), /metadata\.name: missing/);
  });
});
