// Use cases `drill list|start|check|reset`: break-fix exercises on a running lab. `start` breaks it without saying
// how; `check` runs the checks that prove it fixed (solved / not yet, a hint on request); `reset` restores the
// healthy lab. The running drill and its last result live in the lab folder (.infra/drill.json), for `infra ls`.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { CHECK_NAMES } from '../checks/runner.js';
import { drillChoices, loadDrills, withChoices, type Drill } from '../drills/drill.js';
import { runSteps, type StepTarget } from '../drills/steps.js';
import { LAB_FILES } from '../paths.js';
import { requireSecrets } from '../render/secrets.js';
import type { SmokeReport } from '../report/smoke-report.js';
import { KINDS } from '../kinds/index.js';
import { containerName, hasProfile, nameFlag, type Lab } from '../topology/types.js';
import { labContext, type AppEnv } from './context.js';
import { runningLab, type LabTarget } from './lab-target.js';
import { renderLabFolder } from './render.js';
import { replaceJson } from '../render/write-lab.js';
import { runSmoke } from './smoke.js';
import { upLab } from './up.js';
import { healFaultsOn } from './fault.js';

export interface DrillState {
  drill: string;
  started_at: string;
  hints_shown: number;
  /** The details the lab's seed picked (what `drill reset` undoes); the story never shows them. */
  choices?: Record<string, string>;
  last_check?: { at: string; solved: boolean };
  /** When a check first found it solved (the room's board and grades say it). */
  solved_at?: string;
}

export function drills(): Drill[] {
  return loadDrills(CHECK_NAMES);
}

function drillNamed(name: string): Drill {
  const drill = drills().find((d) => d.name === name);
  if (!drill) {
    throw new UsageError(`no drill "${name}"`, [
      `<drill>: one of ${drills()
        .map((d) => d.name)
        .join(', ')}`,
    ]);
  }
  return drill;
}

export async function readDrillState(dir: string): Promise<DrillState | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, LAB_FILES.drill), 'utf8')) as DrillState;
  } catch {
    return undefined;
  }
}

async function writeDrillState(dir: string, state: DrillState): Promise<void> {
  await replaceJson(path.join(dir, LAB_FILES.drill), state);
}

/** What a drill's steps run with: the lab, and its passwords (a step may speak SQL). */
async function stepTarget(env: AppEnv, running: Awaited<ReturnType<typeof runningLab>>): Promise<StepTarget> {
  return { ...running, openSession: env.openSession, secrets: await requireSecrets(running.dir) };
}

/** `drill start`: the drill now running; a solved drill it ended first; why the lab could not be restored for it. */
export interface DrillStarted {
  lab: string;
  drill: Drill;
  /** The drill its last check found solved, ended (and the lab restored) before this one. */
  ended?: string;
  /** `up` failed to restore the lab after the solved drill: nothing was broken. */
  restoreFailure?: unknown;
}

export async function drillStartCommand(env: AppEnv, options: LabTarget & { drill: string }): Promise<DrillStarted> {
  const drill = drillNamed(options.drill);
  const target = await runningLab(env, options, ', then the drill');
  const { lab, dir } = target;
  const flag = nameFlag(lab.name);
  if (drill.profile && !hasProfile(lab, drill.profile)) {
    throw new UsageError(`the drill "${drill.name}" needs a lab with the ${drill.profile} profile`, [
      `<drill>: pick another, or \`infra up --profile ${drill.profile}${flag}\` first`,
    ]);
  }
  const running = await readDrillState(dir);
  if (running && !running.last_check?.solved) {
    throw new UsageError(`the drill "${running.drill}" is already running on lab "${lab.name}"`, [
      `<drill>: finish it (\`infra drill check${flag}\`) or \`infra drill reset${flag}\` first`,
    ]);
  }
  if (running) {
    // Solved by its last check: it ends here, the lab restored as infra made it (a student's fix may differ from
    // infra's own), so the next drill starts from the lab it was written for.
    const restoreFailure = await restoreLab(env, options, target, running);
    if (restoreFailure) return { lab: lab.name, drill, restoreFailure };
  }
  const choices = drillChoices(drill, lab.seed);
  await runSteps(await stepTarget(env, target), withChoices(drill.breaks, choices));
  await writeDrillState(dir, {
    drill: drill.name,
    started_at: new Date(env.clock.now()).toISOString(),
    hints_shown: 0,
    choices,
  });
  return { lab: lab.name, drill, ...(running ? { ended: running.drill } : {}) };
}

/** `drill check`: whether the checks that prove the drill passed, those checks, the next hint when asked. */
export interface DrillChecked {
  lab: string;
  drill: Drill;
  solved: boolean;
  /** The smoke report of the proving checks only. */
  report: SmokeReport;
  hint?: string;
}

