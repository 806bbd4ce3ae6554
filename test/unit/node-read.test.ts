// The one node read: proxy-mode detection from kube-proxy's own rules, the live reader's IPVS
// sources against stand-in ipvsadm tools on PATH (no root, no IPVS), and a poll in IPVS mode
// giving the records `analyze` gives for the same dumps.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyze } from '../../agent/analyze.js';
import { detectProxyMode, readNode } from '../../agent/node-read.js';
import { pollNode } from '../../agent/poll.js';
import { ToolError } from '../../agent/sources/exec.js';
import { parseIptablesSave } from '../../agent/sources/iptables-save.js';
import { LiveNodeReader, type NodeReader } from '../../agent/sources/node-reader.js';
import { forEachLine } from '../../agent/sources/read-lines.js';
import { v1 } from '../../proto/index.js';
import { STAND_IN_ENV, writeIpvsStandIns } from '../support/stand-in-tools.js';

const IPVS = 'test/fixtures/ipvs-node-a';
const tables = async (path: string) => parseIptablesSave(await readFile(path, 'utf8'), path).tables;

void describe('detectProxyMode', () => {
  void it('iptables mode: nat KUBE-SERVICES jumps to KUBE-SVC-/KUBE-EXT-/KUBE-NODEPORTS', async () => {
    const iptables = await tables('test/fixtures/lab-n1-iptables-save-c.txt');
    assert.equal(detectProxyMode({ iptables, ipvsVirtualServers: 0, nftTable: false }), 'iptables');
    // IPVS virtual servers outlive a switch from IPVS to iptables mode (nothing cleans them up).
    assert.equal(
      detectProxyMode({ iptables, ipvsVirtualServers: 40, nftTable: false }),
      'iptables',
    );
  });

  void it('IPVS mode: virtual servers, or the IPVS-mode ipset rules without them', async () => {
    const iptables = await tables(`${IPVS}/iptables-save.txt`);
    assert.equal(detectProxyMode({ iptables, ipvsVirtualServers: 0, nftTable: false }), 'ipvs');
    assert.equal(detectProxyMode({ iptables: [], ipvsVirtualServers: 3, nftTable: false }), 'ipvs');
    // iptables-mode chains left from before a switch to IPVS are not jumped to: still IPVS.
    const text = (await readFile(`${IPVS}/iptables-save.txt`, 'utf8')).replace(
      '*nat\n',
      '*nat\n:KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]\n-A KUBE-SVC-AAAAAAAAAAAAAAAA -j KUBE-SEP-AAAAAAAAAAAAAAAA\n',
    );
    const leftovers = parseIptablesSave(text, 'leftovers').tables;
    assert.equal(
      detectProxyMode({ iptables: leftovers, ipvsVirtualServers: 0, nftTable: false }),
      'ipvs',
    );
  });

  void it('nftables mode: kube-proxy’s table, kubelet’s own KUBE- chains do not count', () => {
    const kubelet = parseIptablesSave(
      [
        '*filter',
        ':KUBE-FIREWALL - [0:0]',
        '-A INPUT -j KUBE-FIREWALL',
        '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
        'COMMIT',
        '*nat',
        ':KUBE-KUBELET-CANARY - [0:0]',
        'COMMIT',
        '',
      ].join('\n'),
      'kubelet',
    ).tables;
    assert.equal(
      detectProxyMode({ iptables: kubelet, ipvsVirtualServers: 0, nftTable: true }),
      'nftables',
    );
    assert.equal(
      detectProxyMode({ iptables: kubelet, ipvsVirtualServers: 0, nftTable: false }),
      'iptables',
    );
  });
});

void describe('readNode', () => {
  void it('does not run ipvsadm where the rules show iptables or nftables mode', async () => {
    const iptables = await readFile('test/fixtures/lab-n1-iptables-save-c.txt', 'utf8');
    const nft = await readFile('test/fixtures/lab-nft-n1-nft.json', 'utf8');
    for (const mode of ['iptables', 'nftables'] as const) {
      const base = ipvsNodeReader(false);
      const reader: NodeReader = {
        ...base,
        iptablesSave: (family) =>
          mode === 'iptables' && family === 'ipv4'
            ? Promise.resolve({ text: iptables, source: 'iptables-save', skipped: [] })
            : Promise.reject(new ToolError('iptables-save', [], 'missing', 'none')),
        nftTable: (family) =>
          Promise.resolve(
            mode === 'nftables' && family === 'ipv4' ? { text: nft, source: 'nft' } : null,
          ),
        ipvsServices: () => assert.fail('ipvsadm may load ip_vs: not on this node'),
        ipsetSave: () => assert.fail('ipset save is for IPVS mode only'),
      };
      const tables = await readNode(reader, {
        problem: (problem) => assert.fail(JSON.stringify(problem)),
        toolFailure: () => undefined,
      });
      assert.equal(tables.model.proxyMode, mode);
    }
  });
});

