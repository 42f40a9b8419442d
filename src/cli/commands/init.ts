// `infra init`: a commented infra.yaml with the built-in lab's values.
import type { Command } from 'commander';
import type { CommandKit } from '../command-kit.js';

export function registerInit(program: Command, { io, run }: CommandKit): void {
  program
    .command('init')
    .description("write a commented infra.yaml with the built-in lab's values")
    .option('-f, --force', 'overwrite an existing file')
    .argument('[file]', 'where to write it', 'infra.yaml')
    .addHelpText('after', '\nExample:\n  $ infra init && $EDITOR infra.yaml && infra render')
    .action(
      run(async (o: { force?: boolean; args: string[] }) => {
        const { initConfig } = await import('../../app/init.js');
        const file = await initConfig(io.cwd, o.args[0], Boolean(o.force));
        io.stderr.write(`wrote ${file}; edit it, then run \`infra render\` or \`infra up\`\n`);
      }),
    );
}
