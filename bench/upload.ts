// OneDrive uploads with real bytes (issue 25): a simple PUT …/content and an upload session (10 MiB
// ranges) of the same file, MB/s over plain http on the demo scenario. Baseline in the same run: the
// simplest fast way to do the same work — hash the bytes with SHA-256 while writing them to a file in the
// same data directory, then fsync (what the directory blob store must do at least once).
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServer } from '../test/helpers.js';
import { demoPair, demoToken } from '../test/migration/http.js';

export async function run(o: { mb?: number; rounds?: number } = {}) {
  const mb = o.mb ?? 50;
  const rounds = o.rounds ?? 3;
  const s = await startServer({ scenario: 'scenarios/demo.yaml' }, { seed: async () => {}, validate: 'rules' });
  try {
    const tok = await demoToken(s, 'source');
    const D = `${s.url}/beta/users/${demoPair(1).src}/drive`;
    const auth = { authorization: `Bearer ${tok}` };
    const rate = (ms: number) => +(mb / (ms / 1000)).toFixed(1);
    const simple: number[] = [];
    const session: number[] = [];
    const baseline: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const bytes = randomBytes(mb * 1024 * 1024);
      let t = performance.now();
      const put = await fetch(`${D}/root:/bench/simple-${r}.bin:/content`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: bytes });
      if (put.status !== 201) throw new Error(`simple upload: ${put.status} ${await put.text()}`);
      simple.push(rate(performance.now() - t));

      const other = randomBytes(bytes.length);
      t = performance.now();
      const sess = (await (await fetch(`${D}/root:/bench/session-${r}.bin:/createUploadSession`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' })).json()) as { uploadUrl: string };
      const step = 10 * 1024 * 1024;
      for (let at = 0; at < other.length; at += step) {
        const end = Math.min(other.length, at + step) - 1;
        const res = await fetch(sess.uploadUrl, { method: 'PUT', headers: { 'content-range': `bytes ${at}-${end}/${other.length}` }, body: other.subarray(at, end + 1) });
        if (res.status >= 300 && res.status !== 202) throw new Error(`session range: ${res.status} ${await res.text()}`);
      }
      session.push(rate(performance.now() - t));

      t = performance.now();
      const fh = await open(join(s.dir, `baseline-${r}.bin`), 'w');
      const hash = createHash('sha256');
      for (let at = 0; at < bytes.length; at += 1 << 20) {
        const chunk = bytes.subarray(at, at + (1 << 20));
        hash.update(chunk);
        await fh.write(chunk);
      }
      await fh.sync();
      await fh.close();
      hash.digest('hex');
      baseline.push(rate(performance.now() - t));
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return { fileMB: mb, rounds, MBps: { simpleUpload: med(simple), uploadSession10MiB: med(session), baselineHashAndWriteFile: med(baseline) }, samples: { simple, session, baseline } };
  } finally {
    await s.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await run(), null, 2));
