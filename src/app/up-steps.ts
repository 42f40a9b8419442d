// The boot steps of `up`, in order, each an object over one context (docs/ARCHITECTURE.md, habits 3 and 5):
// images → start → upgrade (a lab an earlier infra made) → replication → smoke. Each reads the lab, its folder and
// the runtime from the context and leaves what later steps and the JSON result need in `context.result`.
import { StepError } from '../errors.js';
import { requireSecrets } from '../render/secrets.js';
import type { ReplicaOutcome } from '../replication/apply.js';
import { SkipStep } from '../report/steps.js';
import type { Progress } from '../report/progress.js';
import type { SmokeReport } from '../report/smoke-report.js';
import { isHelper, isReady, type ComponentState } from '../runtime/port.js';
import { frontLoadBalancer, webServers } from '../topology/types.js';
import { applyFirewalls } from '../ops/firewall.js';
import { publishedStates, serverStates, waitForStates } from '../ops/haproxy.js';
import { labEndpoint, untilServerAnswers } from './lab-endpoint.js';
import { replicateLab } from '../ops/databases.js';
import type { LabContext } from './context.js';
import { ensureImages, imageProgress } from './images.js';
import { bundleRefs, requirePresent } from './image-bundle.js';
import { runSmoke } from './smoke.js';
import { runUpgrade, type Upgrade } from './upgrade.js';
import { describeInfra, THIS_INFRA } from '../version.js';

export interface UpSettings {
  json: boolean;
  smoke: boolean;
  skip: string[];
  timeoutSeconds: number;
  /** Never build or pull an image: a room without network, after `infra images load`. */
  offline?: boolean;
}

export interface UpContext extends LabContext {
  /** Where the steps tell what they do (src/report/progress.ts). */
  progress: Progress;
  settings: UpSettings;
  /** The lab folder was made by an earlier infra: the migrations to run once the lab runs. */
  upgrade?: Upgrade;
  result: {
    upgrade?: { from: string | null; to: string; changes: string[] };
    replication?: ReplicaOutcome[];
    smoke?: SmokeReport;
    /** The lab booted and runs; only its checks failed: keep it for inspection rather than remove it. */
    smokeFailed?: boolean;
  };
}

export interface UpStep {
  name: string;
  /** Whether this `up` has the step at all (default: yes); one it lacks is neither run nor listed. */
  applies?(context: UpContext): boolean;
  /** Does the step's work; `note` sets the detail printed beside ✓. */
  run(context: UpContext, note: (detail: string) => void): Promise<void>;
}

export const imagesStep: UpStep = {
  name: 'images',
  async run(context, note) {
    const { runtime, lab, dir, settings } = context;
    if (settings.offline) {
      // No build, no pull: everything must be here already (`infra images load`).
      const refs = bundleRefs(lab);
      await requirePresent(runtime, refs);
      note(`offline: all ${refs.length} images present`);
      return;
    }
    const built = await ensureImages(runtime, lab, dir, imageProgress(context.progress, context.verbose));
    note(built.length ? `built ${built.length}: ${built.join(', ')}` : 'up to date, nothing built');
  },
};

export const startStep: UpStep = {
  name: 'start',
  async run(context, note) {
    const { runtime, lab, clock, settings } = context;
    const startedAt = clock.now();
    const repaired = await startLab(context);
    const containers = await context.containers(true);
    if (lab.capabilities.firewalls) {
      // A host started by this run loaded its firewall as it started; one that ran before may hold older rules.
      const earlier = containers.filter((c) => c.component === 'host' && Date.parse(c.startedAt) < startedAt);
      await applyFirewalls(
        runtime,
        lab,
        earlier.map((c) => c.server),
      );
    }
    // Healthy containers are not yet a serving lab: HAProxy must see every web server UP (a recreated server
    // has a new address to resolve and must pass its checks again).
    // Read from HAProxy's stats page on the published port: one local HTTP request per poll, no `docker exec`;
    // the runtime API through `docker exec` when that page does not answer.
    const lb = containers.find((c) => c.publishedPort && c.component === 'host');
    const haproxy = `${lab.project}-${frontLoadBalancer(lab).name}-haproxy`;
    const viaExec = () => serverStates(runtime, haproxy);
    const endpoint = lb ? await labEndpoint(lb, context.dir) : undefined;
    const read = endpoint ? () => publishedStates(endpoint).catch(viaExec) : viaExec;
    const deadline = clock.now() + settings.timeoutSeconds * 1000;
    const web = webServers(lab).map((s) => s.name);
    await waitForStates(read, web, 'UP', deadline, { clock, intervalMs: 25 });
    // A server whose host this run started (recreated, restarted) or reattached is UP before HAProxy lets go of
    // what it held to the old one: it serves once it answers a request of its own.
    const restarted = web.filter(
      (s) =>
        repaired.some((c) => c.server === s) ||
        containers.some((c) => c.server === s && c.component === 'host' && Date.parse(c.startedAt) >= startedAt),
    );
    if (endpoint) for (const server of restarted) await untilServerAnswers(endpoint, server, deadline, clock);
    note(
      `${containers.length} containers healthy, ${web.join(' and ')} UP in HAProxy` +
        (repaired.length ? `; reattached ${repaired.map((c) => c.name).join(', ')} to their server's network` : ''),
    );
  },
};

