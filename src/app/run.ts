// Use case `run`: a lab bound to one command, for CI. Up (with a TTL as the backstop), run the command with the
// lab's URL in its environment, then remove the lab with its volumes whatever the command did, and exit with the
// command's code. If infra itself is killed with SIGKILL, nothing here runs: the lab's lease expires and the next
// `infra reap` (cron, a CI job's first step) removes it. A watcher process could do it sooner, but it would be one
// more thing to die with the job; the TTL needs nothing alive.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { LAB_FILES } from '../paths.js';
import { labEndpoint } from './lab-endpoint.js';
import { EXIT, StepError } from '../errors.js';
import type { AppEnv } from './context.js';
import { resolveLabName } from './lab-target.js';
import { upLab, type UpOptions, type UpResult } from './up.js';

/** A lab that `run` leaves behind (killed) lives this long at most unless --ttl says otherwise. */
export const RUN_TTL_MS = 60 * 60_000;

export interface RunOptions extends UpOptions {
  command: string[];
  /** Says what `up` did (and throws its failure): the command's presenter of up; returns up's exit code. */
  presentUp(result: UpResult): number;
  /** Where the command's own output goes. */
  childOutput: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
}

export async function runCommand(env: AppEnv, options: RunOptions): Promise<number> {
  if (options.command.length === 0) throw new StepError('nothing to run: give the command after `--`');
  const progress = env.progress(false);
  const name = await resolveLabName(options);
  // The JSON of up goes nowhere here: its progress on stderr, the command's own output on stdout.
  let upCode: number;
  try {
    const upOptions = { ...options, json: false, ttlMs: options.ttlMs ?? RUN_TTL_MS };
    upCode = options.presentUp(await upLab(env, upOptions));
  } catch (error) {
    await teardown(env, name);
    throw error;
  }
  if (upCode !== EXIT.ok) {
    await teardown(env, name);
    return upCode;
  }
  const runtime = await env.connect();
  const lab = (await runtime.containers(name)).find((c) => c.publishedPort);
  const dir = lab?.workingDir ?? '';
  // A secured lab's URL is its HTTPS one, with the CA to trust it (`curl --cacert "$INFRA_CA_FILE" "$INFRA_URL"`).
  const secured = lab?.publishedTlsPort !== undefined;
  const url = lab ? (await labEndpoint(lab, dir)).url : '';
  const extra = {
    INFRA_URL: url,
    INFRA_LAB: name,
    INFRA_DIR: dir,
    ...(secured ? { INFRA_CA_FILE: path.join(dir, LAB_FILES.caCert) } : {}),
  };
  progress.note(`\n$ ${options.command.join(' ')}    (INFRA_URL=${url})`);
  let code: number;
  try {
    code = await runChild(env, options.command, extra, options.childOutput);
  } finally {
    await teardown(env, name);
  }
  return code;
}

async function teardown(env: AppEnv, lab: string): Promise<void> {
  const runtime = await env.connect();
  const { removed } = await runtime.removeLab(lab, { volumes: true });
  env
    .progress(false)
    .note(
      `lab "${lab}" removed: ${removed.containers} containers, ${removed.networks} network(s), ${removed.volumes} volume(s)`,
    );
}

/** Runs the command with the lab in its environment; a signal to infra is passed on to it. */
function runChild(
  env: AppEnv,
  command: string[],
  extra: Record<string, string>,
  output: RunOptions['childOutput'],
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      cwd: env.io.cwd,
      env: { ...process.env, ...env.io.env, ...extra },
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    child.stdout.pipe(output.stdout, { end: false });
    child.stderr.pipe(output.stderr, { end: false });
    const forward = () => child.kill('SIGTERM');
    env.signal.addEventListener('abort', forward, { once: true });
    child.on('error', (error) => reject(new StepError(`cannot run ${command[0]}: ${error.message}`)));
    child.on('close', (code, signal) => {
      env.signal.removeEventListener('abort', forward);
      resolve(code ?? (signal ? 128 + 15 : 1));
    });
  });
}
