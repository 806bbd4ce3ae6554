// kubectl Service list parser tests: the node-a fixture, the index that names IPVS virtual
// servers, skipped malformed items with their JSON path, and fuzzing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  KubeServiceIndex,
  KubectlServicesParseError,
  parseKubectlServices,
} from '../../agent/sources/kubectl-services.js';
import { assertGolden, readFixture, toJsonLines } from '../support/golden.js';

void describe('parseKubectlServices: node-a', () => {
  const { services, errors } = parseKubectlServices(
    readFixture('ipvs-node-a/services.json'),
    'services.json',
  );

  void it('golden', () => {
    assert.deepEqual(errors, []);
    assertGolden('ipvs/ipvs-node-a-services.jsonl', toJsonLines(services));
  });

  void it('headless Services have no cluster IP; unnamed ports are ""', () => {
    assert.deepEqual(services.find((s) => s.name === 'db')?.clusterIPs, []);
    assert.equal(services.find((s) => s.name === 'web')?.ports[0]?.name, '');
  });

  const index = new KubeServiceIndex(services);
  const cases: { name: string; find: () => string | undefined; key: string | undefined }[] = [
    {
      name: 'cluster IP',
      find: () => index.byServiceAddress('tcp', '10.96.0.10', 80)?.key,
      key: 'shop/api:http',
    },
    {
      name: 'load-balancer IP',
      find: () => index.byServiceAddress('tcp', '192.0.2.30', 443)?.key,
      key: 'shop/reports:https',
    },
    {
      name: 'external IP, unnamed port',
      find: () => index.byServiceAddress('tcp', '192.0.2.100', 80)?.key,
      key: 'shop/web:',
    },
    { name: 'NodePort', find: () => index.byNode('udp', 30053)?.key, key: 'dns/resolver:dns' },
    { name: 'wrong protocol', find: () => index.byNode('tcp', 30053)?.key, key: undefined },
  ];
  for (const c of cases) {
    void it(`index: ${c.name}`, () => {
      assert.equal(c.find(), c.key);
    });
  }
});

void describe('parseKubectlServices: errors', () => {
  void it('a JSON syntax error is one typed error (with the line when V8 tells the position)', () => {
    const { services, errors } = parseKubectlServices('{\n  "items": [\n  }\n', 'svc.json');
    assert.deepEqual(services, []);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof KubectlServicesParseError);
    // Node 20's V8 names no position for this input; newer ones say "(line 3 column 3)".
    if (errors[0].lineNumber !== null) assert.equal(errors[0].lineNumber, 3);
    assert.match(errors[0].message, /^svc\.json(:3)?: not JSON/);
  });

  const item = (spec: unknown): string =>
    JSON.stringify({
      kind: 'List',
      items: [
        {
          kind: 'Service',
          metadata: { name: 'ok', namespace: 'a' },
          spec: { clusterIP: '10.0.0.1', ports: [{ port: 1 }] },
        },
        { kind: 'Service', metadata: { name: 'bad', namespace: 'a' }, spec },
      ],
    });
  const cases: { name: string; spec: unknown; path: string }[] = [
    {
      name: 'a port out of range',
      spec: { ports: [{ port: 70000 }] },
      path: 'items[1].spec.ports[0].port',
    },
    {
      name: 'an unknown protocol',
      spec: { ports: [{ port: 1, protocol: 'ICMP' }] },
      path: 'items[1].spec.ports[0].protocol',
    },
    { name: 'a bad cluster IP', spec: { clusterIP: 'ten' }, path: 'items[1].spec.clusterIP' },
    {
      name: 'an unknown policy',
      spec: { externalTrafficPolicy: 'Nearby' },
      path: 'items[1].spec.externalTrafficPolicy',
    },
    {
      name: 'externalIPs not an array',
      spec: { externalIPs: '1.2.3.4' },
      path: 'items[1].spec.externalIPs',
    },
  ];
  for (const c of cases) {
    void it(`skips the item with ${c.name} and keeps the others`, () => {
      const { services, errors } = parseKubectlServices(item(c.spec), 'svc.json');
      assert.deepEqual(
        services.map((s) => s.name),
        ['ok'],
      );
      assert.equal(errors.length, 1);
      assert.equal(errors[0]?.path, c.path);
    });
  }

  void it('fuzzing never throws, only returns typed errors', () => {
    const text = readFixture('ipvs-node-a/services.json');
    const mutated = fc
      .tuple(fc.nat(), fc.nat(20), fc.string({ maxLength: 8 }))
      .map(([at, cut, junk]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + junk + text.slice(i + cut);
      });
    const anything = fc.oneof(mutated, fc.json(), fc.string({ unit: 'binary', maxLength: 200 }));
    fc.assert(
      fc.property(anything, (input) => {
        for (const error of parseKubectlServices(input, 'f').errors) {
          assert.ok(error instanceof KubectlServicesParseError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