export const upgradeStep: UpStep = {
  name: 'upgrade',
  applies: (context) => context.upgrade !== undefined,
  async run(context, note) {
    const upgrade = context.upgrade!;
    const changes = await runUpgrade(context, upgrade);
    context.result.upgrade = {
      from: upgrade.from ? describeInfra(upgrade.from) : null,
      to: describeInfra(THIS_INFRA),
      changes,
    };
    note(changes.length ? changes.join('; ') : `nothing to change; recorded infra ${describeInfra(THIS_INFRA)}`);
  },
};

export const replicationStep: UpStep = {
  name: 'replication',
  async run(context, note) {
    const { runtime, lab, dir } = context;
    const outcomes = await replicateLab(runtime, context.openSession, lab, await requireSecrets(dir));
    context.result.replication = outcomes;
    note(
      outcomes
        .map(
          (o) =>
            `${o.server} ${o.action}: threads running at ${o.threads_running_ms}ms, write→replica ${o.lag_ms.toFixed(1)}ms`,
        )
        .join('; '),
    );
  },
};

export const smokeStep: UpStep = {
  name: 'smoke',
  async run(context, note) {
    const { progress, settings } = context;
    if (!settings.smoke) throw new SkipStep('--no-smoke');
    const report = await runSmoke(context, { skip: settings.skip, onResult: progress.check });
    context.result.smoke = report;
    const failed = report.checks.filter((c) => c.status === 'failed');
    if (failed.length > 0) {
      context.result.smokeFailed = true;
      throw new StepError(`smoke check(s) failed: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}`);
    }
    note(`${report.checks.filter((c) => c.status === 'passed').length} checks passed`);
  },
};

/** After `render`, in this order: a lab an earlier infra made is upgraded once it runs, before infra logs in. */
export const BOOT_STEPS: readonly UpStep[] = [imagesStep, startStep, upgradeStep, replicationStep, smokeStep];

/**
 * `compose up`, then until every container is ready, then the server model's repair: components stranded in a dead
 * namespace are restarted. Returns the components it reattached.
 */
async function startLab(context: UpContext): Promise<ComponentState[]> {
  const { runtime, dir } = context;
  const began = Date.now();
  const result = await runtime.composeUp(dir);
  if (result.exitCode !== 0) throw await explainStartFailure(context, result.stderr);
  await waitUntilReady(context, began);
  const stale = (await context.containers(true)).filter((c) => c.staleNetwork);
  if (stale.length === 0) return [];
  await Promise.all(stale.map((c) => runtime.restart(c.id, 5)));
  const again = await runtime.composeUp(dir);
  if (again.exitCode !== 0) throw await explainStartFailure(context, again.stderr);
  await waitUntilReady(context, began);
  return stale;
}

/**
 * Polls the lab's containers until each runs and is healthy (or has no check of its own); one that exits, or that
 * this run started and turns unhealthy, ends the wait at once, as does the timeout, naming it with its last log
 * lines. One that ran before this run (`began`, the engine's clock) and is unhealthy gets its next Docker check: it
 * may have been frozen or cut off a moment ago (a fault healed, a drill reset) and answer again.
 */
async function waitUntilReady(context: UpContext, began: number): Promise<void> {
  const { clock, settings } = context;
  const deadline = clock.now() + settings.timeoutSeconds * 1000;
  const startedNow = (c: ComponentState) => Date.parse(c.startedAt) >= began - 1000;
  for (;;) {
    const states = (await context.containers(true)).filter((c) => !isHelper(c));
    if (states.every(isReady)) return;
    const broken = states.some(
      (c) => (c.state !== 'running' && c.state !== 'restarting') || (c.health === 'unhealthy' && startedNow(c)),
    );
    if (broken || clock.now() >= deadline) throw await explainStartFailure(context, '');
    await clock.sleep(200);
  }
}

/** Names the failing server and component and shows its last log lines. */
async function explainStartFailure(context: UpContext, composeOutput: string): Promise<StepError> {
  const states = await context.containers(true);
  const bad = states.filter((c) => !isHelper(c) && !isReady(c));
  if (bad.length === 0) return new StepError('docker compose up failed', composeOutput);
  const worst = bad.find((c) => c.state !== 'running') ?? bad.find((c) => c.health === 'unhealthy') ?? bad[0];
  const tail = await context.runtime.logTail(worst.id, 20).catch(() => '(no logs)');
  return new StepError(
    `${worst.server}: ${worst.component} (${worst.name}) ${describe(worst)}; ` +
      `others not ready: ${
        bad
          .filter((c) => c !== worst)
          .map((c) => c.name)
          .join(', ') || 'none'
      }`,
    `last log lines of ${worst.name}:\n${tail.trimEnd() || '(empty)'}`,
  );
}

function describe(c: ComponentState): string {
  if (c.state !== 'running') return `is ${c.state}`;
  return c.health === 'starting' ? 'did not become healthy in time' : `is ${c.health}`;
}
