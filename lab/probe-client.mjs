// A client in the lab: one TCP connection or one UDP datagram to ip:port, then prints one JSON line
// {"local":{"ip","port"},"reply":<pod-server answer>}. "local" is the client socket's own address,
// i.e. the original source of the conntrack entry. On timeout it prints {"local":…,"error":"timeout"}
// and exits 2 (a dropped probe is a valid outcome); on another socket error {"local":…,"error":"<code>"}, exit 1.
// Usage: node probe-client.mjs --protocol tcp|udp --ip A --port N [--timeout-ms N]
import dgram from 'node:dgram';
import net from 'node:net';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    protocol: { type: 'string' },
    ip: { type: 'string' },
    port: { type: 'string' },
    'timeout-ms': { type: 'string', default: '1500' },
  },
});
const port = Number(values.port);
const timeoutMs = Number(values['timeout-ms']);
if (
  !['tcp', 'udp'].includes(values.protocol) ||
  !net.isIPv4(values.ip ?? '') ||
  !(port > 0 && port < 65536) ||
  !(timeoutMs > 0)
) {
  process.stderr.write(
    'usage: probe-client.mjs --protocol tcp|udp --ip A --port N [--timeout-ms N]\n',
  );
  process.exit(2);
}

let local = null;

function finish(result, exitCode) {
  process.stdout.write(JSON.stringify({ local, ...result }) + '\n');
  process.exit(exitCode);
}

function parseReply(text) {
  try {
    finish({ reply: JSON.parse(text) }, 0);
  } catch {
    finish({ error: 'bad-reply', text }, 1);
  }
}

setTimeout(() => finish({ error: 'timeout' }, 2), timeoutMs);

if (values.protocol === 'tcp') {
  const socket = net.connect({ host: values.ip, port });
  let received = '';
  // 'connectionAttempt' fires just before connect(2), which binds the ephemeral port; reading it on
  // the next tick gets the address even when the SYN is dropped or refused (the socket is gone then).
  socket.on('connectionAttempt', () =>
    process.nextTick(() => {
      local = { ip: socket.localAddress, port: socket.localPort };
    }),
  );
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => (received += chunk));
  socket.on('end', () => parseReply(received));
  socket.on('error', (error) => finish({ error: error.code ?? error.message }, 1));
} else {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message) => parseReply(message.toString('utf8')));
  // Connected UDP: the kernel reports ICMP errors (e.g. port unreachable) as socket errors.
  socket.on('error', (error) => finish({ error: error.code ?? error.message }, 1));
  socket.connect(port, values.ip, () => {
    const address = socket.address();
    local = { ip: address.address, port: address.port };
    socket.send('probe\n');
  });
}
