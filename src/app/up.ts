// Use case `up`: render, then the boot steps (images → start → replication → smoke), each a step object over one
// context (up-steps.ts). On failure it names the step and why, and removes what this run created unless --keep.
// Ctrl-C or a CI cancel arrives as an aborted signal: the current step finishes, then the same clean-up runs.
import path from 'node:path';
import { defaultLabDir } from '../paths.js';
import { loadLab } from '../definition/load-lab.js';
import { renderLab } from '../render/render-lab.js';
import { planImages } from '../render/images.js';
import { planReplication, type ReplicationPlan } from '../replication/plan.js';
import type { ReplicaOutcome } from '../replication/apply.js';
import { EnvironmentError, StepError, UsageError } from '../errors.js';
import type { Progress } from '../report/progress.js';
import type { SmokeReport } from '../report/smoke-report.js';
import type { StepRecord } from '../report/steps.js';
import type { ComponentState } from '../runtime/port.js';
import { containerNames, hasFixedAddresses, labNetwork, type Lab } from '../topology/types.js';
import { chooseSubnet } from '../topology/addressing.js';
import { labContext, type AppEnv } from './context.js';
import { lbPortUse } from './lb-port.js';
import {
  renderLabFolder,
  resolveRenderTarget,
  type RenderOptions,
  type RenderOutcome,
  type RenderTarget,
} from './render.js';
import { lockLab, type Release } from './lab-lock.js';
import { labHttpsUrl, labUrl, monitoringUrls } from './lab-endpoint.js';
import { LAB_FILES } from '../paths.js';
import { BOOT_STEPS, type UpContext } from './up-steps.js';
import { upgradeLine } from './upgrade.js';

export interface UpOptions extends RenderOptions {
  /** The lab expires this long after this run: `infra reap` may then remove it (a new `up --ttl` extends it). */
  ttlMs?: number;
  offline?: boolean;
  json: boolean;
  keep: boolean;
  smoke: boolean;
  skip?: string[];
  timeoutSeconds: number;
}

/** What `up` did: the presenter writes it as the JSON result or the last lines, and throws its failure. */
export interface UpResult {
  /** Why it failed (an error with its exit code), or undefined when the lab is up. */
  failure?: unknown;
  lab?: Lab;
  dir?: string;
  url?: string;
  /** secured: plain HTTP (it redirects), HTTPS, and the CA file that trusts it. */
  tls?: { http: string; https: string; caFile: string };
  monitoring?: ReturnType<typeof monitoringUrls>;
  steps: StepRecord[];
  upgrade?: UpContext['result']['upgrade'];
  replication?: ReplicaOutcome[];
  smoke?: SmokeReport;
  /** The lab booted and runs; only its checks failed: it is kept for inspection. */
  smokeFailed: boolean;
}

