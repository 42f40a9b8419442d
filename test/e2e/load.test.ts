// `infra load` end to end on the run's built-in lab (shared; a failure made here is recovered before the test ends):
// both web servers answer their share with no error, writes under load reach both databases, a failure in the
// middle is reported with its window, and --compare runs one web server against both in one run.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, itWithBrowser, shot } from '../helpers/browser.js';
import { describeWithDocker, infra, requireEngine, watchLab } from '../helpers/e2e.js';
import { BUILT_IN, sharedLab } from '../helpers/shared-lab.js';

interface Run {
  servers: string[];
  report: {
    requests: number;
    requests_per_second: number;
    latency_ms: { p50: number; p90: number; p95: number; p99: number };
    errors: { total: number; by_kind: Record<string, number> };
    shares: Record<string, number>;
    latency_by_server_ms: Record<string, { p50: number; p99: number }>;
    writes?: { acknowledged: number; rows: Record<string, number | null> };
    reads_after_writes?: { reads: number; stale: number };
    per_second: number[];
    failed_per_second: number[];
  };
  during?: { command: string; exit_code: number; started_s: number; failed: number; recovered_after_s: number | null };
}
interface Result {
  ok: boolean;
  runs: Run[];
  compare?: { one: number; all: number; ratio: number };
  checks: { name: string; passed: boolean; detail: string }[];
}

describeWithDocker('infra load', () => {
  let lab = '';
  let cwd = '';
  const load = async (args: string[]) => {
    const run = await infra(['load', '--name', lab, '--json', ...args], { cwd });
    return { exitCode: run.exitCode, result: JSON.parse(run.stdout) as Result, stderr: run.stderr };
  };

  beforeAll(async () => {
    requireEngine();
    ({ name: lab, cwd } = await sharedLab(BUILT_IN));
  });

  it('both web servers answer 40–60% each, with a p99 latency and no error; --junit writes the checks', async () => {
    const { exitCode, result } = await load(['--duration', '5s', '--junit', 'load.xml']);
    expect(exitCode).toBe(0);
    const [run] = result.runs;
    expect(run.report.errors.total).toBe(0);
    expect(run.report.requests).toBeGreaterThan(100);
    expect(run.report.latency_ms.p99).toBeGreaterThan(0);
    expect(run.report.latency_ms.p99).toBeGreaterThanOrEqual(run.report.latency_ms.p50);
    expect(Object.keys(run.report.shares)).toEqual(['web-01', 'web-02']);
    expect(Object.keys(run.report.latency_by_server_ms)).toEqual(['web-01', 'web-02']);
    for (const share of Object.values(run.report.shares)) {
      expect(share).toBeGreaterThanOrEqual(40);
      expect(share).toBeLessThanOrEqual(60);
    }
    const xml = await readFile(path.join(cwd, 'load.xml'), 'utf8');
    expect(xml).toContain('failures="0"');
    expect(xml).toContain('name="every web server answered"');
  });

  it('writes under load: every acknowledged write is on both databases; reads right after are counted', async () => {
    const { exitCode, result } = await load(['--duration', '4s', '--path', 'mix']);
    expect(exitCode).toBe(0);
    const { writes, reads_after_writes: reads } = result.runs[0].report;
    expect(writes!.acknowledged).toBeGreaterThan(10);
    expect(writes!.rows).toEqual({ 'web-01': writes!.acknowledged, 'web-02': writes!.acknowledged });
    expect(reads!.reads).toBeGreaterThan(0);
    expect(reads!.stale).toBeLessThanOrEqual(reads!.reads);
  });

  it('--during "fail web-01": the failure window, its failed requests and when the rate was back', async () => {
    try {
      const { result } = await load(['--duration', '12s', '--during', 'fail web-01']);
      const { during, report } = result.runs[0];
      expect(during).toMatchObject({ command: 'fail web-01', exit_code: 0 });
      expect(during!.started_s).toBeGreaterThanOrEqual(2);
      expect(during!.failed).toBeGreaterThanOrEqual(0);
      // HAProxy takes web-01 out (the page needs no database) and the rate comes back within the run; what failed
      // meanwhile is counted (the smoke suite's failover check says the same of its own visitors).
      // When it is not, the run's seconds say why: the rate of each one and what failed in it.
      expect({ ...during!, per_second: report.per_second, failed_per_second: report.failed_per_second }).toMatchObject({
        recovered_after_s: expect.any(Number),
      });
      expect(report.errors.total).toBeGreaterThanOrEqual(during!.failed);
      expect(report.shares['web-02']).toBeGreaterThan(report.shares['web-01']);
    } finally {
      expect((await infra(['recover', 'web-01', '--name', lab], { cwd })).exitCode).toBe(0);
    }
  });

  it('--compare: one web server (the other drained) against both, in one run, with the ratio', async () => {
    const { exitCode, result } = await load(['--duration', '3s', '--compare']);
    expect(exitCode).toBe(0);
    expect(result.runs.map((r) => r.servers)).toEqual([['web-01'], ['web-01', 'web-02']]);
    expect(result.runs[0].report.shares).toEqual({ 'web-01': 100 });
    expect(result.compare!.ratio).toBeCloseTo(result.compare!.all / result.compare!.one, 1);
    const text = await infra(['load', '--name', lab, '--duration', '2s', '--compare'], { cwd });
    expect(text.stdout).toMatch(/one web server [\d.]+ req\/s, all [\d.]+ req\/s: [\d.]+x/);
    // explain quotes what the second server bought, measured, beside what the algorithm does.
    const explained = await infra(['explain', 'algorithm', '--name', lab], { cwd });
    expect(explained.stdout).toMatch(
      /measured by `infra load --compare` on .* one web server [\d.]+ req\/s, all 2 web servers [\d.]+ req\/s/,
    );
    // Both back in the rotation afterwards.
    const status = await infra(['status', '--name', lab, '--json'], { cwd });
    expect(JSON.parse(status.stdout).load_balancer).toEqual({ 'web-01': 'UP', 'web-02': 'UP' });
  });

  itWithBrowser("infra watch's page draws a run as it happens: the rate each second, then that it ended", async () => {
    const watch = watchLab(lab, cwd);
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(await watch.url);
      await page.waitForSelector('#diagram');
      // A run of the tests before may still show, ended (the page keeps one for half a minute): not this one.
      expect(await page.$eval('#load-summary', (el) => (el as HTMLElement).dataset.running)).not.toBe('true');
      const running = infra(['load', '--name', lab, '--duration', '6s', '--connections', '4'], { cwd });
      await page.waitForFunction(
        () => {
          const summary = document.querySelector<HTMLElement>('#load-summary');
          return summary?.dataset.running === 'true' && Number(summary.dataset.rate) > 0;
        },
        { timeout: 15_000 },
      );
      expect(await page.$eval('#load', (el) => (el as HTMLElement).hidden)).toBe(false);
      expect(await page.$eval('#load-summary', (el) => el.textContent)).toMatch(
        /^running: \d+ requests\/s now, 0 failed; 4 connection\(s\) on \/; answered by web-01 \d+(\.\d)?%, web-02/,
      );
      expect(await page.$$eval('#load-plot polyline.rate', (els) => els.length)).toBe(1);
      await shot(page, 'watch-load.png');
      expect((await running).exitCode).toBe(0);
      await page.waitForFunction(
        () => document.querySelector<HTMLElement>('#load-summary')?.dataset.running === 'false',
        {
          timeout: 10_000,
        },
      );
      expect(await page.$eval('#load-summary', (el) => el.textContent)).toMatch(/^ended: /);
    } finally {
      await browser.close();
      await watch.stop();
    }
  });
});
