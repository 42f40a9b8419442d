// Grey failures on real containers (`infra fault`, `infra heal`): packet loss the site rides out, a slow link that
// measurably slows one server's large responses, a replica applying late, delay refused where the kernel has no
// netem, and a partition of the LB pair (on the shared lab with every profile) that splits the brain until healed.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, itWithBrowser, shot } from '../helpers/browser.js';
import {
  describeWithDocker,
  infra,
  watchLab,
  labSql,
  requireEngine,
  tempDir,
  uniqueLabName,
  until,
} from '../helpers/e2e.js';
import { EVERY_PROFILE, sharedLab } from '../helpers/shared-lab.js';

const lab = uniqueLabName('grey');
const cwd = tempDir();
const dir = path.join(cwd, 'infra-labs', lab);
let url = '';

interface Status {
  faults: { id: string; what: string; made_at: string }[];
  floating_address?: { holder: string | null; holders: string[] };
  load_balancer?: Record<string, string>;
  servers: { name: string; components: { name: string; health: string }[] }[];
}
const status = async (name = lab, where = cwd) => {
  const run = await infra(['status', '--name', name, '--json'], { cwd: where });
  return { exitCode: run.exitCode, json: JSON.parse(run.stdout) as Status };
};
const fault = (...args: string[]) => infra(['fault', ...args, '--name', lab], { cwd });
const heal = (...args: string[]) => infra(['heal', ...args, '--name', lab], { cwd });

/** A request pinned to one web server (HAProxy's X-Infra-Server), timed as a visitor's browser would see it. */
async function timed(where: string, server: string): Promise<{ status: number; servedBy: string; seconds: number }> {
  const result = await execa('curl', [
    ...['-s', '-o', '/dev/null', '-m', '60', '-H', `X-Infra-Server: ${server}`],
    ...['-w', '%{http_code} %{time_total} %header{x-served-by}', `${url}${where}`],
  ]);
  const [code, seconds, servedBy] = result.stdout.trim().split(' ');
  return { status: Number(code), seconds: Number(seconds), servedBy };
}

