// Use case `images build`, and the images step of `up`: builds whatever the lab's image plan lacks.
import { planImages } from '../render/images.js';
import type { ContainerRuntime } from '../runtime/port.js';
import type { Lab } from '../topology/types.js';
import { renderLabFolder } from './render.js';
import { StepRunner } from '../report/steps.js';
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
): Promise<number> {
  const { io } = env;
  const runtime = await env.connect();
  const steps = new StepRunner(io, Boolean(options.json));
  // Keeps hand edits like `up` does: building images must not fail over an edited nginx.conf.
  const rendered = await steps.step('render', async () => renderLabFolder({ ...options, keepEdits: true }));
  const built = await steps.step('images', async (note) => {
    const tags = await ensureImages(runtime, rendered.lab, rendered.dir, {
      ...imageProgress(env, Boolean(options.json)),
      pull: options.pull,
      noCache: options.noCache,
    });
    note(tags.length ? `built ${tags.join(', ')}` : 'all present, nothing to build');
    return tags;
  });
  if (options.json) {
    const all = planImages(rendered.lab).builds.map((b) => b.tag);
    io.stdout.write(JSON.stringify({ ok: true, lab: rendered.lab.name, built, present: all }, null, 2) + '\n');
  }
  return 0;
}

/** Progress lines on stderr unless the command prints JSON; build output too with --verbose. */
export function imageProgress(env: Pick<AppEnv, 'io' | 'verbose'>, json: boolean): ImageProgress {
  const write = (line: string) => env.io.stderr.write(`${line}\n`);
  return { note: json ? undefined : write, output: env.verbose ? write : undefined };
}
