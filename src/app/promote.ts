// Use case `infra promote <server>`: make a replica the primary of a running lab. A switchover when the primary runs
// (nothing lost; writes wait for a moment), a failover with --force when it does not. The lab folder records the
// new primary and tells the apps (app/primary.json), so they follow without a restart; status, explain, smoke and
// later `up`s act on the roles as they are.
import { EXIT, StepError, UsageError } from '../errors.js';
import { formatDuration, type Io } from '../log.js';
import { REPLICATION_TIMEOUT_MS, forwardTarget, withDatabases } from '../ops/databases.js';
import { requireSecrets } from '../render/secrets.js';
import { failover, switchover, type PromoteOutcome } from '../replication/promote.js';
import { containerName, nameFlag, webServers, type Lab } from '../topology/types.js';
import { MONITORING_SERVER } from '../topology/lab-constants.js';
import type { ContainerRuntime } from '../runtime/port.js';
import type { AppEnv } from './context.js';
import { lockLab } from './lab-lock.js';
import { runningLab, type LabTarget } from './lab-target.js';
import { renderLabFolder } from './render.js';

export interface PromoteOptions extends LabTarget {
  server: string;
  force: boolean;
  json: boolean;
}

export async function promoteCommand(env: AppEnv, options: PromoteOptions): Promise<number> {
  const { io } = env;
  const { runtime, lab, dir: folder } = await runningLab(env, options);
  const release = await lockLab(folder, lab.name, 'infra promote');
  try {
    const outcome = await promote(env, runtime, lab, folder, options);
    if (!outcome) return EXIT.ok;
    if (options.json) io.stdout.write(JSON.stringify({ ok: true, lab: lab.name, ...outcome }, null, 2) + '\n');
    else report(io, lab, outcome);
    return EXIT.ok;
  } finally {
    await release();
  }
}

async function promote(
  env: AppEnv,
  runtime: ContainerRuntime,
  lab: Lab,
  folder: string,
  options: PromoteOptions,
): Promise<PromoteOutcome | undefined> {
  const { io } = env;
  const webNames = webServers(lab).map((s) => s.name);
  if (!webNames.includes(options.server)) {
    throw new UsageError(`lab "${lab.name}" has no web server "${options.server}"`, [
      `<server>: one of ${webNames.filter((s) => s !== lab.primary).join(', ')} (a web server holding a replica)`,
    ]);
  }
  if (options.server === lab.primary) {
    io.stderr.write(`${options.server} is the primary already; nothing to do.\n`);
    return undefined;
  }
  const containers = await runtime.containers(lab.name);
  const dbState = (server: string) =>
    containers.find((c) => c.server === server && c.component === 'db')?.state ?? 'missing';
  const primaryRuns = dbState(lab.primary) === 'running';
  const flag = nameFlag(lab.name);
  if (!primaryRuns && !options.force) {
    throw new StepError(
      `${lab.primary}'s database is not running (${dbState(lab.primary)}): a switchover needs it`,
      `Bring it back (\`infra recover ${lab.primary}${flag}\`) and promote again, or promote without it: ` +
        `\`infra promote ${options.server} --force${flag}\` (a failover: writes ${lab.primary} took that never reached ` +
        `${options.server} stay on ${lab.primary}, and it rejoins only if it has none).`,
    );
  }
  if (primaryRuns && options.force) {
    throw new UsageError(`${lab.primary}'s database is running: a failover would throw away a live primary`, [
      `--force: leave it out; a switchover moves the primary without losing a write`,
    ]);
  }
  const servers = webNames.filter((s) => primaryRuns || s !== lab.primary);
  const stopped = servers.filter((s) => dbState(s) !== 'running');
  if (stopped.length > 0) {
    throw new StepError(
      `the database of ${stopped.join(', ')} is not running; every replica follows the new primary`,
      `Bring ${stopped.length > 1 ? 'them' : 'it'} back first: ${stopped.map((s) => `\`infra recover ${s}${flag}\``).join(', ')}.`,
    );
  }
  const secrets = await requireSecrets(folder);

  if (!options.json) {
    io.stderr.write(
      primaryRuns
        ? `switchover: ${lab.primary} → ${options.server} (writes wait while ${options.server} catches up)\n`
        : `failover: ${options.server} becomes the primary; ${lab.primary} is down and is left out\n`,
    );
  }
  const announce = async (primary: string) => {
    // The folder records the primary and rewrites app/primary.json, which every app reads before a write.
    await renderLabFolder({ cwd: folder, dir: folder, primary, keepEdits: true });
  };
  const target = { ...forwardTarget(lab), servers, credentials: secrets };
  const outcome = await withDatabases(runtime, env.openSession, target, (connections) =>
    (primaryRuns ? switchover : failover)(lab, connections, options.server, {
      replicationPassword: secrets.replicationPassword,
      timeoutMs: REPLICATION_TIMEOUT_MS,
      announce,
    }),
  );
  if (lab.capabilities.monitoring) {
    // Prometheus labels each database with its role: it reads the re-rendered configuration on SIGHUP.
    await runtime
      .exec(containerName(lab, `${MONITORING_SERVER}-prometheus`), ['sh', '-c', 'kill -HUP 1'])
      .catch(() => undefined);
  }
  return outcome;
}

function report(io: Io, lab: Lab, o: PromoteOutcome): void {
  const flag = nameFlag(lab.name);
  const lines = [
    `${o.to} is the primary (${o.kind} in ${formatDuration(o.total_ms)}), at GTID ${o.gtid_position}`,
    ...(o.write_pause_ms !== null
      ? [
          `  writes waited ${formatDuration(o.write_pause_ms)}: ${o.from} read-only → ${o.to} caught up in ` +
            `${formatDuration(o.catch_up_ms ?? 0)} → promoted and named to the apps (app/primary.json)`,
        ]
      : []),
    `  replicating from ${o.to}: ${o.replicas.join(', ') || '(no other database)'}`,
    ...o.left_out.map(
      (s) =>
        `  ${s} is left out: \`infra recover ${s}${flag}\` brings it back as a replica if it holds no write ${o.to} lacks`,
    ),
    `  see: infra status${flag} · back: infra promote ${o.from}${flag}${o.kind === 'failover' ? ' (once it has rejoined)' : ''}`,
  ];
  io.stderr.write(lines.join('\n') + '\n');
}
