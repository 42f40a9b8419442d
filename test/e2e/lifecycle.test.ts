// The default lab on a real engine: up → traffic reaches both web servers → status → the namespace trap →
// a second lab beside it → down keeps data → down --volumes removes it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  describeWithDocker,
  requireEngine,
  uniqueLabName,
  tempDir,
  infra,
  byLabel,
  get,
  docker,
} from '../helpers/e2e.js';

const lab = uniqueLabName('life');
const second = uniqueLabName('two');
const cwd = tempDir();
const label = (name: string) => `dev.infra.lab=${name}`;

describeWithDocker('lab lifecycle', () => {
  let url = '';

  beforeAll(async () => {
    requireEngine();
  });
  afterAll(async () => {
    await infra(['reset', '--name', lab, '--yes'], { cwd });
    await infra(['reset', '--name', second, '--yes'], { cwd });
  });

  it('up boots the lab and reports every step as JSON', async () => {
    const run = await infra(['up', '--name', lab, '--port', 'auto', '--json'], { cwd });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ ok: true, lab, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(result.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['render', 'ok'],
      ['images', 'ok'],
      ['start', 'ok'],
      ['replication', 'ok'],
      ['smoke', expect.any(String)],
    ]);
    expect(run.exitCode).toBe(0);
    url = result.url;
  });

  it('round robin alternates X-Served-By between web-01 and web-02', async () => {
    const served = [];
    for (let i = 0; i < 6; i++) {
      const r = await get(`${url}/`);
      expect(r.status).toBe(200);
      served.push(r.servedBy);
    }
    expect(new Set(served)).toEqual(new Set(['web-01', 'web-02']));
    for (let i = 1; i < served.length; i++) expect(served[i]).not.toBe(served[i - 1]);
  });

  it('status --json shows every component healthy, the URL and the folder', async () => {
    const run = await infra(['status', '--name', lab, '--json'], { cwd });
    expect(run.exitCode).toBe(0);
    const status = JSON.parse(run.stdout);
    expect(status.url).toBe(url);
    expect(status.dir).toContain(`infra-labs/${lab}`);
    expect(status.servers.map((s: { name: string }) => s.name)).toEqual(['lb-01', 'web-01', 'web-02']);
    const components = status.servers.flatMap((s: { components: unknown[] }) => s.components);
    expect(components).toHaveLength(7);
    for (const c of components) expect(c).toMatchObject({ state: 'running', health: 'healthy', network: 'ok' });
  });

  it('ls lists the lab, running and healthy, with its URL and folder; status --json from inside its folder', async () => {
    const ls = await infra(['ls', '--json'], { cwd });
    expect(ls.exitCode).toBe(0);
    const mine = JSON.parse(ls.stdout).find((l: { name: string }) => l.name === lab);
    expect(mine).toMatchObject({
      state: 'running',
      healthy: true,
      url,
      dir: expect.stringContaining(`infra-labs/${lab}`),
    });
    expect(mine.age_seconds).toBeGreaterThanOrEqual(0);
    // A lab folder knows its lab: no --name needed from inside it.
    const inside = await infra(['status', '--json'], { cwd: mine.dir });
    expect(JSON.parse(inside.stdout)).toMatchObject({ lab, healthy: true });
  });

  it("the lab folder's README lists the same servers and components as status --json", async () => {
    const status = JSON.parse((await infra(['status', '--name', lab, '--json'], { cwd })).stdout);
    const readme = readFileSync(path.join(status.dir, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| (\S+) \| (\S+) \| [^|]+ \| [^|]+ \| ([^|]+) \|$/gm)]
      .filter((m) => m[1] !== 'server')
      .map((m) => `${m[1]}/${m[2]}`);
    const live = status.servers.flatMap((s: { name: string; components: { name: string }[] }) =>
      s.components.map((c) => `${s.name}/${c.name}`),
    );
    expect(rows.sort()).toEqual(live.sort());
    expect(readme).toContain(`| lb-01 | lb-01-haproxy | haproxy | lb-01:80 | ${url.replace('http://', '')} |`);
  });

  it('publishes only the LB port, on 127.0.0.1', async () => {
    const ports = await docker(['ps', '--filter', `label=${label(lab)}`, '--format', '{{.Names}} {{.Ports}}']);
    const published = ports.split('\n').filter((l) => l.includes('->'));
    expect(published).toHaveLength(1);
    expect(published[0]).toMatch(new RegExp(`^infra-${lab}-lb-01 127\\.0\\.0\\.1:\\d+->80/tcp$`));
  });

  it('status detects components cut off by a restarted server, and up reattaches them', async () => {
    await docker(['restart', '-t', '1', `infra-${lab}-web-02`]);
    const broken = await infra(['status', '--name', lab, '--json'], { cwd });
    expect(broken.exitCode).toBe(1);
    const web02 = JSON.parse(broken.stdout).servers.find((s: { name: string }) => s.name === 'web-02');
    expect(web02.components.every((c: { network: string }) => c.network === 'stale')).toBe(true);

    const up = await infra(['up', '--name', lab, '--port', 'auto', '--no-smoke'], { cwd });
    expect(up.exitCode).toBe(0);
    expect(up.stderr).toMatch(/reattached .*web-02-nginx/);
    expect((await infra(['status', '--name', lab], { cwd })).exitCode).toBe(0);
    const served = new Set<string | null>();
    for (let i = 0; i < 4; i++) served.add((await get(`${url}/`)).servedBy);
    expect(served).toEqual(new Set(['web-01', 'web-02']));
  });

  it('runs a second lab beside the first on its own port', async () => {
    const run = await infra(['up', '--name', second, '--port', 'auto', '--json', '--no-smoke'], { cwd });
    expect(run.exitCode).toBe(0);
    const secondUrl = JSON.parse(run.stdout).url;
    expect(secondUrl).not.toBe(url);
    expect((await get(`${secondUrl}/`)).status).toBe(200);
    expect((await get(`${url}/`)).status).toBe(200);
  });

  it('down removes containers and network but keeps the data; down --volumes removes it', async () => {
    const neighbour = await byLabel('container', label(second));
    const down = await infra(['down', '--name', lab], { cwd });
    expect(down.exitCode).toBe(0);
    expect(await byLabel('container', label(lab))).toEqual([]);
    expect(await byLabel('network', label(lab))).toEqual([]);
    expect(await byLabel('volume', label(lab))).toHaveLength(2);
    // The other lab is untouched: its ten containers and infra's forwarder container.
    expect(neighbour).toHaveLength(11);
    expect(await byLabel('container', label(second))).toEqual(neighbour);

    const gone = await infra(['down', '--name', lab, '--volumes'], { cwd });
    expect(gone.exitCode).toBe(0);
    expect(await byLabel('volume', label(lab))).toEqual([]);
  });
});
