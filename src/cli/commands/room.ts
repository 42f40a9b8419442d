// `infra room up|status|drill|add|remove|down`: a lab per student of a roster, run as one class.
import { Option, type Command } from 'commander';
import { parseProfiles } from '../options.js';
import { untilInterrupted } from '../signals.js';
import { parseDuration } from '../duration.js';
import type { CommandKit } from '../command-kit.js';
import { parseConcurrency, registerRoomDrill, type RoomFlags } from './room-drill.js';
import type { Profile } from '../../profiles/names.js';

export const roomOption = () =>
  new Option('--room <name>', "which room (default: the only room made in this folder; `room up`: 'room')");

export function registerRoom(program: Command, kit: CommandKit): void {
  const { io, run, env } = kit;
  const room = program
    .command('room')
    .description("an instructor's room: a lab per student of a roster, drills for everyone, grades out")
    .addHelpText(
      'after',
      '\nA roster is a text file, one student per line: an id (it names the lab, `<room>-<id>`, and seeds its\n' +
        "drills), then optionally a display name. Blank lines and '# comments' are ignored.\n\n" +
        'Examples:\n' +
        '  $ infra room up --roster roster.txt --room monday --ttl 4h\n' +
        '  $ infra room up --inventory machines.ini --room lab-b   one lab on each student PC, over SSH\n' +
        '  $ infra room status\n' +
        '  $ infra room drill start replication-stopped\n' +
        '  $ infra room drill check --junit grades.xml --csv grades.csv\n' +
        '  $ infra room add dana Dana Ortiz          a late student\n' +
        '  $ infra room down --volumes\n' +
        '\nExit codes: 0 done on every lab; 1 a lab did not come up, is unhealthy, or has not solved the drill (the\n' +
        "others are done all the same); 2 bad usage (the roster's problems, each with its line); 3 the engine's\n" +
        'memory would not hold the room (nothing started; it says how many labs would fit).',
    );
  const cwd = () => io.cwd;

  room
    .command('up')
    .description(
      'boot a lab per student: of a roster on this engine, or one on each machine of an inventory (again: boots ' +
        'those not running, adds new students)',
    )
    .option('--roster <file>', 'the roster: one student id per line, optionally followed by a display name')
    .option(
      '--inventory <file>',
      "a room of machines: one host per student's PC (Docker and infra installed), reached over SSH as Ansible " +
        'would; infra_student=<id> names its student (default: the host alias), infra_dir its working folder',
    )
    .addOption(roomOption())
    .option('--profile <names>', 'every lab with these profiles (secured, monitored, redundant)', parseProfiles)
    .option(
      '--ttl <duration>',
      'each lab expires after this long (90s, 30m, 4h, 1d): `infra reap` removes it',
      parseDuration,
    )
    .option('--concurrency <n>', 'labs booted at a time (default: one per core)', parseConcurrency)
    .option('--json', 'print {room, students: [{id, lab, url}]} on stdout')
    .action(
      run(
        async (
          o: RoomFlags & {
            roster?: string;
            inventory?: string;
            profile?: Profile[];
            ttl?: number;
            concurrency?: number;
          },
        ) => {
          const { roomUp } = await import('../../app/room.js');
          const { presentRoomUp } = await import('../presenters/room.js');
          // Ctrl-C: each lab booting finishes its step and removes what it created; the others are not started.
          const result = await untilInterrupted(io, 'removing what the labs booting created', (signal) =>
            roomUp(env(signal), {
              cwd: cwd(),
              room: o.room ?? 'room',
              roster: o.roster,
              inventory: o.inventory,
              profiles: o.profile,
              ttlMs: o.ttl,
              concurrency: o.concurrency,
              json: Boolean(o.json),
            }),
          );
          return presentRoomUp(io, result, { json: Boolean(o.json) });
        },
      ),
    );

  room
    .command('status')
    .description("each student's lab: health, URL, drill (solved, since when), faults; exit 1 when one is unhealthy")
    .addOption(roomOption())
    .option('--json', 'print {room, healthy, students: [...]} on stdout')
    .action(
      run(async (o: RoomFlags) => {
        const { readRoomStatus } = await import('../../app/room-status.js');
        const { presentRoomStatus } = await import('../presenters/room.js');
        const status = await readRoomStatus(env(), { cwd: cwd(), room: o.room });
        return presentRoomStatus(io, status, { json: Boolean(o.json), now: Date.now() });
      }),
    );

  registerRoomDrill(room, kit, roomOption);

  room
    .command('add <id> [name...]')
    .description("boot a late student's lab and add them to the room")
    .addOption(roomOption())
    .option('--json', 'print {room, students: [{id, lab, url}]} on stdout')
    .action(
      run(async (o: RoomFlags & { args: string[] }) => {
        const { roomAdd } = await import('../../app/room.js');
        const { presentRoomUp } = await import('../presenters/room.js');
        const [id, ...name] = o.args;
        const result = await roomAdd(env(), {
          cwd: cwd(),
          room: o.room,
          id,
          ...(name.length ? { name: name.join(' ') } : {}),
          json: Boolean(o.json),
        });
        return presentRoomUp(io, result, { json: Boolean(o.json) });
      }),
    );

  room
    .command('remove <id>')
    .description("take a leaving student's lab down and out of the room (its data kept unless --volumes)")
    .addOption(roomOption())
    .option('-v, --volumes', "also delete the student's data")
    .option('--json', 'print what was removed on stdout')
    .action(
      run(async (o: RoomFlags & { args: string[]; volumes?: boolean }) => {
        const { roomRemove } = await import('../../app/room.js');
        const { presentRoomRemove } = await import('../presenters/room.js');
        const result = await roomRemove(env(), {
          cwd: cwd(),
          room: o.room,
          id: o.args[0],
          volumes: Boolean(o.volumes),
        });
        return presentRoomRemove(io, result, { json: Boolean(o.json), volumes: Boolean(o.volumes) });
      }),
    );

  room
    .command('down')
    .description("take every student's lab down (their data kept unless --volumes); the room's roster stays")
    .addOption(roomOption())
    .option('-v, --volumes', "also delete every student's data")
    .option('--json', 'print what was removed on stdout')
    .action(
      run(async (o: RoomFlags & { volumes?: boolean }) => {
        const { roomDown } = await import('../../app/room.js');
        const { presentRoomDown } = await import('../presenters/room.js');
        const result = await roomDown(env(), { cwd: cwd(), room: o.room, volumes: Boolean(o.volumes) });
        return presentRoomDown(io, result, { json: Boolean(o.json), volumes: Boolean(o.volumes) });
      }),
    );
}
