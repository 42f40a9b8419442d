// MySQL 8.4 (the official mysql:8.4; Debian has no MySQL server package): CHANGE REPLICATION SOURCE with
// auto-positioning, super_read_only persisted on replicas, none of the removed MASTER/SLAVE spellings.
import { adminPing, HEALTH_INTERVAL, secret } from '../templating/service-parts.js';
import { quote, stmt } from './statement.js';
import { APP_DB } from '../topology/lab-constants.js';
import { OFFICIAL_INIT_MOUNT } from './admin-user.js';
import type { DatabaseFlavour } from './flavour.js';

const CONNECT_RETRY_SECONDS = 1;
/** MySQL gives up after SOURCE_RETRY_COUNT attempts; a day of retries outlasts any lab pause. */
const RETRY_COUNT = 86_400;

// super_read_only also stops root. PERSIST also sets the global value now; mysqld-auto.cnf is read after my.cnf, so
// after a restart this replica comes back read-only.
const readOnly = { set: stmt('SET GLOBAL super_read_only = ON'), variable: '@@GLOBAL.super_read_only' };

// super_read_only = OFF leaves read_only ON: both are turned off, persisted so a restart keeps the role.
const writable = [stmt('SET PERSIST super_read_only = OFF'), stmt('SET PERSIST read_only = OFF')];

/** Points a stopped replica at the primary, auto-positioned from the GTIDs it holds, and starts it read-only. */
function followFromOwnGtids(primary: string, user: string, password: string) {
  return [
    stmt(
      `CHANGE REPLICATION SOURCE TO SOURCE_HOST=${quote(primary)}, SOURCE_PORT=3306, SOURCE_USER='${user}', ` +
        `SOURCE_PASSWORD=${quote(password)}, SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1, ` +
        `SOURCE_CONNECT_RETRY=${CONNECT_RETRY_SECONDS}, SOURCE_RETRY_COUNT=${RETRY_COUNT}`,
      [password],
    ),
    stmt('START REPLICA'),
    // Persisted, so a restarted replica comes back read-only and resumes replication by itself.
    stmt('SET PERSIST super_read_only = ON'),
    stmt('SET PERSIST_ONLY skip_replica_start = OFF'),
  ];
}

