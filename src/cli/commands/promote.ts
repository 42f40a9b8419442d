// `infra promote`: a replica made the primary (a switchover, or with --force a failover).
import type { Command } from 'commander';
import { type Common, labOptions } from '../options.js';
import type { CommandKit } from '../command-kit.js';

export function registerPromote(program: Command, { io, run, env, target }: CommandKit): void {
  labOptions(program.command('promote <server>'))
    .description(
      "make a web server's replica the primary: a switchover that loses no write, or with --force a failover when the primary is down",
    )
    .option('--force', 'the primary is down: promote without it (a failover); refused while it runs')
    .option('--json', 'what moved and how long writes waited, structured')
    .addHelpText(
      'after',
      '\nA switchover makes the primary read-only, waits until <server> has applied its every write, promotes it and\n' +
        'points every other database at it; the apps follow without a restart (writes wait, they do not fail).\n' +
        'A failover (--force) promotes <server> if no other replica holds more; the old primary rejoins on\n' +
        '`infra recover` only if it holds no write the new primary lacks.\n' +
        '\nExamples:\n  $ infra promote web-02\n  $ infra fail web-01 && infra promote web-02 --force && infra recover web-01\n  $ infra promote web-01',
    )
    .action(
      run(async (o: Common & { args: string[]; force?: boolean; json?: boolean }) => {
        const { promoteLab } = await import('../../app/promote.js');
        const { presentPromoted, promoteBegins } = await import('../presenters/promote.js');
        const json = Boolean(o.json);
        const promoted = await promoteLab(env(), {
          ...target(o),
          server: o.args[0],
          force: Boolean(o.force),
          onBegin: promoteBegins(io, json),
        });
        return presentPromoted(io, promoted, { json, server: o.args[0] });
      }),
    );
}