void describe('LiveNodeReader IPVS sources (stand-in ipvsadm on PATH)', () => {
  let dir: string;
  const saved = { ...process.env };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snatscope-standin-'));
    await writeIpvsStandIns(dir);
  });

  after(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
  });

  void it('reads ipvsadm-save -n and ipvsadm -Lnc', async () => {
    process.env.PATH = `${dir}:${saved.PATH ?? ''}`;
    process.env[STAND_IN_ENV.rules] = resolve(`${IPVS}/ipvsadm-save.txt`);
    process.env[STAND_IN_ENV.connections] = resolve(`${IPVS}/ipvsadm-Lnc.txt`);
    const reader = new LiveNodeReader();
    const rules = await reader.ipvsServices();
    assert.equal(rules?.source, 'ipvsadm-save -n');
    assert.equal(rules.text, await readFile(`${IPVS}/ipvsadm-save.txt`, 'utf8'));
    const connections = await reader.ipvsConnections();
    assert.equal(connections?.source, 'ipvsadm -Lnc');
    assert.match(connections.text, /^IPVS connection entries/);
  });

  void it('falls back to ipvsadm -Ln where ipvsadm-save is missing', async () => {
    await rm(join(dir, 'ipvsadm-save'));
    process.env[STAND_IN_ENV.list] = resolve(`${IPVS}/ipvsadm-Ln.txt`);
    const rules = await new LiveNodeReader().ipvsServices();
    assert.equal(rules?.source, 'ipvsadm -Ln');
    await writeIpvsStandIns(dir);
  });

  void it('a kernel without IPVS, or no ipvsadm at all, is "no IPVS", not a failure', async () => {
    process.env = { ...saved, PATH: process.env.PATH };
    const reader = new LiveNodeReader();
    assert.equal(await reader.ipvsServices(), null);
    assert.equal(await reader.ipvsConnections(), null);
    process.env.PATH = join(dir, 'nothing-here');
    assert.equal(await reader.ipvsServices(), null);
    assert.equal(await reader.ipsetSave(), null);
  });
});

/** A NodeReader over the ipvs-node-a bundle; `conntrack` false serves an empty table. */
function ipvsNodeReader(conntrack: boolean): NodeReader {
  const text = (name: string) => readFile(`${IPVS}/${name}`, 'utf8');
  const dump = async (name: string) => ({ text: await text(name), source: name });
  return {
    iptablesSave: async (family) => {
      if (family === 'ipv6') throw new ToolError('ip6tables-save', [], 'missing', 'none');
      return { ...(await dump('iptables-save.txt')), skipped: [] };
    },
    conntrack: (family, lines, onOverlong) =>
      family === 'ipv4' && conntrack
        ? forEachLine(`${IPVS}/conntrack.txt`, lines(`${IPVS}/conntrack.txt`), {
            maxLineBytes: 65536,
            source: 'conntrack',
            onOverlong,
          })
        : Promise.resolve(0),
    nftTable: () => Promise.resolve(null),
    kubeServices: () => dump('services.json'),
    addresses: () => text('addr.json'),
    routes: () => Promise.resolve('[]'),
    ipvsServices: () => dump('ipvsadm-save.txt'),
    ipvsConnections: () => dump('ipvsadm-Lnc.txt'),
    ipsetSave: () => dump('ipset-save.txt'),
  };
}

async function pollRecords(conntrack: boolean): Promise<{ mode: string; flows: v1.IFlowRecord[] }> {
  const flows: v1.IFlowRecord[] = [];
  const result = await pollNode(
    ipvsNodeReader(conntrack),
    { nodeName: 'node-a', nodeIps: [], podCidrs: [] },
    {
      services: () => undefined,
      record: (record) => flows.push(record),
      problem: (problem) => assert.fail(JSON.stringify(problem)),
      toolFailure: () => undefined,
    },
    1000,
  );
  return { mode: result.tables.model.proxyMode, flows };
}

void describe('pollNode in IPVS mode', () => {
  void it('detects IPVS and gives the records analyze gives for the same dumps', async () => {
    const live = await pollRecords(true);
    assert.equal(live.mode, 'ipvs');
    const offline: v1.IFlowRecord[] = [];
    await analyze(
      {
        nodeName: 'node-a',
        iptablesFiles: [`${IPVS}/iptables-save.txt`],
        nftFiles: [],
        ipvsFiles: [`${IPVS}/ipvsadm-save.txt`],
        ipvsConnectionFiles: [`${IPVS}/ipvsadm-Lnc.txt`],
        ipsetFiles: [`${IPVS}/ipset-save.txt`],
        servicesFile: `${IPVS}/services.json`,
        conntrackFiles: [`${IPVS}/conntrack.txt`],
        addressesFile: `${IPVS}/addr.json`,
        nodeIps: [],
        podCidrs: [],
        observedAt: 1000,
      },
      { service: () => undefined, flow: (record) => offline.push(record), end: () => undefined },
      (problem) => assert.fail(JSON.stringify(problem)),
    );
    assert.ok(live.flows.length > 0);
    assert.deepEqual(live.flows, offline);
    assert.ok(live.flows.every((f) => f.proxyMode === v1.ProxyMode.ipvs));
  });

  void it('classifies the IPVS connections conntrack does not show', async () => {
    const { flows } = await pollRecords(false);
    // ipvs-node-a's -Lnc: 10 connections, of which 2 are persistence templates and 2 a pod's
    // ClusterIP traffic (no NodePort, LB or external IP flow).
    assert.equal(flows.length, 6);
    const api = flows.find((f) => f.client?.port === 40000);
    assert.equal(api?.service?.name, 'api');
    assert.equal(api.observedSource?.ip, '0.0.0.0', 'the masquerade address is not guessed');
  });
});
