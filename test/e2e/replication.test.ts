// GTID replication on the MariaDB lab, against real containers: data flows primary → replica, the replica refuses
// the app's writes, survives a restart of its database and `down` + `up`, `up` twice changes nothing, and a stopped
// SQL thread shows in `status`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describeWithDocker, requireEngine, uniqueLabName, tempDir, infra } from '../helpers/e2e.js';

const lab = uniqueLabName('repl');
const cwd = tempDir();
const container = (name: string) => `infra-${lab}-${name}`;

/** Runs SQL in a lab database with its own client: as root over the socket, or as another user over TCP. */
async function sql(server: string, query: string, user?: { name: string; password: string }) {
  const auth = user ? ['-h127.0.0.1', `-u${user.name}`, `-p${user.password}`] : [];
  return execa(
    'docker',
    ['exec', container(`${server}-db`), 'mariadb', '--batch', '--skip-column-names', ...auth, '-e', query],
    {
      reject: false,
    },
  );
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function replicationOf(): Promise<{ exitCode: number; replicas: Record<string, unknown>[] }> {
  const run = await infra(['status', '--name', lab, '--json'], { cwd });
  return { exitCode: run.exitCode, replicas: JSON.parse(run.stdout).replication.replicas };
}

describeWithDocker('GTID replication (MariaDB)', () => {
  let appPassword = '';

  beforeAll(async () => {
    requireEngine();
    const up = await infra(['up', '--name', lab, '--port', 'auto', '--json'], { cwd });
    expect(up.exitCode).toBe(0);
    const result = JSON.parse(up.stdout);
    expect(result.replication.replicas).toEqual([
      { server: 'web-02', action: 'configured', threads_running_ms: expect.any(Number), lag_ms: expect.any(Number) },
    ]);
    const env = readFileSync(path.join(cwd, 'infra-labs', lab, '.env'), 'utf8');
    appPassword = env.match(/^INFRA_APP_PASSWORD=(.*)$/m)![1];
  });
  afterAll(async () => {
    await infra(['reset', '--name', lab, '--yes'], { cwd });
  });

  it("root answers on its server's localhost only; infra's own user has just the grants infra uses", async () => {
    const env = readFileSync(path.join(cwd, 'infra-labs', lab, '.env'), 'utf8');
    const secret = (key: string) => env.match(new RegExp(`^${key}=(.*)$`, 'm'))![1];
    // From another server, over the lab network, as a student's container would.
    const over = (user: string, password: string, query: string) =>
      execa(
        'docker',
        ['exec', container('web-02-db'), 'mariadb', '-hweb-01', `-u${user}`, `-p${password}`, '-N', '-e', query],
        { reject: false },
      );
    const root = await over('root', secret('INFRA_ROOT_PASSWORD'), 'SELECT 1');
    expect(root.exitCode).not.toBe(0);
    expect(root.stderr).toMatch(/Access denied for user 'root'/);
    const grants = await over('infra', secret('INFRA_ADMIN_PASSWORD'), 'SHOW GRANTS');
    expect(grants.exitCode).toBe(0);
    expect(grants.stdout).not.toMatch(/ALL PRIVILEGES ON \*\.\*/);
    const outside = await over('infra', secret('INFRA_ADMIN_PASSWORD'), 'SELECT COUNT(*) FROM mysql.user');
    expect(outside.stderr).toMatch(/denied/);
    // Nothing of a health check carries a password on its command line.
    const inspect = await execa('docker', [
      'inspect',
      '-f',
      '{{json .Config.Healthcheck.Test}}',
      container('web-01-db'),
    ]);
    expect(inspect.stdout).not.toMatch(/-p|PASSWORD/);
  });

  it('status shows both replica threads running, no lag, no error', async () => {
    const { exitCode, replicas } = await replicationOf();
    expect(exitCode).toBe(0);
    expect(replicas).toEqual([
      expect.objectContaining({
        server: 'web-02',
        io_running: 'Yes',
        sql_running: 'Yes',
        lag_seconds: 0,
        last_error: null,
        read_only: true,
      }),
    ]);
  });

  it('rows written on the primary appear on the replica', async () => {
    expect((await sql('web-01', "INSERT INTO footer.visits (server) VALUES ('e2e-primary')")).exitCode).toBe(0);
    const seen = await waitFor(
      async () => (await sql('web-02', "SELECT COUNT(*) FROM footer.visits WHERE server='e2e-primary'")).stdout === '1',
    );
    expect(seen).toBe(true);
  });

  it('the replica refuses a write from the app user', async () => {
    const app = { name: 'app', password: appPassword };
    const onReplica = await sql('web-02', "INSERT INTO footer.visits (server) VALUES ('e2e-replica')", app);
    expect(onReplica.exitCode).not.toBe(0);
    expect(onReplica.stderr).toMatch(/read-only|--read-only/);
    // The same user may write on the primary: the refusal is read-only, not a missing grant.
    expect((await sql('web-01', "INSERT INTO footer.visits (server) VALUES ('e2e-app')", app)).exitCode).toBe(0);
  });

  it('a second `up` changes nothing and creates no duplicate user', async () => {
    const up = await infra(['up', '--name', lab, '--port', 'auto', '--json'], { cwd });
    expect(up.exitCode).toBe(0);
    expect(JSON.parse(up.stdout).replication.replicas[0].action).toBe('unchanged');
    for (const server of ['web-01', 'web-02']) {
      expect((await sql(server, "SELECT COUNT(*) FROM mysql.user WHERE user IN ('app','repl')")).stdout).toBe('2');
    }
  });

  it('a stopped SQL thread shows in status, which exits 1, and `up` starts it again', async () => {
    await sql('web-02', 'STOP REPLICA SQL_THREAD');
    const { exitCode, replicas } = await replicationOf();
    expect(exitCode).toBe(1);
    expect(replicas[0]).toMatchObject({ sql_running: 'No', last_error: expect.stringContaining('stopped') });
    const up = await infra(['up', '--name', lab, '--port', 'auto', '--json'], { cwd });
    expect(JSON.parse(up.stdout).replication.replicas[0].action).toBe('resumed');
    expect((await replicationOf()).exitCode).toBe(0);
  });

  it('a restart of the replica database resumes replication by itself', async () => {
    await execa('docker', ['restart', container('web-02-db')]);
    expect(await waitFor(async () => (await sql('web-02', 'SELECT @@read_only')).stdout === '1')).toBe(true);
    await sql('web-01', "INSERT INTO footer.visits (server) VALUES ('after-restart')");
    const seen = await waitFor(
      async () =>
        (await sql('web-02', "SELECT COUNT(*) FROM footer.visits WHERE server='after-restart'")).stdout === '1',
    );
    expect(seen).toBe(true);
  });

  it('down + up keeps the data and resumes replication without re-initialising', async () => {
    const before = (await sql('web-02', 'SELECT @@gtid_slave_pos')).stdout;
    expect((await infra(['down', '--name', lab], { cwd })).exitCode).toBe(0);
    const up = await infra(['up', '--name', lab, '--port', 'auto', '--json'], { cwd });
    expect(up.exitCode).toBe(0);
    expect(JSON.parse(up.stdout).replication.replicas[0].action).not.toBe('configured');
    expect((await sql('web-02', "SELECT COUNT(*) FROM footer.visits WHERE server='e2e-primary'")).stdout).toBe('1');
    // The replica continued from its position: the same domain and server, further on.
    const after = (await sql('web-02', 'SELECT @@gtid_slave_pos')).stdout;
    expect(after.split('-').slice(0, 2)).toEqual(before.split('-').slice(0, 2));
    expect(Number(after.split('-')[2])).toBeGreaterThan(Number(before.split('-')[2]));
  });

  it('a transaction written on the replica itself (an errant GTID) stops replication, and status says why and what to do', async () => {
    // root bypasses read_only: a write on the replica gets a GTID of its own server id, which strict mode then refuses
    // to put before the primary's next transaction.
    await sql('web-02', "INSERT INTO footer.visits (server) VALUES ('errant')");
    // Replication still runs, and no error says so: status finds the replica's own transaction by its GTID.
    const found = await replicationOf();
    expect(found.exitCode).toBe(1);
    expect(found.replicas[0]).toMatchObject({
      io_running: 'Yes',
      sql_running: 'Yes',
      errant: expect.stringMatching(/^0-2-\d+$/),
      advice: expect.stringMatching(/^web-02 executed transactions web-01 never did \(0-2-\d+\)/),
    });
    await sql('web-01', "INSERT INTO footer.visits (server) VALUES ('after-errant')");
    const broken = await waitFor(async () => (await replicationOf()).replicas[0]?.sql_running === 'No');
    expect(broken).toBe(true);
    const { exitCode, replicas } = await replicationOf();
    expect(exitCode).toBe(1);
    expect(replicas[0].last_error).toMatch(/SQL: .*out-of-order sequence number.*gtid strict mode/i);
    expect(replicas[0]).toMatchObject({ problem: 'errant', errant: found.replicas[0].errant });
    expect(replicas[0].advice).toMatch(/web-02 holds transactions web-01 never had \(errant GTIDs\)/);
  });
});
