// Creates many distinct UDP conntrack entries: one datagram from every (source address, source
// port) pair to ip:port. Runs inside a lab client namespace that owns the source addresses.
//   node bench/udp-flood.mjs <dst-ip> <dst-port> <src-ip,src-ip,...> <first-port> <ports-per-ip>
import { createSocket } from 'node:dgram';

const [dstIp = '', dstPortText = '', sources = '', firstPortText = '', perIpText = ''] =
  process.argv.slice(2);
const dstPort = Number(dstPortText);
const firstPort = Number(firstPortText);
const perIp = Number(perIpText);
const pairs = sources
  .split(',')
  .flatMap((ip) => Array.from({ length: perIp }, (_, i) => [ip, firstPort + i]));
const payload = Buffer.from('x');
const IN_FLIGHT = 256;

let next = 0;
let sent = 0;
let failed = 0;

function sendOne(done) {
  const pair = pairs[next++];
  if (!pair) return done();
  const socket = createSocket('udp4');
  const finish = (ok) => {
    if (ok) sent++;
    else failed++;
    socket.close();
    sendOne(done);
  };
  socket.once('error', () => finish(false));
  socket.bind({ address: pair[0], port: pair[1], exclusive: true }, () => {
    socket.send(payload, dstPort, dstIp, (error) => finish(!error));
  });
}

await Promise.all(
  Array.from({ length: IN_FLIGHT }, () => new Promise((resolve) => sendOne(resolve))),
);
process.stdout.write(JSON.stringify({ sent, failed }) + '\n');
