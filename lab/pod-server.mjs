// A pod's workload in the lab: answers every TCP connection and every UDP datagram on the given
// ports with one JSON line saying who answered and which peer address the socket saw — the ground
// truth for "did the backend see the client IP?". Plain JS with two imports so it starts fast.
// Usage: node pod-server.mjs --pod NAME --node NAME --port N [--port N …]; prints "ready" once listening.
import dgram from 'node:dgram';
import net from 'node:net';
import process from 'node:process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    pod: { type: 'string' },
    node: { type: 'string' },
    port: { type: 'string', multiple: true },
  },
});
const ports = (values.port ?? []).map(Number);
if (!values.pod || !values.node || ports.length === 0 || ports.some((p) => !(p > 0 && p < 65536))) {
  process.stderr.write('usage: pod-server.mjs --pod NAME --node NAME --port N [--port N ...]\n');
  process.exit(2);
}

function answer(ip, port) {
  return JSON.stringify({ pod: values.pod, node: values.node, peer: { ip, port } }) + '\n';
}

function fail(error) {
  process.stderr.write(`pod-server ${values.pod}: ${error.message}\n`);
  process.exit(1);
}

const listening = ports.flatMap((port) => {
  const tcp = net.createServer((socket) => {
    // A peer may reset before we answer; that must not take the server down.
    socket.on('error', () => socket.destroy());
    socket.end(answer(socket.remoteAddress, socket.remotePort));
  });
  tcp.on('error', fail);
  const udp = dgram.createSocket('udp4');
  udp.on('error', fail);
  udp.on('message', (_message, peer) => {
    udp.send(answer(peer.address, peer.port), peer.port, peer.address);
  });
  return [
    new Promise((resolve) => tcp.listen(port, '0.0.0.0', resolve)),
    new Promise((resolve) => udp.bind(port, '0.0.0.0', resolve)),
  ];
});

await Promise.all(listening);
// The lab waits for this line; nothing is written afterwards because the lab may close the pipe.
process.stdout.write('ready\n');