export const mysql: DatabaseFlavour = {
  name: 'mysql',
  title: 'MySQL 8.4',
  upstreamImage: 'mysql:8.4',
  debianPackaged: false,
  myCnfTemplate: 'my.cnf.mysql',
  // From the MySQL 8.4 manual (not run here: no MySQL server can be had): RESET BINARY LOGS AND GTIDS needs
  // RELOAD; CHANGE REPLICATION SOURCE and START/STOP REPLICA REPLICATION_SLAVE_ADMIN; SHOW REPLICA STATUS
  // REPLICATION CLIENT; SET PERSIST super_read_only SYSTEM_VARIABLES_ADMIN, PERSIST_ONLY of a read-only variable
  // also PERSIST_RO_VARIABLES_ADMIN.
  adminGrants: [
    {
      privileges:
        'RELOAD, REPLICATION CLIENT, REPLICATION_SLAVE_ADMIN, SYSTEM_VARIABLES_ADMIN, PERSIST_RO_VARIABLES_ADMIN',
      on: '*.*',
    },
    { privileges: 'REPLICATION SLAVE, CREATE USER', on: '*.*', grantOption: true },
    { privileges: 'ALL PRIVILEGES', on: `${APP_DB.database}.*`, grantOption: true },
  ],
  // mysqld_exporter's SHOW GLOBAL STATUS, SHOW REPLICA STATUS and the process list; no table of the app.
  monitorPrivileges: 'PROCESS, REPLICATION CLIENT',
  service(_imageSet, server, dataMount) {
    return {
      environment: [
        { key: 'MYSQL_ROOT_PASSWORD', value: secret('INFRA_ROOT_PASSWORD') },
        { key: 'MYSQL_ROOT_HOST', value: 'localhost' },
        { key: 'INFRA_ADMIN_PASSWORD', value: secret('INFRA_ADMIN_PASSWORD') },
        // The entrypoint loads the time-zone tables in a logged session: 5 transactions under every new server's own
        // GTIDs, several MB the primary would replicate at the first configure. The lab uses no named time zones.
        { key: 'MYSQL_INITDB_SKIP_TZINFO', value: '1' },
      ],
      volumes: [`./${server}/my.cnf:/etc/mysql/conf.d/99-infra.cnf:ro`, dataMount, OFFICIAL_INIT_MOUNT],
      // TCP, not the socket: the image's init server runs without networking and must not count as healthy.
      // As infra's user: root answers on localhost only.
      healthcheck: {
        test: adminPing('mysqladmin', 'infra', 'INFRA_ADMIN_PASSWORD'),
        interval: HEALTH_INTERVAL,
        startPeriod: '120s',
      },
    };
  },
  configureReplica(primary, user, password) {
    // A new replica first clears the GTIDs its own initialisation left.
    return [stmt('STOP REPLICA'), stmt('RESET BINARY LOGS AND GTIDS'), ...followFromOwnGtids(primary, user, password)];
  },
  repointReplica: (primary, user, password) => [stmt('STOP REPLICA'), ...followFromOwnGtids(primary, user, password)],
  // 8.4 changes the delay with only the applier stopped: the receiver keeps fetching the primary's events.
  replicaDelay: (seconds) => [
    stmt('STOP REPLICA SQL_THREAD'),
    stmt(`CHANGE REPLICATION SOURCE TO SOURCE_DELAY=${Math.round(seconds)}`),
    stmt('START REPLICA SQL_THREAD'),
  ],
  promote: [stmt('STOP REPLICA'), stmt('RESET REPLICA ALL'), ...writable],
  writable,
  readOnly,
  connectedReplicas: 'SHOW REPLICAS',
  gtid: {
    position: 'SELECT @@GLOBAL.gtid_executed AS pos',
    wait: 'SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?) AS r',
    timedOut: 1,
  },
  async errantTransactions(replica, primary) {
    const [source] = await primary.query('SELECT @@GLOBAL.gtid_executed AS g');
    const [row] = await replica.query('SELECT GTID_SUBTRACT(@@GLOBAL.gtid_executed, ?) AS errant', [
      String(source?.g ?? ''),
    ]);
    return String(row?.errant ?? '') || null;
  },
  async transactionsBehind(replica, primary) {
    const [source] = await primary.query('SELECT @@GLOBAL.gtid_executed AS g');
    const [row] = await replica.query('SELECT GTID_SUBTRACT(?, @@GLOBAL.gtid_executed) AS missing', [
      String(source?.g ?? ''),
    ]);
    return countGtids(String(row?.missing ?? ''));
  },
  // MySQL's GTIDs name the server by its UUID, which a rebuilt database does not keep: nothing here tells whether
  // the primary's history holds events of this server id. Not handled (no MySQL server to check it against here).
  historyHasServerId: async () => false,
  serverPackage: {
    product: 'MySQL',
    package: 'mysql-server',
    service: 'mysql',
    config: '/etc/mysql/mysql.conf.d/99-infra.cnf',
    client: 'mysql',
  },
  replicationTraffic: {
    encrypted: false,
    how: 'unencrypted (the password travels RSA-encrypted with GET_SOURCE_PUBLIC_KEY, the data in clear)',
  },
};

/**
 * MySQL 8.0 (Ubuntu's mysql-server, on real servers only): 8.4's replica statements, all in 8.0 since 8.0.26, except
 * that 8.0 clears a new replica's GTIDs with RESET MASTER, a statement 8.4 removed for RESET BINARY LOGS AND GTIDS.
 */
export const mysql80: DatabaseFlavour = {
  ...mysql,
  title: 'MySQL 8.0',
  upstreamImage: 'mysql:8.0',
  configureReplica: (primary, user, password) => [
    stmt('STOP REPLICA'),
    stmt('RESET MASTER'),
    ...followFromOwnGtids(primary, user, password),
  ],
};

/** The transactions a GTID set names: `uuid:1-5:7,uuid2:tag:3` → 7 (ranges are inclusive; 8.4's tags skipped). */
export function countGtids(set: string): number {
  return set
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .flatMap((part) => part.split(':').slice(1))
    .filter((range) => /^\d+(-\d+)?$/.test(range))
    .reduce((sum, range) => {
      const [first, last = first] = range.split('-').map(Number);
      return sum + (last - first + 1);
    }, 0);
}
