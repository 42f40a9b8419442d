// `infra render`: the lab folder, written from the lab definition.
import { Option, type Command } from 'commander';
import { type Common, labOptions, portOption, profileOption, seedOption } from '../options.js';
import type { Profile } from '../../profiles/names.js';
import type { CommandKit } from '../command-kit.js';

export function registerRender(program: Command, { io, run, target }: CommandKit): void {
  labOptions(program.command('render'))
    .description(
      'write the lab folder: compose.yaml, haproxy.cfg, nginx.conf and my.cnf per server, the app, Dockerfiles',
    )
    .addOption(portOption())
    .addOption(profileOption())
    .addOption(seedOption())
    .addOption(new Option('-o, --out <dir>', 'the same as --dir').hideHelp())
    .option('-f, --force', 'overwrite files edited by hand since the last render')
    .option('--json', 'print what was written as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra render                      the built-in lab into ./infra-labs/lab\n  $ infra render -c infra.yaml -d /tmp/lab',
    )
    .action(
      run(
        async (
          o: Common & {
            out?: string;
            port?: number | 'auto';
            profile?: Profile[];
            seed?: string;
            force?: boolean;
            json?: boolean;
          },
        ) => {
          const { renderLabFolder } = await import('../../app/render.js');
          const r = await renderLabFolder({
            ...target(o),
            dir: o.dir ?? o.out,
            port: o.port,
            profiles: o.profile,
            seed: o.seed,
            force: o.force,
          });
          if (o.json) {
            const { lab, dir, hostPort, written, unchanged, removed } = r;
            const body = { ok: true, lab: lab.name, dir, port: hostPort, written, unchanged, removed };
            io.stdout.write(JSON.stringify(body, null, 2) + '\n');
            return;
          }
          io.stderr.write(
            `rendered lab "${r.lab.name}" into ${r.dir}: ${r.written.length} written, ${r.unchanged.length} unchanged` +
              (r.removed.length ? `, ${r.removed.length} removed` : '') +
              `\nnext: infra up${o.config ? ` -c ${o.config}` : ''}${o.dir || o.out ? ` -d ${o.dir ?? o.out}` : ''}${r.lab.name === 'lab' || o.dir || o.out ? '' : ` --name ${r.lab.name}`}\n`,
          );
        },
      ),
    );
}
