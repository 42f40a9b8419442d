// A jest reporter that ends every run with the ten slowest test files and the run's total, so each CI log says where
// its time went (issue #24: CI is bounded at 90 minutes on 2 cores, and every new suite spends from that budget).

/** The table printed at the end of a run: the `count` slowest files, slowest first, and the totals. */
export function slowestSuitesTable(suites, wallMs, count = 10) {
  const seconds = (ms) => (ms / 1000).toFixed(1).padStart(7);
  const slowest = [...suites].sort((a, b) => b.ms - a.ms).slice(0, count);
  const sum = suites.reduce((total, s) => total + s.ms, 0);
  const lines = [`Slowest ${slowest.length} of ${suites.length} test files (seconds):`];
  for (const suite of slowest) lines.push(`${seconds(suite.ms)}  ${suite.file}${suite.failed ? '  (failed)' : ''}`);
  lines.push(`${seconds(sum)}  all ${suites.length} files`, `${seconds(wallMs)}  wall time of the run`);
  return lines.join('\n');
}

export default class SlowestSuitesReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.suites = [];
    this.startedAt = Date.now();
  }

  onRunStart() {
    this.startedAt = Date.now();
  }

  onTestFileResult(test, result) {
    const { start, end } = result.perfStats;
    const file = result.testFilePath.startsWith(`${this.rootDir}/`)
      ? result.testFilePath.slice(this.rootDir.length + 1)
      : result.testFilePath;
    const failed = result.numFailingTests > 0 || Boolean(result.testExecError);
    this.suites.push({ file, ms: Math.max(0, end - start), failed });
  }

  onRunComplete() {
    if (this.suites.length === 0) return;
    process.stderr.write(`\n${slowestSuitesTable(this.suites, Date.now() - this.startedAt)}\n`);
  }
}