export async function drillCheckCommand(env: AppEnv, options: LabTarget & { hint: boolean }): Promise<DrillChecked> {
  const { runtime, lab, dir } = await runningLab(env, options, ', then the drill');
  const state = await readDrillState(dir);
  if (!state) {
    throw new UsageError(`no drill is running on lab "${lab.name}"`, [
      `start one: \`infra drill start <name>${nameFlag(lab.name)}\` (\`infra drill list\` shows them)`,
    ]);
  }
  const drill = drillNamed(state.drill);
  const skip = CHECK_NAMES.filter((n) => !drill.proves.includes(n));
  const report = await runSmoke(labContext(env, runtime, lab, ''), { skip });
  const proving = report.checks.filter((c) => drill.proves.includes(c.name));
  const solved = proving.every((c) => c.status === 'passed');
  const hint = options.hint && !solved ? nextHint(drill, state) : undefined;
  const at = new Date(env.clock.now()).toISOString();
  // A reset or a new drill while the checks ran (another terminal, the room's board) wins: its state is kept.
  if ((await readDrillState(dir))?.started_at !== state.started_at) {
    return { lab: lab.name, drill, solved, report: { ...report, checks: proving } };
  }
  await writeDrillState(dir, {
    ...state,
    hints_shown: hint ? state.hints_shown + 1 : state.hints_shown,
    last_check: { at, solved },
    ...(solved ? { solved_at: state.solved_at ?? at } : {}),
  });
  return { lab: lab.name, drill, solved, report: { ...report, checks: proving }, ...(hint ? { hint } : {}) };
}

function nextHint(drill: Drill, state: DrillState): string {
  return drill.hints[Math.min(state.hints_shown, drill.hints.length - 1)];
}

/** `drill reset`: the drill it ended (none was running: undefined), or why `up` could not restore the lab. */
export interface DrillReset {
  lab: string;
  drill?: Drill;
  restoreFailure?: unknown;
}

export async function drillResetCommand(env: AppEnv, options: LabTarget): Promise<DrillReset> {
  const target = await runningLab(env, options, ', then the drill');
  const { lab, dir } = target;
  const state = await readDrillState(dir);
  const drill = state ? drillNamed(state.drill) : undefined;
  const restoreFailure = await restoreLab(env, options, target, state);
  return { lab: lab.name, ...(drill ? { drill } : {}), ...(restoreFailure ? { restoreFailure } : {}) };
}

/**
 * The lab as infra made it, ending the drill: its files as infra rendered them, then what the drill needs besides (a
 * restart that reloads a restored config or clears HAProxy's runtime state, a reconnect), then `up` (no smoke)
 * converges everything else. Returns why `up` failed, if it did (the drill then stays).
 */
async function restoreLab(
  env: AppEnv,
  options: LabTarget,
  target: Awaited<ReturnType<typeof runningLab>>,
  state: DrillState | undefined,
): Promise<unknown> {
  const { lab, dir } = target;
  // The lab as infra made it has no fault of `infra fault` either.
  await healFaultsOn(env, { ...options, name: lab.name }, 'all');
  const { written } = await renderLabFolder({ cwd: options.cwd, dir, force: true });
  const drill = state ? drillNamed(state.drill) : undefined;
  if (drill) {
    const steps = withChoices(drill.reset, state?.choices ?? drillChoices(drill, lab.seed));
    await runSteps(await stepTarget(env, target), steps);
  }
  // A file the drill or the student changed is restored on disk, but the process that read it (at start, or at a
  // reload the student ran) may still run the changed copy: Compose sees the same file it started with and leaves it.
  const readers = readersOf(lab, written);
  if (readers.length > 0) {
    const running = await target.runtime.containers(lab.name);
    for (const reader of readers) {
      const found = running.find((c) => c.name === containerName(lab, reader) && c.state === 'running');
      if (found) await target.runtime.restart(found.id, 5);
    }
  }
  // Quiet (as --json): `up`'s own steps would bury the drill's one line; only a failure is told.
  const { failure } = await upLab(env, upOptions(options.cwd, dir, lab));
  if (failure) return failure;
  await rm(path.join(dir, LAB_FILES.drill), { force: true });
  return undefined;
}

/** The components (by name: lb-01-haproxy) that read one of these lab-folder files at start. */
function readersOf(lab: Lab, files: string[]): string[] {
  return lab.servers.flatMap((server) =>
    server.components
      .filter((component) => KINDS[component.kind].configFiles(lab, server).some((file) => files.includes(file)))
      .map((component) => component.name),
  );
}

function upOptions(cwd: string, dir: string, lab: Lab) {
  return { cwd, dir, name: lab.name, json: true, keep: true, smoke: false, timeoutSeconds: 180 };
}
