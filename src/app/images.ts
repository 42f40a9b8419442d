// Use case `images build`, and the images step of `up`: builds whatever the lab's image plan lacks.
import { planImages } from '../render/images.js';
import { connectRuntime, type Runtime } from '../runtime/docker.js';
import { buildImage, missingImages } from '../runtime/images.js';
import type { Lab } from '../topology/types.js';
import type { Io } from '../log.js';
import { renderLabFolder } from './render.js';
import { StepRunner } from '../report/steps.js';

/** Builds missing images in parallel (apt downloads dominate; two cores keep up); returns what was built. */
export async function ensureImages(runtime: Runtime, lab: Lab, dir: string): Promise<string[]> {
  const missing = await missingImages(runtime.docker, planImages(lab).builds);
  await Promise.all(missing.map((b) => buildImage(dir, b)));
  return missing.map((b) => b.tag);
}

export async function imagesBuildCommand(
  io: Io,
  options: { cwd: string; config?: string; name?: string; dir?: string },
): Promise<number> {
  const runtime = await connectRuntime();
  const steps = new StepRunner(io, false);
  // Keeps hand edits like `up` does: building images must not fail over an edited nginx.conf.
  const rendered = await steps.step('render', async () => renderLabFolder({ ...options, keepEdits: true }));
  await steps.step('images', async (note) => {
    const built = await ensureImages(runtime, rendered.lab, rendered.dir);
    note(built.length ? `built ${built.join(', ')}` : 'all present, nothing to build');
  });
  return 0;
}
