// `infra room …`'s output: student → URL after `room up`, the room's table for `room status`, each student's drill
// result (with the grades as JUnit and CSV), what `room down` and `room remove` took away; or the same as JSON.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT } from '../../errors.js';
import { painter, type Io } from '../../log.js';
import { gradesCsv, gradesJunit } from '../../report/grades.js';
import type { RoomUp } from '../../app/room.js';
import type { RoomStatus } from '../../app/room-status.js';
import type { RoomDrill } from '../../app/room-drill.js';

const roomFlag = (room: string) => ` --room ${room}`;
const message = (error: unknown) => (error as Error).message;

/** Exit 0 when every student's lab came up, 1 when one did not (the others run). */
export function presentRoomUp(io: Io, result: RoomUp, options: { json: boolean }): number {
  const failed = result.students.filter((s) => s.failure);
  if (options.json) {
    const body = {
      ok: failed.length === 0,
      room: result.room,
      folder: result.folder,
      profiles: result.profiles,
      concurrency: result.concurrency,
      ...(result.fit
        ? {
            memory: {
              per_lab_mib: result.fit.perLabMiB,
              available_mib: result.fit.availableMiB,
              fits: result.fit.fits,
            },
          }
        : {}),
      students: result.students.map((s) => ({
        id: s.id,
        name: s.name ?? s.id,
        lab: s.lab,
        ...(s.machine ? { machine: s.machine } : {}),
        url: s.url,
        seconds: Number(s.seconds.toFixed(1)),
        ...(s.failure ? { error: message(s.failure) } : {}),
      })),
    };
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return failed.length ? EXIT.failed : EXIT.ok;
  }
  const width = Math.max(...result.students.map((s) => s.id.length), 7);
  io.stdout.write(
    `room "${result.room}": ${result.students.length - failed.length} of ${result.students.length} lab(s) up\n`,
  );
  for (const s of result.students) {
    const on = s.machine ? ` (on ${s.machine})` : '';
    io.stdout.write(`  ${s.id.padEnd(width)}  ${s.url ?? `failed: ${message(s.failure)}`}${on}\n`);
  }
  const flag = roomFlag(result.room);
  io.stdout.write(
    `\n  watch    infra room status${flag}\n  drill    infra room drill start <drill>${flag}   (infra drill list)\n` +
      `  grade    infra room drill check --junit grades.xml --csv grades.csv${flag}\n` +
      `  end      infra room down${flag} --volumes\n`,
  );
  if (failed.length) io.stderr.write(`${failed.length} lab(s) did not come up: \`infra room up\` again retries them\n`);
  return failed.length ? EXIT.failed : EXIT.ok;
}

/** Exit 0 when every lab runs healthy, 1 otherwise. */
export function presentRoomStatus(io: Io, status: RoomStatus, options: { json: boolean; now: number }): number {
  if (options.json) {
    io.stdout.write(JSON.stringify(status, null, 2) + '\n');
    return status.healthy ? EXIT.ok : EXIT.failed;
  }
  const paint = painter(io.stdout, io.env);
  const width = Math.max(...status.students.map((s) => s.id.length), 7);
  const healthy = status.students.filter((s) => s.healthy).length;
  io.stdout.write(`room "${status.room}": ${healthy} of ${status.students.length} lab(s) healthy\n`);
  for (const s of status.students) {
    const mark = s.healthy ? paint('green', '✓') : paint('red', '✗');
    const drill = s.drill
      ? `${s.drill.name} ${s.drill.solved ? paint('green', 'solved') : 'not solved'} ` +
        `(${s.drill.solved && s.drill.solved_at ? `in ${since(s.drill.started_at, Date.parse(s.drill.solved_at))}` : `for ${since(s.drill.started_at, options.now)}`})`
      : 'no drill';
    const faults = s.faults.length ? `  ⚡ ${s.faults.map((f) => f.id).join(', ')}` : '';
    const on = s.machine ? `  on ${s.machine}` : '';
    io.stdout.write(
      s.error
        ? `  ${mark} ${s.id.padEnd(width)}  ${s.state.padEnd(11)} ${s.error}\n`
        : `  ${mark} ${s.id.padEnd(width)}  ${(s.healthy ? 'healthy' : s.state).padEnd(11)} ${s.url ?? '-'}  ${drill}${faults}${on}\n`,
    );
  }
  return status.healthy ? EXIT.ok : EXIT.failed;
}

