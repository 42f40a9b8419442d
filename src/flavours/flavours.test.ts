// What each flavour computes from a server's own answers: a replica's errant transactions, in its GTID notation.
import type { DbSession, Row } from '../database/session.js';
import { behindInPositions, errantInBinlogState, mariadb } from './mariadb.js';
import { countGtids, mysql } from './mysql.js';

/** A session that answers each statement from a table of (pattern, rows), and records what it was asked. */
function scripted(answers: [RegExp, Row[]][], seen: { sql: string; params?: unknown[] }[] = []): DbSession {
  return {
    query: async (sql, params) => {
      seen.push({ sql, params });
      return answers.find(([pattern]) => pattern.test(sql))?.[1] ?? [];
    },
    end: async () => undefined,
  };
}

describe('MariaDB: errant transactions from gtid_binlog_state, per domain and server id', () => {
  it('a write on the replica under its own server id (seen on a lab: 0-1-8,0-2-9 vs 0-1-8)', () => {
    expect(errantInBinlogState('0-1-8,0-2-9', '0-1-8')).toEqual(['0-2-9']);
  });
  it('a replica that only applied the primary has none, even when it lags', () => {
    expect(errantInBinlogState('0-1-8', '0-1-8')).toEqual([]);
    expect(errantInBinlogState('0-1-5', '0-1-8')).toEqual([]);
    expect(errantInBinlogState('', '0-1-8')).toEqual([]);
  });
  it("a replica ahead of the primary under the primary's own id (the primary lost its binlog) is errant", () => {
    expect(errantInBinlogState('0-1-12', '0-1-8')).toEqual(['0-1-12']);
  });
  it('other domains count too', () => {
    expect(errantInBinlogState('0-1-8,1-2-3', '0-1-8')).toEqual(['1-2-3']);
  });
  it('reads both states from the servers', async () => {
    const replica = scripted([[/gtid_binlog_state/, [{ s: '0-1-8,0-2-9' }]]]);
    const primary = scripted([[/gtid_binlog_state/, [{ s: '0-1-8' }]]]);
    expect(await mariadb.errantTransactions(replica, primary)).toBe('0-2-9');
    expect(await mariadb.errantTransactions(primary, primary)).toBeNull();
  });
});

