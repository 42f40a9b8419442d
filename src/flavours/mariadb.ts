// MariaDB (Debian's 11.8 or the official mariadb:11.8): MASTER_USE_GTID replication, TLS verified from the
// replication password, read_only on replicas.
import { HEALTH_INTERVAL, secret } from '../templating/service-parts.js';
import { quote, stmt } from './statement.js';
import { APP_DB } from '../topology/lab-constants.js';
import { OFFICIAL_INIT_MOUNT } from './admin-user.js';
import type { DbSession } from '../database/session.js';
import type { DatabaseFlavour } from './flavour.js';

/** Seconds between the replica's reconnection attempts; small so a restarted primary is picked up at once. */
const CONNECT_RETRY_SECONDS = 1;

// MariaDB has only read_only (root keeps READ ONLY ADMIN), not MySQL's super_read_only.
const readOnly = { set: stmt('SET GLOBAL read_only = ON'), variable: '@@GLOBAL.read_only' };
const writable = [stmt('SET GLOBAL read_only = OFF')];

/** A MariaDB GTID list (`0-1-8,1-2-3`: domain-server-seq each) → seq by `key` of each entry. */
function seqBy(list: string, key: (domain: string, server: string) => string): Map<string, number> {
  return new Map(
    list
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean)
      .map((g) => {
        const [domain, server, seq] = g.split('-');
        return [key(domain, server), Number(seq)] as const;
      }),
  );
}

/**
 * MariaDB GTIDs are domain-server-seq, and gtid_binlog_state keeps the last seq logged per (domain, server id). Every
 * entry of the replica's that the primary's state does not cover (an unknown server id, or a later seq) was written
 * on the replica itself.
 */
export function errantInBinlogState(replicaState: string, primaryState: string): string[] {
  const byServer = (domain: string, server: string) => `${domain}-${server}`;
  const primary = seqBy(primaryState, byServer);
  return [...seqBy(replicaState, byServer)]
    .filter(([key, seq]) => (primary.get(key) ?? -1) < seq)
    .map(([key, seq]) => `${key}-${seq}`);
}

/**
 * Transactions in the primary's position the replica's position lacks: per replication domain, the difference of
 * their sequence numbers (a domain's numbers grow by one per transaction, whichever server wrote it).
 */
export function behindInPositions(replicaPosition: string, primaryPosition: string): number {
  const byDomain = (domain: string) => domain;
  const replica = seqBy(replicaPosition, byDomain);
  return [...seqBy(primaryPosition, byDomain)].reduce(
    (sum, [domain, seq]) => sum + Math.max(0, seq - (replica.get(domain) ?? 0)),
    0,
  );
}

const binlogState = async (session: DbSession) =>
  String((await session.query('SELECT @@GLOBAL.gtid_binlog_state AS s'))[0]?.s ?? '');

/** Points a stopped replica at the primary from the GTID position named, and starts it read-only. */
function follow(primary: string, user: string, password: string, from: 'slave_pos' | 'current_pos') {
  return [
    stmt(
      `CHANGE MASTER TO MASTER_HOST=${quote(primary)}, MASTER_PORT=3306, MASTER_USER='${user}', ` +
        `MASTER_PASSWORD=${quote(password)}, MASTER_USE_GTID=${from}, MASTER_CONNECT_RETRY=${CONNECT_RETRY_SECONDS}, ` +
        // 11.4+ encrypts and verifies by default; with a password-authenticated user MariaDB verifies the primary's
        // self-signed certificate from the password itself, so TLS stays on without a lab CA.
        'MASTER_SSL=1, MASTER_SSL_VERIFY_SERVER_CERT=1',
      [password],
    ),
    stmt('START REPLICA'),
    readOnly.set,
  ];
}

