// The replication plan is pure data (docs/ARCHITECTURE.md, habit 4): the ordered SQL for the primary and for each
// replica, per flavour, printable with passwords masked (`infra replication plan`, `infra up --dry-run`) and tested
// without a database. apply.ts runs it; it decides *whether* a replica needs its first-time setup, this decides
// *what* it is.
import { flavourOf } from '../flavours/index.js';
import { APP_DB, EXPORTER_DB_USER } from '../topology/lab-constants.js';
import type { Flavour, Lab } from '../topology/types.js';
import { nameFlag, primaryServer, replicaServers, webServers } from '../topology/types.js';
import { pick, seeded } from '../topology/seed.js';
import { quote, stmt, type Statement } from '../flavours/statement.js';

export type { Statement };

export interface ReplicaPlan {
  server: string;
  /** First-time setup: wipe the replica's own GTID history, point it at the primary, start it, make it read-only. */
  configure: Statement[];
  /** A replica already pointed at the primary (a restart, `down` + `up` with volumes): start it, keep its position. */
  resume: Statement[];
  /** A replica running on a connection to a primary that has restarted since: it connects again, keeping its place. */
  reconnect: Statement[];
  /** A database with data pointed elsewhere or nowhere (an old primary after `infra promote`): join from its GTIDs. */
  rejoin: Statement[];
}

export interface ReplicationPlan {
  flavour: Flavour;
  primary: { server: string; statements: Statement[] };
  replicas: ReplicaPlan[];
}

export interface ReplicationSecrets {
  replicationPassword: string;
  appPassword: string;
  /** `monitored` labs: the database exporter's. */
  exporterPassword?: string;
}

export const REPLICATION_USER = 'repl';
/** A table of infra's own where the verify step writes its marker rows. */
export const MARKER_TABLE = `${APP_DB.database}.infra_replication_check`;

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
  const flavour = flavourOf(lab);
  if (lab.seed !== undefined) {
    // A seeded lab starts with its own visits (how many, and by which server, follow the seed): counts and ids a
    // student reports are theirs. INSERT IGNORE keeps a re-run from adding them twice.
    const count = 3 + seeded(lab.seed, 'visits', 17);
    const web = webServers(lab).map((s) => s.name);
    const rows = Array.from({ length: count }, (_, i) => `(${i + 1}, ${quote(pick(lab.seed, `visit ${i}`, web))})`);
    primaryStatements.push(stmt(`INSERT IGNORE INTO ${APP_DB.database}.visits (id, server) VALUES ${rows.join(', ')}`));
  }
  if (lab.capabilities.monitoring) {
    // From its own server only (it runs beside the database); it replicates, so every server has it.
    const exporter = secrets.exporterPassword ?? '';
    primaryStatements.push(
      stmt(`CREATE USER IF NOT EXISTS '${EXPORTER_DB_USER}'@'127.0.0.1' IDENTIFIED BY ${quote(exporter)}`, [exporter]),
      {
        ...stmt(`GRANT ${flavour.monitorPrivileges} ON *.* TO '${EXPORTER_DB_USER}'@'127.0.0.1'`),
        // infra's user gets the right to grant these when its database is made: not for databases made before.
        ifDenied:
          'these databases were made before the monitored profile was on, so infra may not grant the exporter its ' +
          `privileges: \`infra down --volumes${nameFlag(lab.name)}\` (their data is deleted) then \`infra up\` again, ` +
          'or leave monitored off',
      },
    );
  }
  const replicas = replicaServers(lab).map((s) => ({
    server: s.name,
    configure: flavour.configureReplica(primary.name, REPLICATION_USER, repl),
    resume: [stmt('START REPLICA'), flavour.readOnly.set],
    reconnect: [stmt('STOP REPLICA IO_THREAD'), stmt('START REPLICA IO_THREAD')],
    rejoin: flavour.repointReplica(primary.name, REPLICATION_USER, repl),
  }));
  return { flavour: lab.flavour, primary: { server: primary.name, statements: primaryStatements }, replicas };
}

export function formatPlan(plan: ReplicationPlan): string {
  const lines = [`-- ${plan.flavour}: on the primary, ${plan.primary.server}`];
  lines.push(...plan.primary.statements.map((s) => `${s.shown};`));
  for (const r of plan.replicas) {
    lines.push('', `-- on the replica ${r.server}, the first time`, ...r.configure.map((s) => `${s.shown};`));
    lines.push('', `-- on the replica ${r.server}, when already configured`, ...r.resume.map((s) => `${s.shown};`));
    lines.push(
      '',
      `-- on the replica ${r.server}, when it runs but ${plan.primary.server} does not list it (${plan.primary.server} restarted under it)`,
      ...r.reconnect.map((s) => `${s.shown};`),
    );
    lines.push(
      '',
      `-- on ${r.server}, when it holds data but replicates from elsewhere (it was the primary)`,
      ...r.rejoin.map((s) => `${s.shown};`),
    );
  }
  return lines.join('\n') + '\n';
}
