// Reads the live replication state of a running lab for `status`: the primary's GTID position and, per replica, its
// threads, lag, last error (with what to do) and GTID positions. Needs only labels and the lab folder (its .env, and
// which server is the primary now).
import type { DbSession, SessionOpener } from '../database/session.js';
import type { DatabaseFlavour } from '../flavours/flavour.js';
import type { ComponentState, ContainerRuntime, Forward } from '../runtime/port.js';
import { readSecrets } from '../render/secrets.js';
import { readLabState } from '../render/write-lab.js';
import { recordedPrimary } from '../definition/build-lab.js';
import { closeAll, connectAll, isReadOnly, replicaStatus, type Connections } from '../replication/apply.js';
import { StepError } from '../errors.js';
import type { AdminCredentials } from '../replication/apply.js';
import {
  adviceFor,
  classifyError,
  divergedAdvice,
  errantAdvice,
  isReplicating,
} from '../replication/replica-status.js';
import { labNetwork, nameFlag } from '../topology/types.js';
import { APP_DB } from '../topology/lab-constants.js';
import { compareTables } from '../replication/consistency.js';
import { appliedWithin, gtidPosition } from '../replication/gtid.js';
import { detectFlavour, forwardImage } from '../ops/databases.js';
import type { ReplicaStatus, ReplicationState } from '../replication/replica-status.js';

export type { ReplicationState };

/** status reports what is, now: a database that does not answer within this is a finding, not something to wait for. */
const STATUS_PATIENCE_MS = 2000;
/** A statement of status's unanswered this long: the link to that database is stalled (heavy loss, a partition). */
const STATUS_QUERY_TIMEOUT_MS = 5000;

export async function readReplicationState(
  runtime: ContainerRuntime,
  openSession: SessionOpener,
  lab: string,
  containers: ComponentState[],
  options: { verify?: boolean } = {},
): Promise<ReplicationState> {
  const dbs = containers.filter((c) => c.component === 'db');
  const empty = { primary: null, replicas: [], healthy: false };
  const dir = containers.find((c) => c.workingDir)?.workingDir;
  const state = dir ? await readLabState(dir) : undefined;
  const primaryName = state ? recordedPrimary(state) : undefined;
  const primary = dbs.find((c) => c.server === primaryName);
  const replicas = dbs.filter((c) => c !== primary);
  if (!state) return { ...empty, error: `cannot read the lab folder's state (${dir ?? 'no folder recorded'})` };
  if (!primary || primary.state !== 'running') {
    const replica = replicas.find((c) => c.state === 'running')?.server ?? '<replica>';
    const flag = nameFlag(lab);
    return {
      ...empty,
      error:
        `the primary's database (${primaryName}) is not running: nothing can be written. Bring it back with ` +
        `\`infra recover ${primaryName}${flag}\`, or make a replica the primary without it: ` +
        `\`infra promote ${replica} --force${flag}\``,
    };
  }
  // A replica that is down is a finding of its own; the others are read as usual.
  const down = replicas.filter((c) => c.state !== 'running');
  const running = replicas.filter((c) => c.state === 'running');
  const secrets = dir ? await readSecrets(dir) : undefined;
  if (!secrets) return { ...empty, error: `cannot read the lab's passwords (.env in ${dir ?? 'the lab folder'})` };

  let forward: Forward | undefined;
  let reached: Connections = {};
  try {
    forward = await runtime.openForward({
      lab,
      network: labNetwork(lab),
      image: await forwardImage(runtime),
      servers: [primary, ...running].map((c) => c.server),
    });
    // Each database on its own: one infra cannot reach (a firewall, a hung server) is a finding, and the others,
    // whose replicas' last errors may say why, are read as usual.
    const { connections, unreachable } = await connectEach(openSession, forward.ports, secrets);
    reached = connections;
    const anyone = Object.values(connections)[0];
    if (!anyone) throw new Error(Object.values(unreachable).join('; '));
    const flavour = await detectFlavour(anyone);
    const primarySession = connections[primary.server];
    const state: ReplicationState = {
      primary: {
        server: primary.server,
        gtid_position: primarySession ? (await gtidPosition(primarySession, flavour)) || null : null,
        ...(unreachable[primary.server] ? { unreachable: unreachable[primary.server] } : {}),
      },
      replicas: [],
      healthy: !unreachable[primary.server],
    };
    for (const r of running) {
      const connection = connections[r.server];
      if (!connection) {
        state.replicas.push(unreachableReplica(r.server, unreachable[r.server]));
        state.healthy = false;
        continue;
      }
      try {
        const status = await replicaStatus(connection, flavour);
        const errant = primarySession ? await flavour.errantTransactions(connection, primarySession) : null;
        const behind =
          primarySession && isReplicating(status)
            ? await behindAfterPatience(connection, primarySession, flavour, state.primary!.gtid_position)
            : 0;
        const problem = classifyError(status);
        // Not a replica and holding writes of its own: an old primary that came back after a failover.
        const diverged = !status.configured && errant !== null;
        const advice =
          adviceFor(status, r.server, primary.server, lab) ??
          (errant ? (diverged ? divergedAdvice : errantAdvice)(r.server, primary.server, errant, lab) : undefined) ??
          (behind ? behindAdvice(r.server, primary.server, behind, status.lag_seconds) : undefined);
        state.replicas.push({
          server: r.server,
          io_running: status.io_running,
          sql_running: status.sql_running,
          lag_seconds: status.lag_seconds,
          last_error: diverged
            ? `left out of replication: it holds writes ${primary.server} never had`
            : !status.configured
              ? 'not configured as a replica yet (run `infra up`)'
              : (status.last_error ?? withoutError(status, primary.server)),
          ...(problem ? { problem } : {}),
          ...(advice ? { advice } : {}),
          errant,
          ...(behind ? { behind } : {}),
          gtid_retrieved: status.gtid_retrieved,
          gtid_executed: status.gtid_executed,
          read_only: await isReadOnly(connection, flavour),
        });
        if (options.verify && primarySession && isReplicating(status)) {
          const report = await compareTables(primarySession, connection, flavour, APP_DB.database);
          Object.assign(state.replicas[state.replicas.length - 1], {
            consistent: report.consistent,
            differences: report.differences,
            compared: report.compared,
          });
          if (!report.consistent) state.healthy = false;
        }
        if (!isReplicating(status) || errant || behind) state.healthy = false;
      } catch (error) {
        // A statement unanswered (a stalled link to it): a finding about that replica; the others are read as usual.
        state.replicas.push(unreachableReplica(r.server, (error as Error).message));
        state.healthy = false;
      }
    }
    for (const r of down) {
      state.replicas.push({
        server: r.server,
        io_running: 'No',
        sql_running: 'No',
        lag_seconds: null,
        last_error: `its database is not running (${r.state})`,
        advice: `Bring it back: \`infra recover ${r.server}${nameFlag(lab)}\` (it resumes replicating, or rejoins).`,
        gtid_retrieved: null,
        gtid_executed: null,
        read_only: false,
        down: true,
      });
      state.healthy = false;
    }
    return state;
  } catch (error) {
    return { ...empty, error: (error as Error).message };
  } finally {
    await closeAll(reached);
    await forward?.close();
  }
}

