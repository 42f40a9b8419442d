// Every built-in drill end to end on the run's lab with every profile (a drill may need any; shared with the
// profile suites, test/helpers/shared-lab.ts): start breaks the lab, check fails, the reference fix (kept here, never
// shown to students) makes check pass, reset restores a lab whose whole smoke suite passes.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeWithDocker, requireEngine, infra, docker, labSql } from '../helpers/e2e.js';
import { EVERY_PROFILE, sharedLab } from '../helpers/shared-lab.js';

// The shared lab's, once beforeAll has it.
let lab = '';
let cwd = '';
let dir = '';
const c = (name: string) => `infra-${lab}-${name}`;

/** What a student types in an editor: the file changed in place, so the container that mounts it sees it. */
async function editInPlace(file: string, from: string, to: string): Promise<void> {
  const full = path.join(dir, file);
  await writeFile(full, (await readFile(full, 'utf8')).split(from).join(to));
}
const sql = (server: string, statement: string) => labSql(lab, server, statement);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The reference fixes; `choices` are the details the lab's seed picked (the drill records them in the lab folder). */
const FIXES: Record<string, (choices: Record<string, string>) => Promise<void>> = {
  'api-502-on-one-server': async ({ server, port }) => {
    await editInPlace(`${server}/nginx.conf`, `server 127.0.0.1:${port}`, 'server 127.0.0.1:5000');
    await docker(['exec', c(`${server}-nginx`), 'nginx', '-s', 'reload']);
  },
  'app-server-stopped': async ({ server }) => {
    await docker(['start', c(`${server}-app`)]);
    await pause(2000);
  },
  'exporter-down': async () => {
    await docker(['start', c('web-02-nginx-exporter')]);
    await pause(6000); // Prometheus's next scrape
  },
  'firewall-blocks-replication': async () => {
    await docker(['exec', c('web-01'), 'nft', '-f', '/etc/infra/server/firewall.nft']);
    await sql('web-02', 'STOP REPLICA; START REPLICA');
  },
  'health-check-everyone-down': async ({ path: wrong }) => {
    await editInPlace('lb-01/haproxy.cfg', `uri ${wrong} ver`, 'uri /health ver');
    await docker(['restart', c('lb-01-haproxy')]);
    await pause(2000);
  },
  'lb-pair-without-backup': async () => {
    await docker(['start', c('lb-02-keepalived')]);
    await pause(2000); // it hears lb-01's adverts and stands by
  },
  'replica-writable': async () => {
    await sql('web-02', 'SET GLOBAL read_only = ON');
  },
  'replication-stopped': async () => {
    await sql('web-02', 'START REPLICA');
  },
  'server-in-maintenance': async ({ server }) => {
    await docker([
      'exec',
      c('lb-01-haproxy'),
      'bash',
      '-c',
      `exec 3<>/dev/tcp/127.0.0.1/9999 && echo "set server web/${server} state ready" >&3 && cat <&3`,
    ]);
    await pause(1500);
  },
};

describeWithDocker('drills', () => {
  beforeAll(async () => {
    requireEngine();
    // A student's lab: its seed picks each drill's details.
    ({ name: lab, cwd, dir } = await sharedLab(EVERY_PROFILE));
  });
  // A drill left running by a failed test would refuse the next one's start.
  afterEach(async () => {
    if (existsSync(path.join(dir, '.infra', 'drill.json'))) await infra(['drill', 'reset', '--name', lab], { cwd });
  });

  it('lists at least eight drills, each with a reference fix here', async () => {
    const list = JSON.parse((await infra(['drill', 'list', '--json'], { cwd })).stdout) as { name: string }[];
    expect(list.length).toBeGreaterThanOrEqual(8);
    expect(list.map((d) => d.name).sort()).toEqual(Object.keys(FIXES).sort());
  });

  it.each(Object.keys(FIXES))('%s: start breaks, check fails, the fix passes, reset restores', async (name) => {
    const start = await infra(['drill', 'start', name, '--name', lab], { cwd });
    expect(start.stderr).toBe('');
    expect(start.exitCode).toBe(0);
    // The story, never the steps.
    expect(start.stdout).not.toMatch(/breaks:|nft|read_only|5001|healthz|state maint/);

    const broken = await infra(['drill', 'check', '--name', lab, '--json', '--hint'], { cwd });
    const before = JSON.parse(broken.stdout);
    expect(before).toMatchObject({ drill: name, solved: false });
    expect(before.hint).toEqual(expect.any(String));
    expect(broken.exitCode).toBe(1);
    const listed = JSON.parse((await infra(['ls', '--json'], { cwd })).stdout);
    expect(listed.find((l: { name: string }) => l.name === lab).drill).toEqual({ name, solved: false });

    const { choices } = JSON.parse(await readFile(path.join(dir, '.infra', 'drill.json'), 'utf8'));
    await FIXES[name](choices ?? {});
    const junit = path.join(cwd, `${name}.xml`);
    const fixed = await infra(['drill', 'check', '--name', lab, '--json', '--junit', junit], { cwd });
    expect(JSON.parse(fixed.stdout)).toMatchObject({ drill: name, solved: true });
    expect(fixed.exitCode).toBe(0);
    // The instructor's copy: one test case per proving check, none failed.
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('failures="0"');
    for (const check of JSON.parse(fixed.stdout).checks) expect(xml).toContain(`name="${check.name}"`);

    const reset = await infra(['drill', 'reset', '--name', lab], { cwd });
    expect(reset.exitCode).toBe(0);
    // One line, not up's whole report.
    expect(reset.stdout).toBe(`drill "${name}" reset: lab "${lab}" is as infra made it`);
    expect(reset.stderr).toBe('');
    const smoke = await infra(['smoke', '--name', lab, '--skip', 'failover,lb-failover', '--json'], { cwd });
    expect(JSON.parse(smoke.stdout).checks.filter((k: { status: string }) => k.status === 'failed')).toEqual([]);
  });

  it('a solved drill does not block the next: start ends it and restores the lab; an unsolved one still blocks', async () => {
    const [first, second] = ['replication-stopped', 'replica-writable'];
    expect((await infra(['drill', 'start', first, '--name', lab], { cwd })).exitCode).toBe(0);
    const { choices } = JSON.parse(await readFile(path.join(dir, '.infra', 'drill.json'), 'utf8'));
    await FIXES[first](choices ?? {});
    expect((await infra(['drill', 'check', '--name', lab], { cwd })).exitCode).toBe(0);

    const next = await infra(['drill', 'start', second, '--name', lab], { cwd });
    expect(next.exitCode).toBe(0);
    expect(next.stdout).toContain(`drill "${first}" was solved; ended it and restored the lab`);
    expect(JSON.parse(await readFile(path.join(dir, '.infra', 'drill.json'), 'utf8')).drill).toBe(second);

    const blocked = await infra(['drill', 'start', first, '--name', lab], { cwd });
    expect(blocked.exitCode).toBe(2);
    expect(blocked.stderr).toContain(`the drill "${second}" is already running on lab "${lab}"`);
  });
});
