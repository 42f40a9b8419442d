#!/usr/bin/env node
// Deploy benchmark (issue #15): `infra deploy` onto three fresh SSH servers (Debian 13 containers with sshd and
// python3, as in the end-to-end test), then again with nothing to change, then `infra smoke --inventory`.
// Prints the time of each and the servers' memory once deployed. Usage: npm run bench:deploy [-- --profile secured]
import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const infraBin = path.join(root, 'bin', 'infra');
const secured = process.argv.includes('--profile') && process.argv[process.argv.indexOf('--profile') + 1] === 'secured';
const cwd = mkdtempSync(path.join(os.tmpdir(), 'infra-bench-deploy-'));
const prefix = `bench-deploy-${process.pid}`;
const servers = ['lb-01', 'web-01', 'web-02'];
const container = (s) => `${prefix}-${s}`;
const docker = async (...args) => (await execa('docker', args)).stdout.trim();
const timed = async (fn) => {
  const start = performance.now();
  const result = await fn();
  return { s: ((performance.now() - start) / 1000).toFixed(1), result };
};

try {
  await execa('docker', [
    'build',
    '-q',
    '-t',
    'infra-test-ssh-server:1',
    path.join(root, 'test', 'helpers', 'ssh-server'),
  ]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(cwd, 'key')]);
  await docker('network', 'create', `${prefix}-net`);
  for (const s of servers) {
    const lb = s === 'lb-01' ? ['-p', '127.0.0.1::80', '-p', '127.0.0.1::443'] : [];
    await docker(
      'run',
      '-d',
      '--name',
      container(s),
      '--hostname',
      s,
      '--network',
      `${prefix}-net`,
      '--network-alias',
      s,
      '-p',
      '127.0.0.1::22',
      ...lb,
      ...(secured ? ['--cap-add', 'NET_ADMIN'] : []),
      '-e',
      `AUTHORIZED_KEY=${readFileSync(path.join(cwd, 'key.pub'), 'utf8').trim()}`,
      'infra-test-ssh-server:1',
    );
  }
  const port = async (s, p) => Number((await docker('port', container(s), `${p}/tcp`)).split(':').pop());
  const url = secured ? `https://127.0.0.1:${await port('lb-01', 443)}` : `http://127.0.0.1:${await port('lb-01', 80)}`;
  const lines = [];
  for (const s of servers)
    lines.push(`${s} ansible_port=${await port(s, 22)}${s === 'lb-01' ? ` infra_url=${url}` : ''}`);
  const inventory = path.join(cwd, 'hosts.ini');
  writeFileSync(
    inventory,
    [
      ...lines,
      '[all:vars]',
      'ansible_host=127.0.0.1',
      'ansible_user=student',
      `ansible_ssh_private_key_file=${cwd}/key`,
      "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR'",
      '',
    ].join('\n'),
  );
  if (secured) writeFileSync(path.join(cwd, 'infra.yaml'), 'profiles: [secured]\n');
  await new Promise((r) => setTimeout(r, 1000));
  const infra = (...args) => execa('node', [infraBin, ...args], { cwd, env: { NO_COLOR: '1' } });
  const first = await timed(() => infra('deploy', '--inventory', inventory, '--json'));
  const second = await timed(() => infra('deploy', '--inventory', inventory, '--json'));
  const smoke = await timed(() => infra('smoke', '--inventory', inventory, '--json'));
  const stats = await docker('stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}', ...servers.map(container));
  const changed = (run) => JSON.parse(run.result.stdout).changed;
  console.log(`infra deploy onto 3 fresh Debian 13 SSH servers${secured ? ' (secured)' : ''}:`);
  console.log(`  first deploy   ${first.s} s (changed=${changed(first)}, packages from Debian's mirror)`);
  console.log(`  second deploy  ${second.s} s (changed=${changed(second)})`);
  console.log(`  smoke          ${smoke.s} s (${JSON.parse(smoke.result.stdout).passed ? 'passed' : 'FAILED'})`);
  console.log('  memory once deployed (each server, everything it runs):');
  for (const line of stats.split('\n')) console.log(`    ${line.replace(`${prefix}-`, '')}`);
} finally {
  await execa('docker', ['rm', '-f', ...servers.map(container)], { reject: false });
  await execa('docker', ['network', 'rm', `${prefix}-net`], { reject: false });
}
