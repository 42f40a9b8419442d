#!/usr/bin/env node
// Smoke and LB benchmark (issue #5) on a fresh default lab:
//  - `infra smoke` wall time, median of N runs, without and with the failover check;
//  - failover: time from web-01 stopped to HAProxy marking it DOWN, and failed requests during the failure;
//  - LB throughput through the published 127.0.0.1 port with wrk (Debian's `wrk` package), to / and /api/whoami.
// Usage: npm run build && node scripts/bench-smoke.mjs [--runs 3] [--seconds 10]
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name, fallback) => Number(process.argv[process.argv.indexOf(name) + 1]) || fallback;
const runs = arg('--runs', 3);
const seconds = arg('--seconds', 10);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cwd = mkdtempSync(path.join(os.tmpdir(), 'infra-bench-smoke-'));
const lab = `bench-smoke-${process.pid}`;
const infra = (...args) =>
  execa('node', [path.join(root, 'bin/infra'), ...args, '--name', lab], { cwd, reject: false });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function smokeRun(...extra) {
  const started = performance.now();
  const run = await infra('smoke', '--json', ...extra);
  const report = JSON.parse(run.stdout);
  if (!report.passed)
    throw new Error(`smoke failed: ${JSON.stringify(report.checks.filter((c) => c.status === 'failed'))}`);
  return { wall: performance.now() - started, report };
}

try {
  const up = JSON.parse((await infra('up', '--port', 'auto', '--no-smoke', '--json')).stdout);
  if (!up.ok) throw new Error(`infra up failed: ${up.error?.message}`);
  const without = [];
  const withFailover = [];
  const failovers = [];
  for (let i = 0; i < runs; i++) {
    without.push((await smokeRun('--skip', 'failover')).wall);
    const full = await smokeRun();
    withFailover.push(full.wall);
    failovers.push(full.report.checks.find((c) => c.name === 'failover').detail);
  }
  console.log(
    `smoke without failover   median ${(median(without) / 1000).toFixed(2)} s  [${without.map((x) => (x / 1000).toFixed(2)).join(', ')}]`,
  );
  console.log(
    `smoke with failover      median ${(median(withFailover) / 1000).toFixed(2)} s  [${withFailover.map((x) => (x / 1000).toFixed(2)).join(', ')}]`,
  );
  for (const f of failovers) console.log(`failover: ${f}`);

  const wrk = await execa('wrk', ['--version'], { reject: false });
  if (wrk.exitCode === null || (wrk.failed && !String(wrk.stdout + wrk.stderr).includes('wrk'))) {
    console.log("LB throughput: skipped (install Debian's wrk package)");
  } else {
    // /health is Nginx's own tiny answer, / the 1.5 kB index page (with SSI), /api/whoami the app and its database.
    for (const target of ['/health', '/', '/api/whoami']) {
      const out = await execa('wrk', ['-t2', '-c32', `-d${seconds}s`, `${up.url}${target}`], { reject: false });
      const rps = String(out.stdout).match(/Requests\/sec:\s+([\d.]+)/)?.[1];
      const errors = String(out.stdout).match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? '0';
      const latency = String(out.stdout).match(/Latency\s+(\S+)/)?.[1];
      console.log(
        `LB throughput ${target.padEnd(12)} ${rps} req/s (wrk -t2 -c32 ${seconds}s, mean latency ${latency}, non-2xx ${errors})`,
      );
    }
  }
} finally {
  await infra('reset', '--yes');
}
