// The table every `npm test` ends with: the slowest test files first, at most ten, failures marked, and the totals.
import { slowestSuitesTable } from './reporters/slowest-suites.mjs';

it('lists the ten slowest files, slowest first, with the sum and the wall time', () => {
  const suites = Array.from({ length: 12 }, (_, i) => ({
    file: `test/e2e/s${i}.test.ts`,
    ms: i * 1000,
    failed: i === 11,
  }));
  const lines = slowestSuitesTable(suites, 70_000).split('\n');
  expect(lines[0]).toBe('Slowest 10 of 12 test files (seconds):');
  expect(lines[1]).toBe('   11.0  test/e2e/s11.test.ts  (failed)');
  expect(lines[10]).toBe('    2.0  test/e2e/s2.test.ts');
  expect(lines.slice(11)).toEqual(['   66.0  all 12 files', '   70.0  wall time of the run']);
});
