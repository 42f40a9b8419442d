// Use cases `infra room drill start|check|reset`: the same drill on every student's lab (each varied by its seed, the
// student's id), a few labs at a time, here or on each machine; one result per student, so that one lab's failure
// never stops the others.
import pLimit from 'p-limit';
import { requireRoom } from '../room/room.js';
import type { AppEnv } from './context.js';
import { drills } from './drill.js';
import { defaultConcurrency } from './room.js';
import { roomLabs, type DrillAction, type DrillOutcome } from './room-labs.js';

export type RoomDrillAction = DrillAction;

export interface StudentDrill extends DrillOutcome {
  id: string;
  name: string;
  lab: string;
}

export interface RoomDrill {
  room: string;
  action: RoomDrillAction;
  /** The drill (start: the one named; check, reset: the one the labs run, when they agree). */
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
  const labs = await roomLabs(env, options.cwd, record);
  const progress = env.progress(options.json);
  const limit = pLimit(options.concurrency ?? defaultConcurrency());
  const students = await Promise.all(
    record.students.map((student) =>
      limit(async (): Promise<StudentDrill> => {
        const who = { id: student.id, name: student.name ?? student.id, lab: student.lab };
        const outcome = await labs
          .drill(student, options.action, options.drill)
          .catch((failure: unknown): DrillOutcome => ({ ok: false, failure }));
        progress.note(`  ${outcome.ok ? '✓' : '✗'} ${student.id.padEnd(12)} ${describe(options.action, outcome)}`);
        return { ...who, ...outcome };
      }),
    ),
  );
  const names = [...new Set(students.map((s) => s.drill).filter((d): d is string => Boolean(d)))];
  const drill = options.drill ?? (names.length === 1 ? names[0] : null);
  const known = options.action === 'start' ? drills().find((d) => d.name === drill) : undefined;
  return {
    room: record.room,
    action: options.action,
    drill,
    ...(known ? { story: { title: known.title, text: known.story } } : {}),
    students,
  };
}

function describe(action: RoomDrillAction, outcome: DrillOutcome): string {
  if (outcome.failure) return `failed: ${(outcome.failure as Error).message}`;
  if (action === 'check') return outcome.ok ? 'solved' : 'not yet';
  return action === 'start' ? 'started' : 'reset';
}
