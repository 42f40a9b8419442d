import { smokeReport } from './smoke-report.js';
import { gradesCsv, gradesJunit, type RoomDrill } from './grades.js';

const failedCheck = {
  name: 'replication',
  status: 'failed' as const,
  duration_ms: 800,
  detail: 'web-02: IO thread No, SQL thread No',
};
const passedCheck = { ...failedCheck, status: 'passed' as const, detail: 'visit 18 on web-02 in 1.7 ms' };
const result: RoomDrill = {
  room: 'mon',
  drill: 'replication-stopped',
  students: [
    {
      id: 'alice',
      name: 'Alice "Al" Martin, Jr',
      lab: 'mon-alice',
      ok: false,
      checked: { drill: { name: 'replication-stopped' }, report: smokeReport('mon-alice', 'u', [failedCheck]) },
    },
    {
      id: 'bob',
      name: 'bob',
      lab: 'mon-bob',
      ok: true,
      checked: { drill: { name: 'replication-stopped' }, report: smokeReport('mon-bob', 'u', [passedCheck]) },
    },
    { id: 'carol', name: 'carol', lab: 'mon-carol', ok: false, failure: new Error('lab "mon-carol" is not running') },
  ],
};

it('JUnit: one test case per student, failed with the failing checks or why none could run', () => {
  const xml = gradesJunit(result);
  expect(xml).toContain('<testsuites name="infra room" tests="3" failures="2" skipped="0">');
  expect(xml).toContain('<testsuite name="drill replication-stopped: room mon" tests="3" failures="2"');
  expect(xml).toContain(
    '<testcase classname="infra.room.mon" name="alice (Alice &quot;Al&quot; Martin, Jr)" time="0.800">\n' +
      '      <failure message="replication: web-02: IO thread No, SQL thread No">',
  );
  expect(xml).toContain('<testcase classname="infra.room.mon" name="bob" time="0.800">\n      <system-out>solved');
  expect(xml).toContain('<failure message="not checked: lab &quot;mon-carol&quot; is not running">');
});

it('CSV: one row per student, quoted where a field needs it (RFC 4180)', () => {
  expect(gradesCsv(result, '2026-12-05T13:00:00.000Z').split('\r\n')).toEqual([
    'student,name,lab,drill,solved,checked_at,why_not',
    'alice,"Alice ""Al"" Martin, Jr",mon-alice,replication-stopped,no,2026-12-05T13:00:00.000Z,"replication: web-02: IO thread No, SQL thread No"',
    'bob,bob,mon-bob,replication-stopped,yes,2026-12-05T13:00:00.000Z,',
    'carol,carol,mon-carol,replication-stopped,no,2026-12-05T13:00:00.000Z,"not checked: lab ""mon-carol"" is not running"',
    '',
  ]);
});
