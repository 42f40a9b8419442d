// The replication plan is pure data (DESIGN.md habit 4): the ordered SQL for the primary and for each replica, per
// flavour, printable with passwords masked (`infra replication plan`, `infra up --dry-run`) and tested without a
// database. apply.ts runs it; it decides *whether* a replica needs its first-time setup, this decides *what* it is.
import { APP_DB } from '../render/compose-view.js';
import type { Flavour, Lab } from '../topology/types.js';
import { primaryServer, webServers } from '../topology/types.js';

export interface Statement {
  sql: string;
  /** The same statement with every password replaced by '***', for printing. */
  shown: string;
}

export interface ReplicaPlan {
  server: string;
  /** First-time setup: wipe the replica's own GTID history, point it at the primary, start it, make it read-only. */
  configure: Statement[];
  /** A replica already pointed at the primary (a restart, `down` + `up` with volumes): start it, keep its position. */
  resume: Statement[];
}

export interface ReplicationPlan {
  flavour: Flavour;
  primary: { server: string; statements: Statement[] };
  replicas: ReplicaPlan[];
}

export interface ReplicationSecrets {
  replicationPassword: string;
  appPassword: string;
}

export const REPLICATION_USER = 'repl';
/** A table of infra's own where the verify step writes its marker rows. */
export const MARKER_TABLE = `${APP_DB.database}.infra_replication_check`;

const MASK = '***';
/** Seconds between the replica's reconnection attempts; small so a restarted primary is picked up at once. */
const CONNECT_RETRY_SECONDS = 1;
/** MySQL gives up after SOURCE_RETRY_COUNT attempts; a day of retries outlasts any lab pause. */
const RETRY_COUNT = 86_400;

function stmt(sql: string, secrets: string[] = []): Statement {
  return { sql, shown: secrets.reduce((s, secret) => s.split(secret).join(MASK), sql) };
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

export function planReplication(lab: Lab, secrets: ReplicationSecrets): ReplicationPlan {
  const primary = primaryServer(lab);
  const repl = secrets.replicationPassword;
  const app = secrets.appPassword;
  // Users and schema are created on the primary only and reach the replica through replication, so the replica
  // never holds a transaction of its own (an errant GTID) that would later collide with the primary's.
  const primaryStatements = [
    stmt(`CREATE USER IF NOT EXISTS '${REPLICATION_USER}'@'%' IDENTIFIED BY ${quote(repl)}`, [repl]),
    stmt(`GRANT REPLICATION SLAVE ON *.* TO '${REPLICATION_USER}'@'%'`),
    stmt(`CREATE DATABASE IF NOT EXISTS ${APP_DB.database}`),
    stmt(`CREATE USER IF NOT EXISTS '${APP_DB.user}'@'%' IDENTIFIED BY ${quote(app)}`, [app]),
    stmt(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${APP_DB.database}.* TO '${APP_DB.user}'@'%'`),
    stmt(
      `CREATE TABLE IF NOT EXISTS ${APP_DB.database}.visits (id BIGINT AUTO_INCREMENT PRIMARY KEY, ` +
        `server VARCHAR(64) NOT NULL, created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))`,
    ),
    stmt(
      `CREATE TABLE IF NOT EXISTS ${MARKER_TABLE} (id BIGINT AUTO_INCREMENT PRIMARY KEY, ` +
        `note VARCHAR(64) NOT NULL, created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))`,
    ),
  ];
  const replicas = webServers(lab)
    .filter((s) => s.database?.role === 'replica')
    .map((s) => ({
      server: s.name,
      configure: lab.flavour === 'mysql' ? mysqlConfigure(primary.name, repl) : mariadbConfigure(primary.name, repl),
      resume: [stmt('START REPLICA'), readOnly(lab.flavour)],
    }));
  return { flavour: lab.flavour, primary: { server: primary.name, statements: primaryStatements }, replicas };
}

function readOnly(flavour: Flavour): Statement {
  // MySQL's super_read_only also stops root; MariaDB has only read_only (root keeps READ ONLY ADMIN).
  return stmt(flavour === 'mysql' ? 'SET GLOBAL super_read_only = ON' : 'SET GLOBAL read_only = ON');
}

function mariadbConfigure(primary: string, password: string): Statement[] {
  return [
    stmt('STOP REPLICA'),
    // The replica's own initialisation must leave no GTIDs behind: clear its binlog and its replication position.
    stmt('RESET MASTER'),
    stmt(`SET GLOBAL gtid_slave_pos = ''`),
    stmt(
      `CHANGE MASTER TO MASTER_HOST=${quote(primary)}, MASTER_PORT=3306, MASTER_USER='${REPLICATION_USER}', ` +
        `MASTER_PASSWORD=${quote(password)}, MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=${CONNECT_RETRY_SECONDS}, ` +
        // 11.4+ encrypts and verifies by default; with a password-authenticated user MariaDB verifies the primary's
        // self-signed certificate from the password itself, so TLS stays on without a lab CA.
        'MASTER_SSL=1, MASTER_SSL_VERIFY_SERVER_CERT=1',
      [password],
    ),
    stmt('START REPLICA'),
    readOnly('mariadb'),
  ];
}

function mysqlConfigure(primary: string, password: string): Statement[] {
  return [
    stmt('STOP REPLICA'),
    stmt('RESET BINARY LOGS AND GTIDS'),
    stmt(
      `CHANGE REPLICATION SOURCE TO SOURCE_HOST=${quote(primary)}, SOURCE_PORT=3306, SOURCE_USER='${REPLICATION_USER}', ` +
        `SOURCE_PASSWORD=${quote(password)}, SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1, ` +
        `SOURCE_CONNECT_RETRY=${CONNECT_RETRY_SECONDS}, SOURCE_RETRY_COUNT=${RETRY_COUNT}`,
      [password],
    ),
    stmt('START REPLICA'),
    // PERSIST also sets the global value now; mysqld-auto.cnf is read after my.cnf, so after a restart this
    // replica comes back read-only and resumes replication by itself.
    stmt('SET PERSIST super_read_only = ON'),
    stmt('SET PERSIST_ONLY skip_replica_start = OFF'),
  ];
}

/** How to read the primary's GTID position and wait for it on a replica, per flavour. */
export const GTID_SQL: Record<Flavour, { position: string; wait: string; timedOut: number }> = {
  mariadb: {
    position: 'SELECT @@GLOBAL.gtid_binlog_pos AS pos',
    wait: 'SELECT MASTER_GTID_WAIT(?, ?) AS r',
    timedOut: -1,
  },
  mysql: {
    position: 'SELECT @@GLOBAL.gtid_executed AS pos',
    wait: 'SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?) AS r',
    timedOut: 1,
  },
};

export function formatPlan(plan: ReplicationPlan): string {
  const lines = [`-- ${plan.flavour}: on the primary, ${plan.primary.server}`];
  lines.push(...plan.primary.statements.map((s) => `${s.shown};`));
  for (const r of plan.replicas) {
    lines.push('', `-- on the replica ${r.server}, the first time`, ...r.configure.map((s) => `${s.shown};`));
    lines.push('', `-- on the replica ${r.server}, when already configured`, ...r.resume.map((s) => `${s.shown};`));
  }
  return lines.join('\n') + '\n';
}
