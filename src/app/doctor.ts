// Use case `doctor`: checks what `up` needs from this machine and finds, for each miss, how to fix it.
import { ANSIBLE_INSTALL, ansibleVersion } from '../runtime/ansible.js';
import os from 'node:os';
import { EXIT } from '../errors.js';
import type { ContainerRuntime } from '../runtime/port.js';
import { BASE_IMAGE } from '../templating/base-image.js';
import type { Status } from '../status.js';
import { loadLab } from '../definition/load-lab.js';
import { isPortFree } from '../runtime/free-port.js';
import { lbPortUse } from './lb-port.js';
import type { AppEnv } from './context.js';

export interface Finding {
  name: string;
  status: Status;
  detail: string;
  fix?: string;
  /** Without it nothing can run: the exit code says environment (3), not a failed check. */
  environment?: boolean;
}

const MIN_FREE_MEMORY = 1024 ** 3;

/** What doctor found, each finding with its fix, and the exit code they add up to. */
export interface DoctorResult {
  findings: Finding[];
  exitCode: number;
}

export async function examineMachine(
  env: AppEnv,
  options: { cwd: string; config?: string; name?: string; port?: number | 'auto' },
): Promise<DoctorResult> {
  const { lab } = await loadLab(options.cwd, options.config, { name: options.name, port: options.port });
  const findings: Finding[] = [];
  const candidate = await env.open();
  let runtime: ContainerRuntime | undefined;
  try {
    await candidate.ping();
    const info = await candidate.version();
    runtime = candidate;
    findings.push({ name: 'docker engine', status: 'passed', detail: `${info.version} (API ${info.apiVersion})` });
  } catch (error) {
    findings.push({
      name: 'docker engine',
      status: 'failed',
      detail: (error as Error).message,
      fix: /permission denied/.test((error as Error).message)
        ? 'add your user to the docker group, or use rootless Docker (see above)'
        : 'start Docker (`sudo systemctl start docker`)',
      environment: true,
    });
  }
  try {
    findings.push({ name: 'compose v2', status: 'passed', detail: await candidate.composeVersion() });
  } catch (error) {
    findings.push({
      name: 'compose v2',
      status: 'failed',
      detail: (error as Error).message,
      fix: 'install docker-compose-plugin',
      environment: true,
    });
  }
  if (runtime) {
    const base = await runtime.hasImage(BASE_IMAGE);
    findings.push({
      name: 'base image',
      status: base ? 'passed' : 'failed',
      detail: base ? `${BASE_IMAGE} present` : `${BASE_IMAGE} missing`,
      fix: base
        ? undefined
        : `\`docker pull ${BASE_IMAGE}\` (with no registry: build it with debootstrap and \`docker import\`)`,
    });
  }
  if (lab.port !== 'auto') {
    const use = runtime ? await lbPortUse(await runtime.containers(), lab.name, lab.port) : undefined;
    const free = use ? !use.taken : await isPortFree(lab.port);
    const holder = use?.taken && use.holder ? ` by the lab "${use.holder.lab}"` : '';
    findings.push({
      name: 'lb port',
      status: free ? 'passed' : 'failed',
      detail:
        use && !use.taken && use.byThisLab
          ? `127.0.0.1:${lab.port} (lab "${lab.name}" has it)`
          : `127.0.0.1:${lab.port} ${free ? 'free' : `in use${holder}`}`,
      fix: free ? undefined : 'choose another with `--port <n>` or `--port auto`',
    });
  }
  const free = os.freemem();
  const enough = free >= MIN_FREE_MEMORY;
  findings.push({
    name: 'free memory',
    status: enough ? 'passed' : 'failed',
    detail: `${(free / 1024 ** 3).toFixed(1)} GiB free (a lab needs about 0.3 GiB, 1 GiB recommended)`,
    fix: enough ? undefined : 'stop other labs (`infra reset --all`) or programs',
  });

  // Only `infra deploy` (real servers) needs Ansible: its absence is said, not counted as a failure.
  const ansible = await ansibleVersion();
  findings.push({
    name: 'ansible',
    status: ansible ? 'passed' : 'skipped',
    detail: ansible ? `ansible-core ${ansible}` : 'not installed (only `infra deploy` to real servers needs it)',
    fix: ansible ? undefined : `for infra deploy: ${ANSIBLE_INSTALL}`,
  });

  const exitCode = findings.some((f) => f.status === 'failed' && f.environment)
    ? EXIT.environment
    : findings.every((f) => f.status !== 'failed')
      ? EXIT.ok
      : EXIT.failed;
  return { findings, exitCode };
}
