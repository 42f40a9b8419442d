#!/usr/bin/env node
// TLS benchmark (secured profile): in one run, the built-in lab and the same lab with `--profile secured`:
//   `infra up` time, LB throughput with wrk (HTTP on the plain lab, HTTPS on the secured one; keep-alive, and a new
//   connection per request, which pays a TLS handshake each time), and each lab's memory.
// wrk runs in a container on each lab's network against lb-01 (a visitor, as the firewall sees it): the published
// 127.0.0.1 port would add docker-proxy's cost to both sides.
// Usage: npm run bench:tls [-- --seconds 10]
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 10;
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const infraBin = path.join(root, 'bin', 'infra');
const cwd = mkdtempSync(path.join(os.tmpdir(), 'infra-bench-tls-'));
const WRK_IMAGE = 'infra-bench-wrk:1';

const infra = (...args) => execa('node', [infraBin, ...args], { cwd, env: { NO_COLOR: '1' } });

await execa('docker', ['build', '-q', '-t', WRK_IMAGE, '-f', path.join(root, 'scripts/bench/wrk.Dockerfile'), root], {
  env: { DOCKER_BUILDKIT: '0' },
});

async function labMemory(name) {
  const { stdout: ids } = await execa('docker', ['ps', '-q', '--filter', `label=dev.infra.lab=${name}`]);
  const stats = await execa('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', ...ids.split('\n')]);
  const mib = stats.stdout.split('\n').map((l) => {
    const [, value, unit] = l.split(' / ')[0].match(/([\d.]+)\s*([KMG]i?B)/) ?? [];
    return Number(value) * ({ KiB: 1 / 1024, MiB: 1, GiB: 1024 }[unit] ?? 0);
  });
  return { mib: mib.reduce((a, b) => a + b, 0), containers: mib.length };
}

async function wrk(name, url, extra = []) {
  const { stdout } = await execa('docker', [
    'run',
    '--rm',
    '--network',
    `infra-${name}`,
    WRK_IMAGE,
    'wrk',
    '-t2',
    '-c32',
    `-d${seconds}s`,
    ...extra,
    url,
  ]);
  const rps = Number(stdout.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? 0);
  const latency = stdout.match(/Latency\s+(\S+)/)?.[1] ?? '?';
  const errors = stdout.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? '0';
  return { rps, latency, errors };
}

const results = [];
for (const [label, profile, scheme] of [
  ['plain', 'none', 'http'],
  ['secured', 'secured', 'https'],
]) {
  const name = `bench-${label}-${process.pid}`;
  try {
    // A first up builds what is missing (the host image); the timed one starts from nothing but built images.
    await infra('up', '--name', name, '--port', 'auto', '--profile', profile, '--no-smoke');
    await infra('down', '--name', name, '--volumes');
    const started = performance.now();
    await infra('up', '--name', name, '--port', 'auto', '--profile', profile, '--no-smoke');
    const upMs = performance.now() - started;
    const memory = await labMemory(name);
    // Numeric ports: the debootstrap base has no /etc/services to name them.
    const url = `${scheme}://lb-01:${scheme === 'https' ? 443 : 80}/`;
    const keepAlive = await wrk(name, url);
    const perRequest = await wrk(name, url, ['-H', 'Connection: close']);
    results.push({ label, upMs, memory, keepAlive, perRequest, url });
  } finally {
    await infra('reset', '--name', name, '--yes');
  }
}

console.log(`wrk -t2 -c32 -d${seconds}s from a container on each lab's network, against lb-01`);
for (const r of results) {
  console.log(
    `${r.label.padEnd(8)} up --no-smoke ${(r.upMs / 1000).toFixed(2)} s   memory ${r.memory.mib.toFixed(0)} MiB / ${r.memory.containers} containers   ` +
      `${r.url}: keep-alive ${r.keepAlive.rps.toFixed(0)} req/s (latency ${r.keepAlive.latency}), ` +
      `new connection each ${r.perRequest.rps.toFixed(0)} req/s (latency ${r.perRequest.latency})` +
      (r.keepAlive.errors !== '0' || r.perRequest.errors !== '0'
        ? `   non-2xx: ${r.keepAlive.errors}/${r.perRequest.errors}`
        : ''),
  );
}
const [plain, secured] = results;
console.log(
  `HTTPS / HTTP throughput: keep-alive ${(secured.keepAlive.rps / plain.keepAlive.rps).toFixed(2)}x, ` +
    `new connection each ${(secured.perRequest.rps / plain.perRequest.rps).toFixed(2)}x; ` +
    `memory added ${(secured.memory.mib - plain.memory.mib).toFixed(0)} MiB; up time ${(secured.upMs / plain.upMs).toFixed(2)}x`,
);