describeWithDocker('faults beyond stop', () => {
  beforeAll(async () => {
    requireEngine();
    const up = await infra(['up', '--name', lab, '--port', 'auto', '--no-smoke', '--json'], { cwd });
    if (up.exitCode !== 0) throw new Error(`infra up failed: ${up.stdout}${up.stderr}`);
    url = JSON.parse(up.stdout).url;
  });
  afterAll(async () => {
    await infra(['reset', '--name', lab, '--yes'], { cwd });
  });

  it('30% loss on web-02: the site keeps answering, status and ls show the fault, heal clears it', async () => {
    const made = await fault('loss', 'web-02', '30%');
    expect(made.exitCode).toBe(0);
    expect(made.stdout).toContain('fault loss-web-02 on lab');
    const codes = [];
    for (let i = 0; i < 30; i++) codes.push((await fetch(`${url}/`)).status);
    expect(codes.every((c) => c === 200)).toBe(true);
    const { json } = await status();
    expect(json.faults).toEqual([
      expect.objectContaining({ id: 'loss-web-02', what: 'web-02 drops 30% of its packets, in and out' }),
    ]);
    const text = await infra(['status', '--name', lab], { cwd });
    expect(text.stdout).toMatch(/fault {3}loss-web-02: web-02 drops 30% .*`infra heal loss-web-02 --name /);
    const ls = JSON.parse((await infra(['ls', '--json'], { cwd })).stdout) as { name: string; faults: unknown[] }[];
    expect(ls.find((l) => l.name === lab)?.faults).toEqual([
      { id: 'loss-web-02', made_at: json.faults[0].made_at, what: 'web-02 drops 30% of its packets, in and out' },
    ]);

    const healed = await heal('loss-web-02');
    expect(healed.exitCode).toBe(0);
    expect((await status()).json.faults).toEqual([]);
    // Its packets flow again: HAProxy's checks bring web-02 back UP.
    await until('web-02 UP again after heal', 20_000, async () =>
      (await status()).json.load_balancer?.['web-02'] === 'UP' ? true : undefined,
    );
  });

  it("256kbit on web-02 slows its large responses (not web-01's); heal restores the speed", async () => {
    // 300 kB of text in the app's static files (Nginx reads them on every request).
    await writeFile(path.join(dir, 'app', 'public', 'large.txt'), 'x'.repeat(300_000));
    expect((await fault('rate', 'web-02', '256kbit')).exitCode).toBe(0);
    const slow = await timed('/large.txt', 'web-02');
    const fast = await timed('/large.txt', 'web-01');
    expect(slow).toMatchObject({ status: 200, servedBy: 'web-02' });
    expect(fast).toMatchObject({ status: 200, servedBy: 'web-01' });
    // 2.4 Mbit at 256 kbit/s: about 9 s; unlimited, a few milliseconds.
    expect(slow.seconds).toBeGreaterThan(5);
    expect(fast.seconds).toBeLessThan(1);
    expect((await heal('rate-web-02')).exitCode).toBe(0);
    // A connection that lost packets to the bucket may still be backing off its retransmissions for a moment.
    await until('web-02 fast again', 20_000, async () =>
      (await timed('/large.txt', 'web-02')).seconds < 1 ? true : undefined,
    );
  });

  it('delay and corrupt: exit 3 naming the kernel option where netem is missing, nothing changed', async () => {
    const delay = await fault('delay', 'web-02', '200ms');
    const netem = !/CONFIG_NET_SCH_NETEM/.test(delay.stderr);
    if (netem) {
      // A kernel with netem (not this machine kind's): the fault is made, and heals.
      expect(delay.exitCode).toBe(0);
      expect((await heal('delay-web-02')).exitCode).toBe(0);
      return;
    }
    expect(delay.exitCode).toBe(3);
    expect(delay.stderr).toMatch(/kernel has no netem \(CONFIG_NET_SCH_NETEM is not set.*nothing was changed/);
    expect((await fault('corrupt', 'web-02', '1%')).exitCode).toBe(3);
    expect((await status()).json.faults).toEqual([]);
  });

  it('lag web-02 5s: a row written on the primary reaches the replica after 5 s or more; heal: at once again', async () => {
    expect((await fault('lag', 'web-02', '5s')).exitCode).toBe(0);
    const written = Date.now();
    await labSql(lab, 'web-01', "INSERT INTO footer.visits (server) VALUES ('lag-test')");
    const count = async () =>
      Number(await labSql(lab, 'web-02', "SELECT COUNT(*) FROM footer.visits WHERE server = 'lag-test'"));
    await until('the row on web-02', 30_000, async () => ((await count()) > 0 ? true : undefined));
    const took = Date.now() - written;
    expect(took).toBeGreaterThanOrEqual(5000);
    expect(took).toBeLessThan(30_000);

    expect((await heal('lag-web-02')).exitCode).toBe(0);
    const again = Date.now();
    await labSql(lab, 'web-01', "INSERT INTO footer.visits (server) VALUES ('lag-test')");
    await until('the second row on web-02', 10_000, async () => ((await count()) > 1 ? true : undefined));
    expect(Date.now() - again).toBeLessThan(3000);
  });

  it('hang web-01/app: HAProxy checks the app, marks web-01 DOWN in its configured time, visitors stop getting 504s', async () => {
    expect((await fault('hang', 'web-01/app')).exitCode).toBe(0);
    const frozen = Date.now();
    const down = await until('web-01 DOWN in HAProxy', 30_000, async () => {
      const now = await status();
      return now.json.load_balancer?.['web-01'] === 'DOWN' ? now : undefined;
    });
    // inter 2 s, then fall 2 at the fast interval: well under 15 s (each check times out after its interval).
    expect(Date.now() - frozen).toBeLessThan(15_000);
    expect(down.json.faults.map((f) => f.id)).toEqual(['hang-web-01-app']);
    // The API answers from web-02 alone, none timing out on the frozen app.
    const answers = [];
    for (let i = 0; i < 10; i++) {
      const response = await fetch(`${url}/api/whoami`, { signal: AbortSignal.timeout(5000) });
      answers.push(`${response.status} ${response.headers.get('x-served-by')}`);
    }
    expect(new Set(answers)).toEqual(new Set(['200 web-02']));
    expect((await heal('hang-web-01-app')).exitCode).toBe(0);
    // Docker tests the app again only an interval (30 s) after it failed; status runs the same test at once.
    const healed = (await status()).json;
    const app = healed.servers.find((s) => s.name === 'web-01')!.components.find((c) => c.name === 'web-01-app');
    expect(app?.health).toBe('healthy');
    await until('web-01 UP again', 30_000, async () =>
      (await status()).json.load_balancer?.['web-01'] === 'UP' ? true : undefined,
    );
  });

  itWithBrowser("infra watch's page marks the server a fault acts on, and unmarks it once healed", async () => {
    expect((await fault('loss', 'web-02', '20%')).exitCode).toBe(0);
    const watch = watchLab(lab, cwd);
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.setViewport({ width: 1280, height: 800 });
      await page.goto(await watch.url);
      await page.waitForSelector('[data-server="web-02"] [data-fault="loss-web-02"]', { timeout: 15_000 });
      expect(await page.$$('[data-server="web-01"] [data-fault]')).toHaveLength(0);
      expect(await page.$eval('[data-fault="loss-web-02"] title', (t) => t.textContent)).toBe(
        'web-02 drops 20% of its packets, in and out',
      );
      await shot(page, 'watch-fault-loss-web-02.png');
      expect((await heal('--all')).exitCode).toBe(0);
      await page.waitForFunction(() => document.querySelectorAll('[data-fault]').length === 0, { timeout: 15_000 });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await watch.stop();
      await heal('--all');
    }
  });

  it('partition lb-01 lb-02 on a redundant lab: both claim the floating address, status exits 1; heal: one holder', async () => {
    const shared = await sharedLab(EVERY_PROFILE);
    const on = (...args: string[]) => infra([...args, '--name', shared.name], { cwd: shared.cwd });
    try {
      expect((await on('fault', 'partition', 'lb-01', 'lb-02')).exitCode).toBe(0);
      const split = await until('both LBs holding the floating address', 20_000, async () => {
        const now = await status(shared.name, shared.cwd);
        return now.json.floating_address?.holders.length === 2 ? now : undefined;
      });
      expect(split.exitCode).toBe(1);
      expect(split.json.floating_address?.holders).toEqual(['lb-01', 'lb-02']);
      expect(split.json.faults.map((f) => f.id)).toEqual(['partition-lb-01-lb-02']);
    } finally {
      expect((await on('heal', '--all')).exitCode).toBe(0);
    }
    const healed = await until('one holder again', 20_000, async () => {
      const now = await status(shared.name, shared.cwd);
      return now.json.floating_address?.holders.length === 1 ? now : undefined;
    });
    expect(healed.json.floating_address?.holder).toBe('lb-01');
    expect(healed.json.faults).toEqual([]);
  });
});
