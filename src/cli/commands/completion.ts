// `infra completion bash|zsh`: a shell completion script.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CommandKit } from '../command-kit.js';

export function registerCompletion(program: Command, { io, run }: CommandKit): void {
  program
    .command('completion')
    .description('print a shell completion script for bash or zsh')
    .argument('<shell>', 'bash or zsh')
    .addHelpText(
      'after',
      '\nExamples:\n  $ eval "$(infra completion bash)"     add it to ~/.bashrc\n  $ eval "$(infra completion zsh)"      add it to ~/.zshrc',
    )
    .action(
      run(async (o: { args: string[] }) => {
        const shell = o.args[0];
        if (shell !== 'bash' && shell !== 'zsh') {
          throw new UsageError(`no completion for "${shell}"`, ['<shell>: bash or zsh']);
        }
        const { completionScript } = await import('../completion.js');
        io.stdout.write(completionScript(program, shell));
      }),
    );
}
