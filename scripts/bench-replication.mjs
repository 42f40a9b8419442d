#!/usr/bin/env node
// Replication benchmark (issue #4) on a fresh default lab (MariaDB):
//  - replication step: from its start to both replica threads running (as `infra up --json` reports it);
//  - write on primary → visible on replica, over N writes: INSERT commits on web-01, then web-02 waits for that GTID
//    (MASTER_GTID_WAIT). Measured from the host through infra's forwarder, so each figure includes two client round
//    trips (the round trip of a bare `SELECT 1` is printed beside it), and again from a container on the lab network.
// Usage: npm run build && node scripts/bench-replication.mjs [--writes 100]
import { execa } from 'execa';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { withDatabases, forwardImage } = await import(path.join(root, 'dist/ops/databases.js'));
const { dockerRuntime } = await import(path.join(root, 'dist/runtime/docker-runtime.js'));
const { openSession } = await import(path.join(root, 'dist/database/session.js'));

const writes = Number(process.argv[process.argv.indexOf('--writes') + 1]) || 100;
const cwd = mkdtempSync(path.join(os.tmpdir(), 'infra-bench-repl-'));
const lab = `bench-repl-${process.pid}`;
const infra = (...args) =>
  execa('node', [path.join(root, 'bin/infra'), ...args, '--name', lab], { cwd, reject: false });
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

try {
  const up = await infra('up', '--port', 'auto', '--no-smoke', '--json');
  const result = JSON.parse(up.stdout);
  if (!result.ok) throw new Error(`infra up failed: ${result.error?.message}`);
  const step = result.steps.find((s) => s.name === 'replication');
  const replica = result.replication.replicas[0];

  const env = readFileSync(path.join(cwd, 'infra-labs', lab, '.env'), 'utf8');
  const secret = (key) => env.match(new RegExp(`^${key}=(.*)$`, 'm'))[1];
  const rootPassword = secret('INFRA_ROOT_PASSWORD');
  const runtime = dockerRuntime();
  const target = {
    lab,
    network: `infra-${lab}`,
    image: await forwardImage(runtime),
    servers: ['web-01', 'web-02'],
    credentials: { adminPassword: secret('INFRA_ADMIN_PASSWORD'), rootPassword },
  };
  const { latencies, rtts } = await withDatabases(runtime, openSession, target, async (db) => {
    const latencies = [];
    const rtts = [];
    for (let i = 0; i < writes; i++) {
      const t0 = performance.now();
      await db['web-01'].query('SELECT 1');
      rtts.push(performance.now() - t0);
      await db['web-01'].query('INSERT INTO footer.infra_replication_check (note) VALUES (?)', [`bench ${i}`]);
      const committed = performance.now();
      const [{ pos }] = await db['web-01'].query('SELECT @@GLOBAL.gtid_binlog_pos AS pos');
      const [{ r }] = await db['web-02'].query('SELECT MASTER_GTID_WAIT(?, 5) AS r', [pos]);
      if (Number(r) !== 0) throw new Error(`write ${i} did not reach the replica in 5 s`);
      latencies.push(performance.now() - committed);
    }
    return { latencies, rtts };
  });
  const ms = (x) => `${x.toFixed(2)} ms`;
  // The same loop from a container on the lab network (the app image's Node, the repo's mysql2): no docker-proxy,
  // no forwarder, only the lab's own network between client and databases, as the app itself sees them.
  const inside = await execa('docker', [
    'run',
    '--rm',
    '--network',
    `infra-${lab}`,
    '-e',
    'NODE_PATH=/nm',
    '-e',
    `ADMIN_PASSWORD=${secret('INFRA_ADMIN_PASSWORD')}`,
    '-e',
    `WRITES=${writes}`,
    '-v',
    `${path.join(root, 'node_modules')}:/nm:ro`,
    '-v',
    `${path.join(root, 'scripts/replication-latency.cjs')}:/bench.cjs:ro`,
    (await execa('docker', ['inspect', '-f', '{{.Config.Image}}', `infra-${lab}-web-01-app`])).stdout,
    'node',
    '/bench.cjs',
  ]);
  const insideFigures = JSON.parse(inside.stdout);
  console.log(`replication step              ${step.duration_ms} ms (forwarder start, connections, SQL, verify)`);
  console.log(`step start → threads running   ${replica.threads_running_ms} ms (action: ${replica.action})`);
  console.log(
    `write → visible on replica     p50 ${ms(pct(latencies, 50))}  p99 ${ms(pct(latencies, 99))}  max ${ms(Math.max(...latencies))}  (${writes} writes)`,
  );
  console.log(`client round trip (SELECT 1)   p50 ${ms(pct(rtts, 50))}  p99 ${ms(pct(rtts, 99))}`);
  console.log(`from the lab network:`);
  console.log(
    `write → visible on replica     p50 ${ms(insideFigures.p50)}  p99 ${ms(insideFigures.p99)}  max ${ms(insideFigures.max)}  (${writes} writes)`,
  );
  console.log(`client round trip (SELECT 1)   p50 ${ms(insideFigures.rttP50)}  p99 ${ms(insideFigures.rttP99)}`);
} finally {
  await infra('reset', '--yes');
}
