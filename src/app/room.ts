// Use cases `infra room up|add|remove|down`: a lab per student — of a roster, on this engine, or one on each machine
// of an inventory (a room of PCs, infra run there over SSH) — each seeded with the student's id, named `<room>-<id>`,
// on free ports of its own; booted side by side up to a concurrency. On this engine a room that its memory would not
// hold is refused before anything starts. The room's record (src/room/room.ts) says which labs are the room's.
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
import { parseRoster, studentIdProblem, studentLab, type Student } from '../room/roster.js';
import {
  checkRoomName,
  readRoom,
  requireRoom,
  roomFolder,
  withLabs,
  writeRoom,
  type RoomRecord,
} from '../room/room.js';
import { readInventory } from '../runtime/ansible.js';
import type { ContainerRuntime } from '../runtime/port.js';
import type { Lab } from '../topology/types.js';
import type { AppEnv } from './context.js';
import { engineLabs, roomLabs, type RoomLabs, type RoomStudent } from './room-labs.js';

/** How long each lab may take to become healthy: side by side on two cores, longer than one alone. */
const ROOM_BOOT_TIMEOUT_SECONDS = 240;

/** Boots at a time unless --concurrency says otherwise: one per core (a boot waits on containers more than it computes). */
export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism());
}

/** One student's lab, as `room up` left it. */
export interface StudentLab {
  id: string;
  name?: string;
  lab: string;
  machine?: string;
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
  /** On this engine: what a lab needs and what the engine has; a room of machines has none (each its own). */
  fit?: RoomFit;
  students: StudentLab[];
}

export interface RoomUpOptions {
  cwd: string;
  room: string;
  /** The roster file, relative to cwd; or `inventory`: the students' machines. */
  roster?: string;
  inventory?: string;
  profiles?: Profile[];
  ttlMs?: number;
  concurrency?: number;
  json: boolean;
}

export async function roomUp(env: AppEnv, options: RoomUpOptions): Promise<RoomUp> {
  const problem = checkRoomName(options.room);
  if (problem) throw new UsageError(`the room name ${problem}`, ['--room: e.g. monday-a']);
  if (Boolean(options.roster) === Boolean(options.inventory)) {
    throw new UsageError('name the students: --roster (labs on this engine) or --inventory (one on each machine)', [
      '--roster roster.txt: one student id per line, optionally followed by a display name',
      '--inventory machines.ini: one host per student PC (infra_student=<id> names its student; default its alias)',
    ]);
  }
  const existing = await readRoom(options.cwd, options.room);
  const inventory = options.inventory ? path.resolve(options.cwd, options.inventory) : undefined;
  if (existing && Boolean(existing.inventory) !== Boolean(inventory)) {
    throw new UsageError(`the room "${options.room}" runs ${existing.inventory ? 'on machines' : 'on this engine'}`, [
      existing.inventory ? `--inventory ${existing.inventory}` : '--roster <file>',
    ]);
  }
  const students = inventory
    ? await studentsOfMachines(inventory, options.room)
    : withLabs(
        options.room,
        parseRoster(await readRoster(options.cwd, options.roster!), options.roster!, options.room),
      );
  const dropped = existing?.students.filter((s) => !students.some((n) => n.id === s.id)) ?? [];
  if (dropped.length > 0) {
    throw new UsageError(`the roster leaves out ${dropped.map((s) => s.id).join(', ')}, who have labs in this room`, [
      `take them out first: \`infra room remove <id> --room ${options.room}\`, or put them back in ${options.roster ?? options.inventory}`,
    ]);
  }
  const record: RoomRecord = {
    room: options.room,
    made_at: existing?.made_at ?? new Date(env.clock.now()).toISOString(),
    profiles: options.profiles ?? existing?.profiles ?? [],
    ...(options.ttlMs !== undefined ? { ttl_ms: options.ttlMs } : existing?.ttl_ms ? { ttl_ms: existing.ttl_ms } : {}),
    ...(inventory ? { inventory } : {}),
    students,
  };
  const booted = await bootStudents(env, options, record, students);
  return { room: record.room, folder: roomFolder(options.cwd, record.room), ...booted };
}

