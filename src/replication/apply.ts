// Applies the replication plan over mysql2 and proves it: runs the primary's statements, configures (first time) or
// resumes (afterwards) each replica, waits until both replica threads run, then writes a marker row on the primary
// and waits for its GTID on every replica. Idempotent: a replicating lab is left as it is.
import type { DbError, DbSession, SessionOpener } from '../database/session.js';
import { StepError } from '../errors.js';
import { flavourOf, type DatabaseFlavour } from '../flavours/index.js';
import { ADMIN_USER } from '../flavours/admin-user.js';
import type { Lab } from '../topology/types.js';
import { APP_DB } from '../topology/lab-constants.js';
import { stmt } from '../flavours/statement.js';
import { appliedWithin, gtidPosition } from './gtid.js';
import {
  MARKER_TABLE,
  planReplication,
  type ReplicationPlan,
  type ReplicationSecrets,
  type Statement,
} from './plan.js';
import { adviceFor, divergedAdvice, isReplicating, parseReplicaStatus, type ReplicaStatus } from './replica-status.js';
import { waitFor } from '../wait/wait-for.js';

export type Connections = Record<string, DbSession>;

export interface ReplicaOutcome {
  server: string;
  action: 'configured' | 'resumed' | 'rejoined' | 'unchanged';
  /** From the step's start until both replica threads ran. */
  threads_running_ms: number;
  /** Marker row committed on the primary → its GTID applied on this replica. */
  lag_ms: number;
}

/** Who infra logs in as: its own user (labs from infra before 0.2.0 get it from `up`'s upgrade, which logs in as
 * root with the lab's root password to make it). */
export interface AdminCredentials {
  adminPassword: string;
  rootPassword: string;
}

/** Opens an admin session per server through the forwarder; failures name the server and what to do. */
export async function connectAll(
  open: SessionOpener,
  ports: Record<string, number>,
  credentials: AdminCredentials,
  deadlineMs = 15_000,
  queryTimeoutMs?: number,
): Promise<Connections> {
  const entries = await Promise.all(
    Object.entries(ports).map(
      async ([server, port]) =>
        [server, await connect(open, server, port, credentials, deadlineMs, queryTimeoutMs)] as const,
    ),
  );
  return Object.fromEntries(entries);
}

async function connect(
  open: SessionOpener,
  server: string,
  port: number,
  credentials: AdminCredentials,
  deadlineMs: number,
  queryTimeoutMs?: number,
): Promise<DbSession> {
  try {
    const login = { user: ADMIN_USER, password: credentials.adminPassword };
    return await logIn(open, server, port, login, deadlineMs, queryTimeoutMs);
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    throw new StepError(
      `${server}: the database refused infra's login: user '${ADMIN_USER}' from infra's forwarder, with ` +
        `INFRA_ADMIN_PASSWORD from the lab folder's .env (${(error as Error).message})`,
      'A lab made by infra before 0.2.0 has no such user yet: `infra up` upgrades it (it creates the user). ' +
        "Otherwise the data volume was made with other passwords: restore the lab folder's .env, or start fresh with " +
        "`infra down --volumes && infra up` (this deletes the lab's data).",
    );
  }
}

/** A refused login, as MariaDB and MySQL report it: a wrong password (1045) or a user that cannot log in so (1698). */
export function isAccessDenied(error: unknown): boolean {
  const code = (error as DbError | undefined)?.code;
  return code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR';
}

/**
 * A session as one user, retried while the server does not answer (it may be starting) and until `deadlineMs`;
 * a refused login is thrown at once as the database reported it (isAccessDenied), for the caller to explain.
 */
export async function logIn(
  open: SessionOpener,
  server: string,
  port: number,
  login: { user: string; password: string },
  deadlineMs = 15_000,
  queryTimeoutMs?: number,
): Promise<DbSession> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await open({ port, ...login, ...(queryTimeoutMs ? { queryTimeoutMs } : {}) });
    } catch (error) {
      if (isAccessDenied(error)) throw error;
      if (Date.now() > deadline) {
        const e = error as DbError;
        throw new StepError(
          `${server}: the database does not answer on ${server}:3306 (${e.code ?? e.message})`,
          `Is it running? See \`infra status\` and \`docker logs\` of its db container.`,
        );
      }
    }
    await sleep(200);
  }
}

