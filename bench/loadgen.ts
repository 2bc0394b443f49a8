// Load generator for bench/http.ts, in a process of its own so it never shares an event loop with a
// server under test: autocannon (keep-alive connections, no pipelining), driven over IPC one round at
// a time. Replies with requests per second and what went wrong, if anything.
import autocannon from 'autocannon';

export interface Round { url: string; headers: Record<string, string>; seconds: number; connections: number; /** a fixed number of requests instead of seconds (warm-up) */ amount?: number }
export interface RoundResult { rps: number; requests: number; non2xx: number; errors: number; p50: number; p99: number }

process.on('message', async (round: Round) => {
  const r = await autocannon({ url: round.url, headers: round.headers, duration: round.seconds, connections: round.connections, pipelining: 1, ...(round.amount ? { amount: round.amount } : {}) });
  const out: RoundResult = {
    rps: r.requests.total / r.duration,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
  process.send!(out);
});
process.send!({ ready: true });
