// infra's own SSH to the servers, with the inventory's settings: tunnels to a port on a server's own loopback (its
// database: the replication step and checks reach each database as in the Docker lab, through a port on this
// machine's 127.0.0.1, and the database port is never opened beyond its server for it), and a script run there.
// Each tunnel is an `ssh -N -L` child, closed when the work is done.
import net from 'node:net';
import { execa, type ResultPromise } from 'execa';
import { StepError } from '../errors.js';
import { findFreePort } from './free-port.js';
import type { HostVars } from './ansible.js';

export interface Tunnels {
  /** Local port on 127.0.0.1 per server. */
  ports: Record<string, number>;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const SSH_OPTIONS = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10'];

/** What ssh answers when it could not reach the host or log in (the command's own codes are its own). */
export const SSH_UNREACHABLE = 255;

/** Runs a program on a server and returns how it ended, whatever it was: exit code, stdout, stderr. */
export async function sshCommand(
  server: string,
  vars: HostVars,
  command: string,
  input = '',
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa('ssh', [...SSH_OPTIONS, ...sshArgs(server, vars), command], { input, reject: false });
  return { exitCode: result.exitCode ?? SSH_UNREACHABLE, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Runs a program on a server (its stdin given) and returns its stdout; a failure names the server. */
export async function sshRun(server: string, vars: HostVars, command: string, input = ''): Promise<string> {
  const result = await sshCommand(server, vars, command, input);
  if (result.exitCode !== 0) {
    throw new StepError(`${server}: \`${command}\` over SSH failed (exit ${result.exitCode})`, String(result.stderr));
  }
  return String(result.stdout);
}

/** `remoteHost`: where the server forwards to, its own loopback unless a service listens on its private address only. */
export async function openTunnels(
  servers: Record<string, HostVars>,
  remotePort: number,
  remoteHost: (server: string) => string = () => '127.0.0.1',
): Promise<Tunnels> {
  const children: ResultPromise[] = [];
  const ports: Record<string, number> = {};
  const close = async () => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.allSettled(children);
  };
  try {
    for (const [server, vars] of Object.entries(servers)) {
      const port = await findFreePort();
      const child = execa(
        'ssh',
        [
          '-N',
          ...SSH_OPTIONS,
          '-o',
          'ExitOnForwardFailure=yes',
          '-L',
          `127.0.0.1:${port}:${remoteHost(server)}:${remotePort}`,
          ...sshArgs(server, vars),
        ],
        { reject: false, stdin: 'ignore' },
      );
      children.push(child);
      await waitForListener(server, port, child);
      ports[server] = port;
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { ports, close };
}

/** Until the local end accepts connections; an ssh that exits first (refused login, port taken) is the error. */
async function waitForListener(server: string, port: number, child: ResultPromise): Promise<void> {
  let exited: string | undefined;
  void child.then((r) => (exited = String(r.stderr).trim() || `ssh exited with ${r.exitCode}`));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) throw new StepError(`${server}: the SSH tunnel to its database did not open: ${exited}`);
    if (await accepts(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new StepError(`${server}: the SSH tunnel to its database did not open within ${READY_TIMEOUT_MS / 1000} s`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `ssh` arguments reaching a host as Ansible does: its address, port, user, key and extra SSH options. */
export function sshArgs(server: string, vars: HostVars): string[] {
  const args: string[] = [];
  if (vars.ansible_port !== undefined) args.push('-p', String(vars.ansible_port));
  if (vars.ansible_ssh_private_key_file) args.push('-i', String(vars.ansible_ssh_private_key_file));
  for (const key of ['ansible_ssh_common_args', 'ansible_ssh_extra_args'])
    if (typeof vars[key] === 'string') args.push(...shellWords(vars[key]));
  const host = String(vars.ansible_host ?? server);
  args.push(vars.ansible_user ? `${String(vars.ansible_user)}@${host}` : host);
  return args;
}

/** Splits `-o StrictHostKeyChecking=no -o 'UserKnownHostsFile /dev/null'` as a shell would (quotes, no expansion). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) {
    words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? match[3]));
  }
  return words;
}
