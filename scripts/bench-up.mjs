#!/usr/bin/env node
// Boot benchmark (issue #3): on one rendered lab folder, side by side in one run, fresh volumes each time:
//   docker compose up -d --wait   vs   infra up until healthy (render, images, start; then replication, no smoke)
// Prints medians of N runs, the ratio, the second-up rebuild count, `down` times, the lab's memory and what the idle
// lab costs the host's CPU (its health checks, mostly).
// Usage: npm run bench [-- --runs 5] [--profile secured] [--config fixtures/valid-four-web.yaml]
//        npm run bench -- --sizes   (the built-in lab and the four-web-server lab, one after the other in this run)
import Docker from 'dockerode';
import { execa } from 'execa';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { busyTicks, toMiB } from './host-figures.mjs';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
// --profile secured: the same comparison on a secured lab (its compose file loads the firewalls too).
const profile = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : 'none';
// --config FILE: another lab definition (fixtures/valid-four-web.yaml: four web servers); --sizes: both, in turn.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const configs = process.argv.includes('--sizes')
  ? [undefined, path.join(root, 'fixtures', 'valid-four-web.yaml')]
  : [process.argv.includes('--config') ? process.argv[process.argv.indexOf('--config') + 1] : undefined];
const infraBin = path.join(root, 'bin', 'infra');
const timed = async (fn) => {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

const summary = [];
for (const config of configs) summary.push(await bench(config));
if (summary.length > 1) {
  console.log('\nside by side, this run:');
  for (const line of summary) console.log(`  ${line}`);
}

async function bench(config) {
  const configArgs = config ? ['-c', path.resolve(config)] : [];
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'infra-bench-'));
  const name = `bench-${process.pid}-${configs.indexOf(config)}`;
  const dir = path.join(cwd, 'lab');
  const composeArgs = ['compose', '--project-directory', dir, '-f', path.join(dir, 'compose.yaml')];
  const infra = (...args) => execa('node', [infraBin, ...args, '--name', name], { cwd, env: { NO_COLOR: '1' } });

  await infra('render', ...configArgs, '--port', 'auto', '--profile', profile, '--out', dir);
  await infra('images', 'build', '--dir', dir);

  const compose = [];
  const infraUp = [];
  const infraHealthy = [];
  const composeDown = [];
  const infraDown = [];
  let rebuilds = 0;
  let memory = '';
  let idle = '';
  for (let i = 0; i < runs; i++) {
    compose.push((await timed(() => execa('docker', [...composeArgs, 'up', '-d', '--wait']))).ms);
    composeDown.push((await timed(() => execa('docker', [...composeArgs, 'down', '-v']))).ms);

    const up = await timed(() => infra('up', '--dir', dir, '--port', 'auto', '--no-smoke', '--json'));
    infraUp.push(up.ms);
    const steps = JSON.parse(up.result.stdout).steps;
    // Until healthy: the whole command minus the replication step that follows the boot.
    infraHealthy.push(up.ms - steps.find((s) => s.name === 'replication').duration_ms);
    const images = steps.find((s) => s.name === 'images');
    if (!/nothing built/.test(images.detail ?? '')) rebuilds += 1;
    if (i === 0) {
      const stats = await execa('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', ...(await labIds())]);
      const mib = stats.stdout.split('\n').map((l) => toMiB(l.split(' / ')[0]));
      memory = `${mib.reduce((a, b) => a + b, 0).toFixed(0)} MiB over ${mib.length} containers`;
      idle = await idleCpu(60_000);
    }
    infraDown.push((await timed(() => infra('down', '--volumes'))).ms);
  }

  async function labIds() {
    const { stdout } = await execa('docker', ['ps', '-q', '--filter', `label=dev.infra.lab=${name}`]);
    return stdout.split('\n').filter(Boolean);
  }
  /** The whole host's busy CPU over a window while the lab idles (Linux /proc/stat), in % of one core. */
  async function idleCpu(ms) {
    if (!existsSync('/proc/stat')) return 'not measured (no /proc/stat)';
    const busy = busyTicks;
    const ids = await labIds();
    const beforeByContainer = await cpuByContainer(ids);
    const before = busy();
    await new Promise((r) => setTimeout(r, ms));
    // Ticks of USER_HZ, 100 a second on Linux: ticks per second are % of one core.
    const host = Math.round((busy() - before) / (ms / 1000));
    const afterByContainer = await cpuByContainer(ids);
    const costs = Object.entries(afterByContainer)
      .map(([container, ns]) => [
        container.replace(`infra-${name}-`, ''),
        (ns - (beforeByContainer[container] ?? ns)) / 1e7 / (ms / 1000),
      ])
      .sort((a, b) => b[1] - a[1]);
    const inContainers = costs.reduce((sum, [, pct]) => sum + pct, 0);
    const top = costs
      .slice(0, 6)
      .map(([name, pct]) => `${name} ${pct.toFixed(1)}%`)
      .join(', ');
    return `${host}% of one core over ${ms / 1000} s (inside the containers ${inContainers.toFixed(1)}%: ${top})`;
  }
  /** Each container's CPU time so far (ns, its cgroup's), by name. */
  async function cpuByContainer(ids) {
    const docker = new Docker();
    const read = await Promise.all(
      ids.map(async (id) => {
        const stats = await docker.getContainer(id).stats({ stream: false });
        return [stats.name.replace(/^\//, ''), stats.cpu_stats.cpu_usage.total_usage];
      }),
    );
    return Object.fromEntries(read);
  }

  console.log(
    `runs: ${runs} (fresh volumes each), profile ${profile}, ${config ?? 'the built-in lab'}, lab folder ${dir}`,
  );
  console.log(`docker compose up -d --wait   median ${fmt(median(compose))}   [${compose.map(fmt).join(', ')}]`);
  console.log(
    `infra up until healthy        median ${fmt(median(infraHealthy))}   [${infraHealthy.map(fmt).join(', ')}]`,
  );
  console.log(
    `ratio infra / compose         ${(median(infraHealthy) / median(compose)).toFixed(2)}x   (goal <= 1.15x)`,
  );
  console.log(
    `infra up --no-smoke in all    median ${fmt(median(infraUp))}   (with GTID replication configured and verified)`,
  );
  console.log(`docker compose down -v        median ${fmt(median(composeDown))}`);
  console.log(`infra down --volumes          median ${fmt(median(infraDown))}`);
  console.log(`image rebuilds on later ups   ${rebuilds}`);
  console.log(`lab memory after up           ${memory}`);
  console.log(`host CPU while the lab idles   ${idle}`);
  console.log('');
  return `${config ? path.basename(config) : 'the built-in lab'}: infra up until healthy ${fmt(median(infraHealthy))}, compose ${fmt(median(compose))}, ratio ${(median(infraHealthy) / median(compose)).toFixed(2)}x, ${memory}`;
}
