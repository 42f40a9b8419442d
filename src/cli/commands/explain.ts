// `infra explain`: the lab's answers to the design's questions.
import type { Command } from 'commander';
import { type Common, labOptions } from '../options.js';
import type { CommandKit } from '../command-kit.js';

export function registerExplain(program: Command, { io, run, env, target }: CommandKit): void {
  labOptions(program.command('explain'))
    .description(
      "the lab's answers to the design's questions, computed from this lab (and its live state when it runs)",
    )
    .argument(
      '[topic]',
      'elements | algorithm | mode | replication | spof | security | monitoring | faults (none: an overview)',
    )
    .option('--json', 'the same facts, structured')
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra explain                 one screen on everything\n  $ infra explain spof            what can take this lab down\n  $ infra explain algorithm       and, when the lab runs, the distribution seen just now\n  $ infra explain mode --json\n  $ infra explain faults          the grey failures to try here, and what notices each',
    )
    .action(
      run(async (o: Common & { json?: boolean; args: string[] }) => {
        const { explainLab } = await import('../../app/explain.js');
        const { presentExplained } = await import('../presenters/explain.js');
        return presentExplained(io, await explainLab(env(), { ...target(o), topic: o.args[0] }), {
          json: Boolean(o.json),
        });
      }),
    );
}
