import { percentile, Tally } from './tally.js';
import { loadChecks } from './verdict.js';
import type { LoadResult } from './result.js';

it('percentiles by nearest rank', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  expect([percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99)]).toEqual([50, 95, 99]);
  expect(percentile([], 99)).toBe(0);
  expect(percentile([7], 99)).toBe(7);
});

it('a run second by second: rate, latency, who answered, what failed, writes and stale reads', () => {
  const tally = new Tally();
  for (let ms = 0; ms < 3000; ms += 10) tally.response(ms, 200, ms < 1000 ? 2 : 4, ms % 20 ? 'web-01' : 'web-02');
  tally.response(1500, 502, 30, 'web-02');
  tally.failure(1600, 'timeout');
  tally.write(41);
  tally.write(42);
  tally.readAfterWrite(true);
  tally.response(2000, 404, 3, 'web-02', true);
  tally.readAfterWrite(false);
  const report = tally.report(3000, { writes: true, readsAfterWrites: true });
  expect(report).toMatchObject({
    duration_s: 3,
    requests: 303,
    requests_per_second: 100.7,
    errors: { total: 2, by_kind: { 'http 502': 1, timeout: 1 } },
    shares: { 'web-01': 49.7, 'web-02': 50.3 },
    per_second: [100, 101, 101],
    failed_per_second: [0, 2, 0],
    writes: { acknowledged: 2 },
    reads_after_writes: { reads: 2, stale: 1 },
  });
  expect(report.latency_ms).toEqual({ p50: 4, p90: 4, p95: 4, p99: 4, max: 30 });
  expect(report.latency_by_server_ms).toEqual({ 'web-01': { p50: 4, p99: 4 }, 'web-02': { p50: 4, p99: 4 } });
  expect(tally.between(1000, 2000)).toEqual({ responses: 101, failed: 2 });
  // What the live page and the progress line read each second: the same figures, without the percentiles.
  expect(tally.live(3000)).toEqual({
    requests_per_second: report.requests_per_second,
    failed: report.errors.total,
    shares: report.shares,
    per_second: report.per_second,
    failed_per_second: report.failed_per_second,
  });
});

it("a server slow under load shows in its own latency, not in the run's whole median", () => {
  const tally = new Tally();
  for (let i = 0; i < 300; i++) tally.response(i * 10, 200, i % 3 === 0 ? 40 : 2, i % 3 === 0 ? 'web-02' : 'web-01');
  const report = tally.report(3000, { writes: false, readsAfterWrites: false });
  expect(report.latency_ms.p50).toBe(2);
  expect(report.latency_by_server_ms).toEqual({ 'web-01': { p50: 2, p99: 2 }, 'web-02': { p50: 40, p99: 40 } });
});

it('how long a failure cost: the first second back at 90% of the usual rate with no failure', () => {
  const tally = new Tally();
  const second = (s: number, responses: number, failed = 0) => {
    for (let i = 0; i < responses; i++) tally.response(s * 1000 + i, 200, 1, 'web-01');
    for (let i = 0; i < failed; i++) tally.failure(s * 1000 + 500, 'connection');
  };
  [100, 100, 100].forEach((n, s) => second(s, n));
  second(3, 40, 5); // the failure
  second(4, 85); // not yet back: 85 < 90
  second(5, 95);
  expect(tally.recoveredAfter(3000)).toBe(2);
  expect(tally.between(3000, 6000).failed).toBe(5);
  const never = new Tally();
  never.response(0, 200, 1, 'web-01');
  never.failure(1500, 'connection');
  expect(never.recoveredAfter(1000)).toBeUndefined();
});

it('the checks a run passes or fails: failures outside the window, silent servers, missing writes, no recovery', () => {
  const report = {
    duration_s: 9,
    requests: 900,
    requests_per_second: 100,
    latency_ms: { p50: 1, p90: 2, p95: 2, p99: 3, max: 4 },
    errors: { total: 7, by_kind: { 'http 502': 7 } },
    shares: { 'web-01': 80, 'web-02': 20 },
    latency_by_server_ms: {},
    per_second: [],
    failed_per_second: [],
    writes: { acknowledged: 10, rows: { 'web-01': null, 'web-02': 9 } },
  };
  const result: LoadResult = {
    lab: 'x',
    url: 'u',
    connections: 10,
    rate: null,
    path: 'mix',
    runs: [
      {
        servers: ['web-01', 'web-02'],
        report,
        during: {
          command: 'fail web-01',
          exit_code: 0,
          output: '',
          started_s: 3,
          took_s: 1,
          failed: 5,
          recovered_after_s: null,
        },
      },
    ],
  };
  expect(loadChecks(result)).toEqual([
    { name: 'no failed requests', passed: false, detail: "2 failed outside the failure's window (5 in it)" },
    { name: 'every web server answered', passed: true, detail: 'web-01 80%, web-02 20%' },
    {
      name: 'every acknowledged write on every database',
      passed: false,
      detail: "10 acknowledged; web-01's database is not running, web-02 holds 9",
    },
    {
      name: 'back to its rate after "fail web-01"',
      passed: false,
      detail: 'not within the run (5 failed from 3s on)',
    },
  ]);
});

it('a run where one server answers slowly under load fails "no web server holds the others back"; one alone is not judged', () => {
  const tally = new Tally();
  for (let i = 0; i < 100; i++) tally.response(i * 10, 200, 1 + (i % 3), 'web-01');
  for (let i = 0; i < 80; i++) tally.response(i * 10, 200, 900, 'web-02');
  const { writes: _none, ...report } = tally.report(2000, { writes: false, readsAfterWrites: false });
  const run = (servers: string[]): LoadResult => ({
    lab: 'x',
    url: 'u',
    connections: 8,
    rate: null,
    path: '/' as const,
    runs: [{ servers, report }],
  });
  expect(loadChecks(run(['web-01', 'web-02'])).find((c) => c.name === 'no web server holds the others back')).toEqual({
    name: 'no web server holds the others back',
    passed: false,
    detail: expect.stringContaining(
      'web-02 answers slowly when requests come together (its median 900 ms, p99 900 ms)',
    ),
  });
  expect(loadChecks(run(['web-01'])).map((c) => c.name)).not.toContain('no web server holds the others back');
});
