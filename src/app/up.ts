// Use case `up`: an explicit list of named steps (DESIGN.md habit 3): render → images → start → replication → smoke.
// On failure it names the step and the service, shows the log tail, and removes what this run created unless --keep.
import path from 'node:path';
import type { Io } from '../log.js';
import { defaultLabDir } from '../paths.js';
import { loadLab } from '../topology/load-lab.js';
import { renderLab } from '../render/render-lab.js';
import { formatPlan, planReplication } from '../replication/plan.js';
import { EnvironmentError, EXIT, exitCodeOf, StepError, UsageError } from '../errors.js';
import { lbPortUse } from './lb-port.js';
import { StepRunner, SkipStep } from '../report/steps.js';
import { connectRuntime, composeVersion, type Runtime } from '../runtime/docker.js';
import { compose } from '../runtime/compose.js';
import { isReady, labContainers, labVolumes, logTail, removeLab, type ComponentState } from '../runtime/containers.js';
import { ensureImages } from './images.js';
import { renderLabFolder, type RenderOptions, type RenderOutcome } from './render.js';
import { labUrl } from './status.js';
import { runSmoke } from './smoke.js';
import { terminalLine, type SmokeReport } from '../report/smoke-report.js';
import { withDatabases } from './databases.js';
import { applyReplication, type ReplicaOutcome } from '../replication/apply.js';
import { planImages } from '../render/images.js';
import { readSecrets } from '../render/secrets.js';
import { loadBalancer, webServers, type Lab } from '../topology/types.js';
import { waitForBackend } from './server-power.js';

/** How long the replication step waits for replica threads and for a write to reach the replica. */
const REPLICATION_TIMEOUT_MS = 30_000;

async function configureReplication(runtime: Runtime, lab: Lab, dir: string): Promise<ReplicaOutcome[]> {
  const secrets = await readSecrets(dir);
  if (!secrets) throw new StepError(`the lab folder ${dir} has no .env with the lab's passwords; run \`infra render\``);
  const servers = webServers(lab).map((s) => s.name);
  const target = {
    lab: lab.name,
    network: lab.project,
    image: planImages(lab).refs.forward,
    servers,
    rootPassword: secrets.rootPassword,
  };
  return withDatabases(runtime, target, (connections) =>
    applyReplication(lab, secrets, connections, { timeoutMs: REPLICATION_TIMEOUT_MS }),
  );
}

export interface UpOptions extends RenderOptions {
  json: boolean;
  keep: boolean;
  smoke: boolean;
  skip?: string[];
  timeoutSeconds: number;
  dryRun?: boolean;
}

/** Prints what `up` would do, touching neither the lab folder nor Docker nor a database. */
async function dryRun(io: Io, options: UpOptions): Promise<number> {
  const { lab } = await loadLab(options.cwd, options.config, { name: options.name, port: options.port });
  const dir = path.resolve(options.cwd, options.dir ?? defaultLabDir(options.cwd, lab.name));
  const files = renderLab(lab, lab.port === 'auto' ? 0 : lab.port);
  const images = planImages(lab);
  io.stdout.write(
    `dry run: lab "${lab.name}" (${lab.servers.map((s) => s.name).join(', ')}), nothing is written or started\n\n` +
      `1. render    ${files.length} files into ${dir}\n` +
      files.map((f) => `              ${f.path}\n`).join('') +
      `2. images    ${images.builds.map((b) => b.tag).join(', ') || 'none to build'} (built when missing)\n` +
      `3. start     docker compose up -d --wait: ${lab.servers.flatMap((s) => [s.name, ...s.components.map((c) => c.name)]).join(', ')}\n` +
      `4. replication (${lab.flavour}), through a short-lived forwarder container:\n\n` +
      formatPlan(planReplication(lab, { replicationPassword: '<secret>', appPassword: '<secret>' })) +
      `\n5. smoke     ${options.smoke ? 'the smoke checks' : 'skipped (--no-smoke)'}\n`,
  );
  return EXIT.ok;
}

