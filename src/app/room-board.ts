// Use case `infra room serve`: the room's board on 127.0.0.1 — a card per student (health, drill, solved, time since
// the drill started), read from the labs each time the page asks. While it runs it also checks every unsolved drill
// now and then, so that a student's fix turns their card without anyone running `drill check`.
import { renderTemplate } from '../templating/engine.js';
import { requireRoom } from '../room/room.js';
import type { AppEnv } from './context.js';
import { servePage } from './local-page.js';
import { readRoomStatus, type RoomStatus } from './room-status.js';
import { roomLabs, type RoomLabs } from './room-labs.js';

export interface BoardOptions {
  cwd: string;
  room?: string;
  port: number;
  /** Seconds between two rounds of checks of the unsolved drills; 0: never (only what `drill check` records). */
  checkEverySeconds: number;
  onServing(serving: { room: string; url: string }): void;
}

export async function serveBoard(env: AppEnv, options: BoardOptions): Promise<void> {
  const record = await requireRoom(options.cwd, options.room);
  const target = { cwd: options.cwd, room: record.room };
  const html = renderTemplate('pages/room.html', { room: record.room, students: record.students.length });
  const labs = await roomLabs(env, options.cwd, record);
  const stopChecking =
    options.checkEverySeconds > 0 ? checkUnsolved(env, labs, target, options.checkEverySeconds) : () => {};
  try {
    await servePage(env, {
      port: options.port,
      html,
      api: {
        path: '/api/room',
        read: async (): Promise<RoomStatus & { now: string }> => ({
          ...(await readRoomStatus(env, target)),
          now: new Date(env.clock.now()).toISOString(),
        }),
      },
      onServing: (url) => options.onServing({ room: record.room, url }),
    });
  } finally {
    stopChecking();
  }
}

/** Rounds of `drill check` on each lab whose drill is not solved yet, one lab at a time, a pause between rounds. */
function checkUnsolved(
  env: AppEnv,
  labs: RoomLabs,
  target: { cwd: string; room: string },
  everySeconds: number,
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = async () => {
    const [status, record] = await Promise.all([
      readRoomStatus(env, target).catch(() => undefined),
      requireRoom(target.cwd, target.room),
    ]);
    for (const s of status?.students ?? []) {
      if (stopped || !s.drill || s.drill.solved || s.state !== 'running') continue;
      const student = record.students.find((r) => r.id === s.id);
      // A lab that cannot be checked now (being reset, stopped, its machine away) is read again next round.
      if (student) await labs.drill(student, 'check').catch(() => undefined);
    }
    if (!stopped) timer = setTimeout(() => void round(), everySeconds * 1000);
  };
  timer = setTimeout(() => void round(), 0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
