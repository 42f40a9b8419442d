// Every built-in drill end to end on the run's lab with every profile (a drill may need any; shared with the
// profile suites, test/helpers/shared-lab.ts): start breaks the lab, check fails, the reference fix (kept here, never
// shown to students) makes check pass, reset restores a lab whose whole smoke suite passes.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import {
  describeWithDocker,
  requireEngine,
  infra,
  docker,
  labSql,
  until,
  curlLab,
  haproxyApi,
} from '../helpers/e2e.js';
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
/** The nightly import's rows on a server's database ('none' before its table is there). */
const importedRows = async (server: string) =>
  sql(server, 'SELECT COUNT(*) FROM footer.nightly_import').catch(() => 'none');
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The balance algorithm an LB's HAProxy runs now (its runtime API's `show stat`, the web backend's algo column). */
async function runningAlgorithm(lb: string): Promise<string> {
  const csv = (await haproxyApi(c(`${lb}-haproxy`), 'show stat')).split('\n');
  const columns = csv[0].replace(/^# /, '').split(',');
  const backend = csv.find((row) => row.startsWith('web,BACKEND,'))!.split(',');
  return backend[columns.indexOf('algo')];
}

/** The reference fixes; `choices` are the details the lab's seed picked (the drill records them in the lab folder). */
const FIXES: Record<string, (choices: Record<string, string>) => Promise<void>> = {
  'api-502-on-one-server': async ({ server, port }) => {
    await editInPlace(`${server}/nginx.conf`, `server 127.0.0.1:${port}`, 'server 127.0.0.1:5000');
    await docker(['exec', c(`${server}-nginx`), 'nginx', '-s', 'reload']);
  },
  'app-hangs': async ({ server }) => {
    await docker(['unpause', c(`${server}-app`)]);
    await editInPlace('lb-01/haproxy.cfg', 'uri /health ver', 'uri /api/live ver');
    await docker(['restart', c('lb-01-haproxy')]);
    await pause(3000);
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
    await editInPlace('web-01/firewall.nft', '# hardened: tcp dport 3306 ip saddr', 'tcp dport 3306 ip saddr');
    await docker(['exec', c('web-01'), 'nft', '-f', '/etc/infra/server/firewall.nft']);
    await pause(2000); // the replica retries every second
  },
  'health-check-everyone-down': async ({ path: wrong }) => {
    await editInPlace('lb-01/haproxy.cfg', `uri ${wrong} ver`, 'uri /api/live ver');
    await docker(['restart', c('lb-01-haproxy')]);
    await pause(2000);
  },
  'lb-pair-partitioned': async () => {
    await infra(['heal', 'partition-lb-01-lb-02', '--name', lab], { cwd });
    await pause(3000); // lb-02 hears lb-01's adverts, of the higher priority, and gives the address back
  },
  'lb-pair-without-backup': async () => {
    await docker(['start', c('lb-02-keepalived')]);
    await pause(2000); // it hears lb-01's adverts and stands by
  },
  'replica-link-lossy': async () => {
    await infra(['heal', 'loss-web-02', '--name', lab], { cwd });
    // The whole transaction arrives at the next reconnect, then applies.
    await until('the import on web-02', 30_000, async () =>
      (await importedRows('web-02')) === '1000' ? true : undefined,
    );
  },
  'replica-writable': async () => {
    await sql('web-02', 'SET GLOBAL read_only = ON');
  },
  'replication-stopped': async () => {
    await sql('web-02', 'START REPLICA');
  },
  'replica-lagging': async () => {
    await sql('web-02', 'STOP REPLICA');
    await sql('web-02', 'CHANGE MASTER TO MASTER_DELAY=0');
    await sql('web-02', 'START REPLICA');
    await pause(2000); // the events it held back apply at once
  },
  'slow-under-load': async ({ server }) => {
    await editInPlace(`${server}/nginx.conf`, '\n            limit_req zone=visitors burst=1000;', '');
    await docker(['exec', c(`${server}-nginx`), 'nginx', '-s', 'reload']);
  },
  'split-brain': async ({ id }) => {
    await editInPlace('lb-02/keepalived.conf', `virtual_router_id ${id}`, 'virtual_router_id 51');
    await docker(['restart', c('lb-02-keepalived')]);
    await pause(3000); // it hears lb-01's adverts, of the higher priority, and stands by
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

interface LabStatus {
  healthy: boolean;
  urls: { https: string };
  monitoring: { prometheus_url: string };
  floating_address: { holder: string | null; holders: string[] };
  load_balancer: Record<string, string>;
  servers: { name: string; components: { name: string; state: string; health: string }[] }[];
  replication: {
    primary: { server: string; unreachable?: string };
    replicas: {
      server: string;
      io_running: string;
      sql_running: string;
      last_error: string | null;
      read_only: boolean;
    }[];
  };
}

/** What `infra status --json` says of the lab now. */
async function statusJson(): Promise<LabStatus> {
  return JSON.parse((await infra(['status', '--name', lab, '--json'], { cwd })).stdout) as LabStatus;
}

/** What a student reads: `infra status`'s text and exit code. */
async function statusText(): Promise<{ exitCode: number; text: string }> {
  const shown = await infra(['status', '--name', lab], { cwd });
  return { exitCode: shown.exitCode, text: shown.stdout };
}

/** A request through the lab's HTTPS port, as a user's curl sends it. */
const visit = (url: string, options: Parameters<typeof curlLab>[2] = {}) =>
  curlLab(url, path.join(dir, 'tls', 'ca.crt'), options);

/**
 * What each drill's story and first hint say the student will find, checked on the broken lab: the server, the
 * symptom, and that the command the hint names shows it.
 */
const SYMPTOMS: Record<string, (choices: Record<string, string>, now: LabStatus) => Promise<void>> = {
  'api-502-on-one-server': async ({ server }, now) => {
    // "every other click on 'record a visit' fails": the visits API through that server, never the other's.
    const other = server === 'web-01' ? 'web-02' : 'web-01';
    expect((await visit(now.urls.https, { method: 'POST', path: '/api/visits', pin: server })).code).toBe(502);
    expect((await visit(now.urls.https, { method: 'POST', path: '/api/visits', pin: other })).code).toBe(201);
    expect((await visit(now.urls.https, { pin: server })).code).toBe(200);
  },
  'app-server-stopped': async ({ server }, now) => {
    // "half of the API calls answer 502"; hint 1: X-Served-By names the server; hint 2: status shows the app stopped.
    const answer = await visit(now.urls.https, { path: '/api/whoami', pin: server });
    expect(answer).toMatchObject({ code: 502, servedBy: server });
    expect((await visit(now.urls.https, { pin: server })).code).toBe(200);
    const app = now.servers.find((s) => s.name === server)!.components.find((k) => k.name === `${server}-app`)!;
    expect(app.state).not.toBe('running');
  },
  'exporter-down': async (_choices, now) => {
    // Hint 1: Prometheus lists the target with its last error.
    const body = (await (await fetch(`${now.monitoring.prometheus_url}/api/v1/targets`)).json()) as {
      data: { activeTargets: { labels: { job: string; server: string }; health: string; lastError: string }[] };
    };
    const target = body.data.activeTargets.find((t) => t.labels.job === 'nginx' && t.labels.server === 'web-02')!;
    expect(target.health).toBe('down');
    expect(target.lastError).not.toBe('');
  },
  'firewall-blocks-replication': async (_choices, now) => {
    // "those recorded through web-02 hang for ten seconds, then fail" (the app waits that long for a primary that
    // moved); hint 1: status shows web-02's IO thread retrying with its error, and that infra cannot reach web-01.
    const write = await visit(now.urls.https, { method: 'POST', path: '/api/visits', pin: 'web-02' });
    expect(write.code).toBeGreaterThanOrEqual(500);
    expect(write.seconds).toBeGreaterThan(9);
    expect(now.replication.primary).toMatchObject({ server: 'web-01', unreachable: expect.stringContaining('web-01') });
    const replica = now.replication.replicas.find((r) => r.server === 'web-02')!;
    expect(replica.io_running).not.toBe('Yes');
    expect(replica.last_error).toMatch(/web-01/);
  },
  'health-check-everyone-down': async (_choices, now) => {
    // "503 to everyone, yet every container is running and healthy"; hint 1: status shows HAProxy's view.
    expect((await visit(now.urls.https, {})).code).toBe(503);
    const components = now.servers.flatMap((s) => s.components);
    expect(components.filter((k) => k.state !== 'running')).toEqual([]);
    expect(now.load_balancer).toEqual({ 'web-01': 'DOWN', 'web-02': 'DOWN' });
  },
  'lb-pair-without-backup': async (_choices, now) => {
    // "The site answers fine"; hint 1: status says lb-01 holds the address.
    expect((await visit(now.urls.https, {})).code).toBe(200);
    expect(now.floating_address.holder).toBe('lb-01');
  },
  'lb-pair-partitioned': async (_choices, now) => {
    // "the floating address answering from two MAC addresses"; hint 1: status says how many hold it; the fault is
    // listed with the lab (what infra did is never hidden from status).
    expect(now.floating_address.holders).toEqual(['lb-01', 'lb-02']);
    const shown = await statusText();
    expect(shown.exitCode).toBe(1);
    expect(shown.text).toMatch(/split brain: lb-01 and lb-02 both hold/);
    expect(shown.text).toContain('partition-lb-01-lb-02: lb-01 and lb-02 cannot reach each other');
  },
  'replica-link-lossy': async (_choices, now) => {
    // "4 MB on web-01, none of it on web-02, and the gap grows". Hint 2: web-02's database logs its IO thread
    // reconnecting, from the same GTID position each time; after that, still none of the import.
    expect(await importedRows('web-01')).toBe('1000');
    await until("web-02's IO thread reconnecting", 40_000, async () => {
      const logs = await execa('docker', ['logs', '--since', '2m', c('web-02-db')], { reject: false });
      return /reconnecting to retry/.test(`${logs.stdout}${logs.stderr}`) ? true : undefined;
    });
    expect(await importedRows('web-02')).not.toBe('1000');
    // Hint 1: status does not call a replica that stays behind healthy, whatever its lag in seconds says. Through
    // the loss a reading meets one of four states, each said as it is: applied behind, web-02's database out of
    // reach, its IO thread between reconnects (no error), or its connection to web-01 broken midway (an error).
    expect(now.healthy).toBe(false);
    const shown = await statusText();
    expect(shown.exitCode).toBe(1);
    expect(shown.text).toMatch(
      /behind: \d+ transaction\(s\) of the primary not applied|cannot reach its database|its IO thread is reconnecting to web-01|web-02's connection to web-01 breaks midway/,
    );
    expect(shown.text).toMatch(/loss-web-02: web-02 drops (30|35|40)% of its packets/);
  },
  'replica-writable': async (_choices, now) => {
    expect(now.replication.replicas.find((r) => r.server === 'web-02')!.read_only).toBe(false);
  },
  'app-hangs': async ({ server }, now) => {
    // "The load balancer says both web servers are UP, and no process has died"; hint 1: a request pinned to the
    // hanging server gets no answer, and status shows its app paused.
    expect(now.load_balancer).toEqual({ 'web-01': 'UP', 'web-02': 'UP' });
    const app = now.servers.find((s) => s.name === server)!.components.find((k) => k.name.endsWith(`${server}-app`))!;
    expect(app.state).toBe('paused');
    const ca = path.join(dir, 'tls', 'ca.crt');
    const hung = await execa(
      'curl',
      ['-s', '-m', '4', '--cacert', ca, '-H', `X-Infra-Server: ${server}`, `${now.urls.https}/api/whoami`],
      { reject: false },
    );
    expect(hung.exitCode).toBe(28); // curl's "operation timed out"
  },
  'replica-lagging': async ({ delay }, now) => {
    // "Replication runs: nothing is stopped"; yet a visit recorded through web-01 is not on web-02 seconds later
    // (hint 1's two requests).
    expect(now.replication.replicas.find((r) => r.server === 'web-02')).toMatchObject({
      io_running: 'Yes',
      sql_running: 'Yes',
    });
    const ca = path.join(dir, 'tls', 'ca.crt');
    const pinned = (server: string) => ['-sS', '--cacert', ca, '-H', `X-Infra-Server: ${server}`];
    const posted = await execa('curl', [...pinned('web-01'), '-X', 'POST', `${now.urls.https}/api/visits`]);
    const { id } = JSON.parse(posted.stdout) as { id: number };
    await pause(3000);
    const read = await execa('curl', [
      ...pinned('web-02'),
      ...['-o', '/dev/null', '-w', '%{http_code}', `${now.urls.https}/api/visits/${id}`],
    ]);
    expect(read.stdout).toBe('404');
    expect(Number(delay)).toBeGreaterThanOrEqual(60);
  },
  'replication-stopped': async (_choices, now) => {
    // Hint 1: status shows each replica's IO and SQL threads.
    expect(now.replication.replicas.find((r) => r.server === 'web-02')).toMatchObject({
      io_running: 'No',
      sql_running: 'No',
    });
  },
  'server-in-maintenance': async ({ server }, now) => {
    // "One web server is busy while the other sits idle"; hint 1: X-Served-By over a few requests, then status.
    const answers = await Promise.all(Array.from({ length: 4 }, () => visit(now.urls.https, {})));
    expect(answers.map((a) => a.servedBy)).not.toContain(server);
    expect(now.load_balancer[server]).toBe('MAINT');
  },
  'slow-under-load': async ({ server }, now) => {
    // "infra status says everything is healthy", "whenever someone opens it, it is instant": one request pinned to
    // the throttled server is fast. Hint 1: under `infra load` that server's own latency stands out.
    expect(now.healthy).toBe(true);
    const one = await visit(now.urls.https, { pin: server });
    expect(one.code).toBe(200);
    expect(one.seconds).toBeLessThan(1);
    const other = server === 'web-01' ? 'web-02' : 'web-01';
    const load = await infra(['load', '--duration', '3s', '--json', '--name', lab], { cwd });
    const { runs, checks } = JSON.parse(load.stdout);
    const { report } = runs[0];
    expect(report.errors.total).toBe(0);
    // Medians: in a few seconds at this rate a server has few responses, and one stray slow one is its p99.
    expect(report.latency_by_server_ms[server].p50).toBeGreaterThan(5 * report.latency_by_server_ms[other].p50 + 200);
    // Nothing failed, yet infra load says which server holds the visitors back, and exits 1.
    expect(checks.find((k: { name: string }) => k.name === 'no web server holds the others back')).toMatchObject({
      passed: false,
      detail: expect.stringContaining(`${server} answers slowly when requests come together`),
    });
    expect(load.exitCode).toBe(1);
  },
  'split-brain': async (_choices, now) => {
    // "The site answers as before"; hint 1: status says how many load balancers hold the address: two, a split brain.
    expect((await visit(now.urls.https, {})).code).toBe(200);
    expect(now.floating_address.holders).toEqual(['lb-01', 'lb-02']);
    expect(now.healthy).toBe(false);
    const shown = await statusText();
    expect(shown.exitCode).toBe(1);
    expect(shown.text).toMatch(/split brain: lb-01 and lb-02 both hold 172\.16\.\d+\.5/);
    // Prometheus sees it too: the SplitBrain alert fires (a scrape, then 10 s pending).
    await until('SplitBrain firing', 40_000, async () => {
      const body = (await (await fetch(`${now.monitoring.prometheus_url}/api/v1/alerts`)).json()) as {
        data: { alerts: { labels: { alertname: string }; state: string }[] };
      };
      return body.data.alerts.some((a) => a.labels.alertname === 'SplitBrain' && a.state === 'firing')
        ? true
        : undefined;
    });
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

  it('lists at least eight drills, each with a reference fix and its symptoms here', async () => {
    const list = JSON.parse((await infra(['drill', 'list', '--json'], { cwd })).stdout) as { name: string }[];
    expect(list.length).toBeGreaterThanOrEqual(8);
    expect(list.map((d) => d.name).sort()).toEqual(Object.keys(FIXES).sort());
    expect(Object.keys(SYMPTOMS).sort()).toEqual(Object.keys(FIXES).sort());
  });

  it.each(Object.keys(FIXES))(
    '%s: start breaks as the story says, check fails, the fix passes, reset restores',
    async (name) => {
      const start = await infra(['drill', 'start', name, '--name', lab], { cwd });
      expect(start.stderr).toBe('');
      expect(start.exitCode).toBe(0);
      // The story, never the steps.
      expect(start.stdout).not.toMatch(
        /breaks:|nft (insert|add|-f)|read_only|5001|healthz|state maint|virtual_router_id/,
      );
      const { choices: picked } = JSON.parse(await readFile(path.join(dir, '.infra', 'drill.json'), 'utf8'));
      await SYMPTOMS[name](picked ?? {}, await statusJson());

      const broken = await infra(['drill', 'check', '--name', lab, '--json', '--hint'], { cwd });
      const before = JSON.parse(broken.stdout);
      expect(before).toMatchObject({ drill: name, solved: false });
      expect(before.hint).toEqual(expect.any(String));
      expect(broken.exitCode).toBe(1);
      if (name === 'lb-pair-without-backup') {
        // With no LB ready to take over, check does not stop lb-01 to find out: the site stays up.
        expect(before.checks.find((k: { name: string }) => k.name === 'lb-failover')).toMatchObject({
          status: 'skipped',
          detail: expect.stringContaining('lb-02 could not take the address (keepalived does not run there'),
        });
      }
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
      // The load burst only where the drill was about load (3 s a drill, the suite's longest part otherwise).
      const skip = ['failover', 'lb-failover', ...(name === 'slow-under-load' ? [] : ['under-load'])];
      const smoke = await infra(['smoke', '--name', lab, '--skip', skip.join(','), '--json'], { cwd });
      expect(JSON.parse(smoke.stdout).checks.filter((k: { status: string }) => k.status === 'failed')).toEqual([]);
    },
  );

  it("slow-under-load: leastconn alone solves it for the visitors, while the throttled server stays slow (hint 3's other fix)", async () => {
    expect((await infra(['drill', 'start', 'slow-under-load', '--name', lab], { cwd })).exitCode).toBe(0);
    const { choices } = JSON.parse(await readFile(path.join(dir, '.infra', 'drill.json'), 'utf8'));
    // On both load balancers of the pair: the floating address may move while one restarts.
    for (const lb of ['lb-01', 'lb-02']) {
      await editInPlace(`${lb}/haproxy.cfg`, 'balance roundrobin', 'balance leastconn');
      await docker(['restart', c(`${lb}-haproxy`)]);
    }
    await pause(3000);
    expect(await runningAlgorithm('lb-01')).toBe('leastconn');
    const checked = await infra(['drill', 'check', '--name', lab, '--json'], { cwd });
    expect(JSON.parse(checked.stdout)).toMatchObject({ drill: 'slow-under-load', solved: true });
    // The throttled server gets a request only when the other has more in flight: few, each still slow.
    const load = await infra(['load', '--duration', '3s', '--json', '--name', lab], { cwd });
    const { report } = JSON.parse(load.stdout).runs[0];
    expect(report.shares[choices.server]).toBeLessThan(5);
    expect(report.latency_by_server_ms[choices.server].p99).toBeGreaterThan(50);
    expect(load.exitCode).toBe(0);
    // Reset restores haproxy.cfg and restarts each HAProxy that read the edited one: roundrobin again.
    expect((await infra(['drill', 'reset', '--name', lab], { cwd })).exitCode).toBe(0);
    expect([await runningAlgorithm('lb-01'), await runningAlgorithm('lb-02')]).toEqual(['roundrobin', 'roundrobin']);
  });

  it('a solved drill does not block the next: start ends it and restores the lab; an unsolved one still blocks', async () => {
    const [first, second] = ['replication-stopped', 'replica-writable'];
    expect((await infra(['drill', 'start', first, '--name', lab], { cwd })).exitCode).toBe(0);
    const { choices } = JSON.parse(await readFile(path.join(dir, '.infra', 'drill.json'), 'utf8'));
    // `infra ls` shows each lab's drill as its last check left it (once here: it reads the same file for every drill).
    const listed = async () =>
      JSON.parse((await infra(['ls', '--json'], { cwd })).stdout).find((l: { name: string }) => l.name === lab).drill;
    expect((await infra(['drill', 'check', '--name', lab], { cwd })).exitCode).toBe(1);
    expect(await listed()).toMatchObject({ name: first, solved: false });
    await FIXES[first](choices ?? {});
    expect((await infra(['drill', 'check', '--name', lab], { cwd })).exitCode).toBe(0);
    expect(await listed()).toMatchObject({ name: first, solved: true, solved_at: expect.any(String) });

    const next = await infra(['drill', 'start', second, '--name', lab], { cwd });
    expect(next.exitCode).toBe(0);
    expect(next.stdout).toContain(`drill "${first}" was solved; ended it and restored the lab`);
    expect(JSON.parse(await readFile(path.join(dir, '.infra', 'drill.json'), 'utf8')).drill).toBe(second);
    expect(await listed()).toMatchObject({ name: second, solved: null });

    const blocked = await infra(['drill', 'start', first, '--name', lab], { cwd });
    expect(blocked.exitCode).toBe(2);
    expect(blocked.stderr).toContain(`the drill "${second}" is already running on lab "${lab}"`);
  });
});
