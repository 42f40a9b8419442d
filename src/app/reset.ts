// Use case `reset`, for instructors: removes everything infra created for one lab, or with --all for every lab on
// the host and the images infra built. Found by label only, so a lost lab folder is no obstacle and nothing infra
// did not create is touched. Deleting volumes (student data) needs a yes, on a terminal or as --yes.
import { createInterface } from 'node:readline/promises';
import type { Io } from '../log.js';
import { EXIT, UsageError } from '../errors.js';
import { LABEL } from '../topology/labels.js';
import { connectRuntime } from '../runtime/docker.js';
import { labNames, labVolumes, removeLab } from '../runtime/containers.js';
import { resolveLabName } from './lab-name.js';

export async function resetCommand(
  io: Io,
  options: { cwd: string; config?: string; name?: string; all: boolean; yes: boolean },
): Promise<number> {
  const runtime = await connectRuntime();
  const labs = options.all
    ? await labNames(runtime.docker)
    : [await resolveLabName(options.cwd, options.config, options.name)];
  const volumes = (await Promise.all(labs.map((lab) => labVolumes(runtime.docker, lab)))).flat();
  if (volumes.length > 0 && !options.yes) {
    const question = `delete ${volumes.length} data volume(s) of ${labs.map((l) => `"${l}"`).join(', ')} (${volumes.join(', ')})? [y/N] `;
    if (!io.stdin.isTTY) {
      throw new UsageError(
        'reset would delete data volumes and cannot ask here (not a terminal); nothing was removed',
        ['--yes: confirm deleting the volumes'],
      );
    }
    const rl = createInterface({ input: io.stdin, output: io.stderr });
    const answer = await rl.question(question);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      io.stderr.write('nothing removed\n');
      return EXIT.ok;
    }
  }
  for (const lab of labs) {
    const removed = await removeLab(runtime.docker, lab, { volumes: true });
    io.stderr.write(
      `reset "${lab}": ${removed.containers} containers, ${removed.networks} network(s), ${removed.volumes} volume(s)\n`,
    );
  }
  if (options.all) {
    const images = await runtime.docker.listImages({ filters: { label: [LABEL.image] } });
    for (const image of images) {
      await runtime.docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
    io.stderr.write(`removed ${images.length} image(s) infra built\n`);
  }
  if (labs.length === 0) io.stderr.write('no infra lab on this host\n');
  return EXIT.ok;
}