export async function closeAll(connections: Connections): Promise<void> {
  await Promise.all(Object.values(connections).map((c) => c.end().catch(() => undefined)));
}

export async function run(connection: DbSession, server: string, statement: Statement): Promise<void> {
  try {
    await connection.query(statement.sql);
  } catch (error) {
    const message = (error as Error).message;
    const hint = statement.ifDenied && /denied/i.test(message) ? `; ${statement.ifDenied}` : '';
    throw new StepError(`${server}: ${statement.shown} failed: ${message}${hint}`);
  }
}

/** Whether a database holds the app's schema: a replica set up before, or a former primary, not a fresh one. */
async function holdsAppData(connection: DbSession): Promise<boolean> {
  const rows = await connection.query('SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
    APP_DB.database,
  ]);
  return Number(rows[0]?.n) > 0;
}

export async function replicaStatus(connection: DbSession, flavour: DatabaseFlavour): Promise<ReplicaStatus> {
  const rows = await connection.query('SHOW REPLICA STATUS');
  let executed: string | null = null;
  if (flavour.gtid.replicaExecuted) {
    const pos = await connection.query(flavour.gtid.replicaExecuted);
    executed = String(pos[0]?.pos ?? '') || null;
  }
  return parseReplicaStatus(rows, executed);
}

/**
 * The server ids of the replicas the primary lists as connected to it now; undefined when it will not say (infra's
 * user there predates the privilege it takes).
 */
