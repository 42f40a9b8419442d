// Use cases `infra room up|add|remove|down`: a lab per student of a roster, each seeded with the student's id, on its
// own free ports, named `<room>-<id>`; booted side by side up to a concurrency, refused before anything starts when
// the engine's memory would not hold them. The room's record (src/room/room.ts) says which labs are the room's.
import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { EnvironmentError, StepError, UsageError } from '../errors.js';
import { formatDuration } from '../log.js';
import { loadLab } from '../definition/load-lab.js';
import type { Profile } from '../profiles/names.js';
import { planImages } from '../render/images.js';
import { roomFit, type RoomFit } from '../room/footprint.js';
import { parseRoster } from '../room/roster.js';
import type { ContainerRuntime } from '../runtime/port.js';
import type { Lab } from '../topology/types.js';
import {
  checkRoomName,
  readRoom,
  requireRoom,
  roomFolder,
  withLabs,
  writeRoom,
  type RoomRecord,
} from '../room/room.js';
import type { AppEnv } from './context.js';
import { takeDown } from './down.js';
import { upLab } from './up.js';

/** Boots at a time unless --concurrency says otherwise: one per core (a boot waits on containers more than it computes). */
export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism());
}

/** One student's lab, as `room up` left it. */
export interface StudentLab {
  id: string;
  name?: string;
  lab: string;
  /** Its site (HTTPS when secured), or null when it did not come up. */
  url: string | null;
  seconds: number;
  /** Why it did not come up (it was removed again), when it did not. */
  failure?: unknown;
}

export interface RoomUp {
  room: string;
  folder: string;
  profiles: Profile[];
  concurrency: number;
  fit: RoomFit;
  students: StudentLab[];
}

export interface RoomUpOptions {
  cwd: string;
  room: string;
  /** The roster file, relative to cwd. */
  roster: string;
  profiles?: Profile[];
  ttlMs?: number;
  concurrency?: number;
  json: boolean;
}

export async function roomUp(env: AppEnv, options: RoomUpOptions): Promise<RoomUp> {
  const problem = checkRoomName(options.room);
  if (problem) throw new UsageError(`the room name ${problem}`, ['--room: e.g. monday-a']);
  const students = parseRoster(await readRoster(options.cwd, options.roster), options.roster, options.room);
  const existing = await readRoom(options.cwd, options.room);
  const dropped = existing?.students.filter((s) => !students.some((n) => n.id === s.id)) ?? [];
  if (dropped.length > 0) {
    throw new UsageError(`the roster leaves out ${dropped.map((s) => s.id).join(', ')}, who have labs in this room`, [
      `take them out first: \`infra room remove <id> --room ${options.room}\`, or put them back in ${options.roster}`,
    ]);
  }
  const record: RoomRecord = {
    room: options.room,
    made_at: existing?.made_at ?? new Date(env.clock.now()).toISOString(),
    profiles: options.profiles ?? existing?.profiles ?? [],
    ...(options.ttlMs !== undefined ? { ttl_ms: options.ttlMs } : existing?.ttl_ms ? { ttl_ms: existing.ttl_ms } : {}),
    students: withLabs(options.room, students),
  };
  const booted = await bootStudents(env, options, record, record.students);
  return { room: record.room, folder: roomFolder(options.cwd, record.room), ...booted };
}

/** `room add`: a late student's lab, booted and added to the room. */
export async function roomAdd(
  env: AppEnv,
  options: { cwd: string; room?: string; id: string; name?: string; json: boolean },
): Promise<RoomUp> {
  const record = await requireRoom(options.cwd, options.room);
  if (record.students.some((s) => s.id === options.id)) {
    throw new UsageError(`${options.id} is already in the room "${record.room}"`, [
      '<id>: another id (`infra room status` lists the room)',
    ]);
  }
  const line = `${options.id}${options.name ? ` ${options.name}` : ''}`;
  const [student] = withLabs(record.room, parseRoster(line, '<id>', record.room));
  const booted = await bootStudents(env, options, record, [student], [...record.students, student]);
  return { room: record.room, folder: roomFolder(options.cwd, record.room), ...booted };
}

/** `room remove`: a leaving student's lab taken down (its data too with --volumes) and out of the room. */
export async function roomRemove(
  env: AppEnv,
  options: { cwd: string; room?: string; id: string; volumes: boolean },
): Promise<{ room: string; student: RoomRecord['students'][number]; removed: Awaited<ReturnType<typeof takeDown>> }> {
  const record = await requireRoom(options.cwd, options.room);
  const student = record.students.find((s) => s.id === options.id);
  if (!student) {
    throw new UsageError(`${options.id} is not in the room "${record.room}"`, [
      `<id>: one of ${record.students.map((s) => s.id).join(', ')}`,
    ]);
  }
  const removed = await takeDown(env, { cwd: options.cwd, name: student.lab, volumes: options.volumes });
  await writeRoom(options.cwd, { ...record, students: record.students.filter((s) => s !== student) });
  return { room: record.room, student, removed };
}

