// The smoke suite's reporters: a terminal line per check as it ends, one JSON document, and JUnit XML for CI.
import type { CheckResult } from '../checks/check.js';
import { formatDuration, painter, type Io } from '../log.js';

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

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** JUnit XML as Jenkins, GitLab and GitHub test reporters read it: one testsuite, one testcase per check. */
export function junitXml(report: SmokeReport): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const failures = report.checks.filter((c) => c.status === 'failed').length;
  const skipped = report.checks.filter((c) => c.status === 'skipped').length;
  const cases = report.checks.map((c) => {
    const open = `    <testcase classname="infra.smoke.${escapeXml(report.lab)}" name="${escapeXml(c.name)}" time="${seconds(c.duration_ms)}"`;
    if (c.status === 'passed')
      return `${open}>\n      <system-out>${escapeXml(c.detail)}</system-out>\n    </testcase>`;
    if (c.status === 'skipped') return `${open}>\n      <skipped message="${escapeXml(c.detail)}"/>\n    </testcase>`;
    return `${open}>\n      <failure message="${escapeXml(c.detail)}">${escapeXml(c.detail)}</failure>\n    </testcase>`;
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="infra smoke" tests="${report.checks.length}" failures="${failures}" skipped="${skipped}" time="${seconds(report.duration_ms)}">\n` +
    `  <testsuite name="smoke: ${escapeXml(report.lab)} (${escapeXml(report.url)})" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(report.duration_ms)}">\n` +
    cases.join('\n') +
    '\n  </testsuite>\n</testsuites>\n'
  );
}
