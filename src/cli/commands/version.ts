// `infra version`: the version and the commit it was built from.
import type { Command } from 'commander';
import { describeInfra, THIS_INFRA } from '../../version.js';
import type { CommandKit } from '../command-kit.js';

export function registerVersion(program: Command, { io, run }: CommandKit): void {
  program
    .command('version')
    .description('print the version of infra and the commit it was built from (labs record both)')
    .action(
      run(async () => {
        io.stdout.write(`${describeInfra(THIS_INFRA)}\n`);
      }),
    );
}
