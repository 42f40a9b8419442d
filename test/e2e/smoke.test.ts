// The smoke suite on the default lab, against real containers: it passes as the last step of `up`; then, for each
// check, exactly the property it guards is broken and that check — and only it — fails with a useful detail.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { XMLValidator } from 'fast-xml-parser';
import puppeteer from 'puppeteer-core';
import {
  describeWithDocker,
  requireEngine,
  uniqueLabName,
  tempDir,
  infra,
  get,
  watchLab,
  haproxyApi as apiOf,
} from '../helpers/e2e.js';
import { CHROMIUM, itWithBrowser, shot } from '../helpers/browser.js';

const lab = uniqueLabName('smoke');
const cwd = tempDir();
const dir = path.join(cwd, 'infra-labs', lab);
const container = (name: string) => `infra-${lab}-${name}`;

interface Report {
  passed: boolean;
  checks: { name: string; status: string; duration_ms: number; detail: string }[];
}

async function smoke(...args: string[]): Promise<{ exitCode: number; report: Report }> {
  const run = await infra(['smoke', '--name', lab, '--json', ...args], { cwd });
  return { exitCode: run.exitCode, report: JSON.parse(run.stdout) };
}

/** Each check's status, and every detail so a surprise reads in the test output. */
function statuses(report: Report): Record<string, string> {
  // toMatchObject ignores `details`, but prints it when the statuses differ.
  return { ...Object.fromEntries(report.checks.map((c) => [c.name, c.status])), details: explain(report) };
}

function explain(report: Report): string {
  return report.checks.map((c) => `${c.name}: ${c.status} (${c.detail})`).join('\n');
}

