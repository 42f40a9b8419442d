// `infra doctor`: whether this machine can run a lab.
import type { Command } from 'commander';
import { type Common, labOptions, portOption } from '../options.js';
import type { CommandKit } from '../command-kit.js';

export function registerDoctor(program: Command, { io, run, env, target }: CommandKit): void {
  labOptions(program.command('doctor'))
    .description('check this machine: Docker engine, Compose v2, base image, the LB port, free memory')
    .addOption(portOption())
    .option('--json', 'print {ok, findings:[{name,status,detail,fix}]} on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  $ infra doctor\n\nExit codes: 0 ready, 1 something to fix, 3 no Docker engine or no Compose v2.',
    )
    .action(
      run(async (o: Common & { port?: number | 'auto'; json?: boolean }) => {
        const { examineMachine } = await import('../../app/doctor.js');
        const { presentDoctor } = await import('../presenters/doctor.js');
        return presentDoctor(io, await examineMachine(env(), { ...target(o), port: o.port }), {
          json: Boolean(o.json),
        });
      }),
    );
}