async function connectedReplicaIds(primary: DbSession, flavour: DatabaseFlavour): Promise<Set<number> | undefined> {
  const rows = await primary.query(flavour.connectedReplicas).catch((error: unknown) => {
    // 1227: "you need (at least one of) the … privilege(s)".
    if ((error as DbError).code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR') return undefined;
    throw error;
  });
  if (!rows) return undefined;
  const ids = rows.flatMap((row) =>
    Object.entries(row)
      .filter(([column]) => column.toLowerCase() === 'server_id')
      .map(([, value]) => Number(value)),
  );
  return new Set(ids);
}

/** Whether the primary's list holds the replica; a primary that will not say counts as listing it (left as is). */
async function isListed(replica: DbSession, listed: Set<number> | undefined): Promise<boolean> {
  if (!listed) return true;
  return listed.has(Number((await replica.query('SELECT @@GLOBAL.server_id AS id'))[0]?.id));
}

/** The flag infra sets on replicas (MySQL's super_read_only, MariaDB's read_only). */
export async function isReadOnly(connection: DbSession, flavour: DatabaseFlavour): Promise<boolean> {
  const rows = await connection.query(`SELECT ${flavour.readOnly.variable} AS ro`);
  return Number(rows[0]?.ro) === 1;
}

/** Where a rebuilt database's temporary server id starts: above any id a lab gives (1 to 5). */
const REBUILT_SERVER_ID_BASE = 1000;

export async function applyReplication(
  lab: Lab,
  secrets: ReplicationSecrets,
  connections: Connections,
  options: { timeoutMs: number },
): Promise<ReplicaOutcome[]> {
  const started = performance.now();
  const flavour = flavourOf(lab);
  const plan: ReplicationPlan = planReplication(lab, secrets);
  const primary = connections[plan.primary.server];
  for (const statement of plan.primary.statements) await run(primary, plan.primary.server, statement);

  const actions = new Map<string, ReplicaOutcome['action']>();
  // Read once, when a running replica first needs it.
  let listed: Promise<Set<number> | undefined> | undefined;
  for (const replica of plan.replicas) {
    const connection = connections[replica.server];
    const status = await replicaStatus(connection, flavour);
    if (status.configured && status.source_host === plan.primary.server) {
      const untouched = isReplicating(status) && (await isReadOnly(connection, flavour));
      if (!untouched) for (const statement of replica.resume) await run(connection, replica.server, statement);
      const stale =
        untouched && !(await isListed(connection, await (listed ??= connectedReplicaIds(primary, flavour))));
      // Else its first write would wait for the replica's heartbeat timeout (slave_net_timeout) to notice.
      if (stale) for (const statement of replica.reconnect) await run(connection, replica.server, statement);
      actions.set(replica.server, untouched && !stale ? 'unchanged' : 'resumed');
    } else if (await holdsAppData(connection)) {
      // It has data of its own (it was the primary): it may join only if the primary holds every write it made.
      const errant = await flavour.errantTransactions(connection, primary);
      if (errant) {
        await run(connection, replica.server, flavour.readOnly.set);
        throw new StepError(
          `${replica.server}: cannot rejoin as a replica of ${plan.primary.server}`,
          divergedAdvice(replica.server, plan.primary.server, errant, lab.name),
        );
      }
      for (const statement of replica.rejoin) await run(connection, replica.server, statement);
      actions.set(replica.server, 'rejoined');
    } else {
      // A database rebuilt after it was the primary: its own old writes are in the primary's history, and a replica
      // skips events carrying its own server id. It replays them under another id (until its next restart, long
      // after it caught up); the data then match.
      const serverId = lab.servers.find((s) => s.name === replica.server)?.database?.serverId;
      if (serverId !== undefined && (await flavour.historyHasServerId(primary, serverId))) {
        await run(connection, replica.server, stmt(`SET GLOBAL server_id = ${REBUILT_SERVER_ID_BASE + serverId}`));
      }
      for (const statement of replica.configure) await run(connection, replica.server, statement);
      actions.set(replica.server, 'configured');
    }
  }

  const outcomes: ReplicaOutcome[] = [];
  for (const replica of plan.replicas) {
    await waitForThreads(lab, connections[replica.server], replica.server, plan.primary.server, options.timeoutMs);
    outcomes.push({
      server: replica.server,
      action: actions.get(replica.server) ?? 'unchanged',
      threads_running_ms: Math.round(performance.now() - started),
      lag_ms: 0,
    });
  }
  const lags = await verifyReplication(lab, connections, plan, 'up', options.timeoutMs);
  for (const o of outcomes) o.lag_ms = lags[o.server];
  return outcomes;
}

/** Polls until both threads run; fails with the replica's own error text once it has had a moment to connect. */
export async function waitForThreads(
  lab: Lab,
  connection: DbSession,
  server: string,
  primary: string,
  timeoutMs: number,
): Promise<void> {
  const start = Date.now();
  await waitFor(
    async () => {
      const status = await replicaStatus(connection, flavourOf(lab));
      if (isReplicating(status)) return { done: true, value: undefined };
      const seen = `IO thread ${status.io_running}, SQL thread ${status.sql_running}${status.last_error ? `: ${status.last_error}` : ''}`;
      // A first connection attempt may fail while the primary settles; errors that persist are real.
      if (status.last_error && Date.now() - start > 3000) {
        throw new StepError(
          `${server}: replication did not start (${seen})`,
          adviceFor(status, server, primary, lab.name) ??
            `Look at \`infra status\` and the logs of ${server}'s database.`,
        );
      }
      return { done: false, seen };
    },
    { what: `${server}'s replica threads to run`, timeoutMs, intervalMs: 10 },
  );
}

/**
 * Writes a marker row on the primary and waits until each replica has applied its GTID; returns the milliseconds
 * from the primary's commit to the replica's apply, per replica.
 */
export async function verifyReplication(
  lab: Lab,
  connections: Connections,
  plan: { primary: { server: string }; replicas: { server: string }[] },
  note: string,
  timeoutMs: number,
): Promise<Record<string, number>> {
  const flavour = flavourOf(lab);
  const primary = connections[plan.primary.server];
  await primary.query(`INSERT INTO ${MARKER_TABLE} (note) VALUES (?)`, [note.slice(0, 64)]);
  const committed = performance.now();
  const position = await gtidPosition(primary, flavour);
  const lags: Record<string, number> = {};
  await Promise.all(
    plan.replicas.map(async (replica) => {
      if (!(await appliedWithin(connections[replica.server], flavour, position, Math.ceil(timeoutMs / 1000)))) {
        throw new StepError(
          `${replica.server}: did not apply the primary's write (GTID ${position}) within ${Math.ceil(timeoutMs / 1000)} s`,
        );
      }
      lags[replica.server] = performance.now() - committed;
    }),
  );
  return lags;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
