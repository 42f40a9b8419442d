// HAProxy's runtime API, reached inside the LB's haproxy container (its TCP socket listens on lb-01's loopback only):
// server states for status, `fail`/`recover` and the smoke checks, and maintenance for tests.
import { execa } from 'execa';
import { CommandError } from '../errors.js';

const RUNTIME_API_PORT = 9999;

/** Sends one command to the runtime API of a lab's haproxy container and returns the answer. */
export async function haproxyCommand(container: string, command: string): Promise<string> {
  // bash's /dev/tcp: every haproxy image here has bash, none is guaranteed socat or nc.
  const script = `exec 3<>/dev/tcp/127.0.0.1/${RUNTIME_API_PORT} && printf '%s\\n' "$1" >&3 && cat <&3`;
  const result = await execa('docker', ['exec', container, 'bash', '-c', script, 'haproxy-api', command], {
    reject: false,
  });
  if (result.exitCode !== 0)
    throw new CommandError(`haproxy runtime API: ${command}`, String(result.stderr || result.stdout));
  return String(result.stdout);
}

/** Status of each server of a backend as HAProxy sees it: UP, DOWN, MAINT, `UP 1/2` while rising, …. */
export async function serverStates(container: string, backend = 'web'): Promise<Record<string, string>> {
  return parseServerStates(await haproxyCommand(container, 'show stat'), backend);
}

export function parseServerStates(csv: string, backend: string): Record<string, string> {
  const [header, ...rows] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const name = columns.indexOf('svname');
  const proxy = columns.indexOf('pxname');
  const status = columns.indexOf('status');
  const states: Record<string, string> = {};
  for (const row of rows) {
    const cells = row.split(',');
    if (cells[proxy] === backend && cells[name] !== 'BACKEND' && cells[name] !== 'FRONTEND')
      states[cells[name]] = cells[status];
  }
  return states;
}