/** check: exit 0 when every student solved it, 1 otherwise; start, reset: 0 when done on every lab. */
export async function presentRoomDrill(
  io: Io,
  result: RoomDrill,
  options: { json: boolean; junit?: string; csv?: string; cwd: string; now: number },
): Promise<number> {
  const checkedAt = new Date(options.now).toISOString();
  if (options.junit) await writeFile(path.resolve(options.cwd, options.junit), gradesJunit(result));
  if (options.csv) await writeFile(path.resolve(options.cwd, options.csv), gradesCsv(result, checkedAt));
  const all = result.students.every((s) => s.ok);
  if (options.json) {
    const body = {
      room: result.room,
      action: result.action,
      drill: result.drill,
      ...(result.story ? { title: result.story.title, story: result.story.text } : {}),
      students: result.students.map((s) => ({
        id: s.id,
        name: s.name,
        lab: s.lab,
        ok: s.ok,
        ...(result.action === 'check' && !s.failure ? { solved: s.ok, checks: s.checked?.report.checks } : {}),
        ...(s.failure ? { error: message(s.failure) } : {}),
      })),
    };
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return all ? EXIT.ok : EXIT.failed;
  }
  const done = result.students.filter((s) => s.ok).length;
  const verb = { start: 'started on', check: 'solved by', reset: 'reset on' }[result.action];
  const who = result.action === 'check' ? 'student(s)' : 'lab(s)';
  io.stdout.write(`drill ${result.drill ?? '(none running)'} ${verb} ${done} of ${result.students.length} ${who}\n`);
  if (result.story) io.stdout.write(`\n${result.story.title}\n\n${result.story.text.trim()}\n\n`);
  for (const s of result.students.filter((x) => !x.ok)) {
    io.stdout.write(`  ✗ ${s.id}: ${s.failure ? message(s.failure) : 'not yet'}\n`);
  }
  for (const file of [options.junit, options.csv].filter(Boolean)) io.stdout.write(`  grades written to ${file}\n`);
  return all ? EXIT.ok : EXIT.failed;
}

/** Exit 0 when every lab went, 1 when one could not be reached or taken down (the others went). */
export function presentRoomDown(
  io: Io,
  result: { room: string; labs: { id: string; lab: string; containers: number; failure?: unknown }[] },
  options: { json: boolean; volumes: boolean },
): number {
  const failed = result.labs.filter((l) => l.failure);
  if (options.json) {
    const labs = result.labs.map(({ failure, ...l }) => ({ ...l, ...(failure ? { error: message(failure) } : {}) }));
    io.stdout.write(JSON.stringify({ ok: failed.length === 0, room: result.room, labs }, null, 2) + '\n');
    return failed.length ? EXIT.failed : EXIT.ok;
  }
  const containers = result.labs.reduce((n, l) => n + l.containers, 0);
  io.stderr.write(
    `room "${result.room}" is down: ${result.labs.length - failed.length} lab(s), ${containers} containers removed` +
      (options.volumes
        ? ', their data too\n'
        : `; their data kept (\`infra room down${roomFlag(result.room)} --volumes\` deletes it)\n`) +
      failed.map((l) => `  ✗ ${l.id}: ${message(l.failure)}\n`).join('') +
      `  the roster stays with the room: \`infra room up${roomFlag(result.room)}\` with it brings the room back\n`,
  );
  return failed.length ? EXIT.failed : EXIT.ok;
}

export function presentRoomRemove(
  io: Io,
  result: { room: string; student: { id: string; lab: string }; containers: number },
  options: { json: boolean; volumes: boolean },
): number {
  if (options.json) {
    const { id, lab } = result.student;
    io.stdout.write(
      JSON.stringify({ ok: true, room: result.room, id, lab, containers: result.containers }, null, 2) + '\n',
    );
    return EXIT.ok;
  }
  io.stderr.write(
    `${result.student.id} left room "${result.room}": lab ${result.student.lab} taken down` +
      (options.volumes ? ', its data too\n' : '; its data kept (`infra down --name <lab> --volumes` deletes it)\n'),
  );
  return EXIT.ok;
}

/** 42s, 12m, 1h 5m: how long a drill has run, as a board says it. */
function since(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
