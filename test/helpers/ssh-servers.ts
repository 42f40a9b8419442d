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

/** The stand-ins' image (Debian 13, sshd, a sudoer `student`), built once for every suite that uses it. */
export async function sshServerImage(): Promise<string> {
  await execa('docker', ['build', '-q', '-t', IMAGE, path.join(repoRoot, 'test', 'helpers', 'ssh-server')]);
  return IMAGE;
}
/**
 * What root may do on a real server and Docker withholds by default: load nftables rules and add addresses
 * (NET_ADMIN), and read other users' /proc/<pid>/exe (SYS_PTRACE), without which the init scripts' start-stop-daemon
 * cannot find a daemon that runs as its own user (Prometheus, the exporters): `restart` started a second one, which
 * found the port taken and died, and the old one served on with the old configuration.
 */
const STAND_IN_CAPABILITIES = ['--cap-add', 'NET_ADMIN', '--cap-add', 'SYS_PTRACE'];

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

/** Which of the stand-ins a deploy uses and how visitors reach the lab (the course's upgrade path, one step each). */
export interface Stage {
  /** The servers the inventory lists (every one a stand-in). */
  servers: string[];
  /** secured: infra_url is the HTTPS port. */
  https?: boolean;
  /** redundant: the inventory gives infra_floating_address, and infra_url is the relay's port to that address. */
  floating?: boolean;
}

export interface SshServers {
  /** hosts.ini: the stage's servers, with their SSH ports and the test's key; the LB with infra_url. */
  inventory: string;
  /** The lab's HTTP port on 127.0.0.1 in this stage: the LB's, or with `floating` the relay's to the floating address. */
  lbPort: number;
  /** The lab's HTTPS port on 127.0.0.1 in this stage (the LB's, or the relay's). */
  lbHttpsPort: number;
  /** The free address of the stand-ins' network that the inventory gives the LB pair in a `floating` stage. */
  floatingAddress: string;
  /** Each server's SSH port on 127.0.0.1. */
  sshPorts: Record<string, number>;
  /** The private key the servers accept. */
  key: string;
  /** Rewrites hosts.ini for the next stage. */
  enter(stage: Stage): void;
  /** The container standing for a server. */
  container(server: string): string;
  /** A shell command run as root on a server, as a person at its console would; its output. */
  exec(server: string, command: string): Promise<string>;
  /** `infra deploy --inventory … --json` from `cwd`, which must succeed; its JSON. */
  deploy(cwd: string): Promise<Deployed>;
  remove(): Promise<void>;
}

/**
 * Every stand-in the path needs, started at once: each may load nftables rules and add addresses (NET_ADMIN), the
 * first LB publishes HTTP and HTTPS, and a relay container stands for the network's route to the floating address
 * (.250 of the network): it publishes the lab's ports on 127.0.0.1 and forwards them there. `enter` chooses which
 * of them the inventory lists; the others are never contacted.
 */
export async function startSshServers(prefix: string, dir: string, all: string[]): Promise<SshServers> {
  await sshServerImage();
  const key = path.join(dir, 'id_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const network = `${prefix}-net`;
  const container = (server: string) => `${prefix}-${server}`;
  const lb = 'lb-01';
  const relay = container('relay');
  const remove = async () => {
    await execa('docker', ['rm', '-f', ...all.map(container), relay], { reject: false });
    await execa('docker', ['network', 'rm', network], { reject: false });
  };
  try {
    await docker(['network', 'create', network]);
    // Docker hands out the network's addresses from the bottom: .250 of its first /24 is free.
    const subnet = await docker(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', network]);
    const floatingAddress = subnet.trim().replace(/\.\d+\/\d+$/, '.250');
    const publicKey = readFileSync(`${key}.pub`, 'utf8').trim();
    const run = (name: string, options: string[], command: string[] = []) =>
      docker(['run', '-d', '--name', name, '--network', network, ...options, IMAGE, ...command]);
    for (const server of all) {
      const web = server === lb ? ['-p', '127.0.0.1::80', '-p', '127.0.0.1::443'] : [];
      const identity = ['--hostname', server, '--network-alias', server, '-p', '127.0.0.1::22', ...web];
      await run(container(server), [...identity, ...STAND_IN_CAPABILITIES, '-e', `AUTHORIZED_KEY=${publicKey}`]);
    }
    const forward = [80, 443].map((p) => `socat TCP-LISTEN:${p},fork,reuseaddr TCP:${floatingAddress}:${p}`);
    await run(relay, ['-p', '127.0.0.1::80', '-p', '127.0.0.1::443'], ['sh', '-c', `${forward.join(' & ')} & wait`]);
    const publishedPort = async (name: string, inside: number) =>
      Number((await docker(['port', name, `${inside}/tcp`])).split(':').pop());
    const direct = { http: await publishedPort(container(lb), 80), https: await publishedPort(container(lb), 443) };
    const relayed = { http: await publishedPort(relay, 80), https: await publishedPort(relay, 443) };
    const sshPorts: Record<string, number> = {};
    for (const server of all) sshPorts[server] = await publishedPort(container(server), 22);
    const inventory = path.join(dir, 'hosts.ini');

    const exec = (server: string, command: string) => docker(['exec', container(server), 'sh', '-c', command]);
    const deploy = async (cwd: string) => {
      const run = await infra(['deploy', '--inventory', inventory, '--json'], { cwd });
      if (run.exitCode !== 0) throw new Error(`deploy failed (${run.exitCode}): ${run.stdout}\n${run.stderr}`);
      return JSON.parse(run.stdout) as Deployed;
    };
    const servers: SshServers = {
      inventory,
      lbPort: direct.http,
      lbHttpsPort: direct.https,
      floatingAddress,
      sshPorts,
      key,
      container,
      exec,
      deploy,
      remove,
      enter(stage) {
        const ports = stage.floating ? relayed : direct;
        servers.lbPort = ports.http;
        servers.lbHttpsPort = ports.https;
        const url = stage.https ? `https://127.0.0.1:${ports.https}` : `http://127.0.0.1:${ports.http}`;
        const lines = ['[lab]'];
        for (const server of stage.servers)
          lines.push(`${server} ansible_port=${sshPorts[server]}${server === lb ? ` infra_url=${url}` : ''}`);
        lines.push(
          '',
          '[lab:vars]',
          'ansible_host=127.0.0.1',
          'ansible_user=student',
          `ansible_ssh_private_key_file=${key}`,
          "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR'",
          ...(stage.floating ? [`infra_floating_address=${floatingAddress}`] : []),
          '',
        );
        writeFileSync(inventory, lines.join('\n'));
      },
    };
    await waitForSsh(all.map(container));
    return servers;
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