/** `room add`: a late student's lab, booted and added to the room (on this engine). */
export async function roomAdd(
  env: AppEnv,
  options: { cwd: string; room?: string; id: string; name?: string; json: boolean },
): Promise<RoomUp> {
  const record = await requireRoom(options.cwd, options.room);
  if (record.inventory) {
    throw new UsageError(`the room "${record.room}" runs on the machines of ${record.inventory}`, [
      `add the student's machine to it (infra_student=${options.id}), then \`infra room up --inventory ${record.inventory} --room ${record.room}\``,
    ]);
  }
  if (record.students.some((s) => s.id === options.id)) {
    throw new UsageError(`${options.id} is already in the room "${record.room}"`, [
      '<id>: another id (`infra room status` lists the room)',
    ]);
  }
  const line = `${options.id}${options.name ? ` ${options.name}` : ''}`;
  const [student] = withLabs(record.room, parseRoster(line, '<id>', record.room));
  const booted = await bootStudents(env, options, { ...record, students: [...record.students, student] }, [student]);
  return { room: record.room, folder: roomFolder(options.cwd, record.room), ...booted };
}

/** `room remove`: a leaving student's lab taken down (its data too with --volumes) and out of the room. */
export async function roomRemove(
  env: AppEnv,
  options: { cwd: string; room?: string; id: string; volumes: boolean },
): Promise<{ room: string; student: RoomStudent; containers: number }> {
  const record = await requireRoom(options.cwd, options.room);
  const student = record.students.find((s) => s.id === options.id);
  if (!student) {
    throw new UsageError(`${options.id} is not in the room "${record.room}"`, [
      `<id>: one of ${record.students.map((s) => s.id).join(', ')}`,
    ]);
  }
  const down = await (await roomLabs(env, options.cwd, record)).down(student, options.volumes);
  if (down.failure) throw down.failure;
  await writeRoom(options.cwd, { ...record, students: record.students.filter((s) => s !== student) });
  return { room: record.room, student, containers: down.containers };
}

