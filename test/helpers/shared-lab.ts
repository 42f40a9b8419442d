// One running lab per profile combination for the whole e2e run, shared by the suites that read it: the first suite
// that asks boots it (with every smoke check), the next ones get it as it is. A suite that breaks something puts it
// back before it ends (recover, up, drill reset); each hand-out checks `status` first and runs `up` to repair a lab
// a failed suite left broken. test/e2e/global-teardown.mjs removes every shared lab when the run ends.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { infra, uniqueLabName } from './e2e.js';

/** Where the run keeps its shared labs (set by test/e2e/global-setup.mjs; per process when a file runs alone). */
export const SHARED_LABS_ENV = 'INFRA_E2E_SHARED_LABS';

export interface SharedLabSpec {
  /** Names the combination in the lab's name and folder. */
  key: string;
  profiles: string[];
  seed?: string;
}

/**
 * Every profile at once, under a student's seed (the drills' details come from it): the lab of the drills and of
 * the secured, monitored and redundant suites.
 */
export const EVERY_PROFILE: SharedLabSpec = {
  key: 'every-profile',
  profiles: ['secured', 'monitored', 'redundant'],
  seed: 'student-7',
};

/** The built-in lab, no profile: the lab of the suites that load it or read it as a student's first lab would be. */
export const BUILT_IN: SharedLabSpec = { key: 'built-in', profiles: [] };

export interface SharedLab {
  name: string;
  /** The working directory its commands run in; its folder is `dir`. */
  cwd: string;
  dir: string;
  /** `up --json`'s result when it was booted (its smoke checks among them). */
  boot: { smoke: { checks: { name: string; status: string; detail: string }[] } } & Record<string, unknown>;
}

export async function sharedLab(spec: SharedLabSpec): Promise<SharedLab> {
  const root = (process.env[SHARED_LABS_ENV] ??= path.join(
    process.env.TMPDIR ?? '/tmp',
    `infra-e2e-shared-${process.pid}`,
  ));
  const record = path.join(root, `${spec.key}.json`);
  if (existsSync(record)) {
    const lab = JSON.parse(readFileSync(record, 'utf8')) as SharedLab;
    await repairIfNeeded(lab);
    return lab;
  }
  const cwd = path.join(root, spec.key);
  mkdirSync(cwd, { recursive: true });
  const name = uniqueLabName(spec.key);
  const up = await infra(
    [
      'up',
      '--name',
      name,
      '--profile',
      spec.profiles.length ? spec.profiles.join(',') : 'none',
      ...(spec.seed ? ['--seed', spec.seed] : []),
      '--port',
      'auto',
      '--json',
    ],
    { cwd },
  );
  if (up.exitCode !== 0) {
    // Not recorded, so the run's teardown would not know it: a lab kept for inspection (its checks failed) goes now.
    await infra(['reset', '--name', name, '--yes'], { cwd });
    throw new Error(`the shared lab ${spec.key} did not boot:\n${up.stdout}\n${up.stderr}`);
  }
  const lab: SharedLab = { name, cwd, dir: path.join(cwd, 'infra-labs', name), boot: JSON.parse(up.stdout) };
  writeFileSync(record, JSON.stringify(lab));
  return lab;
}

/** A suite that failed halfway may have left the lab broken: `up` converges it again, or the hand-out fails. */
async function repairIfNeeded(lab: SharedLab): Promise<void> {
  if ((await infra(['status', '--name', lab.name, '--json'], { cwd: lab.cwd })).exitCode === 0) return;
  const up = await infra(['up', '--name', lab.name, '--no-smoke'], { cwd: lab.cwd });
  const status = await infra(['status', '--name', lab.name], { cwd: lab.cwd });
  if (up.exitCode !== 0 || status.exitCode !== 0) {
    throw new Error(`the shared lab ${lab.name} is broken and up did not repair it:\n${up.stderr}\n${status.stdout}`);
  }
}