const haproxyApi = (command: string) => apiOf(container('lb-01-haproxy'), command);
async function waitUntilUp(server: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const stat = await haproxyApi('show stat');
    if (stat.split('\n').some((line) => line.startsWith(`web,${server},`) && line.split(',')[17] === 'UP')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${server} did not come back UP in HAProxy`);
}
const sqlAsRoot = (server: string, query: string) =>
  execa('docker', ['exec', container(`${server}-db`), 'mariadb', '-e', query]);

describeWithDocker('smoke suite', () => {
  let url = '';

  beforeAll(async () => {
    requireEngine();
  });
  afterAll(async () => {
    await infra(['reset', '--name', lab, '--yes'], { cwd });
  });

  it('passes every check as the last step of up', async () => {
    const up = await infra(['up', '--name', lab, '--port', 'auto', '--json'], { cwd });
    const result = JSON.parse(up.stdout);
    expect(result.smoke.checks.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['lb-serves', 'passed'],
      ['lb-distribution', 'passed'],
      ['app-path', 'passed'],
      ['replication', 'passed'],
      ['consistency', 'passed'],
      ['under-load', 'passed'],
      ['exposure', 'passed'],
      ['failover', 'passed'],
    ]);
    expect(result.smoke.checks.find((c: { name: string }) => c.name === 'failover').detail).toMatch(/0 failed/);
    expect(up.exitCode).toBe(0);
    url = result.url;
  });

  it('explain security says what a container on the lab network reaches, and a scan from one finds just that', async () => {
    const explained = JSON.parse((await infra(['explain', 'security', '--name', lab, '--json'], { cwd })).stdout) as {
      security: { what: string; exposed: boolean; consequence: string }[];
      open_on_lab_network: string[];
    };
    // No firewall: explain says every port of every server is reachable, MariaDB's included, the apps only on
    // their own loopback; nothing is narrowed by a firewall.
    const flat = explained.security.find((f) => f.what.startsWith('no firewall'))!;
    expect(flat).toMatchObject({ exposed: true });
    expect(flat.consequence).toMatch(/reaches every port of every server, including MariaDB on 3306/);
    expect(flat.consequence).toMatch(/application servers listen on 127\.0\.0\.1 only/);
    expect(explained.open_on_lab_network).toEqual([]);
    const hostImage = (await execa('docker', ['inspect', '-f', '{{.Config.Image}}', container('web-01')])).stdout;
    const script = ['lb-01', 'web-01', 'web-02']
      .flatMap((s) => [80, 3306, 5000, 9999].map((p) => `(exec 3<>/dev/tcp/${s}/${p}) 2>/dev/null && echo ${s}:${p}`))
      .concat('true')
      .join('; ');
    const scan = await execa('docker', [
      ...['run', '--rm', '--network', `infra-${lab}`, hostImage],
      ...['timeout', '60', 'bash', '-c', script],
    ]);
    // Nginx and MariaDB on both web servers, HAProxy's port; the apps (5000) and HAProxy's API (9999) on no one.
    expect(scan.stdout.split('\n').sort()).toEqual([
      'lb-01:80',
      'web-01:3306',
      'web-01:80',
      'web-02:3306',
      'web-02:80',
    ]);
  });

  itWithBrowser(
    'infra watch draws the built-in lab live: traffic on both arrows; web-01 failed is down within 10 s, web-02 taking every request',
    async () => {
      const watch = watchLab(lab, cwd);
      const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
      try {
        const pageUrl = await watch.url;
        expect(pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(String(error)));
        await page.setViewport({ width: 1280, height: 800 });
        await page.goto(pageUrl);
        // The lab as up made it (the tests after this one break things).
        await page
          .waitForSelector('[data-server="web-01"][data-state="up"]', { timeout: 20_000 })
          .catch(async (error) => {
            throw new Error(
              `${String(error)}; what infra watch read: ${await (await fetch(`${pageUrl}api/state`)).text()}`,
            );
          });
        const visit = () => Promise.all(Array.from({ length: 10 }, () => get(url)));
        await visit();
        await page.waitForFunction(
          () =>
            [...document.querySelectorAll('[data-arrow="lb-01→web-01"], [data-arrow="lb-01→web-02"]')].length === 2 &&
            [...document.querySelectorAll('[data-arrow="lb-01→web-01"], [data-arrow="lb-01→web-02"]')].every(
              (a) => Number(a.getAttribute('data-share')) > 0,
            ),
          { timeout: 10_000 },
        );
        await shot(page, 'watch-built-in-traffic.png');

        // The app's own page draws the lab small, with the web server that served it marked.
        const appPage = await browser.newPage();
        appPage.on('pageerror', (error) => errors.push(String(error)));
        await appPage.setViewport({ width: 1280, height: 800 });
        await appPage.goto(`${url}/`);
        const servedBy = await appPage.$eval('.server', (p) => p.textContent!.trim());
        expect(['web-01', 'web-02']).toContain(servedBy);
        expect(
          await appPage.$$eval('[data-served="true"]', (marked) => marked.map((g) => g.getAttribute('data-server'))),
        ).toEqual([servedBy]);
        await shot(appPage, 'app-page-diagram.png');
        await appPage.close();

        expect((await infra(['fail', 'web-01', '--name', lab], { cwd })).exitCode).toBe(0);
        try {
          await page.waitForSelector('[data-server="web-01"][data-state="down"]', { timeout: 10_000 });
          expect(await page.$eval('[data-server="web-01"] .title', (t) => t.textContent)).toBe('web-01 · down');
          // Visitors now reach web-02 only: once web-01's earlier share has left the 15 s window, it takes them all.
          const deadline = Date.now() + 30_000;
          let share = 0;
          while (Date.now() < deadline && share !== 1) {
            await visit();
            await new Promise((r) => setTimeout(r, 2500));
            share = await page.$eval('[data-arrow="lb-01→web-02"]', (a) => Number(a.getAttribute('data-share')));
          }
          expect(share).toBe(1);
          await shot(page, 'watch-built-in-web-01-down.png');
        } finally {
          expect((await infra(['recover', 'web-01', '--name', lab], { cwd })).exitCode).toBe(0);
        }
        await page.waitForSelector('[data-server="web-01"][data-state="up"]', { timeout: 15_000 });
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
        expect(await watch.stop()).toBe(0);
      }
    },
  );

  it('infra smoke writes JSON and a JUnit report, exit 0', async () => {
    const junit = path.join(cwd, 'smoke.xml');
    const { exitCode, report } = await smoke('--junit', junit, '--skip', 'failover');
    // The failed checks with their detail first: a failure names the check (once it failed with exit 1 alone).
    expect(report.checks.filter((check) => check.status === 'failed')).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.passed).toBe(true);
    expect(statuses(report).failover).toBe('skipped');
    const xml = readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<testcase classname="infra.smoke.' + lab + '" name="replication"');
  });

  it('the app answers JSON, 4xx for bad requests, and reads a visit back from the replica', async () => {
    const bad = await fetch(`${url}/api/visits/not-a-number`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'the visit id must be a positive whole number' });
    expect((await fetch(`${url}/api/visits`, { method: 'POST', body: '{oops' })).status).toBe(400);
    const created = await fetch(`${url}/api/visits`, { method: 'POST' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    await new Promise((r) => setTimeout(r, 200));
    const read = await fetch(`${url}/api/visits/${id}`, { headers: { 'x-infra-server': 'web-02' } });
    expect(await read.json()).toMatchObject({ id, read_from: 'web-02 (replica)' });
  });

  it('a backend in maintenance fails lb-distribution only', async () => {
    await haproxyApi('set server web/web-02 state maint');
    try {
      const { exitCode, report } = await smoke();
      expect(exitCode).toBe(1);
      expect(statuses(report)).toMatchObject({
        'lb-serves': 'passed',
        'lb-distribution': 'failed',
        'app-path': 'passed',
        replication: 'passed',
        exposure: 'passed',
        failover: 'skipped',
      });
      expect(report.checks[1].detail).toMatch(
        /expected every active server \(web-01, web-02\).*saw roundrobin, active-active: web-01 web-01/,
      );
    } finally {
      await haproxyApi('set server web/web-02 state ready');
      // Out of maintenance, web-02 must pass its health checks again before it takes traffic.
      await waitUntilUp('web-02');
    }
  });

  it('an app that cannot reach its database fails app-path only', async () => {
    // web-02's app logs in from 127.0.0.1: a more specific account with another password shuts it out of its local
    // database, not binlogged, while replication and the primary stay untouched.
    await sqlAsRoot(
      'web-02',
      "SET SESSION sql_log_bin=0; CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY 'not-the-app-password'",
    );
    // Close the app's open connections, so its pool has to log in again.
    const ids = (await sqlAsRoot('web-02', "SELECT id FROM information_schema.processlist WHERE user='app'")).stdout;
    for (const id of ids.split('\n').slice(1).filter(Boolean))
      await sqlAsRoot('web-02', `KILL CONNECTION ${id}`).catch(() => undefined);
    try {
      const { exitCode, report } = await smoke('--skip', 'failover');
      expect(exitCode).toBe(1);
      expect(statuses(report)).toMatchObject({
        'lb-distribution': 'passed',
        'app-path': 'failed',
        replication: 'passed',
        exposure: 'passed',
      });
      expect(report.checks[2].detail).toMatch(
        /^web-02: \/api\/whoami answered 503: .*database unavailable.*ER_ACCESS_DENIED_ERROR/,
      );
    } finally {
      await sqlAsRoot('web-02', "SET SESSION sql_log_bin=0; DROP USER 'app'@'127.0.0.1'");
    }
  });

  it("the replica's SQL thread stopped fails replication only", async () => {
    await sqlAsRoot('web-02', 'STOP REPLICA SQL_THREAD');
    try {
      const { exitCode, report } = await smoke('--skip', 'failover');
      expect(exitCode).toBe(1);
      expect(statuses(report)).toMatchObject({
        'lb-distribution': 'passed',
        'app-path': 'passed',
        replication: 'failed',
        consistency: 'skipped',
        exposure: 'passed',
      });
      expect(report.checks[3].detail).toBe('web-02: IO thread Yes, SQL thread No');
    } finally {
      await sqlAsRoot('web-02', 'START REPLICA');
    }
  });

  it('a row changed on the replica outside replication fails consistency only; status --verify shows it', async () => {
    const [id, server] = (await sqlAsRoot('web-02', 'SELECT id, server FROM footer.visits ORDER BY id LIMIT 1')).stdout
      .split('\n')[1]
      .split('\t');
    await sqlAsRoot('web-02', `SET SESSION sql_log_bin=0; UPDATE footer.visits SET server='drifted' WHERE id=${id}`);
    try {
      const { exitCode, report } = await smoke('--skip', 'failover');
      expect(exitCode).toBe(1);
      expect(statuses(report)).toMatchObject({ replication: 'passed', consistency: 'failed', exposure: 'passed' });
      expect(report.checks.find((c) => c.name === 'consistency')?.detail).toMatch(
        /^web-02 differs from web-01: footer\.visits \(id [^)]+\): primary \d+ rows\/\d+, replica \d+ rows\/\d+/,
      );
      const status = await infra(['status', '--name', lab, '--json', '--verify'], { cwd });
      expect(JSON.parse(status.stdout).replication.replicas[0]).toMatchObject({
        consistent: false,
        differences: [expect.stringMatching(/^footer\.visits/)],
      });
      expect(status.exitCode).toBe(1);
    } finally {
      await sqlAsRoot(
        'web-02',
        `SET SESSION sql_log_bin=0; UPDATE footer.visits SET server='${server}' WHERE id=${id}`,
      );
    }
    const status = await infra(['status', '--name', lab, '--json', '--verify'], { cwd });
    expect(JSON.parse(status.stdout).replication.replicas[0].consistent).toBe(true);
  });

  it('infra fail takes a server out of rotation and infra recover brings it back', async () => {
    expect((await infra(['fail', 'web-02', '--name', lab], { cwd })).exitCode).toBe(0);
    const served = new Set<string | null>();
    for (let i = 0; i < 6; i++) served.add((await get(`${url}/`)).servedBy);
    expect(served).toEqual(new Set(['web-01']));
    const recover = await infra(['recover', 'web-02', '--name', lab], { cwd });
    expect(recover.stderr).toContain('web-02 is back');
    expect(recover.exitCode).toBe(0);
    expect((await infra(['status', '--name', lab], { cwd })).exitCode).toBe(0);
  });

  it('a POST is written once when its web server dies after the write: HAProxy replays only safe requests', async () => {
    const visits = async () =>
      Number((await sqlAsRoot('web-01', 'SELECT COUNT(*) FROM footer.visits')).stdout.split('\n')[1]);
    const before = await visits();
    // Hold the table so the app's INSERT waits inside the database, and find which web server took the request.
    const lock = sqlAsRoot('web-01', 'LOCK TABLES footer.visits WRITE; SELECT SLEEP(2); UNLOCK TABLES;');
    await new Promise((r) => setTimeout(r, 500));
    const post = fetch(`${url}/api/visits`, { method: 'POST' });
    const web02 = (
      await execa('docker', [
        'inspect',
        '-f',
        '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
        container('web-02'),
      ])
    ).stdout;
    let writer = '';
    for (let i = 0; i < 30 && !writer; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const host = (
        await sqlAsRoot(
          'web-01',
          "SELECT SUBSTRING_INDEX(HOST, ':', 1) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT INTO visits%'",
        )
      ).stdout.split('\n')[1];
      if (host) writer = host === web02 ? 'web-02' : 'web-01';
    }
    expect(writer).not.toBe('');
    // Its app freezes before answering; the lock goes and the write commits; then the web server dies: the visit is
    // written, and the client has no answer.
    await execa('docker', ['pause', container(`${writer}-app`)]);
    await lock;
    for (let i = 0; i < 40 && (await visits()) === before; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await visits()) - before).toBe(1);
    await execa('docker', ['kill', container(`${writer}-nginx`)]);
    // HAProxy answers 502, or closes the connection when the server aborted mid-response.
    const answer = await post.then(
      (response) => response.status,
      () => 'connection closed',
    );
    await execa('docker', ['unpause', container(`${writer}-app`)]);
    await execa('docker', ['start', container(`${writer}-nginx`)]);
    // The client is told the request failed (it may send it again itself); the visit exists once, not twice.
    expect([502, 503, 504, 'connection closed']).toContain(answer);
    await new Promise((r) => setTimeout(r, 500));
    expect((await visits()) - before).toBe(1);
    await waitUntilUp(writer);
    // GETs are still replayed: the failover check (0 failed requests) proves it in every smoke run.
  });

  it('a database port published by an edited compose file fails exposure only (up keeps the edit, runs smoke)', async () => {
    const composeFile = path.join(dir, 'compose.yaml');
    const original = readFileSync(composeFile, 'utf8');
    // Publish web-01's database on the host: the ports go on its host container.
    writeFileSync(
      composeFile,
      original.replace(
        /(\n {2}web-01:\n(?: {4}.*\n)*? {4}command: \["sleep","infinity"\]\n)/,
        '$1    ports: ["127.0.0.1::3306"]\n',
      ),
    );
    expect(readFileSync(composeFile, 'utf8')).not.toBe(original);
    const up = await infra(['up', '--name', lab, '--port', 'auto', '--json', '--skip', 'failover'], { cwd });
    expect(up.exitCode).toBe(1);
    const result = JSON.parse(up.stdout);
    expect(result.steps.map((s: { name: string; status: string }) => s.status)).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'failed',
    ]);
    expect(statuses(result.smoke)).toMatchObject({
      'lb-distribution': 'passed',
      'app-path': 'passed',
      replication: 'passed',
      exposure: 'failed',
    });
    expect(result.smoke.checks.find((c: { name: string }) => c.name === 'exposure').detail).toMatch(
      /web-01 3306\/tcp on 127\.0\.0\.1:\d+: not the load balancer's port/,
    );
  });
});
