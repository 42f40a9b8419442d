// Stand-ins for a room's student PCs (`infra room … --inventory`): the deploy suite's SSH server image (Debian 13,
// sshd, a sudoer `student`), given this machine's Node.js, Docker CLI and Compose plugin (mounted read-only: no
// package to install for them) and infra installed from `npm pack`'s tarball with `npm install -g`. They share this
// machine's network and Docker engine (its socket), so each PC's lab runs beside the test's; each PC's folder is
// mounted at the same path, where the engine looks for it. An inventory names them as an instructor's would: one host
// per PC, the student on it, the folder infra works in.
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { docker } from './e2e.js';
import { repoRoot } from './fixtures.js';
import { findFreePort } from '../../src/runtime/free-port.js';
import { sshServerImage } from './ssh-servers.js';

const PLUGIN_DIRS = [
  '/usr/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/local/lib/docker/cli-plugins',
];

/**
 * At each start (`docker start` again too): the test's key for `student`, who may use the engine's socket (its
 * group, whatever its id here); sshd on the port given, on 127.0.0.1 (the network is this machine's).
 */
const START =
  'install -d -m 700 -o student -g student /home/student/.ssh && ' +
  'printf "%s\\n" "$AUTHORIZED_KEY" > /home/student/.ssh/authorized_keys && ' +
  'chown student:student /home/student/.ssh/authorized_keys && ' +
  '(getent group engine || groupadd -o -g "$(stat -c %g /var/run/docker.sock)" engine) && usermod -aG engine student && ' +
  'exec /usr/sbin/sshd -D -e -p "$SSH_PORT" -o ListenAddress=127.0.0.1';

export interface Machines {
  inventory: string;
  container(machine: string): string;
  stop(machine: string): Promise<void>;
  start(machine: string): Promise<void>;
  remove(): Promise<void>;
}

/** `students`: machine alias → the student id it hosts. */
export async function startMachines(prefix: string, dir: string, students: Record<string, string>): Promise<Machines> {
  const context = path.join(dir, 'machine-image');
  mkdirSync(context, { recursive: true });
  // The packed infra, installed as a student's machine would install it (`npm install -g`), from npm's cache.
  await execa('npm', ['pack', '--silent', '--pack-destination', context], { cwd: repoRoot });
  const tarball = readdirSync(context).find((f) => f.endsWith('.tgz'))!;
  await execa(
    'npm',
    ['install', '-g', '--prefix', path.join(context, 'global'), '--prefer-offline', '--no-audit', '--no-fund', tarball],
    { cwd: context },
  );
  // Run as the machine's own `infra` command: node and the installed package, through a wrapper on the PATH.
  const wrapper = path.join(context, 'infra');
  writeFileSync(wrapper, '#!/bin/sh\nexec node /usr/local/lib/node_modules/infra/bin/infra "$@"\n', { mode: 0o755 });
  // The deploy suite's stand-in image, built once for both.
  const image = await sshServerImage();
  const dockerCli = realpathSync((await execa('sh', ['-c', 'command -v docker'])).stdout.trim());
  const plugins = PLUGIN_DIRS.find((d) => existsSync(path.join(d, 'docker-compose')));
  if (!plugins) throw new Error(`no Compose v2 plugin in ${PLUGIN_DIRS.join(', ')}`);
  const tools = [
    ...['-v', `${process.execPath}:/usr/local/bin/node:ro`, '-v', `${dockerCli}:/usr/local/bin/docker:ro`],
    ...['-v', `${plugins}:${plugins}:ro`, '-v', `${wrapper}:/usr/local/bin/infra:ro`],
    ...['-v', `${path.join(context, 'global', 'lib', 'node_modules', 'infra')}:/usr/local/lib/node_modules/infra:ro`],
  ];

  const key = path.join(dir, 'id_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const publicKey = readFileSync(`${key}.pub`, 'utf8').trim();
  const container = (machine: string) => `${prefix}-${machine}`;
  const machines = Object.keys(students);
  const remove = async () => {
    await execa('docker', ['rm', '-f', ...machines.map(container)], { reject: false });
  };
  const lines = ['[room]'];
  try {
    for (const machine of machines) {
      const port = await findFreePort();
      const home = path.join(dir, machine);
      mkdirSync(home, { recursive: true });
      chmodSync(home, 0o777); // the PC's student writes its labs there
      await docker([
        ...['run', '-d', '--name', container(machine), '--network', 'host', '--hostname', machine],
        ...['-v', '/var/run/docker.sock:/var/run/docker.sock', '-v', `${home}:${home}`],
        ...tools,
        ...['-e', `AUTHORIZED_KEY=${publicKey}`, '-e', `SSH_PORT=${port}`, image, 'sh', '-c', START],
      ]);
      lines.push(`${machine} ansible_port=${port} infra_student=${students[machine]} infra_dir=${home}`);
      await waitForSsh(port);
    }
  } catch (error) {
    await remove();
    throw error;
  }
  const inventory = path.join(dir, 'machines.ini');
  writeFileSync(
    inventory,
    [
      ...lines,
      '',
      '[room:vars]',
      'ansible_host=127.0.0.1',
      'ansible_user=student',
      `ansible_ssh_private_key_file=${key}`,
      "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR'",
      '',
    ].join('\n'),
  );
  return {
    inventory,
    container,
    stop: async (machine) => void (await docker(['stop', '-t', '1', container(machine)])),
    start: async (machine) => {
      await docker(['start', container(machine)]);
      const port = Number(/ansible_port=(\d+)/.exec(lines.find((l) => l.startsWith(`${machine} `))!)![1]);
      await waitForSsh(port);
    },
    remove,
  };
}

/** sshd listens a moment after its container starts. */
async function waitForSsh(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await execa('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { reject: false });
    if (open.exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no sshd on 127.0.0.1:${port}`);
}
