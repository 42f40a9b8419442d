// `infra room drill start|check|reset` and `infra room serve`: the class at work — the same drill on every lab,
// its grades, and the board that shows who solved it.
import { InvalidArgumentError, type Command, type Option } from 'commander';
import { parseListenPort } from '../options.js';
import { untilInterrupted } from '../signals.js';
import type { CommandKit } from '../command-kit.js';

export interface RoomFlags {
  room?: string;
  json?: boolean;
}

export function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number, 1 or more.');
  return n;
}

export function parseCheckEvery(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be whole seconds (0: never).');
  return Number(value);
}

export function registerRoomDrill(room: Command, { io, run, env }: CommandKit, roomOption: () => Option): void {
  const cwd = () => io.cwd;
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
}
