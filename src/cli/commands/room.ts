// `infra room up|status|drill|add|remove|down`: a lab per student of a roster, run as one class.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseListenPort, parseProfiles } from '../options.js';
import { untilInterrupted } from '../signals.js';
import { parseDuration } from '../duration.js';
import type { CommandKit } from '../command-kit.js';
import type { Profile } from '../../profiles/names.js';

interface RoomFlags {
  room?: string;
  json?: boolean;
}

const roomOption = () =>
  new Option('--room <name>', "which room (default: the only room made in this folder; `room up`: 'room')");

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number, 1 or more.');
  return n;
}

function parseCheckEvery(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be whole seconds (0: never).');
  return Number(value);
}

export function registerRoom(program: Command, { io, run, env }: CommandKit): void {
  const room = program
    .command('room')
    .description("an instructor's room: a lab per student of a roster, drills for everyone, grades out")
    .addHelpText(
      'after',
      '\nA roster is a text file, one student per line: an id (it names the lab, `<room>-<id>`, and seeds its\n' +
        "drills), then optionally a display name. Blank lines and '# comments' are ignored.\n\n" +
        'Examples:\n' +
        '  $ infra room up --roster roster.txt --room monday --ttl 4h\n' +
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
    .description('boot a lab per student of the roster (again: boots those not running, adds new students)')
    .requiredOption('--roster <file>', 'the roster: one student id per line, optionally followed by a display name')
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
      run(async (o: RoomFlags & { roster: string; profile?: Profile[]; ttl?: number; concurrency?: number }) => {
        const { roomUp } = await import('../../app/room.js');
        const { presentRoomUp } = await import('../presenters/room.js');
        // Ctrl-C: each lab booting finishes its step and removes what it created; the others are not started.
        const result = await untilInterrupted(io, 'removing what the labs booting created', (signal) =>
          roomUp(env(signal), {
            cwd: cwd(),
            room: o.room ?? 'room',
            roster: o.roster,
            profiles: o.profile,
            ttlMs: o.ttl,
            concurrency: o.concurrency,
            json: Boolean(o.json),
          }),
        );
        return presentRoomUp(io, result, { json: Boolean(o.json) });
      }),
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

  const drill = room.command('drill').description("the same drill on every student's lab (each varied by its seed)");
  const drillAction = (action: 'start' | 'check' | 'reset') =>
    run(async (o: RoomFlags & { args: string[]; junit?: string; csv?: string; concurrency?: number }) => {
      const { roomDrill } = await import('../../app/room-drill.js');
      const { presentRoomDrill } = await import('../presenters/room.js');
      const result = await roomDrill(env(), {
        cwd: cwd(),
        room: o.room,
        action,
        drill: o.args[0],
        concurrency: o.concurrency,
        json: Boolean(o.json),
      });
      return presentRoomDrill(io, result, {
        json: Boolean(o.json),
        junit: o.junit,
        csv: o.csv,
        cwd: cwd(),
        now: Date.now(),
      });
    });
  /** One `room drill` subcommand: the room, how many labs at a time, its JSON; `more` adds its own flags. */
  const drillCommand = (
    action: 'start' | 'check' | 'reset',
    usage: string,
    description: string,
    json: string,
    more: (c: Command) => Command = (c) => c,
  ) =>
    more(drill.command(usage).description(description).addOption(roomOption()))
      .option('--concurrency <n>', 'labs at a time (default: one per core)', parseConcurrency)
      .option('--json', json)
      .action(drillAction(action));
  drillCommand(
    'start',
    'start <drill>',
    'break every lab as the drill says',
    'print {room, students: [{id, ok}]} on stdout',
  );
  drillCommand(
    'check',
    'check',
    'check every lab: exit 0 when every student solved it, 1 otherwise',
    'print {room, drill, students: [{id, solved, checks}]} on stdout',
    (c) =>
      c
        .option('--junit <file>', 'write one test case per student (JUnit XML: Jenkins, GitLab, GitHub Classroom)')
        .option('--csv <file>', 'write one row per student (student, name, lab, drill, solved, checked_at, why_not)'),
  );
  drillCommand(
    'reset',
    'reset',
    'put every lab back as infra made it; ends the drill',
    'print {room, students: [{id, ok}]} on stdout',
  );

  room
    .command('serve')
    .description("the room's board on 127.0.0.1: a card per student (health, drill, solved, since when), until Ctrl-C")
    .addOption(roomOption())
    .option('--port <port>', 'port on 127.0.0.1 (default: any free one)', parseListenPort, 0)
    .option(
      '--check-every <seconds>',
      "check each unsolved drill this often, so a student's fix shows without `drill check` (0: never)",
      parseCheckEvery,
      10,
    )
    .addHelpText('after', '\nIt prints the URL on stdout (for scripts); the page reads the room every 3 s.')
    .action(
      run(async (o: RoomFlags & { port: number; checkEvery: number }) => {
        const { serveBoard } = await import('../../app/room-board.js');
        const onServing = ({ room, url }: { room: string; url: string }) => {
          io.stdout.write(`${url}\n`);
          io.stderr.write(`room "${room}"'s board at ${url}; Ctrl-C stops\n`);
        };
        return untilInterrupted(io, 'closing the board', (signal) =>
          serveBoard(env(signal), {
            cwd: cwd(),
            room: o.room,
            port: o.port,
            checkEverySeconds: o.checkEvery,
            onServing,
          }),
        );
      }),
    );

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
        return presentRoomRemove(io, result, { json: Boolean(o.json) });
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
