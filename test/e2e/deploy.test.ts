// infra deploy on SSH servers (containers with sshd and python3 standing in for real ones, see
// test/helpers/ssh-servers.ts), along the path a course takes, on one set of stand-ins: the built-in lab on three
// servers; then `secured,monitored` added (mon-01 joins); then `redundant` too (lb-02 joins, a floating address).
// Each step deploys, passes smoke and deploys again without a change; the negative cases sit where a student meets
// them (a port held, a config broken by hand, an inventory missing a server, a firewall that would shut SSH out, a
// dead HAProxy). Needs ansible-core on this machine (.ci/run installs it).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { execa } from 'execa';
import { describeWithDocker, docker, infra, requireEngine, tempDir, uniqueLabName } from '../helpers/e2e.js';
import { requireAnsible, startSshServers, type Deployed, type SshServers } from '../helpers/ssh-servers.js';
import { readInventory } from '../../src/runtime/ansible.js';
import { setKeepalived } from '../../src/targets/lb-pair.js';

const cwd = tempDir();
const prefix = uniqueLabName('deploy');
const labDir = path.join(cwd, 'infra-labs', 'lab');
let servers: SshServers;

const deploy = () => servers.deploy(cwd);
/** smoke --inventory's checks on every lab, in their order; a profile's follow them. */
const EVERY_LAB = ['lb-serves', 'lb-distribution', 'app-path', 'replication', 'consistency', 'exposure'];
const allPassed = (...checks: string[]) => checks.map((name) => [name, 'passed']);
const onServer = (server: string, command: string) => servers.exec(server, command);

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

interface SmokeReport {
  passed: boolean;
  checks: { name: string; status: string; detail: string }[];
}

async function smoke(...extra: string[]): Promise<SmokeReport> {
  const run = await infra(['smoke', '--inventory', servers.inventory, '--json', ...extra], { cwd });
  return JSON.parse(run.stdout) as SmokeReport;
}

/** The load balancers listing the floating address now, as their consoles show it. */
async function holders(): Promise<string[]> {
  const listed = await Promise.all(
    ['lb-01', 'lb-02'].map(async (lb) =>
      (await servers.exec(lb, 'ip -4 -o addr show')).includes(` ${servers.floatingAddress}/`) ? [lb] : [],
    ),
  );
  return listed.flat();
}

async function waitForHolder(lb: string): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  let now = await holders();
  while (Date.now() < deadline && !(now.length === 1 && now[0] === lb)) {
    await new Promise((r) => setTimeout(r, 200));
    now = await holders();
  }
  return now;
}

