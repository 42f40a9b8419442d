import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PassThrough } from 'node:stream';
import { junitXml, smokeReport, terminalLine } from './smoke-report.js';
import type { CheckResult } from '../checks/check.js';

const checks: CheckResult[] = [
  { name: 'lb-serves', status: 'passed', duration_ms: 24, detail: '200 from web-01 in 24 ms' },
  {
    name: 'replication',
    status: 'failed',
    duration_ms: 512,
    detail: 'web-02: IO thread Yes, SQL thread No & <stopped> "by hand"',
  },
  { name: 'failover', status: 'skipped', duration_ms: 3, detail: 'needs every web server UP first' },
];

it('a report passes only when no check failed; skipped checks do not fail it', () => {
  expect(smokeReport('lab', 'http://127.0.0.1:8080', checks)).toMatchObject({ passed: false, duration_ms: 539 });
  expect(smokeReport('lab', 'u', [checks[0], checks[2]]).passed).toBe(true);
});

it('writes well-formed JUnit XML with one testcase per check, failures and skips marked, text escaped', () => {
  const xml = junitXml(smokeReport('ci-1', 'http://127.0.0.1:8080', checks));
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
  const suite = doc.testsuites.testsuite;
  expect(suite).toMatchObject({ tests: '3', failures: '1', skipped: '1', errors: '0' });
  expect(suite.testcase.map((c: { name: string }) => c.name)).toEqual(['lb-serves', 'replication', 'failover']);
  expect(suite.testcase[0]).toMatchObject({ classname: 'infra.smoke.ci-1', time: '0.024' });
  expect(suite.testcase[1].failure.message).toBe('web-02: IO thread Yes, SQL thread No & <stopped> "by hand"');
  expect(suite.testcase[2].skipped.message).toBe('needs every web server UP first');
  expect(suite.testcase[0].failure).toBeUndefined();
});

it('prints one terminal line per check with its mark, name, duration and detail', () => {
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: '/' };
  expect(terminalLine(io, checks[0])).toBe('  ✓ lb-serves          24ms  200 from web-01 in 24 ms\n');
  expect(terminalLine(io, checks[1])).toMatch(/^ {2}✗ replication +512ms {2}web-02/);
  expect(terminalLine(io, checks[2])).toMatch(/^ {2}– failover/);
});

it('a detail of several lines (the firewall matrix, a line per server) continues under its first line', () => {
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: '/' };
  const firewall = { ...checks[0], name: 'firewall', detail: '12 tried, open:\nvisitor → lb-01:80\nweb-01 → nothing' };
  const lines = terminalLine(io, firewall).split('\n');
  expect(lines[0]).toBe('  ✓ firewall           24ms  12 tried, open:');
  expect(lines.slice(1, 3)).toEqual([`${' '.repeat(29)}visitor → lb-01:80`, `${' '.repeat(29)}web-01 → nothing`]);
});