/** `room down`: every student's lab taken down (their data too with --volumes); the room's record stays for `room up`. */
export async function roomDown(
  env: AppEnv,
  options: { cwd: string; room?: string; volumes: boolean },
): Promise<{ room: string; labs: Awaited<ReturnType<typeof takeDown>>[] }> {
  const record = await requireRoom(options.cwd, options.room);
  const labs = [];
  for (const s of record.students)
    labs.push(await takeDown(env, { cwd: options.cwd, name: s.lab, volumes: options.volumes }));
  return { room: record.room, labs };
}

async function readRoster(cwd: string, file: string): Promise<string> {
  try {
    return await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the roster ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`, [
      '--roster: a text file, one student per line (an id, then optionally a display name)',
    ]);
  }
}

/**
 * Sizes the boot against the engine, records the room (before anything starts: a room cut short can still be taken
 * down), then boots `starting` side by side, each told as it ends. The first boots alone when images are missing,
 * so that they are built once.
 */
async function bootStudents(
  env: AppEnv,
  options: { cwd: string; ttlMs?: number; concurrency?: number; json: boolean },
  record: RoomRecord,
  starting: RoomRecord['students'],
  recorded: RoomRecord['students'] = record.students,
): Promise<Omit<RoomUp, 'room' | 'folder'>> {
  const runtime = await env.connect();
  const running = new Set((await runtime.containers()).filter((c) => c.state === 'running').map((c) => c.lab));
  // Every lab of the room is the same lab (cwd's infra.yaml or the built-in one, with the room's profiles).
  const model = starting[0] ? await roomLab(options.cwd, record, starting[0].lab) : undefined;
  const fit = roomFit(
    model ?? (await roomLab(options.cwd, record, recorded[0].lab)),
    starting.filter((s) => !running.has(s.lab)).length,
    (await runtime.capacity()).memoryBytes,
  );
  if (fit.needMiB > fit.availableMiB) {
    throw new EnvironmentError(
      `${fit.starting} more lab(s) of this room need about ${fit.needMiB} MiB (${fit.perLabMiB} MiB each, ` +
        `${record.profiles.length ? `with ${record.profiles.join(',')}` : 'the built-in lab'}), and the engine has ` +
        `${fit.availableMiB} MiB for labs: ${fit.fits} would fit. Nothing was started. Split the roster into rooms ` +
        'of that size, or give the engine more memory',
    );
  }
  await writeRoom(options.cwd, { ...record, students: recorded });
  const concurrency = options.concurrency ?? defaultConcurrency();
  const progress = env.progress(options.json);
  progress.note(
    `room "${record.room}": ${starting.length} lab(s), ${concurrency} at a time` +
      `${record.profiles.length ? `, with ${record.profiles.join(',')}` : ''} (about ${fit.perLabMiB} MiB each)`,
  );
  const boot = async (student: RoomRecord['students'][number]): Promise<StudentLab> => {
    if (env.signal.aborted) {
      // Interrupted: those not started yet are not started (`room up` again boots them).
      const failure = new StepError(`not started: interrupted by ${String(env.signal.reason)}`);
      return {
        id: student.id,
        ...(student.name ? { name: student.name } : {}),
        lab: student.lab,
        url: null,
        seconds: 0,
        failure,
      };
    }
    const started = performance.now();
    const result = await upLab(env, {
      cwd: options.cwd,
      name: student.lab,
      port: 'auto',
      profiles: record.profiles,
      seed: student.id,
      // Quiet: the room tells one line per student, not each lab's steps.
      json: true,
      keep: false,
      smoke: false,
      timeoutSeconds: 240,
      ...(record.ttl_ms !== undefined ? { ttlMs: record.ttl_ms } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    const url = result.failure ? null : (result.tls?.https ?? result.url ?? null);
    progress.note(
      result.failure
        ? `  ✗ ${student.id.padEnd(12)} failed after ${formatDuration(seconds * 1000)}: ${(result.failure as Error).message}`
        : `  ✓ ${student.id.padEnd(12)} up in ${formatDuration(seconds * 1000)}  ${url}`,
    );
    return {
      id: student.id,
      ...(student.name ? { name: student.name } : {}),
      lab: student.lab,
      url,
      seconds,
      ...(result.failure ? { failure: result.failure } : {}),
    };
  };
  const first = model && (await imagesMissing(runtime, model)) ? starting.slice(0, 1) : [];
  const results = [];
  for (const s of first) results.push(await boot(s));
  const limit = pLimit(concurrency);
  results.push(...(await Promise.all(starting.slice(first.length).map((s) => limit(() => boot(s))))));
  return { profiles: record.profiles, concurrency, fit, students: results };
}

/** The model of one of the room's labs. */
async function roomLab(cwd: string, record: RoomRecord, lab: string): Promise<Lab> {
  return (await loadLab(cwd, undefined, { name: lab, profiles: record.profiles })).lab;
}

/** Whether a lab of this room would build images first (the first `up` on a machine). */
async function imagesMissing(runtime: ContainerRuntime, model: Lab): Promise<boolean> {
  const present = await Promise.all(planImages(model).builds.map((b) => runtime.hasImage(b.tag)));
  return present.includes(false);
}
