// Scripted MariaDB servers for unit tests: each answers the statements infra sends (replica status, GTID
// positions, CHANGE MASTER, START/STOP REPLICA, read_only) from a small state, and logs every statement, so a test
// asserts what infra decided to run without a database. It speaks the MariaDB flavour only.
import type { DbError, DbSession, Row, SessionOpener } from './session.js';

export interface FakeDatabase {
  server: string;
  /** Source host once CHANGE MASTER ran (or as a test sets it up). */
  source: string | null;
  io: boolean;
  /** Its IO thread runs on a connection to a primary that restarted since: the primary does not list it. */
  staleConnection?: boolean;
  /** Its IO thread between two reconnects (MariaDB's Preparing), in the server's words: e.g. over a lossy link. */
  ioReconnecting?: string;
  sql: boolean;
  readOnly: boolean;
  lastSqlError: string;
  /** What it has executed (@@gtid_binlog_pos, @@gtid_current_pos): a replica behind has a smaller one. */
  position: string;
  /** @@gtid_binlog_state: the last GTID logged per domain and server id. */
  binlogState: string;
  /** Each table's checksum as the consistency check reads it: `rows/crc`. */
  tables: Record<string, string>;
  /** Every statement it was sent, in order. */
  statements: string[];
  /** Rows of footer.visits by id, for the replication check. */
  visits: Set<number>;
  /** Privileges infra's user may not grant (GRANT of them is refused, as from a user made without them). */
  ungrantable: string[];
  /** Statements infra's user may not run here (refused for a missing privilege, as a user made before it had it). */
  refuses?: RegExp;
  /** Whether it holds the app's schema (a replica set up before, a former primary), not a fresh datadir. */
  hasAppData: boolean;
  /** Who may log in from infra's forwarder: a datadir from infra before 0.2.0 lacks `infra` (and has root@'%'). */
  users: Set<string>;
}

export class FakeDatabases {
  readonly servers = new Map<string, FakeDatabase>();
  /** Who logs in as whom: the app user's write on a replica is refused as read-only. */
  readonly logins: { server: string; user: string }[] = [];

  constructor(private readonly serverForPort: (port: number) => string | undefined) {}

  get(server: string): FakeDatabase {
    let db = this.servers.get(server);
    if (!db) {
      db = {
        binlogState: '0-1-20',
        position: '0-1-20',
        tables: { infra_replication_check: '2/77', visits: '5/123' },
        server,
        source: null,
        io: false,
        sql: false,
        readOnly: false,
        lastSqlError: '',
        statements: [],
        visits: new Set(),
        ungrantable: [],
        hasAppData: false,
        users: new Set(['infra', 'root', 'app', 'repl']),
      };
      this.servers.set(server, db);
    }
    return db;
  }

  /** A replica already following `primary`, threads running, read-only: what a second `up` finds. */
  replicating(server: string, primary: string): FakeDatabase {
    return Object.assign(this.get(server), { source: primary, io: true, sql: true, readOnly: true, hasAppData: true });
  }

  readonly open: SessionOpener = async ({ port, user }) => {
    const server = this.serverForPort(port);
    if (!server) throw Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED' });
    const db = this.get(server);
    if (!db.users.has(user)) {
      // What MariaDB 11.8 answers for a user it does not know.
      throw Object.assign(new Error(`Access denied for user '${user}'@'172.18.0.9'`), {
        code: 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
        errno: 1698,
      });
    }
    this.logins.push({ server, user });
    return this.session(db, user);
  };

  /** A root session straight to one server, as the forwarder would give. */
  sessionTo(server: string): DbSession {
    return this.session(this.get(server), 'root');
  }

  /** SHOW REPLICA HOSTS on `server`: each replica whose IO thread is connected to it. */
  private connectedTo(server: string): Row[] {
    return [...this.servers.values()]
      .filter((r) => r.source === server && r.io && !r.staleConnection)
      .map((r) => ({ Server_id: serverId(r.server), Host: r.server, Port: 3306, Master_id: serverId(server) }));
  }

  private session(db: FakeDatabase, user: string): DbSession {
    return {
      query: async (sql, params) => {
        db.statements.push(sql);
        if (db.refuses?.test(sql)) throw privilegeMissing('the privilege(s) for this');
        if (/^SHOW (REPLICA HOSTS|REPLICAS)$/.test(sql)) return this.connectedTo(db.server);
        return answer(db, user, sql, params ?? []);
      },
      end: async () => undefined,
    };
  }
}

