// `infra images build|save|load`: the images a lab runs.
import type { Command } from 'commander';
import { type Common, labOptions, profileOption } from '../options.js';
import type { Profile } from '../../profiles/names.js';
import type { CommandKit } from '../command-kit.js';

export function registerImages(program: Command, { io, run, env, target }: CommandKit): void {
  const images = program
    .command('images')
    .description('the images a lab runs: build them, or carry them to machines without network (save, load)');
  labOptions(images.command('build'))
    .description('build the images the lab needs (skips those already built: tags are hashes of their Dockerfiles)')
    .option('--json', 'print the images built and present as JSON on stdout')
    .option('--pull', 'pull a newer base image first (needs a registry)')
    .option('--no-cache', "rebuild every image without Docker's cache: picks up Debian's security updates")
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra images build\n  $ infra images build --no-cache      monthly, for security updates\n  $ infra -v images build              with the full build output',
    )
    .action(
      run(async (o: Common & { json?: boolean; pull?: boolean; cache: boolean }) => {
        const { imagesBuildCommand } = await import('../../app/images.js');
        const { presentImagesBuilt } = await import('../presenters/images.js');
        const options = { ...target(o), json: Boolean(o.json), pull: Boolean(o.pull), noCache: o.cache === false };
        return presentImagesBuilt(io, await imagesBuildCommand(env(), options), options);
      }),
    );

  labOptions(images.command('save <file>'))
    .description('write every image the lab needs, the base included, into one archive for machines without network')
    .addOption(profileOption())
    .option('--json', 'print {ok, file, bytes, images} on stdout')
    .addHelpText(
      'after',
      "\nExamples:\n  $ infra images save room.tar                      the built-in lab's images\n  $ infra images save room.tar --profile secured,monitored\n\nThen on each machine of the room: infra images load room.tar && infra up --offline",
    )
    .action(
      run(async (o: Common & { json?: boolean; profile?: Profile[]; args: string[] }) => {
        const { imagesSaveCommand } = await import('../../app/image-bundle.js');
        const { presentBundleSaved } = await import('../presenters/images.js');
        const options = { ...target(o), profiles: o.profile, file: o.args[0], json: Boolean(o.json) };
        return presentBundleSaved(io, await imagesSaveCommand(env(), options), options);
      }),
    );
  images
    .command('load <file>')
    .description('load an archive `infra images save` wrote, so `infra up --offline` needs no network')
    .option('--json', 'print {ok, file, images} on stdout')
    .addHelpText('after', '\nExample:\n  $ infra images load room.tar && infra up --offline')
    .action(
      run(async (o: { json?: boolean; args: string[] }) => {
        const { imagesLoadCommand } = await import('../../app/image-bundle.js');
        const { presentBundleLoaded } = await import('../presenters/images.js');
        const options = { cwd: io.cwd, file: o.args[0], json: Boolean(o.json) };
        return presentBundleLoaded(io, await imagesLoadCommand(env(), options), options);
      }),
    );
}
