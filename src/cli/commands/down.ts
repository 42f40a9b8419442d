// `infra down`: the lab's containers and network removed; its volumes only when asked.
import type { Command } from 'commander';
import { type Common, labOptions } from '../options.js';
import type { CommandKit } from '../command-kit.js';

export function registerDown(program: Command, { io, run, env, target }: CommandKit): void {
  labOptions(program.command('down'))
    .description('stop the lab and remove its containers and network; its data volumes stay unless --volumes')
    .option('--volumes', "also delete the lab's database volumes (its data)")
    .option('--json', 'print what was removed as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra down                 data kept: `infra up` brings it back as it was\n  $ infra down --volumes       start from scratch next time',
    )
    .action(
      run(async (o: Common & { volumes?: boolean; json?: boolean }) => {
        const { takeDown } = await import('../../app/down.js');
        const { presentDown } = await import('../presenters/down.js');
        return presentDown(io, await takeDown(env(), { ...target(o), volumes: Boolean(o.volumes) }), {
          json: Boolean(o.json),
        });
      }),
    );
}