/**
 * Transactions the replica still lacks once it has had status's patience to apply the primary's position: a replica
 * a moment behind under writes is not a finding, one that stays behind is (whatever its lag in seconds says).
 */
async function behindAfterPatience(
  replica: DbSession,
  primary: DbSession,
  flavour: DatabaseFlavour,
  position: string | null,
): Promise<number> {
  if ((await flavour.transactionsBehind(replica, primary)) === 0 || !position) return 0;
  if (await appliedWithin(replica, flavour, position, STATUS_PATIENCE_MS / 1000)) return 0;
  return flavour.transactionsBehind(replica, primary);
}

function behindAdvice(replica: string, primary: string, behind: number, lagSeconds: number | null): string {
  const transactions = `${behind} transaction${behind === 1 ? '' : 's'}`;
  return (
    `${replica} has not applied ${transactions} ${primary} made, ${STATUS_PATIENCE_MS / 1000} s after status asked` +
    (lagSeconds === 0 ? ' (its lag says 0 s: that counts only what it has received)' : '') +
    `. Either it fetches ${primary}'s log too slowly (a slow or lossy link: see the faults above, and its IO ` +
    'thread reconnecting) or it applies late on purpose (MASTER_DELAY / SOURCE_DELAY in SHOW REPLICA STATUS).'
  );
}

/** What a replica that reports no error is doing, when it is not replicating. */
function withoutError(status: ReplicaStatus, primary: string): string | null {
  if (status.io_running === 'Yes' && status.sql_running === 'Yes') return null;
  // Connecting, Preparing: the IO thread runs and is (re)connecting — not stopped — with no error to tell yet.
  if (status.io_running !== 'No' && status.sql_running === 'Yes') {
    const doing = status.io_state ? `${status.io_running}: ${status.io_state}` : status.io_running;
    return (
      `its IO thread is reconnecting to ${primary} (${doing}), with no error yet: ${primary}'s log ` +
      'does not arrive (a slow or lossy link, the primary not answering)'
    );
  }
  return 'replica threads stopped without an error (stopped by hand?); `infra up` starts them';
}

/** A session to each database that answers within status's patience; the others with why they did not. */
async function connectEach(
  openSession: SessionOpener,
  ports: Record<string, number>,
  credentials: AdminCredentials,
): Promise<{ connections: Connections; unreachable: Record<string, string> }> {
  const connections: Connections = {};
  const unreachable: Record<string, string> = {};
  await Promise.all(
    Object.entries(ports).map(async ([server, port]) => {
      try {
        Object.assign(
          connections,
          await connectAll(openSession, { [server]: port }, credentials, STATUS_PATIENCE_MS, STATUS_QUERY_TIMEOUT_MS),
        );
      } catch (error) {
        // A refused login is not a network finding: the lab's passwords are wrong, and that error says what to do.
        if (error instanceof StepError && /refused infra's login/.test(error.message)) throw error;
        unreachable[server] = (error as Error).message;
      }
    }),
  );
  return { connections, unreachable };
}

function unreachableReplica(server: string, why: string | undefined): ReplicationState['replicas'][number] {
  return {
    server,
    io_running: 'unknown',
    sql_running: 'unknown',
    lag_seconds: null,
    last_error: `infra cannot reach its database: ${why ?? 'no answer'}`,
    gtid_retrieved: null,
    gtid_executed: null,
    read_only: false,
  };
}