export async function upCommand(io: Io, options: UpOptions): Promise<number> {
  if (options.dryRun) return dryRun(io, options);
  const steps = new StepRunner(io, options.json);
  const [runtime] = await Promise.all([connectRuntime(), composeVersion()]);
  let rendered: RenderOutcome | undefined;
  let existedBefore = { containers: true, volumes: true };
  let failure: unknown;
  let replication: ReplicaOutcome[] | undefined;
  let smoke: SmokeReport | undefined;
  /** The lab booted and runs; only its checks failed: keep it for inspection rather than remove it. */
  let smokeFailed = false;
  // Ctrl-C or a CI cancel: finish the current step, then clean up like any failure. A second signal quits at once.
  let interrupted: string | undefined;
  const onSignal = (signal: string) => {
    if (interrupted) process.exit(130);
    interrupted = signal;
    io.stderr.write(
      `\n${signal}: stopping after the current step, then removing what this run created (again to quit now)\n`,
    );
  };
  const checkInterrupted = () => {
    if (interrupted) throw new StepError(`interrupted by ${interrupted}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    rendered = await steps.step('render', async (note) => {
      const r = await renderLabFolder({ ...options, keepEdits: true });
      note(`${r.dir} (${r.written.length} written${r.kept.length ? `; kept your edits to ${r.kept.join(', ')}` : ''})`);
      const images = r.kept.filter((f) => f.startsWith('images/'));
      if (images.length > 0 && !options.json) {
        // Image tags are hashes of infra's own Dockerfiles, shared by every lab: an edit here is not built.
        io.stderr.write(
          `  note: ${images.join(', ')} edited by hand is not built (images are tagged from infra's templates); ` +
            '`infra render --force` restores it\n',
        );
      }
      return r;
    });
    const { lab, dir } = rendered;
    if (!options.json) io.stderr.write(`  lab "${lab.name}": ${lab.servers.map((s) => s.name).join(', ')}\n`);
    const [running, volumes] = await Promise.all([
      labContainers(runtime.docker, lab.name),
      labVolumes(runtime.docker, lab.name),
    ]);
    const otherDir = running.find((c) => c.workingDir && path.resolve(c.workingDir) !== dir)?.workingDir;
    if (otherDir) {
      // Same name, other folder: converging would replace that lab's containers with this folder's (other secrets).
      throw new UsageError(`a lab named "${lab.name}" already runs from ${otherDir}`, [
        `--name: pick another name for this lab, or run \`infra up\` with --dir ${otherDir}`,
      ]);
    }
    existedBefore = {
      containers: running.length > 0,
      volumes: volumes.length > 0,
    };
    await ensurePortAvailable(runtime, lab.name, rendered.hostPort);
    checkInterrupted();
    await steps.step('images', async (note) => {
      const built = await ensureImages(runtime, lab, dir);
      note(built.length ? `built ${built.length}: ${built.join(', ')}` : 'up to date, nothing built');
    });
    checkInterrupted();
    await steps.step('start', async (note) => {
      const { containers, repaired } = await startLab(runtime, rendered!, options.timeoutSeconds);
      // Healthy containers are not yet a serving lab: HAProxy must see every web server UP (a recreated server
      // has a new address to resolve and must pass its checks again).
      const haproxy = `${lab.project}-${loadBalancer(lab).name}-haproxy`;
      const deadline = Date.now() + options.timeoutSeconds * 1000;
      await Promise.all(webServers(lab).map((s) => waitForBackend(haproxy, s.name, 'UP', deadline)));
      note(
        `${containers} containers healthy, ${webServers(lab)
          .map((s) => s.name)
          .join(' and ')} UP in HAProxy` +
          (repaired.length ? `; reattached ${repaired.join(', ')} to their server's network` : ''),
      );
    });
    checkInterrupted();
    replication = await steps.step('replication', async (note) => {
      const outcomes = await configureReplication(runtime, lab, dir);
      note(
        outcomes
          .map(
            (o) =>
              `${o.server} ${o.action}: threads running at ${o.threads_running_ms}ms, write→replica ${o.lag_ms.toFixed(1)}ms`,
          )
          .join('; '),
      );
      return outcomes;
    });
    checkInterrupted();
    await steps.step('smoke', async (note) => {
      if (!options.smoke) throw new SkipStep('--no-smoke');
      const report = await runSmoke(runtime, lab, {
        skip: options.skip ?? [],
        onResult: options.json ? undefined : (r) => io.stderr.write(terminalLine(io, r)),
      });
      smoke = report;
      const failed = report.checks.filter((c) => c.status === 'failed');
      if (failed.length > 0) {
        smokeFailed = true;
        throw new StepError(`smoke check(s) failed: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}`);
      }
      note(`${report.checks.filter((c) => c.status === 'passed').length} checks passed`);
    });
    checkInterrupted();
  } catch (error) {
    failure = error;
    if (rendered && !options.keep && !existedBefore.containers && !smokeFailed) {
      const removed = await removeLab(runtime.docker, rendered.lab.name, { volumes: !existedBefore.volumes });
      if (!options.json && removed.containers > 0) {
        io.stderr.write('  removed the failed lab (use --keep to keep it for inspection)\n');
      }
    }
  }

  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  const url = rendered ? labUrl(rendered.hostPort) : undefined;
  if (options.json) {
    io.stdout.write(
      JSON.stringify(
        {
          ok: failure === undefined,
          lab: rendered?.lab.name,
          url,
          dir: rendered?.dir,
          steps: steps.records,
          ...(replication ? { replication: { replicas: replication } } : {}),
          ...(smoke ? { smoke } : {}),
          ...(failure
            ? {
                error: {
                  message: (failure as Error).message,
                  detail: (failure as StepError).detail ?? '',
                  problems: (failure as UsageError).problems ?? [],
                },
              }
            : {}),
        },
        null,
        2,
      ) + '\n',
    );
    return failure ? exitCodeOf(failure) : EXIT.ok;
  }
  if (failure && smokeFailed) {
    io.stderr.write(
      `\nthe lab is still running for inspection (\`infra status\`, \`infra smoke\`); \`infra down\` removes it\n`,
    );
  }
  if (failure) throw failure;
  io.stderr.write(
    `\nlab "${rendered!.lab.name}" is up: ${url}\n` +
      `  folder   ${rendered!.dir}   (its README.md draws the topology)\n` +
      `  try      curl -sI ${url}/ | grep -i x-served-by     (run it twice)\n` +
      `  learn    infra explain              (what you got, and why)\n` +
      `  next     infra status · infra fail ${webServers(rendered!.lab)[0].name} · infra down\n`,
  );
  return EXIT.ok;
}

