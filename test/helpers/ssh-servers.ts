// Stand-ins for real servers in infra deploy's end-to-end tests: one container per server, running sshd and python3,
// on a network of their own, each SSH port (and the LB's HTTP port) published on 127.0.0.1 only, and an inventory
// that reaches them as Ansible would reach real ones. Removed with their network by `remove()`.
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './fixtures.js';
import { execaSync } from 'execa';
import { docker, infra } from './e2e.js';

const IMAGE = 'infra-test-ssh-server:2';

/** What `infra deploy --json` prints. */
export interface Deployed {
  ok: boolean;
  check: boolean;
  changed: number;
  servers: Record<string, { changed: number; failed: number }>;
  replication?: { server: string; action: string }[];
  duration_s: number;
}

/** The deploy tests drive Ansible: without it they fail, naming the install (.ci/run installs it). */
export function requireAnsible(): void {
  if (execaSync('ansible-playbook', ['--version'], { reject: false }).exitCode !== 0) {
    throw new Error('ansible-playbook is not installed: install ansible-core (.ci/run does)');
  }
}

export interface SshServers {
  /** hosts.ini: every server, with its SSH port and the test's key; the LB with infra_url. */
  inventory: string;
  /** The lab's HTTP port on 127.0.0.1: the LB's, or with `floating` the relay's to the floating address. */
  lbPort: number;
  /** `secured`: the lab's HTTPS port on 127.0.0.1 (infra_url), the LB's or the relay's. */
  lbHttpsPort?: number;
  /** `floating`: the address the inventory gives the LB pair (infra_floating_address). */
  floatingAddress?: string;
  /** Each server's SSH port on 127.0.0.1. */
  sshPorts: Record<string, number>;
  /** The private key the servers accept. */
  key: string;
  /** The container standing for a server. */
  container(server: string): string;
  /** A shell command run as root on a server, as a person at its console would; its output. */
  exec(server: string, command: string): Promise<string>;
  /** `infra deploy --inventory … --json` from `cwd`, which must succeed; its JSON. */
  deploy(cwd: string): Promise<Deployed>;
  remove(): Promise<void>;
}

/**
 * `secured`: the servers may load nftables rules (NET_ADMIN), and the LB publishes HTTPS too (infra_url). `others`:
 * servers a profile adds (mon-01, lb-02). `floating` (redundant): the servers may add addresses (NET_ADMIN), the
 * inventory gives a free address of their network as infra_floating_address, and a relay container stands for the
 * network's route to it: it publishes the lab's ports on 127.0.0.1 (infra_url) and forwards them to that address.
 */
export async function startSshServers(
  prefix: string,
  dir: string,
  lb: string,
  webs: string[],
  options: { secured?: boolean; others?: string[]; floating?: boolean } = {},
): Promise<SshServers> {
  await execa('docker', ['build', '-q', '-t', IMAGE, path.join(repoRoot, 'test', 'helpers', 'ssh-server')]);
  const key = path.join(dir, 'id_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const network = `${prefix}-net`;
  const container = (server: string) => `${prefix}-${server}`;
  const servers = [lb, ...webs, ...(options.others ?? [])];
  const relay = container('relay');
  const remove = async () => {
    await execa('docker', ['rm', '-f', ...servers.map(container), relay], { reject: false });
    await execa('docker', ['network', 'rm', network], { reject: false });
  };
  try {
    await docker(['network', 'create', network]);
    for (const server of servers) {
      const http = server === lb ? ['-p', '127.0.0.1::80', ...(options.secured ? ['-p', '127.0.0.1::443'] : [])] : [];
      const caps = options.secured || options.floating ? ['--cap-add', 'NET_ADMIN'] : [];
      await docker([
        'run',
        '-d',
        '--name',
        container(server),
        '--hostname',
        server,
        '--network',
        network,
        '--network-alias',
        server,
        '-p',
        '127.0.0.1::22',
        ...http,
        ...caps,
        '-e',
        `AUTHORIZED_KEY=${readFileSync(`${key}.pub`, 'utf8').trim()}`,
        IMAGE,
      ]);
    }
    const publishedPort = async (name: string, inside: number) =>
      Number((await docker(['port', name, `${inside}/tcp`])).split(':').pop());
    const port = (server: string, inside: number) => publishedPort(container(server), inside);
    let lbPort = await port(lb, 80);
    let lbHttpsPort = options.secured ? await port(lb, 443) : undefined;
    let floatingAddress: string | undefined;
    if (options.floating) {
      // Docker hands out the network's addresses from the bottom: .250 of its first /24 is free.
      const subnet = await docker(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', network]);
      floatingAddress = subnet.trim().replace(/\.\d+\/\d+$/, '.250');
      const relayed = options.secured ? [80, 443] : [80];
      const forward = relayed.map((p) => `socat TCP-LISTEN:${p},fork,reuseaddr TCP:${floatingAddress}:${p}`);
      await docker([
        'run',
        '-d',
        '--name',
        relay,
        '--network',
        network,
        ...relayed.flatMap((p) => ['-p', `127.0.0.1::${p}`]),
        IMAGE,
        'sh',
        '-c',
        `${forward.join(' & ')} & wait`,
      ]);
      lbPort = await publishedPort(relay, 80);
      lbHttpsPort = options.secured ? await publishedPort(relay, 443) : undefined;
    }
    const lines = ['[lab]'];
    const sshPorts: Record<string, number> = {};
    for (const server of servers) {
      const lbUrl = lbHttpsPort ? `https://127.0.0.1:${lbHttpsPort}` : `http://127.0.0.1:${lbPort}`;
      const url = server === lb ? ` infra_url=${lbUrl}` : '';
      sshPorts[server] = await port(server, 22);
      lines.push(`${server} ansible_port=${sshPorts[server]}${url}`);
    }
    lines.push(
      '',
      '[lab:vars]',
      'ansible_host=127.0.0.1',
      'ansible_user=student',
      `ansible_ssh_private_key_file=${key}`,
      "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR'",
      ...(floatingAddress ? [`infra_floating_address=${floatingAddress}`] : []),
      '',
    );
    const inventory = path.join(dir, 'hosts.ini');
    writeFileSync(inventory, lines.join('\n'));
    await waitForSsh(servers.map(container));
    const exec = (server: string, command: string) => docker(['exec', container(server), 'sh', '-c', command]);
    const deploy = async (cwd: string) => {
      const run = await infra(['deploy', '--inventory', inventory, '--json'], { cwd });
      if (run.exitCode !== 0) throw new Error(`deploy failed (${run.exitCode}): ${run.stdout}\n${run.stderr}`);
      return JSON.parse(run.stdout) as Deployed;
    };
    return { inventory, lbPort, lbHttpsPort, floatingAddress, sshPorts, key, container, exec, deploy, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** sshd listens a moment after its container starts. */
async function waitForSsh(containers: string[]): Promise<void> {
  for (const c of containers) {
    for (let i = 0; i < 50; i++) {
      const r = await execa('docker', ['exec', c, 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/22'], { reject: false });
      if (r.exitCode === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
