// SSH tunnels to a port on servers' own loopback (their databases): infra's replication step and checks reach each
// database as on the Docker lab, through a port on this machine's 127.0.0.1, and the database port is never opened
// beyond its server for it. Each tunnel is an `ssh -N -L` child, closed when the work is done.
import net from 'node:net';
import { execa, type ResultPromise } from 'execa';
import { StepError } from '../errors.js';
import { findFreePort } from '../app/free-port.js';
import type { HostVars } from './ansible.js';
import { sshArgs } from './targets.js';

export interface Tunnels {
  /** Local port on 127.0.0.1 per server. */
  ports: Record<string, number>;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;

export async function openTunnels(servers: Record<string, HostVars>, remotePort: number): Promise<Tunnels> {
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
          '-o',
          'BatchMode=yes',
          '-o',
          'ExitOnForwardFailure=yes',
          '-L',
          `127.0.0.1:${port}:127.0.0.1:${remotePort}`,
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
