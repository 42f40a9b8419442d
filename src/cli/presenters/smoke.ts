// The end of a smoke run, in Docker or on servers: the JUnit file, the report as JSON or a last line, and the exit
// code (0 when nothing failed).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT } from '../../errors.js';
import type { Io } from '../../log.js';
import { junitXml, type SmokeReport } from '../../report/smoke-report.js';

export async function presentSmoke(
  io: Io,
  report: SmokeReport,
  options: { json: boolean; junit?: string; cwd: string },
): Promise<number> {
  if (options.junit) await writeFile(path.resolve(options.cwd, options.junit), junitXml(report));
  if (options.json) {
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    const failed = report.checks.filter((c) => c.status === 'failed').length;
    io.stderr.write(
      report.passed
        ? `all checks passed in ${(report.duration_ms / 1000).toFixed(1)} s\n`
        : `${failed} check(s) failed\n`,
    );
    if (options.junit) io.stderr.write(`JUnit report: ${options.junit}\n`);
  }
  return report.passed ? EXIT.ok : EXIT.failed;
}
