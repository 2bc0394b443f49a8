// Child process for bench/slowBody.ts: the slow-body clients, apart from the process that times the
// probe (their sockets and timers must not delay its measurements). `count` connections send
// `POST /beta/$batch` headers announcing 1 MB, then one byte every `dripMs` each; one the server cuts is
// opened again at the attacker's next tick (within `dripMs`), as slowloris does. IPC: 'ready' once all
// are open and answered; answers 'count' with the open connections; 'stop' closes them and answers with totals.
import { connect, type Socket } from 'node:net';

const [url, countArg, dripArg] = process.argv.slice(2);
const u = new URL(url!);
const count = Number(countArg);
const dripMs = Number(dripArg);
const open = new Set<Socket>();
let stopped = false;
let cut = 0;
let opened = 0;
const head = `POST /beta/$batch HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{`;

const one = (): Promise<void> => new Promise((resolve) => {
  const sock = connect(Number(u.port), u.hostname, () => {
    opened++;
    sock.write(head);
  });
  // Set up once the server has answered the headers (its 401): the kernel completes connections the
  // server has not accepted yet, so 'connected' alone would leave the setup's work in the next phase.
  sock.once('data', () => resolve());
  open.add(sock);
  // Staggered: the drips of all connections spread over the interval.
  let timer = setTimeout(function tick() {
    if (sock.writable) sock.write(' ');
    timer = setTimeout(tick, dripMs);
  }, Math.random() * dripMs);
  sock.on('error', () => undefined);
  sock.resume();
  sock.once('close', () => {
    clearTimeout(timer);
    open.delete(sock);
    resolve();
    if (stopped) return;
    cut++;
    setTimeout(() => !stopped && void one(), Math.random() * dripMs);
  });
});

process.on('message', (m: string) => {
  if (m === 'count') process.send!({ open: open.size });
  if (m === 'stop') {
    stopped = true;
    for (const s of open) s.destroy();
    process.send!({ connectionsOpened: opened, cutByServer: cut }, () => process.exit(0));
  }
});

const t0 = performance.now();
// 100 at a time: the kernel's accept queue holds ~500.
for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, one));
process.send!({ ready: true, setupMs: Math.round(performance.now() - t0), open: open.size });
