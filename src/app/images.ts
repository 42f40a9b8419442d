// Use case `images build`, and the images step of `up`: builds whatever the lab's image plan lacks.
import { planImages } from '../render/images.js';
import type { ContainerRuntime } from '../runtime/port.js';
import type { Lab } from '../topology/types.js';
import { renderLabFolder } from './render.js';
import { StepRunner } from '../report/steps.js';
import type { AppEnv } from './context.js';

/** Builds missing images in parallel (apt downloads dominate; two cores keep up); returns what was built. */
export async function ensureImages(runtime: ContainerRuntime, lab: Lab, dir: string): Promise<string[]> {
  const builds = planImages(lab).builds;
  const present = await Promise.all(builds.map((b) => runtime.hasImage(b.tag)));
  const missing = builds.filter((_, i) => !present[i]);
  await Promise.all(missing.map((b) => runtime.buildImage(dir, b)));
  return missing.map((b) => b.tag);
}

export async function imagesBuildCommand(
  env: AppEnv,
  options: { cwd: string; config?: string; name?: string; dir?: string; json?: boolean },
): Promise<number> {
  const { io } = env;
  const runtime = await env.connect();
  const steps = new StepRunner(io, Boolean(options.json));
  // Keeps hand edits like `up` does: building images must not fail over an edited nginx.conf.
  const rendered = await steps.step('render', async () => renderLabFolder({ ...options, keepEdits: true }));
  const built = await steps.step('images', async (note) => {
    const tags = await ensureImages(runtime, rendered.lab, rendered.dir);
    note(tags.length ? `built ${tags.join(', ')}` : 'all present, nothing to build');
    return tags;
  });
  if (options.json) {
    const all = planImages(rendered.lab).builds.map((b) => b.tag);
    io.stdout.write(JSON.stringify({ ok: true, lab: rendered.lab.name, built, present: all }, null, 2) + '\n');
  }
  return 0;
}
