// Command line for humans poking at the lab: npx tsx lab/cli.ts up | down | probe | rules (as root).
import { Command, InvalidArgumentError } from 'commander';
import { defaultCluster, servicePortName } from './cluster.js';
import type { Protocol } from './cluster.js';
import { renderNftables } from './kube-proxy-nft-rules.js';
import { renderIpvsIptablesRestore } from './kube-proxy-ipvs-rules.js';
import { renderIptablesRestore } from './kube-proxy-rules.js';
import type { ProxyMode } from './lab.js';
import { attachLab, createLab, destroyLabByPrefix } from './lab.js';

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError('not a positive integer');
  return parsed;
}

function proxyMode(value: string): ProxyMode {
  if (value !== 'iptables' && value !== 'nftables' && value !== 'ipvs') {
    throw new InvalidArgumentError('must be iptables, nftables or ipvs');
  }
  return value;
}

function protocol(value: string): Protocol {
  if (value !== 'tcp' && value !== 'udp') throw new InvalidArgumentError('must be tcp or udp');
  return value;
}

const program = new Command('lab')
  .description(
    'A three-node kube-proxy (iptables or nftables mode) cluster in network namespaces (needs root).',
  )
  .showHelpAfterError();

program
  .command('up')
  .description('build the default lab and leave it running; prints its prefix')
  .option('--prefix <prefix>', 'namespace prefix (default: ss + 4 random characters)')
  .option(
    '--proxy-mode <mode>',
    'kube-proxy mode: iptables, nftables or ipvs',
    proxyMode,
    'iptables',
  )
  .action(async (options: { prefix?: string; proxyMode: ProxyMode }) => {
    const cluster = defaultCluster();
    const lab = await createLab(cluster, {
      prefix: options.prefix,
      keepAlive: true,
      proxyMode: options.proxyMode,
    });
    const lines = [
      `lab ${lab.prefix} is up (kube-proxy ${lab.proxyMode} mode); namespaces: ${lab.namespaces.join(' ')}`,
      ...cluster.nodes.map((n) => `node ${n.name} ${n.ip} pods ${n.podCidr}`),
      ...cluster.services.map((s) => {
        const entries = [
          s.nodePort === undefined ? '' : `NodePort ${s.nodePort}`,
          ...s.loadBalancerIPs.map((r) => `LB ${r.ip} via ${r.announcedBy}`),
          ...s.externalIPs.map((r) => `externalIP ${r.ip} via ${r.announcedBy}`),
        ].filter(Boolean);
        return `service ${servicePortName(s)} ${s.protocol} ${s.externalTrafficPolicy} port ${s.port} ${entries.join(', ')}`;
      }),
      `clients: ${cluster.clients.map((c) => `${c.name} ${c.ip}`).join(', ')}`,
      `try:  npx tsx lab/cli.ts probe --prefix ${lab.prefix} --client c1 --ip 203.0.113.11 --port 30080`,
      `stop: npx tsx lab/cli.ts down --prefix ${lab.prefix}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  });

program
  .command('down')
  .description('kill the processes and delete every namespace of a lab')
  .requiredOption('--prefix <prefix>', 'the prefix printed by up')
  .action(async (options: { prefix: string }) => {
    const removed = await destroyLabByPrefix(options.prefix);
    process.stdout.write(`removed ${removed.length} namespaces\n`);
  });

program
  .command('probe')
  .description('send one probe in a running default lab and print what the pod saw (JSON)')
  .requiredOption('--prefix <prefix>', 'the prefix printed by up')
  .requiredOption(
    '--client <name>',
    'client, node or pod that sends the probe (e.g. c1, n2, api-a)',
  )
  .requiredOption('--ip <ip>', 'destination address')
  .requiredOption('--port <port>', 'destination port', integer)
  .option('--protocol <protocol>', 'tcp or udp', protocol, 'tcp' as Protocol)
  .option('--timeout-ms <ms>', 'how long to wait for an answer', integer, 1500)
  .action(
    async (options: {
      prefix: string;
      client: string;
      ip: string;
      port: number;
      protocol: Protocol;
      timeoutMs: number;
    }) => {
      const lab = attachLab(options.prefix, defaultCluster());
      const result = await lab.probe({
        client: options.client,
        ip: options.ip,
        port: options.port,
        protocol: options.protocol,
        timeoutMs: options.timeoutMs,
      });
      process.stdout.write(JSON.stringify(result) + '\n');
    },
  );

program
  .command('rules')
  .description(
    'print the iptables-restore (or nft -f) input the lab loads on a node of the default cluster ' +
      '(IPVS mode: its iptables rules; the ipsets and the IPVS stand-in are loaded as well)',
  )
  .argument('<node>', 'node name, e.g. n1')
  .option(
    '--proxy-mode <mode>',
    'kube-proxy mode: iptables, nftables or ipvs',
    proxyMode,
    'iptables',
  )
  .action((node: string, options: { proxyMode: ProxyMode }) => {
    const render = {
      iptables: renderIptablesRestore,
      nftables: renderNftables,
      ipvs: renderIpvsIptablesRestore,
    }[options.proxyMode];
    process.stdout.write(render(defaultCluster(), node));
  });

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