export const mariadb: DatabaseFlavour = {
  name: 'mariadb',
  title: 'MariaDB',
  upstreamImage: 'mariadb:11.8',
  debianPackaged: true,
  myCnfTemplate: 'my.cnf.mariadb',
  // Checked one by one on MariaDB 11.8: RESET MASTER needs RELOAD and BINLOG ADMIN; CHANGE MASTER, START/STOP
  // REPLICA and gtid_slave_pos REPLICATION SLAVE ADMIN; SHOW REPLICA STATUS REPLICA MONITOR; read_only READ_ONLY
  // ADMIN; creating the repl and app users CREATE USER and the grants it hands on; server_id (a database rebuilt
  // after it was the primary replays its old writes under another id) REPLICATION MASTER ADMIN.
  adminGrants: [
    {
      privileges:
        'RELOAD, BINLOG ADMIN, REPLICATION SLAVE ADMIN, REPLICA MONITOR, READ_ONLY ADMIN, REPLICATION MASTER ADMIN',
      on: '*.*',
    },
    { privileges: 'REPLICATION SLAVE, CREATE USER', on: '*.*', grantOption: true },
    { privileges: 'ALL PRIVILEGES', on: `${APP_DB.database}.*`, grantOption: true },
  ],
  // mysqld_exporter's SHOW GLOBAL STATUS, SHOW SLAVE STATUS and the process list; no table of the app.
  monitorPrivileges: 'PROCESS, BINLOG MONITOR, REPLICA MONITOR',
  service(imageSet, server, dataMount) {
    const debian = imageSet === 'debian';
    return {
      // The Debian image's entrypoint (infra's) needs only infra's password; the official one also root's.
      environment: debian
        ? [{ key: 'INFRA_ADMIN_PASSWORD', value: secret('INFRA_ADMIN_PASSWORD') }]
        : [
            { key: 'MARIADB_ROOT_PASSWORD', value: secret('INFRA_ROOT_PASSWORD') },
            { key: 'MARIADB_ROOT_HOST', value: 'localhost' },
            { key: 'INFRA_ADMIN_PASSWORD', value: secret('INFRA_ADMIN_PASSWORD') },
          ],
      // Debian reads mariadb.conf.d/ after conf.d/, and its 50-server.cnf would otherwise bind 127.0.0.1.
      volumes: [
        `./${server}/my.cnf:/etc/mysql/${debian ? 'mariadb.conf.d' : 'conf.d'}/99-infra.cnf:ro`,
        dataMount,
        ...(debian ? [] : [OFFICIAL_INIT_MOUNT]),
      ],
      healthcheck: {
        // Debian's root@localhost authenticates by the socket's peer (the check runs as root in the container): no
        // password on any command line. The official image's own script reads its credentials from a file.
        test: debian
          ? ['CMD', 'mariadb-admin', 'ping', '--silent']
          : ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
        interval: HEALTH_INTERVAL,
        startPeriod: '120s',
      },
    };
  },
  configureReplica(primary, user, password) {
    return [
      stmt('STOP REPLICA'),
      // The replica's own initialisation must leave no GTIDs behind: clear its binlog and its replication position.
      stmt('RESET MASTER'),
      stmt(`SET GLOBAL gtid_slave_pos = ''`),
      ...follow(primary, user, password, 'slave_pos'),
    ];
  },
  // current_pos: what this server applied or wrote itself (an old primary's writes are in its binlog only).
  repointReplica: (primary, user, password) => [
    stmt('STOP REPLICA'),
    ...follow(primary, user, password, 'current_pos'),
  ],
  replicaDelay: (seconds) => [
    stmt('STOP REPLICA'),
    stmt(`CHANGE MASTER TO MASTER_DELAY=${Math.round(seconds)}`),
    stmt('START REPLICA'),
  ],
  promote: [stmt('STOP REPLICA'), stmt('RESET REPLICA ALL'), ...writable],
  writable,
  readOnly,
  connectedReplicas: 'SHOW REPLICA HOSTS',
  gtid: {
    position: 'SELECT @@GLOBAL.gtid_binlog_pos AS pos',
    wait: 'SELECT MASTER_GTID_WAIT(?, ?) AS r',
    timedOut: -1,
    replicaExecuted: 'SELECT @@GLOBAL.gtid_slave_pos AS pos',
  },
  async errantTransactions(replica, primary) {
    const errant = errantInBinlogState(await binlogState(replica), await binlogState(primary));
    return errant.length > 0 ? errant.join(',') : null;
  },
  async transactionsBehind(replica, primary) {
    const [source] = await primary.query('SELECT @@GLOBAL.gtid_binlog_pos AS pos');
    const [applied] = await replica.query('SELECT @@GLOBAL.gtid_current_pos AS pos');
    return behindInPositions(String(applied?.pos ?? ''), String(source?.pos ?? ''));
  },
  async historyHasServerId(primary, serverId) {
    return (await binlogState(primary)).split(',').some((g) => g.trim().split('-')[1] === String(serverId));
  },
  serverPackage: {
    product: 'MariaDB',
    package: 'mariadb-server',
    service: 'mariadb',
    config: '/etc/mysql/mariadb.conf.d/99-infra.cnf',
    client: 'mariadb',
  },
  replicationTraffic: {
    encrypted: true,
    how: 'encrypted with TLS; MariaDB verifies the primary from the replication password',
  },
};
