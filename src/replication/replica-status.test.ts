import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adviceFor, classifyError, isReplicating, parseReplicaStatus } from './replica-status.js';
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
  expect(adviceFor(status, 'web-02', 'web-01')).toMatch(/cannot log in to web-01 as the replication user/);
});

it('reads a MariaDB replica whose IO thread is between reconnects (captured under 40% loss) as running, not stopped', () => {
  const status = parseReplicaStatus(rows('mariadb-11.8-io-preparing'));
  expect(status).toMatchObject({ io_running: 'Preparing', io_state: 'Checking master version', last_error: null });
  expect(isReplicating(status)).toBe(false);
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
  expect(adviceFor(status, 'web-02', 'web-01')).toMatch(/web-01 has purged binary logs web-02 still needs/);
});

// One fixture per class and flavour: MariaDB's captured from a lab (each fault made by hand), MySQL 8.4's written
// from the 8.4 manual's messages. The class comes from Last_IO_Errno / Last_SQL_Errno, not from digits in the text.
it.each([
  ['mariadb-11.8-access-denied', 'access-denied', /cannot log in to web-01 as the replication user/],
  ['mysql-8.4-access-denied', 'access-denied', /cannot log in to web-01 as the replication user/],
  ['mariadb-11.8-unreachable', 'unreachable', /cannot reach web-01:3306/],
  ['mysql-8.4-unreachable', 'unreachable', /cannot reach web-01:3306/],
  ['mysql-8.4-unknown-host', 'unreachable', /cannot reach web-01:3306/],
  ['mariadb-11.8-link-timeout', 'link-failing', /web-02's connection to web-01 breaks midway/],
  ['mysql-8.4-link-lost', 'link-failing', /web-02's connection to web-01 breaks midway/],
  ['mariadb-11.8-duplicate-key', 'duplicate-key', /a row web-01 inserted already exists on web-02/],
  ['mysql-8.4-duplicate-key', 'duplicate-key', /a row web-01 inserted already exists on web-02/],
  ['mariadb-11.8-row-not-found', 'row-not-found', /a row web-01 changed or deleted is missing on web-02/],
  ['mysql-8.4-row-not-found', 'row-not-found', /a row web-01 changed or deleted is missing on web-02/],
  ['mariadb-11.8-purged', 'purged', /web-01 has purged binary logs web-02 still needs/],
  ['mysql-8.4-source-purged', 'purged', /web-01 has purged binary logs web-02 still needs/],
  ['mariadb-11.8-errant-out-of-order', 'errant', /web-02 holds transactions web-01 never had \(errant GTIDs\)/],
  ['mysql-8.4-errant-on-connect', 'errant', /web-02 holds transactions web-01 never had \(errant GTIDs\)/],
])('%s is classified as %s, with what to do', (fixture, problem, advice) => {
  const status = parseReplicaStatus(rows(fixture));
  expect(classifyError(status)).toBe(problem);
  expect(adviceFor(status, 'web-02', 'web-01')).toMatch(advice);
});

it('a log position in an applier error is not an error number', () => {
  // "end_log_pos 12003" and "end_log_pos 2005" once read as "cannot reach" (2003, 2005 anywhere in the text).
  expect(parseReplicaStatus(rows('mysql-8.4-duplicate-key')).last_error).toContain('end_log_pos 12003');
  expect(parseReplicaStatus(rows('mysql-8.4-row-not-found')).last_error).toContain('end_log_pos 2005');
  expect(classifyError(parseReplicaStatus(rows('mysql-8.4-row-not-found')))).toBe('row-not-found');
});

it('a running replica and an unknown error have no class and no advice', () => {
  expect(classifyError(parseReplicaStatus(rows('mariadb-11.8-running')))).toBeUndefined();
  expect(
    adviceFor({ io_errno: null, sql_errno: 1146, last_error: "SQL: Table 'x' doesn't exist" }, 'web-02', 'web-01'),
  ).toBeUndefined();
});

it('reads the error numbers of both flavours, strings (MariaDB) or numbers (MySQL)', () => {
  expect(parseReplicaStatus(rows('mariadb-11.8-access-denied'))).toMatchObject({ io_errno: 1045, sql_errno: null });
  expect(parseReplicaStatus(rows('mysql-8.4-duplicate-key'))).toMatchObject({ io_errno: null, sql_errno: 1062 });
});

it('an empty result is a server that is not a replica', () => {
  expect(parseReplicaStatus([])).toMatchObject({ configured: false, io_running: 'No', sql_running: 'No' });
});

it('advice names the lab when it is not the default one, so the fix acts on this lab', () => {
  const status = parseReplicaStatus(rows('mariadb-11.8-purged'));
  expect(adviceFor(status, 'web-02', 'web-01', 'ci-7')).toContain(
    '`infra down --name ci-7 --volumes && infra up --name ci-7`',
  );
  expect(adviceFor(status, 'web-02', 'web-01')).toContain('`infra down --volumes && infra up`');
});