export async function upLab(env: AppEnv, options: UpOptions): Promise<UpResult> {
  // The engine and Compose v2 are checked together: both are needed, and each costs a round trip.
  const runtime = await env.open();
  await Promise.all([runtime.ping(), runtime.composeVersion()]);
  const progress = env.progress(options.json);
  let rendered: RenderOutcome | undefined;
  let context: UpContext | undefined;
  let existedBefore = { containers: true, volumes: true };
  let failure: unknown;
  let unlock: Release | undefined;
  try {
    rendered = await progress.step('render', (note) =>
      oneRenderAtATime(async () => {
        const target = await resolveRenderTarget(options);
        unlock = await lockLab(target.dir, target.lab.name, 'infra up');
        // A fixed subnet (secured, redundant) must not meet another network's: ask the engine which are taken,
        // and count those this process chose for labs whose networks do not exist yet (a room booting).
        const takenSubnets = hasFixedAddresses(target.lab)
          ? [
              ...(await runtime.networkSubnets())
                .filter((n) => n.network !== labNetwork(target.lab.name))
                .flatMap((n) => n.subnets),
              ...[...chosenSubnets].filter(([lab]) => lab !== target.lab.name).map(([, subnet]) => subnet),
            ]
          : [];
        const outcome = await renderStep(progress, { ...options, takenSubnets }, target, note);
        if (outcome.site.subnet) chosenSubnets.set(outcome.lab.name, outcome.site.subnet);
        return outcome;
      }),
    );
    const { lab, dir } = rendered;
    progress.note(`  lab "${lab.name}": ${lab.servers.map((s) => s.name).join(', ')}`);
    if (rendered.upgrade) progress.note(`  ${upgradeLine(lab.name, rendered.upgrade)}`);
    context = {
      ...labContext(env, runtime, lab, dir),
      progress,
      settings: {
        json: options.json,
        smoke: options.smoke,
        skip: options.skip ?? [],
        timeoutSeconds: options.timeoutSeconds,
        offline: options.offline,
      },
      upgrade: rendered.upgrade,
      result: {},
    };
    existedBefore = await preflight(context, [
      rendered.hostPort,
      ...(rendered.site.httpsPort ? [rendered.site.httpsPort] : []),
    ]);
    if (options.ttlMs !== undefined) {
      // Before anything starts: an `up` killed halfway leaves a lab that reap can still find and remove.
      const expiresAt = new Date(env.clock.now() + options.ttlMs).toISOString();
      await runtime.setLease(lab.name, { expiresAt, dir });
      progress.note(`  expires ${expiresAt} (\`infra reap\` removes it after that)`);
    }
    for (const step of BOOT_STEPS) {
      throwIfAborted(env.signal);
      const current = context;
      if (step.applies && !step.applies(current)) continue;
      await progress.step(step.name, (note) => step.run(current, note));
    }
    throwIfAborted(env.signal);
  } catch (error) {
    failure = error;
    if (rendered && !options.keep && !existedBefore.containers && !context?.result.smokeFailed) {
      const { removed } = await runtime.removeLab(rendered.lab.name, { volumes: !existedBefore.volumes });
      if (removed.containers > 0) progress.note('  removed the failed lab (use --keep to keep it for inspection)');
    }
  } finally {
    await unlock?.();
  }

  const httpsPort = rendered?.site.httpsPort;
  const url = rendered ? (httpsPort ? labHttpsUrl(httpsPort) : labUrl(rendered.hostPort)) : undefined;
  const { replication, smoke, upgrade, smokeFailed } = context?.result ?? {};
  return {
    failure,
    lab: rendered?.lab,
    dir: rendered?.dir,
    url,
    ...(httpsPort && rendered && url
      ? { tls: { http: labUrl(rendered.hostPort), https: url, caFile: path.join(rendered.dir, LAB_FILES.caCert) } }
      : {}),
    ...(rendered?.site.monitorPort ? { monitoring: monitoringUrls(rendered.site.monitorPort) } : {}),
    steps: progress.records,
    upgrade,
    replication,
    smoke,
    smokeFailed: Boolean(smokeFailed),
  };
}

/**
 * Labs booted side by side in one process (`infra room up`) render one at a time: each chooses its subnet and ports
 * knowing what the ones before chose, before any network exists to tell.
 */
let rendering: Promise<unknown> = Promise.resolve();
const chosenSubnets = new Map<string, string>();

function oneRenderAtATime<T>(render: () => Promise<T>): Promise<T> {
  const turn = rendering.then(render, render);
  rendering = turn.catch(() => undefined);
  return turn;
}

async function renderStep(
  progress: Progress,
  options: UpOptions,
  target: RenderTarget,
  note: (detail: string) => void,
): Promise<RenderOutcome> {
  const r = await renderLabFolder({ ...options, keepEdits: true }, target);
  note(`${r.dir} (${r.written.length} written${r.kept.length ? `; kept your edits to ${r.kept.join(', ')}` : ''})`);
  const images = r.kept.filter((f) => f.startsWith('images/'));
  if (images.length > 0) {
    // Image tags are hashes of infra's own Dockerfiles, shared by every lab: an edit here is not built.
    progress.note(
      `  note: ${images.join(', ')} edited by hand is not built (images are tagged from infra's templates); ` +
        '`infra render --force` restores it',
    );
  }
  return r;
}

