// `room up|add|remove|down` over the fakes: what a room boots, records and refuses, before any engine is involved.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fakeLab } from '../../test/helpers/fake-lab.js';
import { EnvironmentError, UsageError } from '../errors.js';
import { readRoom } from '../room/room.js';
import { roomAdd, roomDown, roomRemove, roomUp } from './room.js';
import { readRoomStatus } from './room-status.js';

async function withRoster(text: string) {
  const t = fakeLab();
  await writeFile(path.join(t.cwd, 'roster.txt'), text);
  return t;
}
const upOptions = (cwd: string) => ({ cwd, room: 'mon', roster: 'roster.txt', json: true, concurrency: 2 });

it('boots a lab per student, each seeded with its id, on ports of its own, and records the room', async () => {
  const t = await withRoster('alice Alice Martin\nbob\ncarol\n');
  const result = await roomUp(t.env(), upOptions(t.cwd));
  expect(result.students.map((s) => [s.id, s.lab, s.failure])).toEqual([
    ['alice', 'mon-alice', undefined],
    ['bob', 'mon-bob', undefined],
    ['carol', 'mon-carol', undefined],
  ]);
  expect(new Set(result.students.map((s) => s.url)).size).toBe(3);
  expect((await readRoom(t.cwd, 'mon'))?.students.map((s) => s.lab)).toEqual(['mon-alice', 'mon-bob', 'mon-carol']);
  const status = await readRoomStatus(t.env(), { cwd: t.cwd });
  expect(status.students.map((s) => [s.id, s.name, s.seed, s.healthy])).toEqual([
    ['alice', 'Alice Martin', 'alice', true],
    ['bob', 'bob', 'bob', true],
    ['carol', 'carol', 'carol', true],
  ]);
});

it('refuses a room the engine cannot hold, saying how many would fit, before anything starts', async () => {
  const t = await withRoster('a1\na2\na3\na4\na5\n');
  t.runtime.engineCapacity = { memoryBytes: 2 * 1024 ** 3, cpus: 2 };
  const refused = roomUp(t.env(), upOptions(t.cwd));
  await expect(refused).rejects.toThrow(EnvironmentError);
  await expect(refused).rejects.toThrow(
    '5 more lab(s) of this room need about 1590 MiB (318 MiB each, the built-in lab), and the engine has 1024 MiB ' +
      'for labs: 3 would fit. Nothing was started.',
  );
  expect(await t.runtime.labNames()).toEqual([]);
  expect(await readRoom(t.cwd, 'mon')).toBeUndefined();
});

it('again: boots only what is missing; a roster that drops a student with a lab is refused', async () => {
  const t = await withRoster('alice\nbob\n');
  await roomUp(t.env(), upOptions(t.cwd));
  // The memory check counts only labs to start: both already run.
  t.runtime.engineCapacity = { memoryBytes: 1024 ** 3, cpus: 2 };
  expect((await roomUp(t.env(), upOptions(t.cwd))).fit?.starting).toBe(0);
  await writeFile(path.join(t.cwd, 'roster.txt'), 'alice\n');
  const dropped = roomUp(t.env(), upOptions(t.cwd));
  await expect(dropped).rejects.toThrow(UsageError);
  await expect(dropped).rejects.toThrow('the roster leaves out bob, who have labs in this room');
});

it('add boots a late student; remove takes one out; down takes every lab down and keeps the roster', async () => {
  const t = await withRoster('alice\n');
  await roomUp(t.env(), upOptions(t.cwd));
  const added = await roomAdd(t.env(), { cwd: t.cwd, id: 'dana', name: 'Dana Ortiz', json: true });
  expect(added.students).toEqual([expect.objectContaining({ id: 'dana', name: 'Dana Ortiz', lab: 'mon-dana' })]);
  await expect(roomAdd(t.env(), { cwd: t.cwd, id: 'dana', json: true })).rejects.toThrow(
    'dana is already in the room "mon"',
  );
  expect((await t.runtime.labNames()).sort()).toEqual(['mon-alice', 'mon-dana']);

  await roomRemove(t.env(), { cwd: t.cwd, id: 'dana', volumes: true });
  expect(await t.runtime.labNames()).toEqual(['mon-alice']);
  expect((await readRoom(t.cwd, 'mon'))?.students.map((s) => s.id)).toEqual(['alice']);
  await expect(roomRemove(t.env(), { cwd: t.cwd, id: 'zed', volumes: false })).rejects.toThrow(
    'zed is not in the room "mon"',
  );

  const down = await roomDown(t.env(), { cwd: t.cwd, volumes: true });
  expect(down.labs.map((l) => [l.lab, l.containers > 0])).toEqual([['mon-alice', true]]);
  expect(await t.runtime.labNames()).toEqual([]);
  expect((await readRoom(t.cwd, 'mon'))?.students.map((s) => s.id)).toEqual(['alice']);
});

it('a command without --room finds the only room made here; with two, it asks which', async () => {
  const t = await withRoster('alice\n');
  await roomUp(t.env(), upOptions(t.cwd));
  expect((await readRoomStatus(t.env(), { cwd: t.cwd })).room).toBe('mon');
  await roomUp(t.env(), { ...upOptions(t.cwd), room: 'tue' });
  await expect(readRoomStatus(t.env(), { cwd: t.cwd })).rejects.toThrow('which room? more than one was made here');
});

it('needs its students from one place: a roster (this engine) or an inventory (their machines)', async () => {
  const t = await withRoster('alice\n');
  const neither = roomUp(t.env(), { cwd: t.cwd, room: 'mon', json: true });
  await expect(neither).rejects.toThrow(
    'name the students: --roster (labs on this engine) or --inventory (one on each machine)',
  );
  await roomUp(t.env(), upOptions(t.cwd));
  await expect(roomAdd(t.env(), { cwd: t.cwd, id: 'Bad Id', json: true })).rejects.toThrow(UsageError);
});
