// The part of autocannon's API the HTTP benchmark uses (the package ships no types).
declare module 'autocannon' {
  interface Stats { average: number; total: number; p50: number; p99: number }
  interface Result { requests: Stats; latency: Stats; non2xx: number; errors: number; timeouts: number; duration: number }
  interface Options { url: string; headers?: Record<string, string>; duration: number; connections: number; pipelining?: number; amount?: number }
  export default function autocannon(opts: Options): Promise<Result>;
}