it("MySQL: GTID_SUBTRACT of the replica's executed set minus the primary's", async () => {
  const seen: { sql: string; params?: unknown[] }[] = [];
  const primary = scripted([[/gtid_executed/, [{ g: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-9' }]]]);
  const replica = scripted([[/GTID_SUBTRACT/, [{ errant: '9b2f0c1e-0000-11ef-8000-0242c0a8f003:1' }]]], seen);
  expect(await mysql.errantTransactions(replica, primary)).toBe('9b2f0c1e-0000-11ef-8000-0242c0a8f003:1');
  expect(seen).toEqual([
    {
      sql: 'SELECT GTID_SUBTRACT(@@GLOBAL.gtid_executed, ?) AS errant',
      params: ['3e11fa47-71ca-11e1-9e33-c80aa9429562:1-9'],
    },
  ]);
  const clean = scripted([[/GTID_SUBTRACT/, [{ errant: '' }]]]);
  expect(await mysql.errantTransactions(clean, primary)).toBeNull();
});

describe('transactions a replica has not applied yet (status: a replica that cannot fetch the log says it is 0 s behind)', () => {
  it('MariaDB: per domain, the difference of sequence numbers, whichever server wrote them', () => {
    // Seen on a lab with 30% loss on web-02: the replica stuck at 0-1-12 while the primary was at 0-1-13.
    expect(behindInPositions('0-1-12', '0-1-13')).toBe(1);
    expect(behindInPositions('0-1-13', '0-1-13')).toBe(0);
    expect(behindInPositions('0-1-13', '0-2-20')).toBe(7);
    expect(behindInPositions('0-1-5,1-2-3', '0-1-8,1-2-9')).toBe(9);
    expect(behindInPositions('', '0-1-4')).toBe(4);
    expect(behindInPositions('0-2-9', '0-1-8')).toBe(0);
  });
  it("MariaDB: reads the primary's binlog position and what the replica applied", async () => {
    const primary = scripted([[/gtid_binlog_pos/, [{ pos: '0-1-13' }]]]);
    const replica = scripted([[/gtid_current_pos/, [{ pos: '0-1-12' }]]]);
    expect(await mariadb.transactionsBehind(replica, primary)).toBe(1);
  });
  it("MySQL: GTID_SUBTRACT of the primary's executed set minus the replica's, counted", async () => {
    const seen: { sql: string; params?: unknown[] }[] = [];
    const primary = scripted([[/gtid_executed/, [{ g: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-9' }]]]);
    const replica = scripted([[/GTID_SUBTRACT/, [{ missing: '3e11fa47-71ca-11e1-9e33-c80aa9429562:8-9' }]]], seen);
    expect(await mysql.transactionsBehind(replica, primary)).toBe(2);
    expect(seen[0]).toEqual({
      sql: 'SELECT GTID_SUBTRACT(?, @@GLOBAL.gtid_executed) AS missing',
      params: ['3e11fa47-71ca-11e1-9e33-c80aa9429562:1-9'],
    });
    expect(countGtids('')).toBe(0);
    expect(countGtids('3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,9b2f0c1e-0000-11ef-8000-0242c0a8f003:3')).toBe(7);
    expect(countGtids('3e11fa47-71ca-11e1-9e33-c80aa9429562:nightly:1-3')).toBe(3);
  });
});

it('the official MySQL image skips loading time-zone tables, so a new datadir starts with no GTIDs of its own', () => {
  const service = mysql.service('upstream', 'web-01', 'web-01-db-data:/var/lib/mysql');
  expect(service.environment).toContainEqual({ key: 'MYSQL_INITDB_SKIP_TZINFO', value: '1' });
});

describe('moving the primary (infra promote): the same steps in both flavours, each in its own words', () => {
  const shown = (statements: { shown: string }[]) => statements.map((s) => s.shown);

  it('MariaDB: a rejoining database starts from its own GTIDs (current_pos), wiping nothing', () => {
    expect(shown(mariadb.repointReplica('web-02', 'repl', 'pw'))).toEqual([
      'STOP REPLICA',
      "CHANGE MASTER TO MASTER_HOST='web-02', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='***', " +
        'MASTER_USE_GTID=current_pos, MASTER_CONNECT_RETRY=1, MASTER_SSL=1, MASTER_SSL_VERIFY_SERVER_CERT=1',
      'START REPLICA',
      'SET GLOBAL read_only = ON',
    ]);
    expect(shown(mariadb.promote)).toEqual(['STOP REPLICA', 'RESET REPLICA ALL', 'SET GLOBAL read_only = OFF']);
  });

  it('MySQL 8.4: auto-positioning, RESET REPLICA ALL, super_read_only and read_only off and persisted', () => {
    expect(shown(mysql.repointReplica('web-02', 'repl', 'pw'))).toEqual([
      'STOP REPLICA',
      "CHANGE REPLICATION SOURCE TO SOURCE_HOST='web-02', SOURCE_PORT=3306, SOURCE_USER='repl', " +
        "SOURCE_PASSWORD='***', SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1, SOURCE_CONNECT_RETRY=1, " +
        'SOURCE_RETRY_COUNT=86400',
      'START REPLICA',
      'SET PERSIST super_read_only = ON',
      'SET PERSIST_ONLY skip_replica_start = OFF',
    ]);
    expect(shown(mysql.promote)).toEqual([
      'STOP REPLICA',
      'RESET REPLICA ALL',
      'SET PERSIST super_read_only = OFF',
      'SET PERSIST read_only = OFF',
    ]);
    // Nothing of MariaDB's vocabulary, nothing removed from 8.4.
    const all = [...shown(mysql.repointReplica('web-02', 'repl', 'pw')), ...shown(mysql.promote)].join('\n');
    expect(all).not.toMatch(/MASTER|SLAVE/);
  });
});

describe('a replica behind on purpose (infra fault lag): each flavour its own words, 0 undoes it', () => {
  const shown = (statements: { shown: string }[]) => statements.map((s) => s.shown);
  it('MariaDB: MASTER_DELAY, changed while the replica is stopped', () => {
    expect(shown(mariadb.replicaDelay(5))).toEqual([
      'STOP REPLICA',
      'CHANGE MASTER TO MASTER_DELAY=5',
      'START REPLICA',
    ]);
    expect(shown(mariadb.replicaDelay(0))[1]).toBe('CHANGE MASTER TO MASTER_DELAY=0');
  });
  it('MySQL 8.4: SOURCE_DELAY, changed with only the applier stopped', () => {
    expect(shown(mysql.replicaDelay(30))).toEqual([
      'STOP REPLICA SQL_THREAD',
      'CHANGE REPLICATION SOURCE TO SOURCE_DELAY=30',
      'START REPLICA SQL_THREAD',
    ]);
  });
});
