// infra on another machine, over SSH: a room of machines (`infra room … --inventory`) runs `infra up`, `ls`, `drill`
// and `down` on each student's PC, which has Docker and infra installed, and reads their JSON. Only the inventory's
// settings reach ssh (src/runtime/ssh.ts); the command runs in the host's `infra_dir` when the inventory gives one.
import type { HostVars } from './ansible.js';
import { sshCommand, SSH_UNREACHABLE } from './ssh.js';

export interface RemoteRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Why the machine could not be reached (ssh's own failure), when it could not. */
  unreachable?: string;
}

/** `'…'` for a POSIX shell: every argument infra passes arrives as one word. */
function quoted(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function remoteCommand(vars: HostVars, args: string[]): string {
  const infra = ['infra', ...args].map(quoted).join(' ');
  return typeof vars.infra_dir === 'string' ? `cd ${quoted(vars.infra_dir)} && ${infra}` : infra;
}

export async function runInfraOn(machine: string, vars: HostVars, args: string[]): Promise<RemoteRun> {
  const run = await sshCommand(machine, vars, remoteCommand(vars, args));
  if (run.exitCode === SSH_UNREACHABLE) {
    const why = run.stderr.trim().split('\n').pop() || 'ssh could not connect';
    return { ...run, unreachable: `${machine} cannot be reached over SSH: ${why}` };
  }
  if (run.exitCode === 127) {
    return {
      ...run,
      unreachable: `${machine} has no infra in its PATH (install it there: npm install -g infra-*.tgz)`,
    };
  }
  return run;
}
