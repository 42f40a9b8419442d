import { buildLab } from '../definition/build-lab.js';
import { formatPlan, planReplication } from './plan.js';

const secrets = { replicationPassword: 'Repl-Secret_123456789012', appPassword: 'App-Secret_1234567890123' };
const sqlOf = (statements: { sql: string }[]) => statements.map((s) => s.sql);

describe('MariaDB', () => {
  const plan = planReplication(buildLab({}), secrets);

  it('creates the replication user, schema and app user on the primary only, idempotently', () => {
    expect(plan.primary.server).toBe('web-01');
    const sql = sqlOf(plan.primary.statements);
    expect(sql[0]).toBe(`CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY 'Repl-Secret_123456789012'`);
    expect(sql).toContain(`GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'`);
    expect(sql).toContain('CREATE DATABASE IF NOT EXISTS footer');
    expect(sql.every((s) => /^(CREATE (USER|DATABASE|TABLE) IF NOT EXISTS|GRANT )/.test(s))).toBe(true);
    const replicaSql = sqlOf(plan.replicas[0].configure).join('\n');
    expect(replicaSql).not.toMatch(/CREATE USER|CREATE DATABASE/);
  });

  it('resets the replica GTID state, then points it at web-01 with MASTER_USE_GTID, starts it, then makes it read-only', () => {
    expect(plan.replicas.map((r) => r.server)).toEqual(['web-02']);
    expect(sqlOf(plan.replicas[0].configure)).toEqual([
      'STOP REPLICA',
      'RESET MASTER',
      "SET GLOBAL gtid_slave_pos = ''",
      "CHANGE MASTER TO MASTER_HOST='web-01', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='Repl-Secret_123456789012', " +
        'MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_SSL=1, MASTER_SSL_VERIFY_SERVER_CERT=1',
      'START REPLICA',
      'SET GLOBAL read_only = ON',
    ]);
  });

  it('resumes a configured replica without resetting it', () => {
    expect(sqlOf(plan.replicas[0].resume)).toEqual(['START REPLICA', 'SET GLOBAL read_only = ON']);
  });
});

describe('MySQL 8.4', () => {
  const plan = planReplication(buildLab({ database: { flavour: 'mysql' } }), secrets);
  const all = [...plan.primary.statements, ...plan.replicas.flatMap((r) => [...r.configure, ...r.resume])].map(
    (s) => s.sql,
  );

  it('uses only 8.4 syntax: none of the statements and options 8.4 removed', () => {
    for (const sql of all) {
      expect(sql).not.toMatch(/CHANGE MASTER|\bSLAVE\b(?! ON)|RESET MASTER|SHOW MASTER STATUS|MASTER_[A-Z_]+=/);
    }
  });

  it('configures the replica with auto-positioning and the public key for caching_sha2_password', () => {
    expect(sqlOf(plan.replicas[0].configure)).toEqual([
      'STOP REPLICA',
      'RESET BINARY LOGS AND GTIDS',
      "CHANGE REPLICATION SOURCE TO SOURCE_HOST='web-01', SOURCE_PORT=3306, SOURCE_USER='repl', SOURCE_PASSWORD='Repl-Secret_123456789012', " +
        'SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1, SOURCE_CONNECT_RETRY=1, SOURCE_RETRY_COUNT=86400',
      'START REPLICA',
      'SET PERSIST super_read_only = ON',
      'SET PERSIST_ONLY skip_replica_start = OFF',
    ]);
  });

  it("wipes the replica's own GTIDs (the image's initialisation) before it points the replica at the primary", () => {
    const sql = sqlOf(plan.replicas[0].configure);
    const reset = sql.indexOf('RESET BINARY LOGS AND GTIDS');
    expect(reset).toBeGreaterThanOrEqual(0);
    expect(reset).toBeLessThan(sql.findIndex((s) => s.startsWith('CHANGE REPLICATION SOURCE')));
    expect(reset).toBeLessThan(sql.indexOf('START REPLICA'));
  });

  it("keeps the replication password within MySQL's 32 characters", () => {
    expect(secrets.replicationPassword.length).toBeLessThanOrEqual(32);
  });
});

it('prints the plan with every password masked', () => {
  for (const flavour of ['mariadb', 'mysql'] as const) {
    const text = formatPlan(planReplication(buildLab({ database: { flavour } }), secrets));
    expect(text).not.toContain(secrets.replicationPassword);
    expect(text).not.toContain(secrets.appPassword);
    expect(text).toContain("IDENTIFIED BY '***'");
  }
});

it('configures every replica of a lab with more web servers', () => {
  const lab = buildLab({
    servers: [
      { name: 'lb-01', role: 'lb' },
      { name: 'web-01', role: 'web' },
      { name: 'web-02', role: 'web' },
      { name: 'web-03', role: 'web' },
    ],
  });
  expect(planReplication(lab, secrets).replicas.map((r) => r.server)).toEqual(['web-02', 'web-03']);
});

it('a seeded lab starts with its own visits, the same for the same seed; an unseeded one with none', () => {
  const secrets = { replicationPassword: 'r', appPassword: 'a' };
  const rows = (seed?: string) =>
    planReplication(buildLab({ seed }), secrets)
      .primary.statements.map((s) => s.sql)
      .filter((s) => s.startsWith('INSERT IGNORE INTO footer.visits'));
  expect(rows('student-7')).toEqual(rows('student-7'));
  expect(rows('student-7')).toHaveLength(1);
  expect(rows('student-7')).not.toEqual(rows('student-8'));
  expect(rows()).toEqual([]);
});
