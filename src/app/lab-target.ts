// Which lab a command means, and its model. A lab folder knows its lab: with --dir, or run from inside one, a
// command acts on that folder's lab. A command on a running lab never needs infra.yaml when --name is given, so a
// broken infra.yaml cannot stop an instructor's `down` or `reset`.
import path from 'node:path';
import { StepError, UsageError } from '../errors.js';
import { LAB_FILES } from '../paths.js';
import { pathExists, readLabState, type LabState } from '../render/write-lab.js';
import { checkLabName, nameFlag, type Lab } from '../topology/types.js';
import type { AppEnv } from './context.js';
import type { ContainerRuntime } from '../runtime/port.js';

export interface LabTarget {
  cwd: string;
  config?: string;
  name?: string;
  /** The lab folder, when the command was given one. */
  dir?: string;
}

/** The lab folder a command points at: --dir, else the working directory when it is a lab folder. */
export async function targetFolder(target: LabTarget): Promise<string | undefined> {
  if (target.dir) return path.resolve(target.cwd, target.dir);
  return (await pathExists(path.join(target.cwd, LAB_FILES.state))) ? target.cwd : undefined;
}

/** The state of the target's lab folder, when there is one that infra rendered. */
export async function targetState(target: LabTarget): Promise<{ folder: string; state: LabState } | undefined> {
  const folder = await targetFolder(target);
  const state = folder ? await readLabState(folder) : undefined;
  return folder && state ? { folder, state } : undefined;
}

/** The folder a running lab was started from (its containers record it), or undefined when none runs. */
export async function runningFolder(runtime: Pick<ContainerRuntime, 'containers'>, name: string) {
  return (await runtime.containers(name)).find((c) => c.workingDir)?.workingDir;
}

/**
 * The running lab a command acts on: the engine, its model (as rendered) and its folder; an error saying how to start
 * it when it does not run (`then`: what to do after, for the message).
 */
export async function runningLab(env: Pick<AppEnv, 'connect'>, target: LabTarget, then = '') {
  const name = await resolveLabName(target);
  const runtime = await env.connect();
  const dir = await runningFolder(runtime, name);
  if (!dir) throw new StepError(`lab "${name}" is not running; start it with \`infra up${nameFlag(name)}\`${then}`);
  const lab = await renderedLabModel({ ...target, name }, dir);
  return { runtime, lab, dir };
}

/** --name, else the lab of the folder, else infra.yaml's name, else the built-in "lab". */
export async function resolveLabName(target: LabTarget): Promise<string> {
  if (target.name !== undefined) return checkedName(target.name);
  return nameFromFolder(target, await targetState(target));
}

async function nameFromFolder(target: LabTarget, found: { state: LabState } | undefined): Promise<string> {
  if (found) return found.state.lab;
  if (target.dir) throw notALabFolder(path.resolve(target.cwd, target.dir));
  const { loadLab } = await definitions();
  return (await loadLab(target.cwd, target.config, {})).lab.name;
}

/**
 * The model of a lab that was rendered: from the definition its folder recorded, so it is the lab that runs, not
 * what infra.yaml says now. Without a recorded definition, infra.yaml (or the built-in lab) under the lab's name.
 */
export async function renderedLabModel(target: LabTarget, folder?: string): Promise<Lab> {
  // The folder's state is read once, for the name and for the definition.
  const found = target.name === undefined || !folder ? await targetState(target) : undefined;
  const name = target.name !== undefined ? checkedName(target.name) : await nameFromFolder(target, found);
  const state = folder ? await readLabState(folder) : found?.state;
  const { buildLab, loadLab, withPrimary } = await definitions();
  if (state?.definition && state.lab === name) return withPrimary(buildLab(state.definition, { name }), state.primary);
  return withPrimary((await loadLab(target.cwd, target.config, { name })).lab, state?.primary);
}

/**
 * The definition's loader and the lab builder, with every kind and profile they bring: loaded when a command needs
 * a lab's model, not by one that only needs its name (`down --name`, `reset`: 40 modules fewer to start).
 */
async function definitions() {
  const [{ buildLab, withPrimary }, { loadLab }] = await Promise.all([
    import('../definition/build-lab.js'),
    import('../definition/load-lab.js'),
  ]);
  return { buildLab, withPrimary, loadLab };
}

function checkedName(name: string): string {
  const problem = checkLabName(name);
  if (problem) throw new UsageError(`"${name}" is not a lab name`, [`--name: ${problem}`]);
  return name;
}

function notALabFolder(folder: string): UsageError {
  return new UsageError(`${folder} is not a lab folder (it has no ${LAB_FILES.state})`, [
    '--dir: name a folder `infra render` or `infra up` wrote, or leave it out and use --name',
  ]);
}
