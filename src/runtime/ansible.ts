// The Ansible side of the runtime boundary (docker-runtime.ts is Docker's): reads an inventory with
// ansible-inventory, the servers' facts with an ad-hoc setup, and runs ansible-playbook, streaming its lines and
// reading its recap. Only this file runs Ansible's commands.
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CommandError, EnvironmentError, StepError, UsageError, tail } from '../errors.js';

/** The command that installs what infra deploy needs, for errors and `infra doctor`. */
export const ANSIBLE_INSTALL = 'sudo apt-get install ansible-core (Debian, Ubuntu), or pipx install ansible-core';

/** One host of an inventory as Ansible resolved it (its variables merged from groups and files). */
export type HostVars = Record<string, unknown>;

/** A command that could not start at all (not installed) is the machine's problem, not the run's. */
function started<T>(result: T): T {
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new EnvironmentError(`Ansible is not installed on this machine; install it: ${ANSIBLE_INSTALL}`);
  }
  return result;
}

/** Every host of an inventory file (INI or YAML) with its variables, as Ansible itself reads the file. */
export async function readInventory(file: string): Promise<Record<string, HostVars>> {
  const result = started(
    await execa('ansible-inventory', ['-i', file, '--list'], {
      reject: false,
      env: { ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true', ANSIBLE_NOCOLOR: '1' },
    }),
  );
  if (result.failed) {
    throw new UsageError(`--inventory ${file}: Ansible cannot read it`, [tail(String(result.stderr), 5)]);
  }
  const listed = JSON.parse(String(result.stdout)) as {
    _meta?: { hostvars?: Record<string, HostVars> };
    [group: string]: unknown;
  };
  const hosts: Record<string, HostVars> = {};
  for (const [group, value] of Object.entries(listed)) {
    if (group === '_meta') continue;
    for (const host of (value as { hosts?: string[] }).hosts ?? []) hosts[host] = {};
  }
  for (const [host, vars] of Object.entries(listed._meta?.hostvars ?? {})) hosts[host] = vars;
  return hosts;
}

export interface AnsibleRun {
  /** The folder holding ansible.cfg, the playbook and the files it copies. */
  projectDir: string;
  inventory: string;
  /** The only hosts the run may touch: the lab's servers (an inventory's other hosts are never contacted). */
  hosts: string[];
  /** Secrets and settings for the playbook's lookups; never on the command line. */
  env: Record<string, string>;
}

function ansibleEnv(run: AnsibleRun, extra: Record<string, string> = {}): Record<string, string> {
  return { ...run.env, ANSIBLE_CONFIG: `${run.projectDir}/ansible.cfg`, ANSIBLE_NOCOLOR: '1', ...extra };
}

/**
 * Each host's setup facts (only those named), from one ad-hoc run in `cwd`, before the project exists. `config` is
 * the ansible.cfg the playbook will use: the same interpreter (no discovery round trip) and SSH settings, so the
 * connections this run opens are the ones the playbook goes on with.
 */
export async function readFacts(
  cwd: string,
  inventory: string,
  hosts: string[],
  filter: string[],
  config: string,
): Promise<Record<string, Record<string, unknown>>> {
  const args = JSON.stringify({ gather_subset: ['!all', 'network'], filter });
  // ansible-core's own `tree` callback writes each host's result as a JSON file (the `json` stdout callback is in
  // the ansible.posix collection, which a bare ansible-core lacks).
  const tree = await mkdtemp(path.join(os.tmpdir(), 'infra-facts-'));
  const perHost: Record<string, Record<string, unknown>> = {};
  try {
    const result = started(
      await execa(
        'ansible',
        [hosts.join(':'), '-i', inventory, '-m', 'ansible.builtin.setup', '-a', args, '--limit', hosts.join(',')],
        {
          cwd,
          reject: false,
          env: {
            ANSIBLE_CONFIG: config,
            ANSIBLE_NOCOLOR: '1',
            ANSIBLE_LOAD_CALLBACK_PLUGINS: '1',
            ANSIBLE_CALLBACKS_ENABLED: 'ansible.builtin.tree',
            ANSIBLE_CALLBACK_TREE_DIR: tree,
          },
        },
      ),
    );
    for (const host of hosts) {
      const text = await readFile(path.join(tree, host), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      try {
        perHost[host] = JSON.parse(text) as Record<string, unknown>;
      } catch {
        perHost[host] = { failed: true, msg: text };
      }
    }
    const unanswered = hosts.filter((h) => !(h in perHost));
    if (unanswered.length === hosts.length) {
      throw new CommandError('ansible -m setup', `${result.stdout}\n${result.stderr}`, 'could not read the servers');
    }
    for (const host of unanswered) perHost[host] = { failed: true, msg: 'no answer from ansible' };
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
  const problems = Object.entries(perHost)
    .filter(([, r]) => r.unreachable || r.failed)
    .map(([host, r]) => `${host}: ${String(r.msg ?? 'failed').trim()}`);
  if (problems.length > 0) {
    throw new StepError(`could not read every server over SSH:\n  ${problems.join('\n  ')}`);
  }
  return Object.fromEntries(
    Object.entries(perHost).map(([host, r]) => [host, (r.ansible_facts ?? {}) as Record<string, unknown>]),
  );
}

/** ok / changed / unreachable / failed … of one host, from the play recap. */
export type HostRecap = Record<string, number>;

export interface PlaybookResult {
  exitCode: number;
  recap: Record<string, HostRecap>;
  output: string;
}

/** Runs the project's site.yml; `check` with `--check --diff` (nothing applied). Streams every line to `onLine`. */
export async function runPlaybook(
  run: AnsibleRun,
  options: { check: boolean; onLine?: (line: string) => void; signal?: AbortSignal },
): Promise<PlaybookResult> {
  const args = ['-i', run.inventory, '--limit', run.hosts.join(','), 'site.yml'];
  if (options.check) args.push('--check', '--diff');
  const child: ResultPromise = execa('ansible-playbook', args, {
    cwd: run.projectDir,
    reject: false,
    all: true,
    env: ansibleEnv(run),
    cancelSignal: options.signal,
  });
  const lines: string[] = [];
  child.all?.setEncoding('utf8');
  let partial = '';
  child.all?.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      options.onLine?.(line);
    }
  });
  const result = started(await child);
  if (partial) {
    lines.push(partial);
    options.onLine?.(partial);
  }
  const output = lines.join('\n');
  return { exitCode: result.exitCode ?? 1, recap: parseRecap(output), output };
}

/** `web-01 : ok=12 changed=0 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0` → per-host counts. */
export function parseRecap(output: string): Record<string, HostRecap> {
  const recap: Record<string, HostRecap> = {};
  const start = output.lastIndexOf('PLAY RECAP');
  if (start < 0) return recap;
  for (const line of output.slice(start).split('\n').slice(1)) {
    const match = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    recap[match[1]] = Object.fromEntries(
      [...match[2].matchAll(/(\w+)=(\d+)/g)].map(([, key, value]) => [key, Number(value)]),
    );
  }
  return recap;
}

/** ansible-core's version here (`2.14.18`), or undefined when it is not installed. */
export async function ansibleVersion(): Promise<string | undefined> {
  const result = await execa('ansible-playbook', ['--version'], { reject: false });
  if (result.exitCode !== 0) return undefined;
  return /core ([\d.]+)/.exec(String(result.stdout))?.[1] ?? String(result.stdout).split('\n')[0];
}
