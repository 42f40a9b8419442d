// Use case `images build`, and the images step of `up`: builds whatever the lab's image plan lacks.
import { planImages } from '../render/images.js';
import type { ContainerRuntime } from '../runtime/port.js';
import type { Lab } from '../topology/types.js';
import { renderLabFolder } from './render.js';
import type { Progress } from '../report/progress.js';
import type { AppEnv } from './context.js';
import { formatDuration } from '../log.js';

export interface ImageProgress {
  /** One line per image as it starts and ends (quiet under --json). */
  note?: (line: string) => void;
  /** Every line of every build's output, prefixed with its kind (--verbose). */
  output?: (line: string) => void;
  pull?: boolean;
  /** Rebuild every image without the build cache, present or not: picks up Debian's security updates. */
  noCache?: boolean;
}

/**
 * Builds missing images in parallel (apt downloads dominate; two cores keep up); returns what was built. Each image
 * is reported as it starts and ends with its time: the first `up` builds five of them for about 25 s.
 */
export async function ensureImages(
  runtime: ContainerRuntime,
  lab: Lab,
  dir: string,
  progress: ImageProgress = {},
): Promise<string[]> {
  const builds = planImages(lab).builds;
  const present = progress.noCache
    ? builds.map(() => false)
    : await Promise.all(builds.map((b) => runtime.hasImage(b.tag)));
  const missing = builds.filter((_, i) => !present[i]);
  await Promise.all(
    missing.map(async (b) => {
      const started = performance.now();
      progress.note?.(`  … building ${b.tag}`);
      try {
        await runtime.buildImage(dir, b, {
          onOutput: progress.output && ((line) => progress.output?.(`  [${b.kind}] ${line}`)),
          pull: progress.pull,
          noCache: progress.noCache,
        });
      } catch (error) {
        progress.note?.(`  ✗ ${b.tag} failed after ${formatDuration(performance.now() - started)}`);
        throw error;
      }
      progress.note?.(`    built ${b.tag} in ${formatDuration(performance.now() - started)}`);
    }),
  );
  return missing.map((b) => b.tag);
}

/** `infra images build`: what it built, and every image the lab uses (built here). */
export interface ImagesBuilt {
  lab: string;
  built: string[];
  present: string[];
}

export async function imagesBuildCommand(
  env: AppEnv,
  options: {
    cwd: string;
    config?: string;
    name?: string;
    dir?: string;
    json?: boolean;
    pull?: boolean;
    noCache?: boolean;
  },
): Promise<ImagesBuilt> {
  const runtime = await env.connect();
  const progress = env.progress(Boolean(options.json));
  // Keeps hand edits like `up` does: building images must not fail over an edited nginx.conf.
  const rendered = await progress.step('render', async () => renderLabFolder({ ...options, keepEdits: true }));
  const built = await progress.step('images', async (note) => {
    const tags = await ensureImages(runtime, rendered.lab, rendered.dir, {
      ...imageProgress(progress, env.verbose),
      pull: options.pull,
      noCache: options.noCache,
    });
    note(tags.length ? `built ${tags.join(', ')}` : 'all present, nothing to build');
    return tags;
  });
  return { lab: rendered.lab.name, built, present: planImages(rendered.lab).builds.map((b) => b.tag) };
}

/** Each image's start and end as progress (quiet under --json); every build's output too with --verbose. */
export function imageProgress(progress: Progress, verbose: boolean): ImageProgress {
  return { note: progress.note, output: verbose ? progress.output : undefined };
}