/**
 * Fails before anything starts when the LB's port is taken by someone else (another lab, another program): Docker
 * would otherwise create half the lab and report only that the host container could not start.
 */
async function ensurePortAvailable(runtime: Runtime, lab: string, port: number): Promise<void> {
  const use = await lbPortUse(runtime.docker, lab, port);
  if (!use.taken) return;
  throw new EnvironmentError(
    `127.0.0.1:${port} is already in use` +
      (use.holder ? ` by the lab "${use.holder.lab}" (${use.holder.name})` : ' by another program') +
      `; nothing was started. Run \`infra up --name ${lab} --port auto\` for a free port, or --port <n>`,
  );
}

/** `compose up --wait`, then the server model's repair: components stranded in a dead namespace are restarted. */
async function startLab(
  runtime: Runtime,
  rendered: RenderOutcome,
  timeoutSeconds: number,
): Promise<{ containers: number; repaired: string[] }> {
  const up = ['up', '-d', '--wait', '--wait-timeout', String(timeoutSeconds), '--remove-orphans'];
  const result = await compose(rendered.dir, up, { reject: false });
  if (result.exitCode !== 0) throw await explainStartFailure(runtime, rendered.lab.name, result.stderr);

  const states = await labContainers(runtime.docker, rendered.lab.name);
  const stale = states.filter((c) => c.staleNetwork);
  if (stale.length === 0) return { containers: states.length, repaired: [] };
  await Promise.all(stale.map((c) => runtime.docker.getContainer(c.id).restart({ t: 5 })));
  const again = await compose(rendered.dir, up, { reject: false });
  if (again.exitCode !== 0) throw await explainStartFailure(runtime, rendered.lab.name, again.stderr);
  return { containers: states.length, repaired: stale.map((c) => c.name) };
}

/** Names the failing server and component and shows its last log lines. */
async function explainStartFailure(runtime: Runtime, lab: string, composeOutput: string): Promise<StepError> {
  const states = await labContainers(runtime.docker, lab);
  const bad = states.filter((c) => !isReady(c));
  if (bad.length === 0) return new StepError('docker compose up failed', composeOutput);
  const worst = bad.find((c) => c.state !== 'running') ?? bad.find((c) => c.health === 'unhealthy') ?? bad[0];
  const tail = await logTail(runtime.docker, worst.id, 20).catch(() => '(no logs)');
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
