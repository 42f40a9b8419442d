// Where a room's labs run, as one port: on this engine (the use cases, in this process) or one on each student's
// machine (infra itself there, over SSH: src/runtime/remote-infra.ts). The room's use cases (up, status, drill,
// down) say what to do with a student's lab; this says how, and a machine that cannot be reached is a result, not
// an error, so that the others go on.
import { StepError } from '../errors.js';
import type { Profile } from '../profiles/names.js';
import { smokeReport, type SmokeReport } from '../report/smoke-report.js';
import type { CheckResult } from '../checks/check.js';
import type { RoomRecord } from '../room/room.js';
import { readInventory, type HostVars } from '../runtime/ansible.js';
import { runInfraOn, type RemoteRun } from '../runtime/remote-infra.js';
import type { AppEnv } from './context.js';
import { drillCheckCommand, drillResetCommand, drillStartCommand } from './drill.js';
import { takeDown } from './down.js';
import { listLabs, type LabListing } from './ls.js';
import { upLab } from './up.js';

export type RoomStudent = RoomRecord['students'][number];
export type DrillAction = 'start' | 'check' | 'reset';

/** A drill's proving checks on one lab, as the grades need them. */
export interface CheckedDrill {
  drill: { name: string };
  report: SmokeReport;
}

export interface DrillOutcome {
  ok: boolean;
  drill?: string;
  checked?: CheckedDrill;
  failure?: unknown;
}

export interface RoomLabs {
  /** Boots (or converges) a student's lab; its URL, or why it did not come up. */
  up(
    student: RoomStudent,
    settings: { profiles: Profile[]; ttlMs?: number; timeoutSeconds: number },
  ): Promise<{
    url: string | null;
    failure?: unknown;
  }>;
  /** Each student's lab as `infra ls` lists it, or why it could not be read (an unreachable machine). */
  listings(students: RoomStudent[]): Promise<Map<string, LabListing | { unreachable: string }>>;
  drill(student: RoomStudent, action: DrillAction, drill?: string): Promise<DrillOutcome>;
  /** Takes the lab down; the number of containers removed. */
  down(student: RoomStudent, volumes: boolean): Promise<{ containers: number; failure?: unknown }>;
}

/** The room's labs where its record says: each student's machine when it was made from an inventory. */
export async function roomLabs(env: AppEnv, cwd: string, record: RoomRecord): Promise<RoomLabs> {
  return record.inventory ? machineLabs(await readInventory(record.inventory)) : engineLabs(env, cwd);
}

/** Every lab on this engine, each a folder under `cwd`. */
export function engineLabs(env: AppEnv, cwd: string): RoomLabs {
  return {
    async up(student, settings) {
      const result = await upLab(env, {
        cwd,
        name: student.lab,
        port: 'auto',
        profiles: settings.profiles,
        seed: student.id,
        // Quiet: the room tells one line per student, not each lab's steps.
        json: true,
        keep: false,
        smoke: false,
        timeoutSeconds: settings.timeoutSeconds,
        ...(settings.ttlMs !== undefined ? { ttlMs: settings.ttlMs } : {}),
      });
      return result.failure ? { url: null, failure: result.failure } : { url: result.tls?.https ?? result.url ?? null };
    },
    async listings() {
      return new Map((await listLabs(env)).map((l) => [l.name, l]));
    },
    async drill(student, action, drill) {
      const target = { cwd, name: student.lab };
      if (action === 'start') {
        const started = await drillStartCommand(env, { ...target, drill: drill! });
        return started.restoreFailure
          ? { ok: false, failure: started.restoreFailure }
          : { ok: true, drill: started.drill.name };
      }
      if (action === 'check') {
        const checked = await drillCheckCommand(env, { ...target, hint: false });
        return { ok: checked.solved, drill: checked.drill.name, checked };
      }
      const reset = await drillResetCommand(env, target);
      return reset.restoreFailure
        ? { ok: false, failure: reset.restoreFailure }
        : { ok: true, ...(reset.drill ? { drill: reset.drill.name } : {}) };
    },
    async down(student, volumes) {
      const removed = await takeDown(env, { cwd, name: student.lab, volumes });
      return { containers: removed.removed.containers };
    },
  };
}

/** One lab on each student's machine (the inventory's host named by the student's `machine`), by infra there. */
export function machineLabs(hosts: Record<string, HostVars>): RoomLabs {
  const on = (student: RoomStudent, args: string[]) => {
    const vars = hosts[student.machine ?? ''];
    if (!vars) {
      const run: RemoteRun = { exitCode: 2, stdout: '', stderr: '' };
      return Promise.resolve({ ...run, unreachable: `the inventory no longer lists ${student.machine}` });
    }
    return runInfraOn(student.machine!, vars, args);
  };
  const failed = (run: RemoteRun, what: string) =>
    new StepError(run.unreachable ?? `${what} failed (exit ${run.exitCode}): ${lastLine(run.stderr)}`);
  return {
    async up(student, settings) {
      const run = await on(student, [
        'up',
        ...['--name', student.lab, '--seed', student.id, '--port', 'auto', '--no-smoke', '--json'],
        ...['--timeout', String(settings.timeoutSeconds)],
        ...(settings.profiles.length ? ['--profile', settings.profiles.join(',')] : []),
        ...(settings.ttlMs !== undefined ? ['--ttl', `${Math.ceil(settings.ttlMs / 1000)}s`] : []),
      ]);
      const body = parseJson<{ ok: boolean; url?: string; urls?: { https: string }; error?: { message: string } }>(run);
      if (run.unreachable || !body?.ok) {
        return { url: null, failure: body?.error ? new StepError(body.error.message) : failed(run, 'infra up') };
      }
      return { url: body.urls?.https ?? body.url ?? null };
    },
    async listings(students) {
      const found = new Map<string, LabListing | { unreachable: string }>();
      await Promise.all(
        students.map(async (student) => {
          const run = await on(student, ['ls', '--json']);
          const listed = parseJson<LabListing[]>(run);
          if (run.unreachable || !listed) {
            found.set(student.lab, { unreachable: run.unreachable ?? failed(run, 'infra ls').message });
            return;
          }
          const mine = listed.find((l) => l.name === student.lab);
          if (mine) found.set(student.lab, mine);
        }),
      );
      return found;
    },
    async drill(student, action, drill) {
      const args = action === 'start' ? ['drill', 'start', drill!] : ['drill', action];
      const run = await on(student, [...args, '--name', student.lab, ...(action === 'check' ? ['--json'] : [])]);
      if (action !== 'check') {
        return run.exitCode === 0 && !run.unreachable
          ? { ok: true, ...(drill ? { drill } : {}) }
          : { ok: false, failure: failed(run, `infra drill ${action}`) };
      }
      const body = parseJson<{ drill: string; solved: boolean; checks: CheckResult[] }>(run);
      if (run.unreachable || !body || (run.exitCode !== 0 && run.exitCode !== 1)) {
        return { ok: false, failure: failed(run, 'infra drill check') };
      }
      const checked = { drill: { name: body.drill }, report: smokeReport(student.lab, '', body.checks) };
      return { ok: body.solved, drill: body.drill, checked };
    },
    async down(student, volumes) {
      const run = await on(student, ['down', '--name', student.lab, '--json', ...(volumes ? ['--volumes'] : [])]);
      const body = parseJson<{ removed: { containers: number } }>(run);
      return run.exitCode === 0 && body
        ? { containers: body.removed.containers }
        : { containers: 0, failure: failed(run, 'infra down') };
    },
  };
}

function parseJson<T>(run: RemoteRun): T | undefined {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
