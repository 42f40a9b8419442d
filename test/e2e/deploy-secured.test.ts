// infra deploy with the secured and monitored profiles together on four SSH servers (stand-ins as in
// deploy.test.ts, allowed to load nftables rules; mon-01 the fourth): HTTPS at the LB with the lab's CA, exporters
// and Prometheus, each server's firewall loaded last; smoke passes through them (monitoring included) and a second
// deploy changes nothing. A firewall that would shut SSH out (edited by hand) is rolled back.
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { describeWithDocker, infra, requireEngine, tempDir, uniqueLabName } from '../helpers/e2e.js';
import { requireAnsible, startSshServers, type SshServers } from '../helpers/ssh-servers.js';

const cwd = tempDir();
const prefix = uniqueLabName('deploy-sec');
let servers: SshServers;
const labDir = path.join(cwd, 'infra-labs', 'lab');
const onServer = (server: string, command: string) => servers.exec(server, command);

const deploy = () => servers.deploy(cwd);

function httpsGet(url: string, ca: string): Promise<{ status: number; hsts?: string; servedBy?: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, servername: 'www.footer.com', headers: { host: 'www.footer.com' } }, (r) => {
        r.resume();
        r.on('end', () =>
          resolve({
            status: r.statusCode ?? 0,
            hsts: r.headers['strict-transport-security'] as string | undefined,
            servedBy: r.headers['x-served-by'] as string | undefined,
          }),
        );
      })
      .on('error', reject);
  });
}

describeWithDocker('infra deploy with secured and monitored on SSH servers', () => {
  beforeAll(async () => {
    if (process.env.CI) requireEngine();
    requireAnsible();
    servers = await startSshServers(prefix, cwd, 'lb-01', ['web-01', 'web-02'], { secured: true, others: ['mon-01'] });
    writeFileSync(path.join(cwd, 'infra.yaml'), 'profiles: [secured, monitored]\n');
  });
  afterAll(async () => {
    await servers?.remove();
  });

  it('deploys HTTPS at the LB, the monitoring and a firewall on every server; smoke passes through them', async () => {
    const first = await deploy();
    expect(first.changed).toBeGreaterThan(10);
    const ca = readFileSync(path.join(labDir, 'tls', 'ca.crt'), 'utf8');
    const answer = await httpsGet(`https://127.0.0.1:${servers.lbHttpsPort}/`, ca);
    expect(answer).toMatchObject({ status: 200, hsts: 'max-age=31536000' });
    for (const server of ['lb-01', 'web-01', 'web-02', 'mon-01']) {
      expect(await onServer(server, 'nft list table inet infra')).toContain('policy drop');
    }
    const smoke = await infra(['smoke', '--inventory', servers.inventory, '--json'], { cwd });
    const report = JSON.parse(smoke.stdout) as { checks: { name: string; status: string; detail: string }[] };
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['lb-serves', 'passed'],
      ['lb-distribution', 'passed'],
      ['app-path', 'passed'],
      ['replication', 'passed'],
      ['consistency', 'passed'],
      ['exposure', 'passed'],
      ['monitoring', 'passed'],
    ]);
    // Through the firewalls, the LB sees only SSH and Nginx on a web server; a web server sees SSH, HTTP and HTTPS.
    expect(report.checks.find((c) => c.name === 'exposure')?.detail).toBe(
      'open: web-01 22, 80 (from lb-01); web-02 22, 80 (from lb-01); lb-01 22, 80, 443 (from web-01)',
    );
    expect((await deploy()).changed).toBe(0);
    // status names each service as deploy installed it (the exporters and Prometheus by their packages' names).
    const status = await infra(['status', '--inventory', servers.inventory, '--json'], { cwd });
    const body = JSON.parse(status.stdout);
    expect([status.exitCode, body.healthy]).toEqual([0, true]);
    expect(body.servers['mon-01'].services).toEqual({
      'prometheus-node-exporter': 'running',
      prometheus: 'running',
    });
  });

  it('rolls back a firewall that would shut SSH out, within a minute', async () => {
    const file = path.join(labDir, 'ansible', 'servers', 'web-02', 'firewall.nft');
    const rendered = readFileSync(file, 'utf8');
    writeFileSync(file, rendered.replace(/^\s+tcp dport 22 accept\n/m, ''));
    const run = await infra(['deploy', '--inventory', servers.inventory], { cwd });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('SSH gets through the new rules');
    expect(run.stderr).toContain('The new firewall rules shut SSH out: the rollback armed before them removes them');
    // The rollback removes the table: SSH (and so deploy) works again, with the rendered rules restored.
    const deadline = Date.now() + 70_000;
    while (Date.now() < deadline && (await onServer('web-02', 'nft list tables')).includes('infra')) {
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(await onServer('web-02', 'nft list tables')).not.toContain('infra');
    writeFileSync(file, rendered);
    const restored = await deploy();
    expect(restored.servers['web-02'].changed).toBeGreaterThan(0);
    expect(await onServer('web-02', 'nft list table inet infra')).toContain('tcp dport 22 accept');
  });
});
