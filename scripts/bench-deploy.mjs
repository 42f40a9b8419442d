#!/usr/bin/env node
// Deploy benchmark (issue #15): `infra deploy` onto fresh SSH servers (Debian 13 containers with sshd and python3, as
// in the end-to-end tests), then again with nothing to change, then `infra smoke --inventory`. Prints the time of
// each and the servers' memory once deployed. Usage: npm run bench:deploy [-- --profile secured,redundant]
// With redundant, lb-02 is a fourth server and a relay (socat) stands for the network's route to the floating address.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const infraBin = path.join(root, 'bin', 'infra');
const profiles = process.argv.includes('--profile')
  ? process.argv[process.argv.indexOf('--profile') + 1].split(',')
  : [];
const secured = profiles.includes('secured');
const redundant = profiles.includes('redundant');
const IMAGE = 'infra-test-ssh-server:2';
const cwd = mkdtempSync(path.join(os.tmpdir(), 'infra-bench-deploy-'));
const prefix = `bench-deploy-${process.pid}`;
const servers = ['lb-01', ...(redundant ? ['lb-02'] : []), 'web-01', 'web-02'];
const relay = `${prefix}-relay`;
const container = (s) => `${prefix}-${s}`;
const docker = async (...args) => (await execa('docker', args)).stdout.trim();
const timed = async (fn) => {
  const start = performance.now();
  const result = await fn();
  return { s: ((performance.now() - start) / 1000).toFixed(1), result };
};

try {
  await execa('docker', ['build', '-q', '-t', IMAGE, path.join(root, 'test', 'helpers', 'ssh-server')]);
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
      // As root on a real server: nftables and addresses; other users' processes seen by init scripts.
      '--cap-add',
      'NET_ADMIN',
      '--cap-add',
      'SYS_PTRACE',
      '-e',
      `AUTHORIZED_KEY=${readFileSync(path.join(cwd, 'key.pub'), 'utf8').trim()}`,
      IMAGE,
    );
  }
  const portOf = async (c, p) => Number((await docker('port', c, `${p}/tcp`)).split(':').pop());
  const port = (s, p) => portOf(container(s), p);
  let entry = 'lb-01';
  const vars = [];
  if (redundant) {
    // A free address of the network (Docker hands them out from the bottom), relayed to from 127.0.0.1.
    const subnet = await docker('network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', `${prefix}-net`);
    const floating = subnet.replace(/\.\d+\/\d+$/, '.250');
    const relayed = [80, 443].map((p) => `socat TCP-LISTEN:${p},fork,reuseaddr TCP:${floating}:${p}`).join(' & ');
    await docker(
      'run',
      '-d',
      '--name',
      relay,
      '--network',
      `${prefix}-net`,
      '-p',
      '127.0.0.1::80',
      '-p',
      '127.0.0.1::443',
      IMAGE,
      'sh',
      '-c',
      `${relayed} & wait`,
    );
    entry = null;
    vars.push(`infra_floating_address=${floating}`);
  }
  const entryPort = (p) => (entry ? port(entry, p) : portOf(relay, p));
  const url = secured ? `https://127.0.0.1:${await entryPort(443)}` : `http://127.0.0.1:${await entryPort(80)}`;
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
      ...vars,
      '',
    ].join('\n'),
  );
  if (profiles.length > 0) writeFileSync(path.join(cwd, 'infra.yaml'), `profiles: [${profiles.join(', ')}]\n`);
  await new Promise((r) => setTimeout(r, 1000));
  const infra = (...args) => execa('node', [infraBin, ...args], { cwd, env: { NO_COLOR: '1' } });
  const first = await timed(() => infra('deploy', '--inventory', inventory, '--json'));
  const second = await timed(() => infra('deploy', '--inventory', inventory, '--json'));
  const smoke = await timed(() => infra('smoke', '--inventory', inventory, '--json'));
  const stats = await docker('stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}', ...servers.map(container));
  const changed = (run) => JSON.parse(run.result.stdout).changed;
  console.log(
    `infra deploy onto ${servers.length} fresh Debian 13 SSH servers${profiles.length ? ` (${profiles.join(', ')})` : ''}:`,
  );
  console.log(`  first deploy   ${first.s} s (changed=${changed(first)}, packages from Debian's mirror)`);
  console.log(`  second deploy  ${second.s} s (changed=${changed(second)})`);
  console.log(`  smoke          ${smoke.s} s (${JSON.parse(smoke.result.stdout).passed ? 'passed' : 'FAILED'})`);
  console.log('  memory once deployed (each server, everything it runs):');
  for (const line of stats.split('\n')) console.log(`    ${line.replace(`${prefix}-`, '')}`);
} finally {
  await execa('docker', ['rm', '-f', ...servers.map(container), relay], { reject: false });
  await execa('docker', ['network', 'rm', `${prefix}-net`], { reject: false });
}
