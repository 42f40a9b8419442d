// The lab's application server: one per web server, on that server's 127.0.0.1:5000 behind Nginx. It reads from its
// own server's database and writes to the primary — the read/write split of the design. Which server holds the
// primary is not fixed: infra keeps its name in primary.json beside this file (`infra promote` changes it), and the
// app follows it without a restart. Bundled with mysql2 into one file (scripts/bundle-app.mjs) so no container runs
// `npm install`.
import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';

const env = {
  server: process.env.INFRA_SERVER ?? 'unknown',
  /** Where infra writes the primary's name (the app folder, mounted from the lab folder). */
  primaryFile: process.env.INFRA_DB_PRIMARY_FILE ?? path.join(__dirname, 'primary.json'),
  user: process.env.INFRA_DB_USER ?? 'app',
  password: process.env.INFRA_DB_PASSWORD ?? '',
  database: process.env.INFRA_DB_NAME ?? 'footer',
};

const poolOptions = {
  user: env.user,
  password: env.password,
  database: env.database,
  port: 3306,
  connectTimeout: 2000,
  connectionLimit: 4,
  enableKeepAlive: true,
};
/** When each pooled connection last answered: one idle longer than TRUSTED_IDLE_MS is pinged before it is used. */
const lastAnswered = new WeakMap<object, number>();
const TRUSTED_IDLE_MS = 500;
/** A ping unanswered this long marks a connection to a server that vanished without closing it. */
const PING_TIMEOUT_MS = 1000;

function pooled(host: string): mysql.Pool {
  const pool = mysql.createPool({ ...poolOptions, host });
  pool.on('connection', (connection) => lastAnswered.set(connection, Date.now()));
  return pool;
}

/**
 * A statement on one of the pool's connections. A connection idle for a while is pinged first: when its server's
 * network namespace died (its server restarted or was recreated under the same address), the connection looks open
 * but the first packet on it is refused. That one is dropped and another taken, before any statement is sent, so
 * a visitor gets an answer and nothing runs twice.
 */
async function withConnection<T>(pool: mysql.Pool, use: (db: mysql.PoolConnection) => Promise<T>): Promise<T> {
  const db = await liveConnection(pool);
  try {
    const result = await use(db);
    lastAnswered.set(db.connection, Date.now());
    db.release();
    return result;
  } catch (error) {
    // A connection broken under a statement goes; one whose statement failed (read-only, say) serves the next.
    if ((error as { fatal?: boolean }).fatal) db.destroy();
    else db.release();
    throw error;
  }
}

