// A lab survives an upgrade of infra, against real containers: the oldest infra that upgrades in place (a commit of
// this repository, built in the test's folder) makes a lab and a student writes visits; today's `up` then says it
// upgrades the lab, creates infra's database user without replicating it, and the lab passes every check with its
// data and GTID history as they were. A lab folder made by a newer infra is refused.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { repoRoot } from '../helpers/fixtures.js';
import { describeWithDocker, docker, infra, labSql, requireEngine, tempDir, uniqueLabName } from '../helpers/e2e.js';

/**
 * The oldest infra whose labs today's `up` upgrades in place (README, "Upgrading infra"): main of 2026-11-27, before
 * infra had its own database user or recorded its version. Keep it when a later change adds a migration.
 */
const OLDEST_UPGRADABLE = '813aa6cb4007d72a3ce042561f160f23f3477454';

const lab = uniqueLabName('upgrade');
const cwd = tempDir();
const oldInfra = path.join(tempDir(), 'infra-813aa6c');
const folder = path.join(cwd, 'infra-labs', lab);
const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** That commit's infra, built here: its tree from git, today's node_modules (its dependencies are a subset). */
async function buildOldInfra(): Promise<void> {
  mkdirSync(oldInfra);
  await execa('sh', ['-c', `git -C "${repoRoot}" archive ${OLDEST_UPGRADABLE} | tar -x -C "${oldInfra}"`]);
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(oldInfra, 'node_modules'));
  await execa('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: oldInfra });
  await execa('node', ['scripts/bundle-app.mjs'], { cwd: oldInfra });
}

const sqlOn = (server: string, query: string) => labSql(lab, server, query);
const visits = (server: string, upTo: number) =>
  sqlOn(server, `SELECT COUNT(*) FROM footer.visits WHERE id <= ${upTo}`).then(Number);
const checksum = (server: string) => sqlOn(server, 'CHECKSUM TABLE footer.visits').then((row) => row.split('\t')[1]);

describeWithDocker('a lab made by an earlier infra, upgraded by today’s up', () => {
  let lastVisit = 0;
  let visitsBefore = 0;
  let primaryHistoryBefore = '';
  let upgrade = { exitCode: 1, stderr: '' };

  beforeAll(async () => {
    requireEngine();
    await buildOldInfra();
    const made = await execa(
      'node',
      [path.join(oldInfra, 'bin', 'infra'), 'up', '--name', lab, '--port', 'auto', '--json'],
      {
        cwd,
        reject: false,
        env: { NO_COLOR: '1' },
      },
    );
    expect(made.exitCode).toBe(0);
    const url = (JSON.parse(String(made.stdout)) as { url: string }).url;
    // A student's work: 25 visits through the load balancer.
    for (let i = 0; i < 25; i += 1) {
      const response = await fetch(`${url}/api/visits`, { method: 'POST' });
      expect(response.status).toBe(201);
      lastVisit = Math.max(lastVisit, ((await response.json()) as { id: number }).id);
    }
    visitsBefore = await visits('web-01', lastVisit);
    primaryHistoryBefore = await sqlOn('web-01', 'SELECT @@gtid_binlog_state');
    expect(await sqlOn('web-01', "SELECT COUNT(*) FROM mysql.user WHERE user = 'infra'")).toBe('0');
    upgrade = await infra(['up', '--name', lab], { cwd });
  });
  afterAll(async () => {
    await infra(['down', '--name', lab, '--volumes'], { cwd });
  });

  it('up says it upgrades the lab from an infra before 0.2.0, creates infra’s user on each database and passes smoke', () => {
    expect(upgrade.exitCode).toBe(0);
    expect(upgrade.stderr).toContain(
      `upgrading lab "${lab}" from an infra before 0.2.0 (it recorded no version) to ${version}`,
    );
    expect(upgrade.stderr).toMatch(
      /✓ upgrade .*web-01: created the database user infra \(not replicated: no new GTID\); web-02: created the database user infra/,
    );
    expect(upgrade.stderr).toMatch(/✓ smoke .*8 checks passed/);
    expect(upgrade.stderr).toContain(`lab "${lab}" is up`);
  });

  it('keeps every visit on both databases, with identical checksums', async () => {
    expect(visitsBefore).toBeGreaterThanOrEqual(25);
    expect(await visits('web-01', lastVisit)).toBe(visitsBefore);
    expect(await visits('web-02', lastVisit)).toBe(visitsBefore);
    expect(await checksum('web-02')).toBe(await checksum('web-01'));
  });

  it('keeps the GTID history: the primary’s goes on from where it was, the replica wrote nothing of its own', async () => {
    const [domain, server, sequence] = primaryHistoryBefore.split('-');
    const [, , sequenceNow] = (await sqlOn('web-01', 'SELECT @@gtid_binlog_state')).split('-');
    expect(Number(sequenceNow)).toBeGreaterThanOrEqual(Number(sequence));
    expect(await sqlOn('web-01', 'SELECT @@gtid_binlog_state')).toMatch(new RegExp(`^${domain}-${server}-\\d+$`));
    // An errant transaction would show as a GTID with the replica's own server id in its binary log state.
    expect(await sqlOn('web-02', 'SELECT @@gtid_binlog_state')).toMatch(new RegExp(`^${domain}-${server}-\\d+$`));
    // The user was made with the binary log off: no event of the primary's log creates it.
    const logs = (await sqlOn('web-01', 'SHOW BINARY LOGS')).split('\n').map((row) => row.split('\t')[0]);
    for (const log of logs) expect(await sqlOn('web-01', `SHOW BINLOG EVENTS IN '${log}'`)).not.toContain("'infra'@");
  });

  it('status is healthy and names the infra that made the lab now; smoke passes; the next up upgrades nothing', async () => {
    const status = await infra(['status', '--name', lab, '--json'], { cwd });
    expect(status.exitCode).toBe(0);
    const state = JSON.parse(status.stdout);
    expect(state.infra).toMatchObject({ version, upgrade_pending: false });
    expect(state.replication.replicas).toEqual([
      expect.objectContaining({ server: 'web-02', io_running: 'Yes', sql_running: 'Yes' }),
    ]);
    expect(state.replication.replicas[0].errant ?? null).toBeNull();
    expect((await infra(['smoke', '--name', lab], { cwd })).exitCode).toBe(0);
    const again = await infra(['up', '--name', lab, '--no-smoke'], { cwd });
    expect(again.exitCode).toBe(0);
    expect(again.stderr).not.toContain('upgrading lab');
    expect(again.stderr).not.toMatch(/ upgrade /);
    expect(
      await docker(['inspect', '-f', '{{index .Config.Labels "dev.infra.version"}}', `infra-${lab}-web-01-db`]),
    ).toBe(version);
  });

  it('a lab folder made by a newer infra is refused with exit 2, naming both versions, and left as it was', async () => {
    const stateFile = path.join(folder, '.infra', 'lab.json');
    const state = readFileSync(stateFile, 'utf8');
    const compose = readFileSync(path.join(folder, 'compose.yaml'), 'utf8');
    writeFileSync(stateFile, JSON.stringify({ ...JSON.parse(state), infra: { version: '99.0.0', format: 99 } }));
    try {
      const refused = await infra(['up', '--name', lab], { cwd });
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toContain(`was made by infra 99.0.0, newer than this infra ${version}`);
      expect(refused.stderr).toContain('use infra 99.0.0 or later');
      expect(readFileSync(path.join(folder, 'compose.yaml'), 'utf8')).toBe(compose);
    } finally {
      writeFileSync(stateFile, state);
    }
  });
});
