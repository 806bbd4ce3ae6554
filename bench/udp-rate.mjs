// A flood of new UDP flows at a set rate: one datagram from each (source address, source port)
// pair, `rate` pairs a second for `seconds`, to ip:port (run inside a lab client namespace that
// owns the source addresses). Prints {"sent","failed","seconds"} as JSON.
//   node bench/udp-rate.mjs <dst-ip> <dst-port> <src-ip,src-ip,...> <rate> <seconds>
import { createSocket } from 'node:dgram';

const [dstIp = '', dstPortText = '', sources = '', rateText = '', secondsText = ''] =
  process.argv.slice(2);
const dstPort = Number(dstPortText);
const rate = Number(rateText);
const total = rate * Number(secondsText);
const ips = sources.split(',');
const FIRST_PORT = 10_000;
const portsPerIp = Math.ceil(total / ips.length);
if (FIRST_PORT + portsPerIp > 65_535) {
  process.stderr.write(`need more source addresses: ${portsPerIp} ports each\n`);
  process.exit(2);
}
const payload = Buffer.from('x');
// Sockets open at once: each flow needs its own bound socket, and the process has a file limit.
const MAX_OPEN = 800;
let open = 0;
let sent = 0;
let failed = 0;
let next = 0;
const start = Date.now();

function sendOne() {
  const i = next++;
  open++;
  const socket = createSocket('udp4');
  const finish = (ok) => {
    if (ok) sent++;
    else failed++;
    open--;
    socket.close();
  };
  socket.once('error', () => finish(false));
  socket.bind(
    { address: ips[i % ips.length], port: FIRST_PORT + Math.floor(i / ips.length) },
    () => {
      socket.send(payload, dstPort, dstIp, (error) => finish(!error));
    },
  );
}

// Paced by the clock: each tick sends what the elapsed time calls for.
await new Promise((resolve) => {
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((Date.now() - start) * rate) / 1000));
    while (next < due && open < MAX_OPEN) sendOne();
    if (next >= total) {
      clearInterval(timer);
      resolve();
    }
  }, 5);
});
while (open > 0) await new Promise((resolve) => setTimeout(resolve, 50));
process.stdout.write(JSON.stringify({ sent, failed, seconds: (Date.now() - start) / 1000 }) + '\n');