/**
 * Before anything starts: refuses a lab name another folder's lab runs under, and a taken LB port; says whether
 * this lab already had containers and volumes (a failed run removes only what it created).
 */
async function preflight(context: UpContext, hostPorts: number[]): Promise<{ containers: boolean; volumes: boolean }> {
  const { runtime, lab, dir } = context;
  const [all, volumes] = await Promise.all([runtime.containers(), runtime.volumes(lab.name)]);
  const running = all.filter((c) => c.lab === lab.name);
  // Lab and server names join with '-': lab "a-b" and lab "a" with a server "b-web-01" would share a container name.
  const mine = new Set(containerNames(lab));
  const taken = all.find((c) => c.lab !== lab.name && mine.has(c.name));
  if (taken) {
    throw new UsageError(
      `the container name ${taken.name} is already the lab "${taken.lab}"'s (its server ${taken.server})`,
      [
        `--name: pick a lab name whose containers (infra-<lab>-<server>) cannot be another lab's, or rename that lab's server`,
      ],
    );
  }
  const otherDir = running.find((c) => c.workingDir && path.resolve(c.workingDir) !== dir)?.workingDir;
  if (otherDir) {
    // Same name, other folder: converging would replace that lab's containers with this folder's (other secrets).
    throw new UsageError(`a lab named "${lab.name}" already runs from ${otherDir}`, [
      `--name: pick another name for this lab, or run \`infra up\` with --dir ${otherDir}`,
    ]);
  }
  const existed = { containers: running.length > 0, volumes: volumes.length > 0 };
  for (const port of hostPorts) await ensurePortAvailable(all, lab.name, port);
  return existed;
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new StepError(`interrupted by ${String(signal.reason)}`);
}

/**
 * Fails before anything starts when the LB's port is taken by someone else (another lab, another program): Docker
 * would otherwise create half the lab and report only that the host container could not start.
 */
async function ensurePortAvailable(all: ComponentState[], lab: string, port: number): Promise<void> {
  const use = await lbPortUse(all, lab, port);
  if (!use.taken) return;
  throw new EnvironmentError(
    `127.0.0.1:${port} is already in use` +
      (use.holder ? ` by the lab "${use.holder.lab}" (${use.holder.name})` : ' by another program') +
      `; nothing was started. Run \`infra up --name ${lab} --port auto\` for a free port, or --port <n>`,
  );
}

/** What `up` would do (`--dry-run`), touching neither the lab folder nor Docker nor a database. */
export interface UpPlan {
  lab: Lab;
  dir: string;
  files: string[];
  images: string[];
  containers: string[];
  replication: ReplicationPlan;
  smoke: boolean;
}

export async function upPlan(options: UpOptions): Promise<UpPlan> {
  const { lab } = await loadLab(options.cwd, options.config, {
    name: options.name,
    port: options.port,
    profiles: options.profiles,
    seed: options.seed,
  });
  const secured = lab.capabilities.tls;
  const files = renderLab(lab, {
    hostPort: lab.port === 'auto' ? 0 : lab.port,
    httpsPort: secured ? (lab.httpsPort === 'auto' ? 0 : lab.httpsPort) : undefined,
    subnet: hasFixedAddresses(lab) ? chooseSubnet(lab.name, []) : undefined,
  });
  return {
    lab,
    dir: path.resolve(options.cwd, options.dir ?? defaultLabDir(options.cwd, lab.name)),
    files: files.map((f) => f.path),
    images: planImages(lab).builds.map((b) => b.tag),
    containers: lab.servers.flatMap((s) => [s.name, ...s.components.map((c) => c.name)]),
    replication: planReplication(lab, { replicationPassword: '<secret>', appPassword: '<secret>' }),
    smoke: options.smoke,
  };
}
