// Use case `up`: render, then the boot steps (images → start → replication → smoke), each a step object over one
// context (up-steps.ts). On failure it names the step and why, and removes what this run created unless --keep.
// Ctrl-C or a CI cancel arrives as an aborted signal: the current step finishes, then the same clean-up runs.
import path from 'node:path';
import type { Io } from '../log.js';
import { defaultLabDir } from '../paths.js';
import { loadLab } from '../definition/load-lab.js';
import { renderLab } from '../render/render-lab.js';
import { planImages } from '../render/images.js';
import { flavourOf } from '../flavours/index.js';
import { formatPlan, planReplication } from '../replication/plan.js';
import { EnvironmentError, errorJson, EXIT, exitCodeOf, StepError, UsageError } from '../errors.js';
import { StepRunner, stepsJson } from '../report/steps.js';
import type { ComponentState } from '../runtime/port.js';
import { containerNames, hasFixedAddresses, labNetwork, nameFlag, webServers } from '../topology/types.js';
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
  dryRun?: boolean;
}

export async function upCommand(env: AppEnv, options: UpOptions): Promise<number> {
  const { io } = env;
  if (options.dryRun) return dryRun(io, options);
  // The engine and Compose v2 are checked together: both are needed, and each costs a round trip.
  const runtime = await env.open();
  await Promise.all([runtime.ping(), runtime.composeVersion()]);
  const steps = new StepRunner(io, options.json);
  let rendered: RenderOutcome | undefined;
  let context: UpContext | undefined;
  let existedBefore = { containers: true, volumes: true };
  let failure: unknown;
  let unlock: Release | undefined;
  try {
    rendered = await steps.step('render', async (note) => {
      const target = await resolveRenderTarget(options);
      unlock = await lockLab(target.dir, target.lab.name, 'infra up');
      // A fixed subnet (secured, redundant) must not meet another network's: ask the engine which are taken.
      const takenSubnets = hasFixedAddresses(target.lab)
        ? (await runtime.networkSubnets())
            .filter((n) => n.network !== labNetwork(target.lab.name))
            .flatMap((n) => n.subnets)
        : [];
      return renderStep(io, { ...options, takenSubnets }, target, note);
    });
    const { lab, dir } = rendered;
    if (!options.json) io.stderr.write(`  lab "${lab.name}": ${lab.servers.map((s) => s.name).join(', ')}\n`);
    if (rendered.upgrade && !options.json) io.stderr.write(`  ${upgradeLine(lab.name, rendered.upgrade)}\n`);
    context = {
      ...labContext(env, runtime, lab, dir),
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
      if (!options.json) io.stderr.write(`  expires ${expiresAt} (\`infra reap\` removes it after that)\n`);
    }
    for (const step of BOOT_STEPS) {
      throwIfAborted(env.signal);
      const current = context;
      if (step.applies && !step.applies(current)) continue;
      await steps.step(step.name, (note) => step.run(current, note));
    }
    throwIfAborted(env.signal);
  } catch (error) {
    failure = error;
    if (rendered && !options.keep && !existedBefore.containers && !context?.result.smokeFailed) {
      const removed = await runtime.removeLab(rendered.lab.name, { volumes: !existedBefore.volumes });
      if (!options.json && removed.containers > 0) {
        io.stderr.write('  removed the failed lab (use --keep to keep it for inspection)\n');
      }
    }
  } finally {
    await unlock?.();
  }

  const httpsPort = rendered?.site.httpsPort;
  const url = rendered ? (httpsPort ? labHttpsUrl(httpsPort) : labUrl(rendered.hostPort)) : undefined;
  const monitoring = rendered?.site.monitorPort ? monitoringUrls(rendered.site.monitorPort) : undefined;
  if (options.json) {
    const { replication, smoke, upgrade } = context?.result ?? {};
    io.stdout.write(
      JSON.stringify(
        {
          ok: failure === undefined,
          lab: rendered?.lab.name,
          url,
          ...(httpsPort && rendered
            ? {
                urls: { http: labUrl(rendered.hostPort), https: url },
                tls: { ca_file: path.join(rendered.dir, LAB_FILES.caCert) },
              }
            : {}),
          ...(monitoring ? { monitoring } : {}),
          dir: rendered?.dir,
          steps: stepsJson(steps.records),
          ...(upgrade ? { upgrade } : {}),
          ...(replication ? { replication: { replicas: replication } } : {}),
          ...(smoke ? { smoke } : {}),
          ...(failure ? { error: errorJson(failure) } : {}),
        },
        null,
        2,
      ) + '\n',
    );
    return failure ? exitCodeOf(failure) : EXIT.ok;
  }
  const flag = rendered ? nameFlag(rendered.lab.name) : '';
  if (failure && context?.result.smokeFailed) {
    io.stderr.write(
      `\nthe lab is still running for inspection (\`infra status${flag}\`, \`infra smoke${flag}\`); ` +
        `\`infra down${flag}\` removes it\n`,
    );
  }
  if (failure) throw failure;
  io.stderr.write(
    `\nlab "${rendered!.lab.name}" is up: ${url}\n` +
      `  folder   ${rendered!.dir}   (its README.md draws the topology)\n` +
      (monitoring
        ? `  watch    ${monitoring.page_url}   (the live lab page; Prometheus on ${monitoring.prometheus_url})\n`
        : '') +
      `  try      curl${httpsPort ? ` --cacert ${path.join(rendered!.dir, LAB_FILES.caCert)}` : ''} -sI ${url}/ | grep -i x-served-by     (run it twice)\n` +
      `  learn    infra explain${flag}              (what you got, and why)\n` +
      `  next     infra status${flag} · infra fail ${webServers(rendered!.lab)[0].name}${flag} · infra down${flag}\n`,
  );
  return EXIT.ok;
}

