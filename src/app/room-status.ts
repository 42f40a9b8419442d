// Use case `infra room status` (and the board's data): per student, the lab's health and URL, its seed, the drill it
// runs (since when, solved or not and when), its active faults. Read from the engine's labels and each lab folder.
import { readFaults } from '../ops/faults.js';
import { readLabState } from '../render/write-lab.js';
import { requireRoom } from '../room/room.js';
import type { AppEnv } from './context.js';
import { readDrillState } from './drill.js';
import { listLabs } from './ls.js';

export interface StudentStatus {
  id: string;
  name: string;
  lab: string;
  /** running, partial, stopped, data-only (as `infra ls`), or absent: no container and no volume. */
  state: string;
  healthy: boolean;
  url: string | null;
  /** The seed its drills vary by (the student's id unless the lab was made otherwise). */
  seed: string | null;
  drill: {
    name: string;
    started_at: string;
    solved: boolean | null;
    solved_at: string | null;
    checked_at: string | null;
  } | null;
  faults: { id: string; what: string; made_at: string }[];
}

export interface RoomStatus {
  room: string;
  /** Every student's lab runs and is healthy. */
  healthy: boolean;
  students: StudentStatus[];
}

export async function readRoomStatus(env: AppEnv, options: { cwd: string; room?: string }): Promise<RoomStatus> {
  const record = await requireRoom(options.cwd, options.room);
  const labs = new Map((await listLabs(env)).map((l) => [l.name, l]));
  const students = await Promise.all(
    record.students.map(async (s): Promise<StudentStatus> => {
      const listed = labs.get(s.lab);
      const dir = listed?.dir ?? null;
      const [drill, state, faults] = dir
        ? await Promise.all([readDrillState(dir), readLabState(dir), readFaults(dir)])
        : [undefined, undefined, []];
      return {
        id: s.id,
        name: s.name ?? s.id,
        lab: s.lab,
        state: listed?.state ?? 'absent',
        healthy: Boolean(listed?.healthy),
        url: listed?.url ?? null,
        seed: state?.definition?.seed ?? null,
        drill: drill
          ? {
              name: drill.drill,
              started_at: drill.started_at,
              solved: drill.last_check?.solved ?? null,
              solved_at: drill.solved_at ?? null,
              checked_at: drill.last_check?.at ?? null,
            }
          : null,
        faults: faults.map((f) => ({ id: f.id, what: f.what, made_at: f.made_at })),
      };
    }),
  );
  return { room: record.room, healthy: students.every((s) => s.healthy), students };
}