/** `room down`: every student's lab taken down (their data too with --volumes); the room's record stays for `room up`. */
export async function roomDown(
  env: AppEnv,
  options: { cwd: string; room?: string; volumes: boolean },
): Promise<{ room: string; labs: { id: string; lab: string; containers: number; failure?: unknown }[] }> {
  const record = await requireRoom(options.cwd, options.room);
  const labs = await roomLabs(env, options.cwd, record);
  const results = [];
  for (const s of record.students) results.push({ id: s.id, lab: s.lab, ...(await labs.down(s, options.volumes)) });
  return { room: record.room, labs: results };
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

/** A room of machines: each host of the inventory is a student's PC; `infra_student` names the student (its alias). */
async function studentsOfMachines(inventory: string, room: string): Promise<RoomStudent[]> {
  const hosts = await readInventory(inventory);
  const problems: string[] = [];
  const students = Object.entries(hosts).map(([machine, vars]): RoomStudent => {
    const id = typeof vars.infra_student === 'string' ? vars.infra_student : machine;
    const problem = studentIdProblem(room, id);
    if (problem) problems.push(`${machine}: ${problem} (set infra_student=<id> on it)`);
    const name = typeof vars.infra_student_name === 'string' ? { name: vars.infra_student_name } : {};
    return { id, ...name, lab: studentLab(room, id), machine } as Student & RoomStudent;
  });
  if (students.length === 0) problems.push('it lists no host: one per student machine');
  if (problems.length > 0) throw new UsageError(`--inventory ${inventory}: ${problems.length} problem(s)`, problems);
  return students;
}

/**
 * On this engine, sizes the boot against its memory first. Records the room (before anything starts: a room cut
 * short can still be taken down), then boots `starting` side by side, each told as it ends. On this engine the first
 * boots alone when images are missing, so that they are built once.
 */
async function bootStudents(
  env: AppEnv,
  options: { cwd: string; concurrency?: number; json: boolean },
  record: RoomRecord,
  starting: RoomStudent[],
): Promise<Omit<RoomUp, 'room' | 'folder'>> {
  const onEngine = !record.inventory;
  const runtime = onEngine ? await env.connect() : undefined;
  const model = onEngine ? await roomLab(options.cwd, record, (starting[0] ?? record.students[0]).lab) : undefined;
  const fit = runtime && model ? await checkFit(runtime, model, record, starting) : undefined;
  await writeRoom(options.cwd, record);
  const labs: RoomLabs = onEngine ? engineLabs(env, options.cwd) : await roomLabs(env, options.cwd, record);
  const concurrency = options.concurrency ?? defaultConcurrency();
  const progress = env.progress(options.json);
  progress.note(
    `room "${record.room}": ${starting.length} lab(s)${onEngine ? '' : ', one on each machine'}, ${concurrency} at a time` +
      `${record.profiles.length ? `, with ${record.profiles.join(',')}` : ''}${fit ? ` (about ${fit.perLabMiB} MiB each)` : ''}`,
  );
  const boot = async (student: RoomStudent): Promise<StudentLab> => {
    const who = { id: student.id, ...(student.name ? { name: student.name } : {}), lab: student.lab };
    const where = student.machine ? { machine: student.machine } : {};
    if (env.signal.aborted) {
      // Interrupted: those not started yet are not started (`room up` again boots them).
      const failure = new StepError(`not started: interrupted by ${String(env.signal.reason)}`);
      return { ...who, ...where, url: null, seconds: 0, failure };
    }
    const started = performance.now();
    const { url, failure } = await labs.up(student, {
      profiles: record.profiles,
      timeoutSeconds: ROOM_BOOT_TIMEOUT_SECONDS,
      ...(record.ttl_ms !== undefined ? { ttlMs: record.ttl_ms } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    const on = student.machine ? ` on ${student.machine}` : '';
    progress.note(
      failure
        ? `  ✗ ${student.id.padEnd(12)} failed${on} after ${formatDuration(seconds * 1000)}: ${(failure as Error).message}`
        : `  ✓ ${student.id.padEnd(12)} up${on} in ${formatDuration(seconds * 1000)}  ${url}`,
    );
    return { ...who, ...where, url, seconds, ...(failure ? { failure } : {}) };
  };
  const first = runtime && model && (await imagesMissing(runtime, model)) ? starting.slice(0, 1) : [];
  const results = [];
  for (const s of first) results.push(await boot(s));
  const limit = pLimit(concurrency);
  results.push(...(await Promise.all(starting.slice(first.length).map((s) => limit(() => boot(s))))));
  return { profiles: record.profiles, concurrency, ...(fit ? { fit } : {}), students: results };
}

/** Refuses, before anything starts, labs the engine's memory would not hold (those already running need nothing). */
async function checkFit(
  runtime: ContainerRuntime,
  model: Lab,
  record: RoomRecord,
  starting: RoomStudent[],
): Promise<RoomFit> {
  const running = new Set((await runtime.containers()).filter((c) => c.state === 'running').map((c) => c.lab));
  const fit = roomFit(
    model,
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
  return fit;
}

/** The model of one of the room's labs (every lab of a room is the same lab: cwd's infra.yaml or the built-in one). */
async function roomLab(cwd: string, record: RoomRecord, lab: string): Promise<Lab> {
  return (await loadLab(cwd, undefined, { name: lab, profiles: record.profiles })).lab;
}

/** Whether a lab of this room would build images first (the first `up` on a machine). */
async function imagesMissing(runtime: ContainerRuntime, model: Lab): Promise<boolean> {
  const present = await Promise.all(planImages(model).builds.map((b) => runtime.hasImage(b.tag)));
  return present.includes(false);
}
