// The smoke suite's reporters: a terminal line per check as it ends, one JSON document, and JUnit XML for CI.
import type { CheckResult } from '../checks/check.js';
import { formatDuration, painter, type Io } from '../log.js';
import { junitDocument } from './junit.js';

export interface SmokeReport {
  passed: boolean;
  lab: string;
  url: string;
  duration_ms: number;
  checks: CheckResult[];
}

export function smokeReport(lab: string, url: string, checks: CheckResult[]): SmokeReport {
  return {
    passed: checks.every((c) => c.status !== 'failed'),
    lab,
    url,
    duration_ms: checks.reduce((sum, c) => sum + c.duration_ms, 0),
    checks,
  };
}

export function terminalLine(io: Io, result: CheckResult): string {
  const paint = painter(io.stderr, io.env);
  const mark =
    result.status === 'passed'
      ? paint('green', '✓')
      : result.status === 'failed'
        ? paint('red', '✗')
        : paint('yellow', '–');
  const head = `  ${mark} ${result.name.padEnd(16)} ${formatDuration(result.duration_ms).padStart(6)}  `;
  // A detail of several lines (the firewall's, a line per server) continues under its first line.
  const detail = result.detail.split('\n').join(`\n${' '.repeat(head.length - (mark.length - 1))}`);
  return `${head}${paint(result.status === 'failed' ? 'red' : 'dim', detail)}\n`;
}

/** The smoke suite as JUnit: one test case per check. */
export function junitXml(report: SmokeReport): string {
  return junitDocument(
    { suites: 'infra smoke', suite: `smoke: ${report.lab} (${report.url})`, seconds: report.duration_ms / 1000 },
    report.checks.map((c) => ({
      classname: `infra.smoke.${report.lab}`,
      name: c.name,
      time: c.duration_ms / 1000,
      ...(c.status === 'failed'
        ? { failure: c.detail }
        : c.status === 'skipped'
          ? { skipped: c.detail }
          : { out: c.detail }),
    })),
  );
}
