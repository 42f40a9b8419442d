// `infra replication plan`: the SQL infra runs for GTID replication.
import type { Command } from 'commander';
import { type Common, labOptions } from '../options.js';
import type { CommandKit } from '../command-kit.js';

export function registerReplication(program: Command, { io, run, target }: CommandKit): void {
  const replication = program.command('replication').description("GTID replication between the web servers' databases");
  labOptions(replication.command('plan'))
    .description('print the SQL infra runs on the primary and on each replica (passwords masked)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra replication plan\n  $ infra replication plan -c fixtures/valid-mysql.yaml     the MySQL 8.4 statements',
    )
    .action(
      run(async (o: Common) => {
        const { replicationPlanOf } = await import('../../app/replication-plan.js');
        const { formatPlan } = await import('../../replication/plan.js');
        io.stdout.write(formatPlan(await replicationPlanOf(target(o))));
      }),
    );
}
