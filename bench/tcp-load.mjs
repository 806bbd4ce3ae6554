// Opens `rate` new TCP connections per second to ip:port for `seconds`, each reading the pod's
// one-line answer and closing (run inside a lab client namespace). Prints counts as JSON.
//   node bench/tcp-load.mjs <ip> <port> <rate> <seconds>
import { connect } from 'node:net';

const [ip = '', portText = '', rateText = '', secondsText = ''] = process.argv.slice(2);
const port = Number(portText);
const rate = Number(rateText);
const durationMs = Number(secondsText) * 1000;
let opened = 0;
let answered = 0;
let failed = 0;

function once() {
  opened++;
  const socket = connect({ host: ip, port });
  socket.setTimeout(2000);
  socket.once('data', () => {
    answered++;
    socket.end();
  });
  socket.once('timeout', () => socket.destroy());
  socket.once('error', () => {
    failed++;
  });
}

const start = Date.now();
// A 10 ms tick opening rate/100 connections keeps the rate steady without a timer per connection.
await new Promise((resolve) => {
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - start) / 1000) * rate);
    while (opened < due) once();
    if (Date.now() - start >= durationMs) {
      clearInterval(timer);
      setTimeout(resolve, 2500);
    }
  }, 10);
});
process.stdout.write(JSON.stringify({ opened, answered, failed }) + '\n');
