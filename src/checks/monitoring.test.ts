import { targetProblems, type Target } from './monitoring.js';

const target = (server: string, job: string, health: Target['health'], lastScrape: string, lastError = ''): Target => ({
  labels: { server, job },
  scrapeUrl: `http://${server}/metrics`,
  health,
  lastError,
  lastScrape,
});
const since = Date.parse('2026-12-01T00:00:10Z');

it('names each target down at a scrape after the check began, by server and job with its error', () => {
  expect(
    targetProblems(
      [
        target('web-01', 'node', 'up', '2026-12-01T00:00:11Z'),
        target('web-02', 'nginx', 'down', '2026-12-01T00:00:12Z', 'connection refused'),
      ],
      since,
    ),
  ).toEqual(['web-02 nginx (http://web-02/metrics): connection refused']);
});

it('waits (undefined) while a target is unscraped or its failure predates the check; none is a problem', () => {
  expect(targetProblems([target('web-01', 'node', 'unknown', '0001-01-01T00:00:00Z')], since)).toBeUndefined();
  expect(targetProblems([target('web-01', 'node', 'down', '2026-12-01T00:00:05Z')], since)).toBeUndefined();
  expect(targetProblems([], since)).toBeUndefined();
  expect(targetProblems([target('web-01', 'node', 'up', '2026-12-01T00:00:05Z')], since)).toEqual([]);
});