describeWithDocker('infra deploy on SSH servers, built-in → secured,monitored → redundant', () => {
  beforeAll(async () => {
    if (process.env.CI) requireEngine();
    requireAnsible();
    servers = await startSshServers(prefix, cwd, ['lb-01', 'web-01', 'web-02', 'mon-01', 'lb-02']);
    servers.enter({ servers: ['lb-01', 'web-01', 'web-02'] });
  });
  afterAll(async () => {
    await servers?.remove();
  });

  describe('the built-in lab on lb-01, web-01, web-02', () => {
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

    it('--check on servers that have nothing yet says which packages it would install, and installs none', async () => {
      const run = await infra(['deploy', '--inventory', servers.inventory, '--check'], { cwd });
      expect(run.exitCode).toBe(0);
      expect(run.stderr).toContain('would install mariadb-server nginx nodejs');
      expect(run.stderr).toContain('would install haproxy');
      expect(run.stderr).toContain('nothing was changed');
      expect(await onServer('web-01', 'command -v nginx mariadb; ls /etc/mysql 2>&1 || true')).toMatch(
        /No such file or directory/,
      );
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
      expect(report.checks.map((c) => [c.name, c.status])).toEqual(allPassed(...EVERY_LAB));
      expect(run.exitCode).toBe(0);
      const answer = await fetch(`http://127.0.0.1:${servers.lbPort}/`);
      expect(answer.headers.get('x-served-by')).toMatch(/^web-0[12]$/);
    });

    // The second deploy also shows the other way to name the servers: infra.yaml's targets, no inventory file.
    it("changes nothing when deployed again, with the servers taken from infra.yaml's targets", async () => {
      // Host keys checked, as on a student's machine, against a known_hosts file of the test's own.
      const knownHosts = path.join(cwd, 'known_hosts');
      const lab = ['lb-01', 'web-01', 'web-02'];
      const ports = Object.fromEntries(lab.map((server) => [server, servers.sshPorts[server]]));
      const scans = await Promise.all(
        Object.values(ports).map(async (p) => (await execa('ssh-keyscan', ['-p', String(p), '127.0.0.1'])).stdout),
      );
      writeFileSync(knownHosts, scans.join('\n') + '\n');
      const targets = Object.entries(ports).map(([server, port]) => {
        const url = server === 'lb-01' ? `, url: "http://127.0.0.1:${servers.lbPort}"` : '';
        const ssh = `sshArgs: "-o UserKnownHostsFile=${knownHosts}"`;
        return `  ${server}: { host: 127.0.0.1, port: ${port}, user: student, key: ${servers.key}, ${ssh}${url} }`;
      });
      const config = path.join(cwd, 'infra.yaml');
      writeFileSync(config, ['targets:', ...targets, ''].join('\n'));
      const env = {};
      const deployed = await infra(['deploy', '--json'], { cwd, env });
      if (deployed.exitCode !== 0) throw new Error(`${deployed.stdout}\n${deployed.stderr}`);
      const result = JSON.parse(deployed.stdout) as Deployed;
      console.log(`second deploy: ${result.duration_s} s, changed=${result.changed}`);
      expect(result.changed).toBe(0);
      expect(result.replication).toEqual([expect.objectContaining({ server: 'web-02', action: 'unchanged' })]);
      expect(readFileSync(path.join(cwd, 'infra-labs', 'lab', 'ansible', 'inventory.ini'), 'utf8')).toContain(
        `lb-01 ansible_host="127.0.0.1" ansible_port="${ports['lb-01']}"`,
      );
      const status = await infra(['status', '--inventory', '--json'], { cwd, env });
      expect([status.exitCode, JSON.parse(status.stdout).healthy]).toEqual([0, true]);
      // The next steps name the inventory file, as the course's students do.
      rmSync(config);
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
  });

  describe('secured and monitored added: mon-01 joins', () => {
    beforeAll(() => {
      servers.enter({ servers: ['lb-01', 'web-01', 'web-02', 'mon-01'], https: true });
      writeFileSync(path.join(cwd, 'infra.yaml'), 'profiles: [secured, monitored]\n');
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
      expect(report.checks.map((c) => [c.name, c.status])).toEqual(allPassed(...EVERY_LAB, 'monitoring'));
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

    it('rolls back a firewall that would shut SSH out, within half a minute', async () => {
      const file = path.join(labDir, 'ansible', 'servers', 'web-02', 'firewall.nft');
      const rendered = readFileSync(file, 'utf8');
      writeFileSync(file, rendered.replace(/^\s+tcp dport 22 accept\n/m, ''));
      const run = await infra(['deploy', '--inventory', servers.inventory], { cwd });
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('SSH gets through the new rules');
      expect(run.stderr).toContain('The new firewall rules shut SSH out: the rollback armed before them removes them');
      // The rollback removes the table: SSH (and so deploy) works again, with the rendered rules restored.
      const deadline = Date.now() + 40_000;
      while (Date.now() < deadline && (await onServer('web-02', 'nft list tables')).includes('infra')) {
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect(await onServer('web-02', 'nft list tables')).not.toContain('infra');
      // The rules mended: the next deploy (the next stage's first) loads them again on web-02.
      writeFileSync(file, rendered);
    });
  });

  describe('redundant added too: lb-02 joins, the pair holds a floating address', () => {
    beforeAll(() => {
      servers.enter({ servers: ['lb-01', 'web-01', 'web-02', 'mon-01', 'lb-02'], https: true, floating: true });
      writeFileSync(path.join(cwd, 'infra.yaml'), 'profiles: [secured, monitored, redundant]\n');
    });

    it('puts the LB pair on lb-01 and lb-02: lb-01 holds the floating address, smoke passes through it', async () => {
      const first = await servers.deploy(cwd);
      expect(first.servers['lb-02'].changed).toBeGreaterThan(3);
      // web-02's firewall, rolled back in the last stage, is loaded again: SSH (and so this deploy) got through.
      expect(await onServer('web-02', 'nft list table inet infra')).toContain('tcp dport 22 accept');
      expect(await holders()).toEqual(['lb-01']);
      const config = readFileSync(path.join(labDir, 'ansible', 'servers', 'lb-01', 'keepalived.conf'), 'utf8');
      // On the stand-ins' eth0, with their network's prefix (read by deploy from the servers' facts).
      expect(config).toMatch(new RegExp(`${servers.floatingAddress!.replace(/\./g, '\\.')}/\\d+ dev eth0`));
      expect(await servers.exec('lb-01', 'cat /etc/keepalived/keepalived.conf')).toBe(config.trim());
      // VRRP between the LBs passes their firewalls: lb-02 hears lb-01 (else both would hold the address).
      expect(await servers.exec('lb-02', 'nft list table inet infra')).toMatch(/ip protocol (vrrp|112) accept/);

      const report = await smoke('--handover');
      expect(report.checks.map((c) => [c.name, c.status])).toEqual(
        allPassed(...EVERY_LAB, 'monitoring', 'lb-pair', 'lb-handover'),
      );
      expect(report.checks.find((c) => c.name === 'lb-handover')?.detail).toMatch(
        /^keepalived stopped on lb-01 \(its HAProxy kept running\) → floating address on lb-02 after \d+ ms/,
      );
      expect(await holders()).toEqual(['lb-01']);
      // Without --handover the address stays where it is, and the report says how to ask.
      const plain = await smoke();
      expect(plain.checks.find((c) => c.name === 'lb-handover')).toMatchObject({
        status: 'skipped',
        detail: expect.stringContaining('--handover moves'),
      });
      expect((await servers.deploy(cwd)).changed).toBe(0);
    });

    // Debian's init script returns from stop while keepalived still lets go of the address; a start right after
    // found it running, did nothing, and none ran a moment later (the give-back that failed in issue #24).
    it('keepalived stopped and at once started again on lb-01 runs again and takes the address back', async () => {
      const vars = (await readInventory(servers.inventory))['lb-01'];
      await setKeepalived('lb-01', vars, 'stop');
      await setKeepalived('lb-01', vars, 'start');
      await new Promise((r) => setTimeout(r, 2000));
      expect(await servers.exec('lb-01', 'grep -lsx keepalived /proc/[0-9]*/comm | wc -l')).not.toBe('0');
      expect(await waitForHolder('lb-01')).toEqual(['lb-01']);
    });

    it("status shows where the floating address is; lb-01's HAProxy dead moves it, and deploy puts it back", async () => {
      const status = await infra(['status', '--inventory', servers.inventory, '--json'], { cwd });
      const body = JSON.parse(status.stdout);
      expect([status.exitCode, body.healthy]).toEqual([0, true]);
      expect(body.floating_address).toEqual({ address: servers.floatingAddress, holders: ['lb-01'] });
      expect(body.servers['lb-02'].services).toEqual({
        haproxy: 'running',
        keepalived: 'running',
        'prometheus-node-exporter': 'running',
      });

      // HAProxy dies on lb-01 (every process of it killed, as a crash would).
      await servers.exec(
        'lb-01',
        'for p in /proc/[0-9]*; do [ "$(cat $p/comm)" = haproxy ] && kill -9 ${p#/proc/}; done; true',
      );
      expect(await waitForHolder('lb-02')).toEqual(['lb-02']);
      const degraded = await smoke();
      // Visitors are still served, through lb-02; the pair has no spare, and smoke says why.
      expect(degraded.checks.find((c) => c.name === 'lb-serves')?.status).toBe('passed');
      expect(degraded.checks.find((c) => c.name === 'lb-pair')).toMatchObject({
        status: 'failed',
        detail: expect.stringContaining('HAProxy does not answer on lb-01'),
      });
      expect(degraded.passed).toBe(false);

      const restored = await servers.deploy(cwd);
      expect(restored.servers['lb-01'].changed).toBeGreaterThan(0);
      expect(await waitForHolder('lb-01')).toEqual(['lb-01']);
      expect((await smoke()).checks.find((c) => c.name === 'lb-pair')?.status).toBe('passed');
    });
  });
});
