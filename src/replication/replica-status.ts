// Reads a `SHOW REPLICA STATUS` row of either flavour by column name: MariaDB keeps the old names (Slave_IO_Running,
// Seconds_Behind_Master, Gtid_IO_Pos), MySQL 8.4 uses the new ones (Replica_IO_Running, Seconds_Behind_Source,
// Retrieved_Gtid_Set). Also classifies a replica's errors by their numbers (Last_IO_Errno, Last_SQL_Errno), never by
// digits in the text: applier errors embed log positions ("end_log_pos 12003") that look like error numbers.
import { nameFlag } from '../topology/types.js';

export interface ReplicaStatus {
  configured: boolean;
  source_host: string | null;
  /** Connecting and Preparing: the IO thread runs, (re)connecting to its source or registering with it. */
  io_running: 'Yes' | 'No' | 'Connecting' | 'Preparing';
  /** What the IO thread is doing, in the server's words (Slave_IO_State / Replica_IO_State). */
  io_state: string | null;
  sql_running: 'Yes' | 'No';
  /** NULL while a thread is stopped; can read 0 while the IO thread fails, so read the threads first. */
  lag_seconds: number | null;
  last_error: string | null;
  /** Last_IO_Errno / Last_SQL_Errno: 0 or null when the thread has no error. */
  io_errno: number | null;
  sql_errno: number | null;
  gtid_retrieved: string | null;
  gtid_executed: string | null;
}

/** The live replication state of a lab, as `status` and `explain` report it. */
export interface ReplicationState {
  primary: {
    server: string;
    gtid_position: string | null;
    /** infra could not reach its database (a firewall, a hung server): why. Its replicas are read as usual. */
    unreachable?: string;
  } | null;
  replicas: {
    server: string;
    io_running: string;
    sql_running: string;
    lag_seconds: number | null;
    last_error: string | null;
    /** What kind of problem the last error is, when infra knows it. */
    problem?: ReplicaProblem;
    advice?: string;
    /** Transactions the replica executed that the primary never did, when it has any. */
    errant?: string | null;
    /** Transactions of the primary it had still not applied after status's patience (2 s), when any. */
    behind?: number;
    /** With `status --verify`: whether its tables hold the primary's rows, and where they differ. */
    consistent?: boolean;
    differences?: string[];
    /** With `status --verify`: what was compared (the app's tables and the primary's rows in them). */
    compared?: { database: string; tables: number; rows: number };
    gtid_retrieved: string | null;
    gtid_executed: string | null;
    read_only: boolean;
    /** Its database is not running: nothing above was read from it. */
    down?: boolean;
  }[];
  healthy: boolean;
  /** Why the state could not be read, when it could not. */
  error?: string;
}

type Row = Record<string, unknown>;

function pick(row: Row, ...names: string[]): unknown {
  for (const name of names) if (name in row) return row[name];
  return undefined;
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
}

