// The monitored profile end to end, on the run's lab with every profile (test/helpers/shared-lab.ts; profiles
// combine): every check passes, Prometheus scrapes every target through the firewalls, the web-server-down alert fires within 30 s of `infra fail web-01` and
// resolves after `recover`, the live lab page shows it in a real browser (Debian's Chromium, headless), and a
// stopped exporter fails the monitoring check by name.
import { existsSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { describeWithDocker, requireEngine, infra, docker, until, curlLab } from '../helpers/e2e.js';
import { CHROMIUM, itWithBrowser, shot } from '../helpers/browser.js';
import { EVERY_PROFILE, sharedLab } from '../helpers/shared-lab.js';

// The shared lab's, once beforeAll has it.
let lab = '';
let cwd = '';
let caFile = '';
let labUrl = '';

interface Check {
  name: string;
  status: string;
  detail: string;
}

async function alertState(prometheus: string, name: string): Promise<string> {
  const body = (await (await fetch(`${prometheus}/api/v1/alerts`)).json()) as {
    data: { alerts: { labels: { alertname: string; server?: string }; state: string }[] };
  };
  return body.data.alerts.find((a) => a.labels.alertname === name && a.labels.server === 'web-01')?.state ?? 'inactive';
}

/** The page's list of firing alerts back to "none"; a failure names the alerts still listed. */
async function allAlertsResolved(page: Page): Promise<void> {
  let listed: (string | null)[] = [];
  await until('every alert resolved on the page', 45_000, async () => {
    listed = await page.$$eval('#alerts li[data-alert]', (items) => items.map((li) => li.textContent));
    return listed.length === 0 ? true : undefined;
  }).catch((error: Error) => {
    throw new Error(`${error.message}; still listed: ${listed.join(' | ')}`);
  });
}

/** `count` requests through the lab's HTTPS port, ten at a time, as visitors would send them. */
async function visits(count: number): Promise<void> {
  const url = labUrl;
  for (let sent = 0; sent < count; sent += 10) {
    await Promise.all(Array.from({ length: Math.min(10, count - sent) }, () => curlLab(url, caFile)));
  }
}

describeWithDocker('monitored, on a lab with every profile', () => {
  let status: { monitoring: { prometheus_url: string; page_url: string }; urls: { https: string } };
  let browser: Browser | undefined;

  beforeAll(async () => {
    requireEngine();
    const shared = await sharedLab(EVERY_PROFILE);
    ({ name: lab, cwd } = shared);
    caFile = path.join(shared.dir, 'tls', 'ca.crt');
    const checks = shared.boot.smoke.checks;
    expect(checks.filter((c: Check) => c.status !== 'passed')).toEqual([]);
    expect(checks.map((c: Check) => c.name)).toEqual(expect.arrayContaining(['tls', 'firewall', 'monitoring']));
    status = JSON.parse((await infra(['status', '--name', lab, '--json'], { cwd })).stdout);
    labUrl = status.urls.https;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('Prometheus scrapes every exporter of every server, through the firewalls', async () => {
    const read = async () => {
      const body = (await (await fetch(`${status.monitoring.prometheus_url}/api/v1/targets`)).json()) as {
        data: { activeTargets: { labels: { job: string; server: string }; health: string }[] };
      };
      return body.data.activeTargets.map((t) => `${t.labels.job} ${t.labels.server} ${t.health}`).sort();
    };
    // up's last smoke check stopped web-01 for a moment: a scrape or two later, every target is up again.
    const targets = await until('every target up', 15_000, async () => {
      const now = await read();
      return now.every((t) => t.endsWith(' up')) ? now : undefined;
    }).catch(read);
    expect(targets).toEqual([
      'haproxy lb-01 up',
      'haproxy lb-02 up',
      'mysqld web-01 up',
      'mysqld web-02 up',
      'nginx web-01 up',
      'nginx web-02 up',
      'node edge up',
      'node lb-01 up',
      'node lb-02 up',
      'node mon-01 up',
      'node web-01 up',
      'node web-02 up',
      'prometheus mon-01 up',
    ]);
  });

  itWithBrowser(
    'the live diagram: traffic on both arrows and in the plot; web-01 failed is drawn down with its alert, web-02 taking every request; all clear after recover',
    async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`no ${CHROMIUM}: apt-get install --no-install-recommends chromium`);
      browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 800 });
      // The page's own script must not fail (a failing refresh would leave a stale diagram that looks fine).
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      await page.goto(status.monitoring.page_url);
      await page.waitForSelector('[data-server="web-01"][data-state="up"]', { timeout: 20_000 });
      const shareOf = (web: string) =>
        page.$eval(`[data-arrow$="→${web}"]`, (arrow) => Number(arrow.getAttribute('data-share')));

      // 100 requests: both web servers' arrows carry some, and the requests plot has points.
      await visits(100);
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('[data-arrow$="→web-01"], [data-arrow$="→web-02"]')].every(
            (a) => Number(a.getAttribute('data-share')) > 0,
          ),
        { timeout: 20_000 },
      );
      await page.waitForFunction(
        () => Number(document.getElementById('plot-requests')!.getAttribute('data-points')) > 0,
        {
          timeout: 20_000,
        },
      );
      await shot(page, 'lab-page-traffic.png');
      // On a phone's width the page reflows to one column: nothing wider than the screen.
      const phone = await browser.newPage();
      await phone.setViewport({ width: 390, height: 844 });
      await phone.goto(status.monitoring.page_url);
      await phone.waitForFunction(
        () => Number(document.getElementById('plot-requests')!.getAttribute('data-points')) > 0,
        {
          timeout: 20_000,
        },
      );
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(phone, 'lab-page-phone.png');
      await phone.close();

      const failedAt = Date.now();
      expect((await infra(['fail', 'web-01', '--name', lab], { cwd })).exitCode).toBe(0);
      await page.waitForSelector('[data-server="web-01"][data-state="down"]', { timeout: 10_000 });
      expect(await page.$eval('[data-server="web-01"] .title', (t) => t.textContent)).toBe('web-01 · down');
      await until('WebServerDown firing', 30_000, async () =>
        (await alertState(status.monitoring.prometheus_url, 'WebServerDown')) === 'firing' ? true : undefined,
      );
      expect(Date.now() - failedAt).toBeLessThan(30_000);
      await page.waitForSelector('[data-server="web-01"] [data-alert="WebServerDown"]', { timeout: 5_000 });
      // Traffic now: web-02 takes all of it once web-01's share has left the 15 s window.
      await until('web-02 taking every request', 40_000, async () => {
        await visits(20);
        return (await shareOf('web-02')) === 1 ? true : undefined;
      });
      expect(await shareOf('web-01')).toBe(0);
      await shot(page, 'lab-page-web-01-down.png');

      expect((await infra(['recover', 'web-01', '--name', lab], { cwd })).exitCode).toBe(0);
      await page.waitForSelector('[data-server="web-01"][data-state="up"]', { timeout: 20_000 });
      await until('WebServerDown resolved', 20_000, async () =>
        (await alertState(status.monitoring.prometheus_url, 'WebServerDown')) === 'inactive' ? true : undefined,
      );
      await page.waitForFunction(() => !document.querySelector('[data-alert="WebServerDown"]'), { timeout: 5_000 });
      // Every alert the failure raised (the backend DOWN, the primary's database, the replica's IO thread) resolves:
      // the list says "none" again.
      await allAlertsResolved(page);
      await shot(page, 'lab-page-recovered.png');
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  itWithBrowser(
    'infra fail lb-01: lb-02 holds the address and its card shows its own HAProxy up; LoadBalancerDown is listed',
    async () => {
      browser ??= await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(status.monitoring.page_url);
      // Each LB card shows its own HAProxy target only; lb-01 holds the address.
      await page.waitForSelector('[data-server="lb-01"] [data-holds]', { timeout: 20_000 });
      const jobsOf = (server: string) =>
        page.$$eval(`[data-server="${server}"] [data-job]`, (marks) =>
          marks.map((m) => `${m.getAttribute('data-job')} ${m.getAttribute('data-up')}`),
        );
      expect(await jobsOf('lb-02')).toEqual(['haproxy true', 'node true']);
      // "none" is not drawn as an alert.
      await allAlertsResolved(page);
      const noneColour = await page.$eval('#alerts li', (li) => getComputedStyle(li).color);
      expect(noneColour).not.toBe('rgb(209, 52, 47)');

      expect((await infra(['fail', 'lb-01', '--name', lab], { cwd })).exitCode).toBe(0);
      try {
        await page.waitForSelector('[data-server="lb-02"] [data-holds]', { timeout: 20_000 });
        await page.waitForSelector('[data-server="lb-01"][data-state="down"]', { timeout: 20_000 });
        expect(await jobsOf('lb-02')).toEqual(['haproxy true', 'node true']);
        expect(await page.$('[data-server="lb-01"] [data-holds]')).toBeNull();
        await page.waitForSelector('#alerts [data-alert="LoadBalancerDown"]', { timeout: 30_000 });
        const alert = await page.$eval('#alerts [data-alert="LoadBalancerDown"]', (li) => li.textContent);
        expect(alert).toContain('lb-01');
        // Drawn on the LB it concerns, too.
        await page.waitForSelector('[data-server="lb-01"] [data-alert="LoadBalancerDown"]', { timeout: 5_000 });
        await shot(page, 'lab-page-lb-01-down.png');
      } finally {
        expect((await infra(['recover', 'lb-01', '--name', lab], { cwd })).exitCode).toBe(0);
      }
      await page.waitForSelector('[data-server="lb-01"] [data-holds]', { timeout: 20_000 });
      await page.waitForFunction(() => !document.querySelector('[data-alert="LoadBalancerDown"]'), { timeout: 30_000 });
      await shot(page, 'lab-page-lb-01-recovered.png');
      await page.close();
    },
  );

  it('explain monitoring lists exactly the alert rules Prometheus loaded', async () => {
    const explained = JSON.parse((await infra(['explain', 'monitoring', '--name', lab, '--json'], { cwd })).stdout) as {
      monitoring: { alerts: { name: string }[] };
    };
    const body = (await (await fetch(`${status.monitoring.prometheus_url}/api/v1/rules?type=alert`)).json()) as {
      data: { groups: { rules: { name: string }[] }[] };
    };
    const loaded = body.data.groups.flatMap((g) => g.rules.map((r) => r.name));
    expect(explained.monitoring.alerts.map((a) => a.name).sort()).toEqual(loaded.sort());
    expect(loaded).toEqual(expect.arrayContaining(['LoadBalancerDown', 'SplitBrain', 'FloatingAddressUnheld']));
  });

  it('an exporter stopped by hand fails the monitoring check by name; `infra up` brings it back', async () => {
    await docker(['stop', `infra-${lab}-web-02-nginx-exporter`]);
    // Prometheus sees it at its next scrape (every 5 s).
    await new Promise((r) => setTimeout(r, 6_000));
    const smoke = await infra(['smoke', '--name', lab, '--skip', 'failover,firewall,lb-failover', '--json'], { cwd });
    const monitoring = (JSON.parse(smoke.stdout).checks as Check[]).find((c) => c.name === 'monitoring')!;
    expect(monitoring.status).toBe('failed');
    expect(monitoring.detail).toMatch(/scrape targets down: web-02 nginx \(http:\/\/web-02:9113\/metrics\)/);
    expect(smoke.exitCode).toBe(1);
    expect((await infra(['up', '--name', lab, '--no-smoke'], { cwd })).exitCode).toBe(0);
    await new Promise((r) => setTimeout(r, 6_000));
    const again = await infra(['smoke', '--name', lab, '--skip', 'failover,firewall,lb-failover', '--json'], { cwd });
    expect(again.exitCode).toBe(0);
  });
});
