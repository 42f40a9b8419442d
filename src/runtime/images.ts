// Builds the debian image set from the lab folder's images/<kind>/ contexts. Tags are content hashes, so an image
// that exists is up to date and is never rebuilt.
import type Docker from 'dockerode';
import { execa } from 'execa';
import path from 'node:path';
import { CommandError } from '../errors.js';
import type { ImageBuild } from '../render/images.js';
import { LABEL } from '../topology/labels.js';

export async function missingImages(docker: Docker, builds: ImageBuild[]): Promise<ImageBuild[]> {
  const present = await Promise.all(
    builds.map((b) =>
      docker
        .getImage(b.tag)
        .inspect()
        .then(
          () => true,
          () => false,
        ),
    ),
  );
  return builds.filter((_, i) => !present[i]);
}

/** Builds one image; on failure the error carries the failing step's output. */
export async function buildImage(dir: string, build: ImageBuild): Promise<void> {
  // --force-rm: a failed step's container would otherwise stay behind, an orphan of the failed build.
  const args = [
    'build',
    '--force-rm',
    '--label',
    `${LABEL.image}=${build.kind}`,
    '-t',
    build.tag,
    path.join(dir, build.contextDir),
  ];
  const result = await execa('docker', args, { reject: false, all: true, env: { DOCKER_BUILDKIT: '0' } });
  if (result.exitCode !== 0) {
    throw new CommandError(`docker ${args.join(' ')}`, String(result.all), `building the ${build.kind} image failed`);
  }
}

/** Base images infra itself needs present (the debian set builds FROM it; every lab's host containers run it). */
export async function hasImage(docker: Docker, ref: string): Promise<boolean> {
  return docker
    .getImage(ref)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}
