// Reads a `SHOW REPLICA STATUS` row of either flavour by column name: MariaDB keeps the old names (Slave_IO_Running,
// Seconds_Behind_Master, Gtid_IO_Pos), MySQL 8.4 uses the new ones (Replica_IO_Running, Seconds_Behind_Source,
// Retrieved_Gtid_Set). Also classifies the errors a user can act on.

export interface ReplicaStatus {
  configured: boolean;
  source_host: string | null;
  io_running: 'Yes' | 'No' | 'Connecting';
  sql_running: 'Yes' | 'No';
  /** NULL while a thread is stopped; can read 0 while the IO thread fails, so read the threads first. */
  lag_seconds: number | null;
  last_error: string | null;
  gtid_retrieved: string | null;
  gtid_executed: string | null;
}

/** The live replication state of a lab, as `status` and `explain` report it. */
export interface ReplicationState {
  primary: { server: string; gtid_position: string | null } | null;
  replicas: {
    server: string;
    io_running: string;
    sql_running: string;
    lag_seconds: number | null;
    last_error: string | null;
    advice?: string;
    gtid_retrieved: string | null;
    gtid_executed: string | null;
    read_only: boolean;
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
      sql_running: 'No',
      lag_seconds: null,
      last_error: null,
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
    io_running: io === 'Yes' || io === 'Connecting' ? io : 'No',
    sql_running: sql === 'Yes' ? 'Yes' : 'No',
    lag_seconds: lag === null || lag === undefined || io !== 'Yes' || sql !== 'Yes' ? null : Number(lag),
    last_error: [ioError && `IO: ${ioError}`, sqlError && `SQL: ${sqlError}`].filter(Boolean).join('; ') || null,
    gtid_retrieved: text(pick(row, 'Retrieved_Gtid_Set', 'Gtid_IO_Pos')),
    gtid_executed: text(pick(row, 'Executed_Gtid_Set')) ?? executedGtids,
  };
}

export function isReplicating(status: ReplicaStatus): boolean {
  return status.io_running === 'Yes' && status.sql_running === 'Yes';
}

/** Turns a replica's error into what to do about it, or undefined when the raw text is all we know. */
export function adviceFor(lastError: string, replica: string, primary: string): string | undefined {
  const e = lastError.toLowerCase();
  if (
    e.includes('more gtids') ||
    e.includes('which is not in the master') ||
    e.includes('errant') ||
    e.includes('out-of-order sequence number')
  ) {
    return (
      `${replica} holds transactions ${primary} never had (errant GTIDs), so it cannot follow ${primary}. ` +
      "Rebuild the replica from scratch: `infra down --volumes && infra up` (this deletes the lab's data)."
    );
  }
  if (e.includes('purged') || e.includes('could not find gtid state')) {
    return (
      `${primary} has purged binary logs ${replica} still needs. Rebuild the replica: ` +
      "`infra down --volumes && infra up` (this deletes the lab's data)."
    );
  }
  if (e.includes('access denied') || e.includes('1045')) {
    return `${replica} cannot log in to ${primary} as the replication user: the lab's .env no longer matches the data volumes. Restore .env, or start fresh with \`infra down --volumes && infra up\`.`;
  }
  if (e.includes("can't connect") || e.includes('error connecting') || e.includes('2003') || e.includes('2005')) {
    return `${replica} cannot reach ${primary}:3306. Check \`infra status\` (is ${primary}'s database running?).`;
  }
  return undefined;
}