async function renderStep(
  io: Io,
  options: UpOptions,
  target: RenderTarget,
  note: (detail: string) => void,
): Promise<RenderOutcome> {
  const r = await renderLabFolder({ ...options, keepEdits: true }, target);
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

/** Prints what `up` would do, touching neither the lab folder nor Docker nor a database. */
async function dryRun(io: Io, options: UpOptions): Promise<number> {
  const { lab } = await loadLab(options.cwd, options.config, {
    name: options.name,
    port: options.port,
    profiles: options.profiles,
    seed: options.seed,
  });
  const dir = path.resolve(options.cwd, options.dir ?? defaultLabDir(options.cwd, lab.name));
  const secured = lab.capabilities.tls;
  const files = renderLab(lab, {
    hostPort: lab.port === 'auto' ? 0 : lab.port,
    httpsPort: secured ? (lab.httpsPort === 'auto' ? 0 : lab.httpsPort) : undefined,
    subnet: hasFixedAddresses(lab) ? chooseSubnet(lab.name, []) : undefined,
  });
  const images = planImages(lab);
  const plan = planReplication(lab, { replicationPassword: '<secret>', appPassword: '<secret>' });
  if (options.json) {
    const body = {
      ok: true,
      dry_run: true,
      lab: lab.name,
      dir,
      files: files.map((f) => f.path),
      images: images.builds.map((b) => b.tag),
      containers: lab.servers.flatMap((s) => [s.name, ...s.components.map((c) => c.name)]),
      replication: {
        flavour: plan.flavour,
        primary: { server: plan.primary.server, statements: plan.primary.statements.map((s) => s.shown) },
        replicas: plan.replicas.map((r) => ({
          server: r.server,
          configure: r.configure.map((s) => s.shown),
          resume: r.resume.map((s) => s.shown),
        })),
      },
      smoke: options.smoke,
    };
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return EXIT.ok;
  }
  io.stdout.write(
    `dry run: lab "${lab.name}" (${lab.servers.map((s) => s.name).join(', ')}), nothing is written or started\n\n` +
      `1. render    ${files.length} files into ${dir}\n` +
      files.map((f) => `              ${f.path}\n`).join('') +
      `2. images    ${images.builds.map((b) => b.tag).join(', ') || 'none to build'} (built when missing)\n` +
      `3. start     docker compose up -d --wait: ${lab.servers.flatMap((s) => [s.name, ...s.components.map((c) => c.name)]).join(', ')}\n` +
      `4. replication (${flavourOf(lab).name}), through a short-lived forwarder container:\n\n` +
      formatPlan(plan) +
      `\n5. smoke     ${options.smoke ? 'the smoke checks' : 'skipped (--no-smoke)'}\n`,
  );
  return EXIT.ok;
}
