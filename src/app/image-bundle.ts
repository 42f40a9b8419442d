// Use cases `images save` and `images load`: every image a lab needs (its base included) in one archive, for a room
// without a registry or Internet. `images save` builds what is missing first; `up --offline` then never builds.
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError, UsageError } from '../errors.js';
import { BASE_IMAGE, planImages } from '../render/images.js';
import type { ContainerRuntime } from '../runtime/port.js';
import type { Lab } from '../topology/types.js';
import type { AppEnv } from './context.js';
import { ensureImages, imageProgress } from './images.js';
import { renderLabFolder, type RenderOptions } from './render.js';

/** Every image a lab runs or infra uses on it: the base (host containers), the built ones, the official ones. */
export function bundleRefs(lab: Lab): string[] {
  const { refs } = planImages(lab);
  const kinds = new Set(lab.servers.flatMap((s) => s.components.map((c) => c.kind)));
  const used = [...kinds].map((kind) => refs[kind]);
  return [...new Set([BASE_IMAGE, refs.host, refs.forward, ...used])].sort();
}

/** A bundle written: where, how big, which images. */
export interface BundleSaved {
  lab: string;
  file: string;
  bytes: number;
  images: string[];
}

export async function imagesSaveCommand(
  env: AppEnv,
  options: RenderOptions & { file: string; json: boolean },
): Promise<BundleSaved> {
  const runtime = await env.connect();
  const steps = env.progress(options.json);
  const rendered = await steps.step('render', async () => renderLabFolder({ ...options, keepEdits: true }));
  const refs = bundleRefs(rendered.lab);
  await steps.step('images', async (note) => {
    const built = await ensureImages(runtime, rendered.lab, rendered.dir, imageProgress(steps, env.verbose));
    await requirePresent(runtime, refs);
    note(built.length ? `built ${built.join(', ')}` : 'all present');
  });
  const file = path.resolve(options.cwd, options.file);
  const bytes = await steps.step('save', async (note) => {
    // Written beside the target, then renamed: an interrupted save never leaves a bundle that looks whole.
    const partial = `${file}.partial`;
    try {
      await runtime.saveImages(refs, partial);
      await rename(partial, file);
    } finally {
      await rm(partial, { force: true });
    }
    const size = (await stat(file)).size;
    note(`${refs.length} images, ${(size / 2 ** 20).toFixed(0)} MiB → ${file}`);
    return size;
  });
  return { lab: rendered.lab.name, file, bytes, images: refs };
}

export async function imagesLoadCommand(
  env: AppEnv,
  options: { cwd: string; file: string; json: boolean },
): Promise<{ file: string; images: string[] }> {
  const file = path.resolve(options.cwd, options.file);
  // A mistyped path is the user's to fix (exit 2), and is said before anything asks the engine.
  await stat(file).catch(() => {
    throw new UsageError(`${file} does not exist; nothing was loaded`, [
      `FILE: the archive \`infra images save FILE\` wrote (check the path), or write one with \`infra images save ${options.file}\``,
    ]);
  });
  const runtime = await env.connect();
  const loaded = await env.progress(options.json).step('load', async (note) => {
    const names = await runtime.loadImages(file);
    note(`${names.length} images: ${names.join(', ')}`);
    return names;
  });
  return { file, images: loaded };
}

/** Images the lab needs that this engine lacks, named with how to get them; for `up --offline` and `images save`. */
export async function requirePresent(runtime: ContainerRuntime, refs: string[]): Promise<void> {
  const present = await Promise.all(refs.map((r) => runtime.hasImage(r)));
  const missing = refs.filter((_, i) => !present[i]);
  if (missing.length > 0) {
    throw new EnvironmentError(
      `missing image(s) ${missing.join(', ')}: \`infra images load <bundle>\` (a bundle from \`infra images save\`), ` +
        'or run without --offline to build them',
    );
  }
}
