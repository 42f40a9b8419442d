// `infra images build|save|load`: what was built, written or loaded, as JSON (--json); the steps already told it on
// the terminal, and save adds what to run on the other machine.
import type { Io } from '../../log.js';
import type { BundleSaved } from '../../app/image-bundle.js';
import type { ImagesBuilt } from '../../app/images.js';

const json = (io: Io, body: object) => io.stdout.write(JSON.stringify({ ok: true, ...body }, null, 2) + '\n');

export function presentImagesBuilt(io: Io, result: ImagesBuilt, options: { json: boolean }): number {
  if (options.json) json(io, result);
  return 0;
}

/** `file`: as the user typed it, for the command they will type on the other machine. */
export function presentBundleSaved(io: Io, result: BundleSaved, options: { json: boolean; file: string }): number {
  if (options.json) json(io, result);
  else io.stderr.write(`on the other machine: infra images load ${options.file} && infra up --offline\n`);
  return 0;
}

export function presentBundleLoaded(
  io: Io,
  result: { file: string; images: string[] },
  options: { json: boolean },
): number {
  if (options.json) json(io, result);
  return 0;
}