/** A statement refused for a privilege infra's user lacks, as both flavours report it (1227). */
function privilegeMissing(what: string): Error {
  return Object.assign(new Error(`Access denied; you need (at least one of) ${what}`), {
    code: 'ER_SPECIFIC_ACCESS_DENIED_ERROR',
    errno: 1227,
  });
}

/** The lab's server ids: web-01 is 1, web-02 is 2. */
function serverId(server: string): number {
  return Number(/\d+$/.exec(server)?.[0] ?? 0);
}

function answer(db: FakeDatabase, user: string, sql: string, params: unknown[]): Row[] {
  if (sql.startsWith('GRANT ') && db.ungrantable.some((p) => sql.includes(p))) {
    throw privilegeMissing('the GRANT OPTION privilege(s)');
  }
  const created = /^CREATE USER IF NOT EXISTS '(\w+)'/.exec(sql);
  if (created) db.users.add(created[1]);
  const change = /^CHANGE MASTER TO MASTER_HOST='([^']+)'/.exec(sql);
  if (change) {
    db.source = change[1];
    return [];
  }
  if (sql === 'SHOW REPLICA STATUS') {
    if (!db.source) return [];
    return [
      {
        Master_Host: db.source,
        Slave_IO_State: db.ioReconnecting ?? (db.io ? 'Waiting for master to send event' : ''),
        Slave_IO_Running: db.ioReconnecting ? 'Preparing' : db.io ? 'Yes' : 'No',
        Slave_SQL_Running: db.sql ? 'Yes' : 'No',
        Seconds_Behind_Master: db.io && db.sql ? 0 : null,
        Last_IO_Error: '',
        Last_SQL_Error: db.lastSqlError,
        Gtid_IO_Pos: '0-1-20',
      },
    ];
  }
  if (sql === 'START REPLICA') Object.assign(db, { io: true, sql: true });
  if (sql === 'STOP REPLICA') Object.assign(db, { io: false, sql: false });
  if (sql === 'STOP REPLICA IO_THREAD') db.io = false;
  if (sql === 'START REPLICA IO_THREAD') Object.assign(db, { io: true, staleConnection: false });
  if (sql === 'SELECT @@GLOBAL.server_id AS id') return [{ id: serverId(db.server) }];
  if (sql === 'SET GLOBAL read_only = ON') db.readOnly = true;
  if (sql === 'SET GLOBAL read_only = OFF') db.readOnly = false;
  if (sql === 'RESET REPLICA ALL') db.source = null;
  if (sql.includes('FROM information_schema.SCHEMATA')) return [{ n: db.hasAppData ? 1 : 0 }];
  if (sql.includes('gtid_binlog_state')) return [{ s: db.binlogState }];
  if (sql.includes('FROM information_schema.TABLES')) return Object.keys(db.tables).map((t) => ({ t }));
  if (sql.includes('FROM information_schema.COLUMNS')) {
    return [
      { c: 'id', type: 'bigint', k: 'PRI' },
      { c: 'server', type: 'varchar', k: '' },
    ];
  }
  if (sql.includes(' AS lo, MAX(')) return [{ lo: 1, hi: 5 }];
  const checksum = /BIT_XOR\(CRC32.* FROM `footer`\.`(\w+)`/.exec(sql);
  if (checksum) {
    const [n, crc] = (db.tables[checksum[1]] ?? '0/0').split('/');
    return [{ n: Number(n), crc: Number(crc) }];
  }
  if (sql.includes('@@GLOBAL.read_only')) return [{ ro: db.readOnly ? 1 : 0 }];
  if (/gtid_(binlog|slave|current)_pos/.test(sql)) return [{ pos: db.position }];
  if (sql.startsWith('SELECT MASTER_GTID_WAIT')) {
    // Reached when it replicates and its sequence number is at least the one waited for (one domain here).
    const seq = (position: unknown) => Number(String(position).split('-')[2] ?? 0);
    return [{ r: db.io && db.sql && seq(db.position) >= seq(params[0]) ? 0 : -1 }];
  }
  if (sql.startsWith('SELECT VERSION()')) return [{ v: '11.8.3-MariaDB-deb13' }];
  if (sql.startsWith('INSERT INTO visits') && db.readOnly && user !== 'root') {
    const error: DbError = Object.assign(new Error('The MariaDB server is running with the --read-only option'), {
      code: 'ER_OPTION_PREVENTS_STATEMENT',
    });
    throw error;
  }
  if (/FROM footer\.visits WHERE id = \?/.test(sql)) return db.visits.has(Number(params[0])) ? [{ id: params[0] }] : [];
  return [];
}
