// infra deploy with the redundant and secured profiles together on four SSH servers (stand-ins as in deploy.test.ts;
// lb-02 the fourth): HAProxy and keepalived on both load balancers, the floating address given by the inventory on
// lb-01, VRRP adverts by unicast through each LB's firewall. A relay container stands for the network's route to the
// floating address (visitors reach it through a port on 127.0.0.1). smoke --handover moves the address to lb-02 and
// back; lb-01's HAProxy stopped by hand moves it too, smoke's lb-pair says so, and deploy puts it right.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeWithDocker, infra, requireEngine, tempDir, uniqueLabName } from '../helpers/e2e.js';
import { requireAnsible, startSshServers, type SshServers } from '../helpers/ssh-servers.js';

const cwd = tempDir();
const prefix = uniqueLabName('deploy-red');
let servers: SshServers;
const labDir = path.join(cwd, 'infra-labs', 'lab');

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

describeWithDocker('infra deploy with redundant and secured on SSH servers', () => {
  beforeAll(async () => {
    if (process.env.CI) requireEngine();
    requireAnsible();
    servers = await startSshServers(prefix, cwd, 'lb-01', ['web-01', 'web-02'], {
      secured: true,
      floating: true,
      others: ['lb-02'],
    });
    writeFileSync(path.join(cwd, 'infra.yaml'), 'profiles: [redundant, secured]\n');
  });
  afterAll(async () => {
    await servers?.remove();
  });

  it('puts the LB pair on lb-01 and lb-02: lb-01 holds the floating address, smoke passes through it', async () => {
    const first = await servers.deploy(cwd);
    expect(first.servers['lb-02'].changed).toBeGreaterThan(3);
    expect(await holders()).toEqual(['lb-01']);
    const config = readFileSync(path.join(labDir, 'ansible', 'servers', 'lb-01', 'keepalived.conf'), 'utf8');
    // On the stand-ins' eth0, with their network's prefix (read by deploy from the servers' facts).
    expect(config).toMatch(new RegExp(`${servers.floatingAddress!.replace(/\./g, '\\.')}/\\d+ dev eth0`));
    expect(await servers.exec('lb-01', 'cat /etc/keepalived/keepalived.conf')).toBe(config.trim());
    // VRRP between the LBs passes their firewalls: lb-02 hears lb-01 (else both would hold the address).
    expect(await servers.exec('lb-02', 'nft list table inet infra')).toMatch(/ip protocol (vrrp|112) accept/);

    const report = await smoke('--handover');
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['lb-serves', 'passed'],
      ['lb-distribution', 'passed'],
      ['app-path', 'passed'],
      ['replication', 'passed'],
      ['consistency', 'passed'],
      ['exposure', 'passed'],
      ['lb-pair', 'passed'],
      ['lb-handover', 'passed'],
    ]);
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

  it("status shows where the floating address is; lb-01's HAProxy dead moves it, and deploy puts it back", async () => {
    const status = await infra(['status', '--inventory', servers.inventory, '--json'], { cwd });
    const body = JSON.parse(status.stdout);
    expect([status.exitCode, body.healthy]).toEqual([0, true]);
    expect(body.floating_address).toEqual({ address: servers.floatingAddress, holders: ['lb-01'] });
    expect(body.servers['lb-02'].services).toEqual({ haproxy: 'running', keepalived: 'running' });

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
