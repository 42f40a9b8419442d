import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adviceFor, isReplicating, parseReplicaStatus } from './replica-status.js';
import { fixturesDir } from '../../test/helpers/fixtures.js';

const rows = (name: string) =>
  JSON.parse(readFileSync(path.join(fixturesDir, 'replica-status', `${name}.json`), 'utf8'));

it('reads a running MariaDB 11.8 replica (captured from a lab) by its old column names', () => {
  const status = parseReplicaStatus(rows('mariadb-11.8-running'), '0-1-20');
  expect(status).toMatchObject({
    configured: true,
    source_host: 'web-01',
    io_running: 'Yes',
    sql_running: 'Yes',
    lag_seconds: 0,
    last_error: null,
  });
  expect(status.gtid_retrieved).toMatch(/^0-1-\d+$/);
  expect(isReplicating(status)).toBe(true);
});

it('reads a MariaDB replica whose SQL thread was stopped: no lag figure, not replicating', () => {
  const status = parseReplicaStatus(rows('mariadb-11.8-sql-stopped'));
  expect(status).toMatchObject({ io_running: 'Yes', sql_running: 'No', lag_seconds: null });
  expect(isReplicating(status)).toBe(false);
});

it('reads a MariaDB replica that cannot log in, and says what to do', () => {
  const status = parseReplicaStatus(rows('mariadb-11.8-access-denied'));
  expect(status.io_running).toBe('Connecting');
  expect(status.last_error).toMatch(/^IO: error connecting to master .*Access denied/);
  expect(adviceFor(status.last_error!, 'web-02', 'web-01')).toMatch(/cannot log in to web-01 as the replication user/);
});

it('reads a MySQL 8.4 replica by the new column names', () => {
  const status = parseReplicaStatus(rows('mysql-8.4-running'));
  expect(status).toMatchObject({
    configured: true,
    io_running: 'Yes',
    sql_running: 'Yes',
    lag_seconds: 0,
    gtid_executed: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-9',
  });
});

it('recognises a MySQL source that purged what the replica needs', () => {
  const status = parseReplicaStatus(rows('mysql-8.4-source-purged'));
  expect(status.lag_seconds).toBeNull();
  expect(adviceFor(status.last_error!, 'web-02', 'web-01')).toMatch(/web-01 has purged binary logs web-02 still needs/);
});

it("recognises errant GTIDs in either flavour's wording", () => {
  // MariaDB 11.8, after a write made on the replica itself and the primary's next transaction (seen on a lab):
  expect(
    adviceFor(
      'SQL: An attempt was made to binlog GTID 0-1-9 which would create an out-of-order sequence number with existing GTID 0-2-9, and gtid strict mode is enabled',
      'web-02',
      'web-01',
    ),
  ).toMatch(/errant GTIDs/);
  expect(
    adviceFor("Slave has more GTIDs than the master has, using the master's SERVER_UUID", 'web-02', 'web-01'),
  ).toMatch(/errant GTIDs/);
  expect(
    adviceFor(
      "Error: connecting slave requested to start from GTID 0-2-5, which is not in the master's binlog",
      'web-02',
      'web-01',
    ),
  ).toMatch(/errant GTIDs/);
});

it('an empty result is a server that is not a replica', () => {
  expect(parseReplicaStatus([])).toMatchObject({ configured: false, io_running: 'No', sql_running: 'No' });
});