/** `rows` is what SHOW REPLICA STATUS returned: empty on a server that is not a replica. */
export function parseReplicaStatus(rows: Row[], executedGtids: string | null = null): ReplicaStatus {
  const row = rows[0];
  if (!row) {
    return {
      configured: false,
      source_host: null,
      io_running: 'No',
      io_state: null,
      sql_running: 'No',
      lag_seconds: null,
      last_error: null,
      io_errno: null,
      sql_errno: null,
      gtid_retrieved: null,
      gtid_executed: executedGtids,
    };
  }
  const io = text(pick(row, 'Replica_IO_Running', 'Slave_IO_Running')) ?? 'No';
  const sql = text(pick(row, 'Replica_SQL_Running', 'Slave_SQL_Running')) ?? 'No';
  const lag = pick(row, 'Seconds_Behind_Source', 'Seconds_Behind_Master');
  const ioError = text(pick(row, 'Last_IO_Error'));
  const sqlError = text(pick(row, 'Last_SQL_Error'));
  return {
    configured: text(pick(row, 'Source_Host', 'Master_Host')) !== null,
    source_host: text(pick(row, 'Source_Host', 'Master_Host')),
    io_running: io === 'Yes' || io === 'Connecting' || io === 'Preparing' ? io : 'No',
    io_state: text(pick(row, 'Replica_IO_State', 'Slave_IO_State')),
    sql_running: sql === 'Yes' ? 'Yes' : 'No',
    lag_seconds: lag === null || lag === undefined || io !== 'Yes' || sql !== 'Yes' ? null : Number(lag),
    last_error: [ioError && `IO: ${ioError}`, sqlError && `SQL: ${sqlError}`].filter(Boolean).join('; ') || null,
    io_errno: errno(pick(row, 'Last_IO_Errno')),
    sql_errno: errno(pick(row, 'Last_SQL_Errno')),
    gtid_retrieved: text(pick(row, 'Retrieved_Gtid_Set', 'Gtid_IO_Pos')),
    gtid_executed: text(pick(row, 'Executed_Gtid_Set')) ?? executedGtids,
  };
}

export function isReplicating(status: ReplicaStatus): boolean {
  return status.io_running === 'Yes' && status.sql_running === 'Yes';
}

function errno(value: unknown): number | null {
  const n = Number(value);
  return value === null || value === undefined || value === '' || !Number.isFinite(n) || n === 0 ? null : n;
}

/** The replica problems infra recognises and can say what to do about. */
export type ReplicaProblem =
  | 'access-denied'
  | 'unreachable'
  | 'link-failing'
  | 'purged'
  | 'errant'
  | 'duplicate-key'
  | 'row-not-found'
  | 'source-fatal';

/** Error numbers of both flavours (MySQL 8.4's and MariaDB 11.8's error references). */
const ERRNO = {
  accessDenied: 1045,
  cannotConnect: 2003,
  unknownHost: 2005,
  /** A connection that breaks midway: a read that timed out, a read that failed, lost, a TLS handshake cut short. */
  netReadInterrupted: 1159,
  netReadError: 1158,
  serverLost: 2013,
  sslConnectionError: 2026,
  /** The source's fatal error reading its binlog: MariaDB's IO thread reports 1236 itself ... */
  sourceFatalMariadb: 1236,
  /** ... MySQL 8.4's wraps it as ER_REPLICA_SOURCE_... 13114. Which one is only in the text. */
  sourceFatalMysql: 13114,
  duplicateKey: 1062,
  rowNotFound: 1032,
  /** MariaDB's gtid_strict_mode refusing a GTID older than one the replica logged itself. */
  gtidOutOfOrder: 1950,
} as const;

/** What kind of problem the replica's last error is, from its number; text only inside the 1236 family. */
export function classifyError(
  status: Pick<ReplicaStatus, 'io_errno' | 'sql_errno' | 'last_error'>,
): ReplicaProblem | undefined {
  switch (status.io_errno) {
    case ERRNO.accessDenied:
      return 'access-denied';
    case ERRNO.cannotConnect:
    case ERRNO.unknownHost:
      return 'unreachable';
    case ERRNO.netReadInterrupted:
    case ERRNO.netReadError:
    case ERRNO.serverLost:
    case ERRNO.sslConnectionError:
      return 'link-failing';
    case ERRNO.sourceFatalMariadb:
    case ERRNO.sourceFatalMysql: {
      // One number for several causes: the source's message says which.
      const e = (status.last_error ?? '').toLowerCase();
      if (e.includes('purged') || e.includes('could not find gtid state')) return 'purged';
      if (e.includes('more gtids') || e.includes("which is not in the master's binlog")) return 'errant';
      return 'source-fatal';
    }
  }
  switch (status.sql_errno) {
    case ERRNO.duplicateKey:
      return 'duplicate-key';
    case ERRNO.rowNotFound:
      return 'row-not-found';
    case ERRNO.gtidOutOfOrder:
      return 'errant';
  }
  return undefined;
}

