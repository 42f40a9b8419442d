// Use cases `infra room drill start|check|reset`: the same drill on every student's lab (each varied by its seed, the
// student's id), a few labs at a time; one result per student, so that one lab's failure never stops the others.
import pLimit from 'p-limit';
import { requireRoom, type RoomRecord } from '../room/room.js';
import type { AppEnv } from './context.js';
import { drillCheckCommand, drillResetCommand, drillStartCommand, type DrillChecked } from './drill.js';
import { defaultConcurrency } from './room.js';

export type RoomDrillAction = 'start' | 'check' | 'reset';

export interface StudentDrill {
  id: string;
  name: string;
  lab: string;
  /** check: solved or not; start, reset: done. */
  ok: boolean;
  /** The drill it started, checked or ended. */
  drill?: string;
  /** check: the proving checks' report. */
  checked?: DrillChecked;
  /** Why the command could not run on this lab (it is not running, a drill already runs there…). */
  failure?: unknown;
}

export interface RoomDrill {
  room: string;
  action: RoomDrillAction;
  /** The drill (start: the one named; check, reset: the one each lab runs, when they agree). */
  drill: string | null;
  /** start: what every student reads (the same story on each lab; the details vary by seed). */
  story?: { title: string; text: string };
  students: StudentDrill[];
}

export async function roomDrill(
  env: AppEnv,
  options: { cwd: string; room?: string; action: RoomDrillAction; drill?: string; concurrency?: number; json: boolean },
): Promise<RoomDrill> {
  const record = await requireRoom(options.cwd, options.room);
  const progress = env.progress(options.json);
  let story: RoomDrill['story'];
  const limit = pLimit(options.concurrency ?? defaultConcurrency());
  const one = async (student: RoomRecord['students'][number]): Promise<StudentDrill> => {
    const base = { id: student.id, name: student.name ?? student.id, lab: student.lab };
    const target = { cwd: options.cwd, name: student.lab };
    let result: StudentDrill;
    try {
      if (options.action === 'start') {
        const started = await drillStartCommand(env, { ...target, drill: options.drill! });
        story = { title: started.drill.title, text: started.drill.story };
        result = started.restoreFailure
          ? { ...base, ok: false, failure: started.restoreFailure }
          : { ...base, ok: true, drill: started.drill.name };
      } else if (options.action === 'check') {
        const checked = await drillCheckCommand(env, { ...target, hint: false });
        result = { ...base, ok: checked.solved, drill: checked.drill.name, checked };
      } else {
        const reset = await drillResetCommand(env, target);
        result = reset.restoreFailure
          ? { ...base, ok: false, failure: reset.restoreFailure }
          : { ...base, ok: true, ...(reset.drill ? { drill: reset.drill.name } : {}) };
      }
    } catch (error) {
      result = { ...base, ok: false, failure: error };
    }
    progress.note(`  ${result.ok ? '✓' : '✗'} ${student.id.padEnd(12)} ${describe(options.action, result)}`);
    return result;
  };
  const students = await Promise.all(record.students.map((s) => limit(() => one(s))));
  const names = [...new Set(students.map((s) => s.drill).filter((d): d is string => Boolean(d)))];
  return {
    room: record.room,
    action: options.action,
    drill: options.drill ?? (names.length === 1 ? names[0] : null),
    ...(story ? { story } : {}),
    students,
  };
}

function describe(action: RoomDrillAction, result: StudentDrill): string {
  if (result.failure) return `failed: ${(result.failure as Error).message}`;
  if (action === 'check') return result.ok ? 'solved' : 'not yet';
  return action === 'start' ? 'started' : 'reset';
}
