// A load client in the lab: opens --rate new TCP connections per second to ip:port for --duration-ms,
// each reading the pod's one-line answer and closing, so that every connection is a new conntrack
// entry. At most --max-in-flight at once (a slow path sheds load instead of piling up sockets).
// Source ports are taken in order from 1024 up, never twice while fewer than 64,512 connections
// were made: a reused address and port would give a later connection the same conntrack tuple (and
// often the same conntrack id) as an earlier one, which then look like one connection.
// Prints one JSON line at the end: {"opened","answered","failed","skipped"}.
// Usage: node load-client.mjs --ip A --port N --rate N --duration-ms N [--max-in-flight N]
import net from 'node:net';
import process from 'node:process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    ip: { type: 'string' },
    port: { type: 'string' },
    rate: { type: 'string' },
    'duration-ms': { type: 'string' },
    'max-in-flight': { type: 'string', default: '2000' },
  },
});
const port = Number(values.port);
const rate = Number(values.rate);
const durationMs = Number(values['duration-ms']);
const maxInFlight = Number(values['max-in-flight']);
if (!values.ip || !(port > 0 && port < 65536) || !(rate > 0) || !(durationMs > 0)) {
  process.stderr.write(
    'usage: load-client.mjs --ip A --port N --rate N --duration-ms N [--max-in-flight N]\n',
  );
  process.exit(2);
}

const counts = { opened: 0, answered: 0, failed: 0, skipped: 0 };
let inFlight = 0;

function connect() {
  if (inFlight >= maxInFlight) {
    counts.skipped++;
    return;
  }
  inFlight++;
  counts.opened++;
  const localPort = 1024 + ((counts.opened - 1) % 64_512);
  const socket = net.connect({ host: values.ip, port, localPort });
  let answered = false;
  socket.setTimeout(5000, () => socket.destroy());
  socket.on('data', () => {
    answered = true;
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    inFlight--;
    if (answered) counts.answered++;
    else counts.failed++;
  });
}

// Paced by the clock, not by timer ticks: a late tick catches up instead of lowering the rate.
const started = Date.now();
const timer = setInterval(() => {
  const elapsed = Math.min(Date.now() - started, durationMs);
  const due = Math.floor((elapsed * rate) / 1000);
  while (counts.opened + counts.skipped < due) connect();
  if (elapsed >= durationMs) {
    clearInterval(timer);
    const finish = setInterval(() => {
      if (inFlight > 0) return;
      clearInterval(finish);
      process.stdout.write(`${JSON.stringify(counts)}\n`);
    }, 50);
  }
}, 10);
