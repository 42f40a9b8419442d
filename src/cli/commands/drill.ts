// `infra drill list|start|check|reset`: break-fix exercises on a running lab.
import type { Command } from 'commander';
import { nameOption, dirOption, type Common } from '../options.js';
import type { CommandKit } from '../command-kit.js';

export function registerDrill(program: Command, { io, run, env, target }: CommandKit): void {
  const drill = program
    .command('drill')
    .description('break-fix exercises on a running lab: list, start one, check your fix, reset')
    .addHelpText(
      'after',
      "\nExamples:\n  $ infra drill list\n  $ infra drill start api-502-on-one-server\n  $ infra drill check --hint\n  $ infra drill check --json --junit drill.xml      for an instructor's script\n  $ infra drill reset",
    );
  drill
    .command('list')
    .description('the built-in drills')
    .option('--json', 'print [{name, title, profile, proves}] on stdout')
    .action(
      run(async (o: { json?: boolean }) => {
        const { drills } = await import('../../app/drill.js');
        const { presentDrillList } = await import('../presenters/drill.js');
        return presentDrillList(io, drills(), { json: Boolean(o.json) });
      }),
    );
  drill
    .command('start <drill>')
    .description('break the running lab as the drill says (without telling how) and print its story')
    .addOption(nameOption())
    .addOption(dirOption())
    .action(
      run(async (o: Common & { args: string[] }) => {
        const { drillStartCommand } = await import('../../app/drill.js');
        const { presentDrillStarted } = await import('../presenters/drill.js');
        return presentDrillStarted(io, await drillStartCommand(env(), { ...target(o), drill: o.args[0] }));
      }),
    );
  drill
    .command('check')
    .description('run the checks that prove the drill fixed: exit 0 solved, 1 not yet')
    .addOption(nameOption())
    .addOption(dirOption())
    .option('--hint', 'also print the next hint when not solved')
    .option('--json', 'print {lab, drill, solved, checks, hint} on stdout')
    .option('--junit <file>', 'also write the proving checks as JUnit XML')
    .action(
      run(async (o: Common & { hint?: boolean; json?: boolean; junit?: string }) => {
        const { drillCheckCommand } = await import('../../app/drill.js');
        const { presentDrillChecked } = await import('../presenters/drill.js');
        const options = { ...target(o), hint: Boolean(o.hint), json: Boolean(o.json), junit: o.junit };
        return presentDrillChecked(io, await drillCheckCommand(env(), options), options);
      }),
    );
  drill
    .command('reset')
    .description('restore the lab as infra made it (its files, containers, replication); ends the drill')
    .addOption(nameOption())
    .addOption(dirOption())
    .action(
      run(async (o: Common) => {
        const { drillResetCommand } = await import('../../app/drill.js');
        const { presentDrillReset } = await import('../presenters/drill.js');
        return presentDrillReset(io, await drillResetCommand(env(), target(o)));
      }),
    );
}
