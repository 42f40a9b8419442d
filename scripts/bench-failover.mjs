#!/usr/bin/env node
// LB failover benchmark (redundant profile): on one lab, N rounds each of a graceful stop of lb-01 (`infra fail`:
// keepalived says goodbye with a priority-0 advert) and a hard one (`docker kill` of lb-01 and its components: lb-02
// notices only when three 0.5 s adverts are missing). Visitors send requests through the published port the whole
// time (a new connection each). Prints, per kind: how long until lb-02 held the floating address, failed requests,
// the slowest request, and how long the address took to return after `infra recover lb-01`.
// Usage: npm run bench:failover [-- --rounds 3]
import { execa } from 'execa';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const infraBin = path.join(root, 'bin', 'infra');
const cwd = mkdtempSync(path.join(os.tmpdir(), 'infra-bench-failover-'));
const name = `bench-lbf-${process.pid}`;
const c = (service) => `infra-${name}-${service}`;
const infra = (...args) => execa('node', [infraBin, ...args, '--name', name], { cwd, env: { NO_COLOR: '1' } });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Which LB lists the floating address (keepalived adds it as a secondary address of eth0). */
async function holder() {
  for (const lb of ['lb-01', 'lb-02']) {
    const out = await execa(
      'docker',
      ['exec', c(`${lb}-keepalived`), 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'],
      {
        reject: false,
      },
    );
    if (out.exitCode === 0 && /secondary/.test(out.stdout)) return lb;
  }
  return null;
}

async function until(want, timeoutMs = 30_000) {
  const start = performance.now();
  while ((await holder()) !== want) {
    if (performance.now() - start > timeoutMs) throw new Error(`the address did not reach ${want}`);
    await sleep(25);
  }
  return performance.now();
}

function visitors(url, count) {
  const outcomes = [];
  let running = true;
  const one = () =>
    new Promise((resolve) => {
      const started = performance.now();
      const done = (ok) => resolve(outcomes.push({ ok, ms: performance.now() - started }));
      const req = http.get(url, { agent: false, timeout: 15_000 }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode === 200));
      });
      req.on('error', () => done(false));
    });
  const loops = Array.from({ length: count }, async () => {
    while (running) await one();
  });
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

const up = await infra('up', '--profile', 'redundant', '--port', 'auto', '--no-smoke', '--json');
const url = `${JSON.parse(up.stdout).url}/`;
const results = { graceful: [], hard: [] };
try {
  for (let i = 0; i < rounds; i++) {
    for (const kind of ['graceful', 'hard']) {
      const load = visitors(url, 3);
      await sleep(500);
      const stopped = performance.now();
      const stopping =
        kind === 'graceful'
          ? infra('fail', 'lb-01')
          : execa('docker', ['kill', c('lb-01-keepalived'), c('lb-01-haproxy'), c('lb-01')]);
      const moved = await until('lb-02');
      await stopping;
      await sleep(1000);
      const recovering = performance.now();
      await infra('recover', 'lb-01');
      const returned = await until('lb-01');
      await sleep(500);
      await load.stop();
      results[kind].push({
        moveMs: moved - stopped,
        returnMs: returned - recovering,
        requests: load.outcomes.length,
        failed: load.outcomes.filter((o) => !o.ok).length,
        slowestMs: Math.max(...load.outcomes.map((o) => o.ms)),
      });
    }
  }
} finally {
  await infra('down', '--volumes');
}

console.log(`rounds: ${rounds} of each, 3 visitors through the edge, lab ${name}`);
for (const [kind, rs] of Object.entries(results)) {
  const fmt = (key) =>
    `median ${Math.round(median(rs.map((r) => r[key])))} ms [${rs.map((r) => Math.round(r[key])).join(', ')}]`;
  console.log(`${kind.padEnd(8)} stop of lb-01 → address on lb-02   ${fmt('moveMs')}   (goal < 3000 ms)`);
  console.log(
    `${''.padEnd(8)} failed requests                  ${rs.map((r) => `${r.failed}/${r.requests}`).join(', ')}`,
  );
  console.log(`${''.padEnd(8)} slowest request                  ${fmt('slowestMs')}`);
  console.log(`${''.padEnd(8)} recover lb-01 → address back     ${fmt('returnMs')}`);
}
