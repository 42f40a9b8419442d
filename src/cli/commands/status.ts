// `infra status`: what runs where, in Docker or (--inventory) on real servers.
import type { Command } from 'commander';
import { type Common, labOptions } from '../options.js';
import type { CommandKit } from '../command-kit.js';

export function registerStatus(program: Command, { io, run, env, target }: CommandKit): void {
  labOptions(program.command('status'))
    .description('every server and component with its state and health, the LB URL and the lab folder')
    .option('--json', 'print JSON')
    .option('--verify', "also compare each replica's tables with the primary's (chunked checksums)")
    .option(
      '-i, --inventory [file]',
      "the lab `infra deploy` put on real servers instead (without a file: infra.yaml's targets): services (over " +
        'SSH), HAProxy, replication',
    )
    .addHelpText(
      'after',
      "\nExamples:\n  $ infra status\n  $ infra status --name ci-1 --json | jq .url\n  $ infra status --verify        is any replica's data drifting?\n" +
        '  $ infra status --inventory hosts.ini   the lab on its real servers\n' +
        '\nExit codes: 0 healthy; 1 not healthy, or not running (with --json, `running: false` tells them apart);' +
        '\n2 bad usage; 3 no Docker engine.',
    )
    .action(
      run(async (o: Common & { json?: boolean; verify?: boolean; inventory?: string | true }) => {
        if (o.inventory) {
          const { readServerStatus } = await import('../../app/server-status.js');
          const { presentServerStatus } = await import('../presenters/server-status.js');
          const status = await readServerStatus(env(), { ...target(o), inventory: o.inventory });
          return presentServerStatus(io, status, { json: Boolean(o.json) });
        }
        const { readStatus } = await import('../../app/status.js');
        const { presentStatus } = await import('../presenters/status.js');
        return presentStatus(io, await readStatus(env(), { ...target(o), verify: Boolean(o.verify) }), {
          json: Boolean(o.json),
        });
      }),
    );
}
