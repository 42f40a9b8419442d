// Use case `infra promote <server>`: make a replica the primary of a running lab. A switchover when the primary runs
// (nothing lost; writes wait for a moment), a failover with --force when it does not. The lab folder records the
// new primary and tells the apps (app/primary.json), so they follow without a restart; status, explain, smoke and
// later `up`s act on the roles as they are.
import { StepError, UsageError } from '../errors.js';
import { REPLICATION_TIMEOUT_MS, forwardTarget, withDatabases } from '../ops/databases.js';
import { requireSecrets } from '../render/secrets.js';
import { failover, switchover, type PromoteOutcome } from '../replication/promote.js';
import { nameFlag, webServers, type Lab } from '../topology/types.js';
import type { ContainerRuntime } from '../runtime/port.js';
import type { AppEnv } from './context.js';
import { lockLab } from './lab-lock.js';
import { runningLab, type LabTarget } from './lab-target.js';
import { renderLabFolder } from './render.js';

export interface PromoteOptions extends LabTarget {
  server: string;
  force: boolean;
  /** Before the databases are touched: which move it is (writes may wait from here). */
  onBegin?: (move: { kind: PromoteOutcome['kind']; from: string; to: string }) => void;
}

/** What promote did: the move, or nothing when the server is the primary already. */
export interface Promoted {
  lab: string;
  outcome?: PromoteOutcome;
}

export async function promoteLab(env: AppEnv, options: PromoteOptions): Promise<Promoted> {
  const { runtime, lab, dir: folder } = await runningLab(env, options);
  const release = await lockLab(folder, lab.name, 'infra promote');
  try {
    return { lab: lab.name, outcome: await promote(env, runtime, lab, folder, options) };
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
  const webNames = webServers(lab).map((s) => s.name);
  if (!webNames.includes(options.server)) {
    throw new UsageError(`lab "${lab.name}" has no web server "${options.server}"`, [
      `<server>: one of ${webNames.filter((s) => s !== lab.primary).join(', ')} (a web server holding a replica)`,
    ]);
  }
  if (options.server === lab.primary) return undefined;
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

  options.onBegin?.({ kind: primaryRuns ? 'switchover' : 'failover', from: lab.primary, to: options.server });
  const announce = async (primary: string) => {
    // The folder records the primary and rewrites app/primary.json, which every app reads before a write.
    await renderLabFolder({ cwd: folder, dir: folder, primary, keepEdits: true });
  };
  const target = { ...forwardTarget(lab), servers, credentials: secrets };
  return withDatabases(runtime, env.openSession, target, (connections) =>
    (primaryRuns ? switchover : failover)(lab, connections, options.server, {
      replicationPassword: secrets.replicationPassword,
      timeoutMs: REPLICATION_TIMEOUT_MS,
      announce,
    }),
  );
}