async function liveConnection(pool: mysql.Pool): Promise<mysql.PoolConnection> {
  for (let attempt = 0; ; attempt++) {
    const db = await pool.getConnection();
    if (Date.now() - (lastAnswered.get(db.connection) ?? 0) <= TRUSTED_IDLE_MS) return db;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        db.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('ping unanswered')), PING_TIMEOUT_MS);
        }),
      ]);
      return db;
    } catch (error) {
      db.destroy();
      // Every idle connection the pool held may be dead; a new one then tells a real outage.
      if (attempt > poolOptions.connectionLimit) throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** This server's own database: the primary or a replica. Reads go here. */
const local = pooled('127.0.0.1');

/** The primary's pool, for the name primary.json gives; re-read when the file changes. */
let primary: { host: string; pool: mysql.Pool; fileVersion: number } | undefined;

function primaryPool(): { host: string; pool: mysql.Pool } {
  const version = statSync(env.primaryFile).mtimeMs;
  if (primary?.fileVersion === version) return primary;
  const host = String((JSON.parse(readFileSync(env.primaryFile, 'utf8')) as { primary?: unknown }).primary ?? '');
  if (!host) throw new Error(`${env.primaryFile} names no primary`);
  if (primary?.host !== host) {
    // Closed once the writes it holds have had their time: ending it now would fail a write still waiting for one of
    // its connections ("Pool is closed."), one that never ran and would have been retried on the new primary.
    const old = primary?.pool;
    if (old) setTimeout(() => void old.end().catch(() => undefined), WRITE_WAIT_MS).unref();
    // Its own server's database over loopback, like the reads: the same connection whatever the firewall.
    primary = {
      host,
      pool: pooled(host === env.server ? '127.0.0.1' : host),
      fileVersion: version,
    };
  } else {
    primary.fileVersion = version;
  }
  return primary;
}

/** While the primary moves (`infra promote`), the old one refuses writes (read-only) until infra names the new one. */
const WRITE_WAIT_MS = 10_000;
const READ_ONLY_ERROR = 1290; // ER_OPTION_PREVENTS_STATEMENT, both flavours
/** Failures to connect: the statement never reached a server. (A connection lost mid-statement is not retried: the
 * write may have committed.) */
const MOVED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * A write on the primary. When the primary refuses it as read-only or cannot be reached, the write waits for infra
 * to name another (checking primary.json every 100 ms, 10 s at most) and is tried there: a visitor sees a slower
 * answer during a switchover, not an error. Only statements that did not run are retried, so nothing is written twice.
 */
async function onPrimary<T>(write: (db: Queryable, host: string) => Promise<T>): Promise<T> {
  const deadline = Date.now() + WRITE_WAIT_MS;
  for (;;) {
    const { pool, host } = primaryPool();
    try {
      return await withConnection(pool, (db) => write(db, host));
    } catch (error) {
      const e = error as { errno?: number; code?: string };
      // A pool closed under a write that waited for a connection: the statement never reached a server.
      const closed = (error as Error).message === 'Pool is closed.';
      const refused = e.errno === READ_ONLY_ERROR || MOVED.has(e.code ?? '') || closed;
      if (!refused || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Rows = mysql.RowDataPacket[];
type Queryable = Pick<mysql.PoolConnection, 'query'>;

let gtidVariable: Promise<string> | undefined;

/** The variable holding a server's executed GTIDs: asked once, the flavour does not change under a running app. */
function gtidVariableOf(db: Queryable): Promise<string> {
  gtidVariable ??= db
    .query<Rows>('SELECT VERSION() AS v')
    .then(([rows]) => (/mariadb/i.test(String(rows[0].v)) ? '@@GLOBAL.gtid_current_pos' : '@@GLOBAL.gtid_executed'));
  gtidVariable.catch(() => (gtidVariable = undefined));
  return gtidVariable;
}

async function gtidPosition(db: Queryable): Promise<string> {
  const [rows] = await db.query<Rows>(`SELECT ${await gtidVariableOf(db)} AS pos`);
  return String(rows[0].pos ?? '');
}

/** Read-only flag and GTID position of a database in one round trip; the role follows from the primary's name. */
async function databaseState(db: Queryable): Promise<{ role: string; read_only: boolean; gtid_position: string }> {
  const [rows] = await db.query<Rows>(`SELECT @@GLOBAL.read_only AS ro, ${await gtidVariableOf(db)} AS pos`);
  return { role: localRole(), read_only: Number(rows[0].ro) === 1, gtid_position: String(rows[0].pos ?? '') };
}

function localRole(): string {
  try {
    return primaryPool().host === env.server ? 'primary' : 'replica';
  } catch {
    return 'unknown';
  }
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new HttpError(413, 'request body too large (10 kB at most)');
  }
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
}

/**
 * How the request reached the LB, from the headers the proxies in front set: the scheme the client used (HTTPS ends
 * at the LB in secured labs) and the client's address (the first X-Forwarded-For hop).
 */
function forwardedFor(req: http.IncomingMessage): { scheme: string; client: string | null } {
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    scheme: header('x-forwarded-proto') ?? 'http',
    client: header('x-forwarded-for')?.split(',')[0].trim() ?? null,
  };
}

async function route(req: http.IncomingMessage): Promise<[number, unknown]> {
  const url = new URL(req.url ?? '/', 'http://app');
  const method = req.method ?? 'GET';
  // Liveness for Docker's health check: the process answers, whatever its database does.
  if (url.pathname === '/api/live' && method === 'GET') return [200, { status: 'live', server: env.server }];
  if (url.pathname === '/api/health' && method === 'GET') {
    await withConnection(local, (db) => db.query('SELECT 1'));
    return [200, { status: 'ok', server: env.server }];
  }
  if (url.pathname === '/api/whoami' && method === 'GET') {
    return [
      200,
      {
        server: env.server,
        app_host: os.hostname(),
        request: forwardedFor(req),
        database: await withConnection(local, databaseState),
      },
    ];
  }
  if (url.pathname === '/api/visits' && method === 'POST') {
    const body = await readBody(req);
    const note = (body as { note?: unknown }).note;
    if (note !== undefined && typeof note !== 'string') throw new HttpError(400, '"note" must be a string');
    const [result, host, position] = await onPrimary(async (db, host) => {
      const [inserted] = await db.query<mysql.ResultSetHeader>('INSERT INTO visits (server) VALUES (?)', [env.server]);
      return [inserted, host, await gtidPosition(db).catch(() => null)] as const;
    });
    return [201, { id: result.insertId, written_by: env.server, written_to: host, gtid_position: position }];
  }
  const match = url.pathname.match(/^\/api\/visits\/([^/]+)$/);
  if (match && method === 'GET') {
    if (!/^[1-9]\d{0,17}$/.test(match[1])) throw new HttpError(400, 'the visit id must be a positive whole number');
    const [rows] = await withConnection(local, (db) =>
      db.query<Rows>('SELECT id, server, created_at FROM visits WHERE id = ?', [match[1]]),
    );
    if (rows.length === 0)
      throw new HttpError(404, `no visit ${match[1]} in the ${localRole()} database of ${env.server} (yet)`);
    return [
      200,
      {
        id: Number(rows[0].id),
        written_by: rows[0].server,
        created_at: rows[0].created_at,
        read_from: `${env.server} (${localRole()})`,
      },
    ];
  }
  if (url.pathname.startsWith('/api/visits') || url.pathname === '/api/whoami' || url.pathname === '/api/health') {
    throw new HttpError(405, `${method} is not allowed on ${url.pathname}`);
  }
  throw new HttpError(404, `no such endpoint: ${method} ${url.pathname}`);
}

const server = http.createServer((req, res) => {
  route(req)
    .catch((error: Error & { code?: string; errno?: number }): [number, unknown] => {
      if (error instanceof HttpError) return [error.status, { error: error.message }];
      // Any database failure (down, unreachable, read-only) is a 503 for the client, never a crash of the app.
      return [503, { error: 'database unavailable', detail: error.code ?? error.message, server: env.server }];
    })
    .then(([status, body]) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body) + '\n');
    });
});

server.keepAliveTimeout = 70_000; // longer than Nginx's upstream keepalive, so Nginx closes first
server.listen(5000, '127.0.0.1', () =>
  console.log(`app of ${env.server} listening on 127.0.0.1:5000 (database: ${localRole()})`),
);

// Docker stops containers with SIGTERM; without a handler Node would wait out the stop timeout.
process.on('SIGTERM', () => {
  server.close();
  void Promise.allSettled([local.end(), primary?.pool.end()]).then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
