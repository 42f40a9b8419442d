// `infra ls`: every lab on this Docker engine.
import type { Command } from 'commander';
import type { CommandKit } from '../command-kit.js';

export function registerLs(program: Command, { io, run, env }: CommandKit): void {
  program
    .command('ls')
    .description('every lab on this Docker engine: name, state, health, URL, age, folder')
    .option('--json', 'print the list as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  $ infra ls\n  $ infra ls --json | jq -r ".[].name"')
    .action(
      run(async (o: { json?: boolean; args: string[] }) => {
        const { listLabs } = await import('../../app/ls.js');
        const { presentLabs } = await import('../presenters/ls.js');
        return presentLabs(io, await listLabs(env()), { json: Boolean(o.json) });
      }),
    );
}
