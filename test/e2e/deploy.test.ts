// infra deploy on three SSH servers (containers with sshd and python3 standing in for real ones, see
// test/helpers/ssh-servers.ts): the first deploy installs and configures everything and replication runs; smoke
// passes there; a second deploy changes nothing; a config broken by hand is restored; --check on a changed
// infra.yaml shows the diff and changes nothing. Needs ansible-core on this machine (.ci/run installs it).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describeWithDocker, docker, infra, requireEngine, tempDir, uniqueLabName } from '../helpers/e2e.js';
import { requireAnsible, startSshServers, type SshServers } from '../helpers/ssh-servers.js';

const cwd = tempDir();
const prefix = uniqueLabName('deploy');
let servers: SshServers;

const deploy = () => servers.deploy(cwd);

const onServer = (server: string, command: string) => servers.exec(server, command);

describeWithDocker('infra deploy on SSH servers', () => {
  beforeAll(async () => {
    if (process.env.CI) requireEngine();
    requireAnsible();
    servers = await startSshServers(prefix, cwd, 'lb-01', ['web-01', 'web-02']);
  });
  afterAll(async () => {
    await servers?.remove();
  });

  it('refuses an inventory without every server of the lab, naming them (exit 2)', async () => {
    const partial = path.join(cwd, 'partial.ini');
    writeFileSync(partial, 'lb-01 ansible_host=127.0.0.1\nother ansible_host=127.0.0.1\n');
    const run = await infra(['deploy', '--inventory', partial], { cwd });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('lacks web-01, web-02');
  });

  it('stops on every server before installing the lab when another program holds one of its ports, naming it', async () => {
    const holder = 'echo $$ > /tmp/holder.pid && exec python3 -m http.server 80';
    await docker(['exec', '-d', servers.container('web-02'), 'sh', '-c', holder]);
    await onServer('web-02', 'for i in $(seq 50); do ss -Hltn "sport = :80" | grep -q . && exit 0; sleep 0.1; done');
    const run = await infra(['deploy', '--inventory', servers.inventory], { cwd });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('web-02: port 80 is held by python3');
    expect(await onServer('web-02', 'command -v nginx mariadb || true')).toBe('');
    expect(await onServer('lb-01', 'command -v haproxy || true')).toBe('');
    await onServer('web-02', 'kill $(cat /tmp/holder.pid)');
  });

  it('deploys the lab: packages, configs, app, database users, then GTID replication', async () => {
    const result = await deploy();
    expect(result.ok).toBe(true);
    expect(result.changed).toBeGreaterThan(10);
    expect(result.replication).toEqual([expect.objectContaining({ server: 'web-02', action: 'configured' })]);
    console.log(`first deploy: ${result.duration_s} s, changed=${result.changed}`);
    // The app and the database never listen beyond their server: loopback, and the private address for replicas.
    const listening = await onServer('web-01', 'ss -Hltn');
    expect(listening).toMatch(/127\.0\.0\.1:5000/);
    expect(listening).not.toMatch(/(0\.0\.0\.0|\*|\[::\]):(5000|3306)\b/);
  });

  it('passes the smoke checks on the servers, through their LB', async () => {
    const run = await infra(['smoke', '--inventory', servers.inventory, '--json'], { cwd });
    const report = JSON.parse(run.stdout) as { passed: boolean; checks: { name: string; status: string }[] };
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['lb-serves', 'passed'],
      ['lb-distribution', 'passed'],
      ['app-path', 'passed'],
      ['replication', 'passed'],
      ['consistency', 'passed'],
      ['exposure', 'passed'],
    ]);
    expect(run.exitCode).toBe(0);
    const answer = await fetch(`http://127.0.0.1:${servers.lbPort}/`);
    expect(answer.headers.get('x-served-by')).toMatch(/^web-0[12]$/);
  });

  it('changes nothing when deployed again', async () => {
    const result = await deploy();
    console.log(`second deploy: ${result.duration_s} s, changed=${result.changed}`);
    expect(result.changed).toBe(0);
    expect(result.replication).toEqual([expect.objectContaining({ server: 'web-02', action: 'unchanged' })]);
  });

  // One deploy mends both hand-made breakages (each deploy of three servers takes a minute on a slow CI machine).
  it('status shows a stopped app; deploy starts it and restores a config broken by hand, keeping a backup', async () => {
    const status = async () => {
      const run = await infra(['status', '--inventory', servers.inventory, '--json'], { cwd });
      return { exitCode: run.exitCode, body: JSON.parse(run.stdout) };
    };
    const healthy = await status();
    expect(healthy.exitCode).toBe(0);
    expect(healthy.body.servers['web-01'].services).toEqual({
      mariadb: 'running',
      'infra-app': 'running',
      nginx: 'running',
    });
    expect(healthy.body.backends).toEqual({ 'web-01': 'UP', 'web-02': 'UP' });
    expect(healthy.body.replication.replicas['web-02']).toMatchObject({ io_running: 'Yes', sql_running: 'Yes' });

    await onServer('web-02', 'service infra-app stop');
    await onServer('web-01', "echo 'this is not nginx' >> /etc/nginx/nginx.conf");
    const broken = await status();
    expect(broken.exitCode).toBe(1);
    expect(broken.body.servers['web-02'].services['infra-app']).toBe('stopped');
    const result = await deploy();
    expect(result.servers['web-01'].changed).toBeGreaterThan(0);
    expect(result.servers['web-02'].changed).toBe(1);
    const rendered = readFileSync(path.join(cwd, 'infra-labs', 'lab', 'ansible', 'servers', 'web-01', 'nginx.conf'));
    expect(await onServer('web-01', 'cat /etc/nginx/nginx.conf')).toBe(rendered.toString().trimEnd());
    expect(await onServer('web-01', 'cat /etc/nginx/nginx.conf.*~')).toContain('this is not nginx');
    expect((await status()).exitCode).toBe(0);
    const smoke = await infra(['smoke', '--inventory', servers.inventory], { cwd });
    expect(smoke.exitCode).toBe(0);
  });

  it('does not install a config that fails its check on the server: the old one keeps serving', async () => {
    const edited = path.join(cwd, 'infra-labs', 'lab', 'ansible', 'servers', 'web-01', 'nginx.conf');
    const rendered = readFileSync(edited, 'utf8');
    writeFileSync(edited, rendered.replace('sendfile on;', 'sendfile on;\n    not_a_directive on;'));
    const run = await infra(['deploy', '--inventory', servers.inventory], { cwd });
    expect(run.exitCode).toBe(1);
    // nginx -t's own words, in Ansible's JSON (quotes escaped).
    expect(run.stderr).toMatch(/unknown directive \\?"not_a_directive\\?"/);
    expect(run.stderr).toContain('ansible-playbook failed on web-01');
    expect(await onServer('web-01', 'cat /etc/nginx/nginx.conf')).toBe(rendered.trimEnd());
    const pinned = await fetch(`http://127.0.0.1:${servers.lbPort}/`, { headers: { 'X-Infra-Server': 'web-01' } });
    expect([pinned.status, pinned.headers.get('x-served-by')]).toEqual([200, 'web-01']);
    // The edit undone (the file removed: deploy renders it again), deploy succeeds and changes nothing there.
    rmSync(edited);
    const result = await deploy();
    expect(result.servers['web-01'].changed).toBe(0);
  });

  it('--check on a changed infra.yaml shows the diff and changes nothing', async () => {
    await infra(['init'], { cwd });
    const file = path.join(cwd, 'infra.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^balance: roundrobin/m, 'balance: leastconn'));
    const run = await infra(['deploy', '--inventory', servers.inventory, '--check'], { cwd });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/^\s+-\s+balance roundrobin$/m);
    expect(run.stderr).toMatch(/^\s+\+\s+balance leastconn$/m);
    expect(run.stderr).toContain('nothing was changed');
    // The whole playbook output, diffs included, holds none of the lab's passwords.
    const env = readFileSync(path.join(cwd, 'infra-labs', 'lab', '.env'), 'utf8');
    for (const password of env.matchAll(/^INFRA_\w+=(.+)$/gm)) expect(run.stderr).not.toContain(password[1]);
    expect(await onServer('lb-01', 'grep balance /etc/haproxy/haproxy.cfg')).toContain('roundrobin');
  });

  it("takes the servers from infra.yaml's targets instead of an inventory file", async () => {
    // Host keys checked, as on a student's machine, against a known_hosts file of the test's own.
    const knownHosts = path.join(cwd, 'known_hosts');
    const ports = servers.sshPorts;
    const scans = await Promise.all(
      Object.values(ports).map(async (p) => (await execa('ssh-keyscan', ['-p', String(p), '127.0.0.1'])).stdout),
    );
    writeFileSync(knownHosts, scans.join('\n') + '\n');
    const targets = Object.entries(ports).map(([server, port]) => {
      const url = server === 'lb-01' ? `, url: "http://127.0.0.1:${servers.lbPort}"` : '';
      const ssh = `sshArgs: "-o UserKnownHostsFile=${knownHosts}"`;
      return `  ${server}: { host: 127.0.0.1, port: ${port}, user: student, key: ${servers.key}, ${ssh}${url} }`;
    });
    writeFileSync(path.join(cwd, 'infra.yaml'), ['targets:', ...targets, ''].join('\n'));
    const env = {};
    const deployed = await infra(['deploy', '--json'], { cwd, env });
    if (deployed.exitCode !== 0) throw new Error(`${deployed.stdout}\n${deployed.stderr}`);
    expect(JSON.parse(deployed.stdout).changed).toBe(0);
    expect(readFileSync(path.join(cwd, 'infra-labs', 'lab', 'ansible', 'inventory.ini'), 'utf8')).toContain(
      `lb-01 ansible_host="127.0.0.1" ansible_port="${ports['lb-01']}"`,
    );
    const status = await infra(['status', '--inventory', '--json'], { cwd, env });
    expect([status.exitCode, JSON.parse(status.stdout).healthy]).toEqual([0, true]);
  });
});
