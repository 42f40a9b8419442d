// A room: one lab per student of a roster, booted and driven together (`infra room …`). Its record — the roster, the
// profiles, each student's lab — lives in the room folder (`infra-rooms/<room>/room.json` under where it was made), so
// every later room command knows its labs without asking the engine to guess them from names.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Profile } from '../profiles/names.js';
import { replaceJson } from '../render/write-lab.js';
import { studentLab, type Student } from './roster.js';

export const ROOMS_DIR = 'infra-rooms';
const RECORD = 'room.json';

export interface RoomRecord {
  room: string;
  made_at: string;
  profiles: Profile[];
  /** Each lab expires this long after its last `room up` (`infra reap` removes it then). */
  ttl_ms?: number;
  /** A room of machines: the inventory (absolute path) whose hosts are the students' PCs, one lab on each. */
  inventory?: string;
  /** `machine`: the inventory host the student's lab runs on (a room of machines). */
  students: (Student & { lab: string; machine?: string })[];
}

export function roomFolder(cwd: string, room: string): string {
  return path.join(cwd, ROOMS_DIR, room);
}

/** A room's name prefixes each lab's: short enough to leave room for the students' ids. */
export function checkRoomName(room: string): string | undefined {
  return /^[a-z][a-z0-9-]{0,19}$/.test(room)
    ? undefined
    : `must be lowercase letters, digits and '-', starting with a letter, at most 20 characters (got "${room}")`;
}

export function withLabs(room: string, students: Student[]): RoomRecord['students'] {
  return students.map((s) => ({ ...s, lab: studentLab(room, s.id) }));
}

export async function readRoom(cwd: string, room: string): Promise<RoomRecord | undefined> {
  try {
    return JSON.parse(await readFile(path.join(roomFolder(cwd, room), RECORD), 'utf8')) as RoomRecord;
  } catch {
    return undefined;
  }
}

export async function writeRoom(cwd: string, record: RoomRecord): Promise<void> {
  await replaceJson(path.join(roomFolder(cwd, record.room), RECORD), record);
}

/** The rooms made under `cwd`. */
export async function roomNames(cwd: string): Promise<string[]> {
  const entries = await readdir(path.join(cwd, ROOMS_DIR), { withFileTypes: true }).catch(() => []);
  const names: string[] = [];
  for (const e of entries) if (e.isDirectory() && (await readRoom(cwd, e.name))) names.push(e.name);
  return names.sort();
}

/** The room a command means: --room, else the only room made here. */
export async function requireRoom(cwd: string, room: string | undefined): Promise<RoomRecord> {
  const names = await roomNames(cwd);
  const name = room ?? (names.length === 1 ? names[0] : undefined);
  if (!name) {
    throw new UsageError(names.length ? 'which room? more than one was made here' : 'no room was made here', [
      names.length
        ? `--room: one of ${names.join(', ')}`
        : `make one: \`infra room up --roster roster.txt\` (in this folder: ${cwd})`,
    ]);
  }
  const record = await readRoom(cwd, name);
  if (!record) {
    throw new UsageError(`no room "${name}" was made here`, [
      names.length ? `--room: one of ${names.join(', ')}` : 'make it: `infra room up --roster roster.txt`',
    ]);
  }
  return record;
}
