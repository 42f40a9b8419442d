// `infra fail` and `infra recover`: a server taken off the network, and brought back.
import type { Command } from 'commander';
import { type Common, labOptions } from '../options.js';
import type { CommandKit } from '../command-kit.js';

export function registerPower(program: Command, { io, run, env, target }: CommandKit): void {
  for (const action of ['fail', 'recover'] as const) {
    labOptions(program.command(`${action} <server>`))
      .description(
        action === 'fail'
          ? 'take a server off the network: stop every component of it, then the server itself'
          : 'bring a failed server back: start it, then its components in order; wait until healthy and back in HAProxy',
      )
      .addHelpText(
        'after',
        action === 'fail'
          ? '\nExample:\n  $ infra fail web-01 && curl -sI <the URL infra status prints>/ | grep -i x-served-by     (web-02 answers)'
          : '\nExample:\n  $ infra recover web-01',
      )
      .action(
        run(async (o: Common & { args: string[] }) => {
          const { powerServer } = await import('../../app/power.js');
          const { presentPower } = await import('../presenters/power.js');
          return presentPower(io, await powerServer(env(), action, { ...target(o), server: o.args[0] }));
        }),
      );
  }
}
