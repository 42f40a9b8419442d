#!/usr/bin/env node
// Room benchmark (issue #28): a room of N built-in labs on this machine, in one run — wall time until every lab is up
// and healthy with `room up`'s default concurrency, against one lab after another (--concurrency 1); then the room's
// memory and what the idle room costs the host's CPU. Each room is taken down with its volumes after.
// Usage: npm run bench:room [-- --students 10] [--profile secured]
import { execa } from 'execa';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { busyTicks, toMiB } from './host-figures.mjs';

const arg = (flag, fallback) => (process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : fallback);
const students = Number(arg('--students', '10'));
const profile = arg('--profile', undefined);
const infraBin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'infra');
const cwd = mkdtempSync(path.join(os.tmpdir(), 'infra-bench-room-'));
writeFileSync(
  path.join(cwd, 'roster.txt'),
  Array.from({ length: students }, (_, i) => `s${String(i + 1).padStart(2, '0')}`).join('\n') + '\n',
);
const infra = (args) => execa('node', [infraBin, ...args], { cwd, reject: false });
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function bootRoom(room, extra) {
  const started = performance.now();
  const up = await infra(['room', 'up', '--roster', 'roster.txt', '--room', room, '--json', ...extra]);
  const ms = performance.now() - started;
  const result = JSON.parse(up.stdout);
  const status = await infra(['room', 'status', '--room', room, '--json']);
  const healthy = JSON.parse(status.stdout).students.filter((s) => s.healthy).length;
  if (up.exitCode !== 0 || healthy !== students) {
    throw new Error(`room ${room}: up exited ${up.exitCode}, ${healthy} of ${students} healthy\n${up.stderr}`);
  }
  return { ms, concurrency: result.concurrency, perLab: result.memory.per_lab_mib };
}

async function roomContainers(room) {
  const { stdout } = await execa('docker', ['ps', '-q', '--filter', `name=^infra-${room}-`]);
  return stdout.split('\n').filter(Boolean);
}

const profileArgs = profile ? ['--profile', profile] : [];
try {
  const oneByOne = await bootRoom('seq', [...profileArgs, '--concurrency', '1']);
  await infra(['room', 'down', '--room', 'seq', '--volumes']);
  const together = await bootRoom('par', profileArgs);

  const ids = await roomContainers('par');
  const stats = await execa('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', ...ids]);
  const mib = stats.stdout.split('\n').map(toMiB);
  const memory = mib.reduce((a, b) => a + b, 0);

  let idle = 'not measured (no /proc/stat)';
  if (existsSync('/proc/stat')) {
    const before = busyTicks();
    await new Promise((r) => setTimeout(r, 60_000));
    idle = `${Math.round((busyTicks() - before) / 60)}% of one core over 60 s`;
  }

  console.log(`room of ${students} ${profile ? `${profile} ` : 'built-in '}labs on ${os.availableParallelism()} cores`);
  console.log(`one after another (--concurrency 1)   ${seconds(oneByOne.ms)} until every lab is up and healthy`);
  console.log(
    `side by side (default, ${together.concurrency} at a time)  ${seconds(together.ms)}   ` +
      `(${(oneByOne.ms / together.ms).toFixed(2)}x faster)`,
  );
  console.log(
    `room memory after up                 ${memory.toFixed(0)} MiB over ${ids.length} containers ` +
      `(${(memory / students).toFixed(0)} MiB a lab; room up reckons ${together.perLab} MiB a lab in use)`,
  );
  console.log(`host CPU while the room idles        ${idle}`);
} finally {
  await infra(['room', 'down', '--room', 'par', '--volumes']);
  await infra(['room', 'down', '--room', 'seq', '--volumes']);
  rmSync(cwd, { recursive: true, force: true });
}
