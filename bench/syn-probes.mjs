// Opens `count` TCP connections to ip:port, one every `interval-ms`, from local ports first-port,
// first-port+1, …, and prints when each connect() started (epoch ms) as JSON: the far end of the
// SYN-to-record latency benchmark (run inside a lab client namespace).
//   node bench/syn-probes.mjs <ip> <port> <count> <interval-ms> <first-port>
import { connect } from 'node:net';

const [ip = '', portText = '', countText = '', intervalText = '', firstText = ''] =
  process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const intervalMs = Number(intervalText);
const firstPort = Number(firstText);
const started = [];
let answered = 0;
let pending = count;

function probe(i) {
  const localPort = firstPort + i;
  started.push([localPort, Date.now()]);
  const socket = connect({ host: ip, port, localPort });
  socket.setTimeout(5000);
  const done = () => {
    socket.destroy();
    if (--pending === 0) {
      process.stdout.write(JSON.stringify({ started, answered }) + '\n');
    }
  };
  socket.once('data', () => {
    answered++;
    done();
  });
  socket.once('timeout', done);
  socket.once('error', done);
}

for (let i = 0; i < count; i++) setTimeout(() => probe(i), i * intervalMs);