/** The fix that starts a lab's data afresh, naming the lab unless it is the default one. */
const rebuild = (lab: string) => {
  const flag = nameFlag(lab);
  return `\`infra down${flag} --volumes && infra up${flag}\` (this deletes the lab's data)`;
};

/** What to do about a replica's last error, or undefined when the raw text is all infra knows. */
export function adviceFor(
  status: Pick<ReplicaStatus, 'io_errno' | 'sql_errno' | 'last_error'>,
  replica: string,
  primary: string,
  lab = 'lab',
): string | undefined {
  switch (classifyError(status)) {
    case 'errant':
      return (
        `${replica} holds transactions ${primary} never had (errant GTIDs), so it cannot follow ${primary}. ` +
        `Rebuild the replica from scratch: ${rebuild(lab)}.`
      );
    case 'purged':
      return `${primary} has purged binary logs ${replica} still needs. Rebuild the replica: ${rebuild(lab)}.`;
    case 'access-denied':
      return `${replica} cannot log in to ${primary} as the replication user: the lab's .env no longer matches the data volumes. Restore .env, or start fresh with ${rebuild(lab)}.`;
    case 'unreachable':
      return `${replica} cannot reach ${primary}:3306. Check \`infra status\` (is ${primary}'s database running?).`;
    case 'link-failing':
      return (
        `${replica}'s connection to ${primary} breaks midway (see the error): the link between them loses or stalls ` +
        `packets. Its IO thread reconnects by itself and fetches an unfinished transaction again from its start, so ` +
        `a large one may never arrive whole. Look at the network between them: infra's faults (listed above when ` +
        `there are some), a firewall, the MTU.`
      );
    case 'duplicate-key':
      return (
        `a row ${primary} inserted already exists on ${replica}: the replica's data drifted from the primary's ` +
        `(a write made on ${replica} itself). Rebuild the replica: ${rebuild(lab)}.`
      );
    case 'row-not-found':
      return (
        `a row ${primary} changed or deleted is missing on ${replica}: the replica's data drifted from the primary's ` +
        `(a row removed on ${replica} itself). Rebuild the replica: ${rebuild(lab)}.`
      );
    case 'source-fatal':
      return `${primary} could not send its binary log to ${replica} (see the error). \`infra up${nameFlag(lab)}\` retries; if it persists, rebuild: ${rebuild(lab)}.`;
    case undefined:
      return undefined;
  }
}

/** Advice about transactions only the replica executed, and why they matter. */
/**
 * A database that was the primary came back after a failover holding writes the new primary never had: infra does
 * not rejoin it (that would discard them or break replication). How to look, and how to start it over.
 */
export function divergedAdvice(server: string, primary: string, errant: string, lab = 'lab'): string {
  const flag = nameFlag(lab);
  return (
    `${server} holds transactions ${primary} never had (${errant}): writes it took before it failed, which never ` +
    `reached ${primary}. infra leaves ${server} out of replication rather than discard them: it stays read-only, its ` +
    `data as they were, and its app still reads them (pin a request to it: \`curl -H 'X-Infra-Server: ${server}' …\`). ` +
    `To rejoin it with ${primary}'s data instead, delete its database and let infra rebuild it: ` +
    `\`docker rm -f infra-${lab}-${server}-db && docker volume rm infra-${lab}_${server}-db-data && infra up${flag}\`.`
  );
}

export function errantAdvice(replica: string, primary: string, errant: string, lab = 'lab'): string {
  return (
    `${replica} executed transactions ${primary} never did (${errant}): a write made on the replica itself. ` +
    `Replication still runs, but the data differ, a later write from ${primary} can collide with them, and promoting ` +
    `${replica} would hand them to every other server. Rebuild the replica: ${rebuild(lab)}.`
  );
}
