// The one module that knows mysql2: a database session is something that runs a query and returns rows. Everything
// else (replication apply, status, the checks) works on DbSession, so unit tests hand it scripted sessions.
import mysql from 'mysql2/promise';

export type Row = Record<string, unknown>;

export interface DbSession {
  /** Runs one statement; SELECTs and SHOWs return their rows, other statements an empty list. */
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  end(): Promise<void>;
}

/** A server's error as the client library reports it: `code` is the symbolic name (ER_ACCESS_DENIED_ERROR). */
export interface DbError extends Error {
  code?: string;
  errno?: number;
}

export interface SessionOptions {
  /** A port on 127.0.0.1 (the forwarder's). */
  port: number;
  user: string;
  password: string;
  database?: string;
  connectTimeoutMs?: number;
  /** How long one statement may go unanswered before it fails (default DEFAULT_QUERY_TIMEOUT_MS). */
  queryTimeoutMs?: number;
}

/**
 * No statement infra sends waits longer on purpose (a replica's catch-up waits 30 s at most): past this, the link is
 * stalled (a partition, heavy loss) and the statement fails instead of hanging the command.
 */
export const DEFAULT_QUERY_TIMEOUT_MS = 45_000;

/** Opens a session: openSession on real databases, a scripted one in unit tests. */
export type SessionOpener = (options: SessionOptions) => Promise<DbSession>;

export async function openSession(options: SessionOptions): Promise<DbSession> {
  // Only 127.0.0.1: infra's own process listens there and relays to the lab's databases (forwarder or SSH tunnel).
  const connection = await mysql.createConnection({
    host: '127.0.0.1',
    port: options.port,
    user: options.user,
    password: options.password,
    database: options.database,
    connectTimeout: options.connectTimeoutMs ?? 3000,
  });
  const timeout = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  return {
    async query(sql, params) {
      try {
        const [rows] = await connection.query({ sql, timeout }, params);
        return Array.isArray(rows) ? (rows as Row[]) : [];
      } catch (error) {
        if ((error as DbError).code !== 'PROTOCOL_SEQUENCE_TIMEOUT') throw error;
        throw Object.assign(
          new Error(`no answer within ${timeout / 1000} s (a stalled link: a partition, heavy packet loss?)`),
          { code: 'PROTOCOL_SEQUENCE_TIMEOUT' },
        );
      }
    },
    // A polite quit, but never waiting on a stalled link: after 2 s the socket is simply closed.
    async end() {
      const quit = connection.end().catch(() => undefined);
      await Promise.race([quit, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      connection.destroy();
    },
  };
}
