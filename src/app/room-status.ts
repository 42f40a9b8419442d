// Use case `infra room status` (and the board's data): per student, the lab's health and URL, its seed, the drill it
// runs (since when, solved or not and when), its active faults; a machine that cannot be reached says so, and the
// others are listed all the same. Read as `infra ls` lists labs, here or on each machine (src/app/room-labs.ts).
import { requireRoom } from '../room/room.js';
import type { AppEnv } from './context.js';
import type { LabListing } from './ls.js';
import { roomLabs } from './room-labs.js';

export interface StudentStatus {
  id: string;
  name: string;
  lab: string;
  /** The machine it runs on (a room of machines). */
  machine?: string;
  /**
   * running, partial, stopped, data-only (as `infra ls`); absent: no container and no volume; unreachable: its
   * machine could not be reached (`error` says why).
   */
  state: string;
  healthy: boolean;
  url: string | null;
  /** The seed its drills vary by (the student's id unless the lab was made otherwise). */
  seed: string | null;
  drill: LabListing['drill'];
  faults: LabListing['faults'];
  error?: string;
}

export interface RoomStatus {
  room: string;
  /** Every student's lab runs and is healthy. */
  healthy: boolean;
  students: StudentStatus[];
}

export async function readRoomStatus(env: AppEnv, options: { cwd: string; room?: string }): Promise<RoomStatus> {
  const record = await requireRoom(options.cwd, options.room);
  const listings = await (await roomLabs(env, options.cwd, record)).listings(record.students);
  const students = record.students.map((s): StudentStatus => {
    const found = listings.get(s.lab);
    const who = { id: s.id, name: s.name ?? s.id, lab: s.lab, ...(s.machine ? { machine: s.machine } : {}) };
    if (!found || 'unreachable' in found) {
      return {
        ...who,
        state: found ? 'unreachable' : 'absent',
        healthy: false,
        url: null,
        seed: null,
        drill: null,
        faults: [],
        ...(found ? { error: found.unreachable } : {}),
      };
    }
    const { state, healthy, url, seed, drill, faults } = found;
    return { ...who, state, healthy, url, seed, drill, faults };
  });
  return { room: record.room, healthy: students.every((s) => s.healthy), students };
}
