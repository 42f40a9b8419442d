// A room's grades for a drill (`infra room drill check --junit / --csv`): one test case per student, as GitHub
// Classroom's and Jenkins's reporters read JUnit, and one CSV row per student for a spreadsheet.
import { escapeXml, type SmokeReport } from './smoke-report.js';

/** A room's drill check as the grades need it (app/room-drill.ts's RoomDrill has this shape). */
export interface RoomDrill {
  room: string;
  drill: string | null;
  students: {
    id: string;
    name: string;
    lab: string;
    ok: boolean;
    checked?: { drill: { name: string }; report: SmokeReport };
    failure?: unknown;
  }[];
}

/** What kept a student's drill from passing: the proving checks that failed, or why none could run. */
export function whyNotSolved(student: RoomDrill['students'][number]): string {
  if (student.failure) return `not checked: ${(student.failure as Error).message}`;
  const failed = student.checked?.report.checks.filter((c) => c.status !== 'passed') ?? [];
  return failed.map((c) => `${c.name}: ${c.detail}`).join('; ');
}

export function gradesJunit(result: RoomDrill): string {
  const failures = result.students.filter((s) => !s.ok).length;
  const time = (s: RoomDrill['students'][number]) => ((s.checked?.report.duration_ms ?? 0) / 1000).toFixed(3);
  const cases = result.students.map((s) => {
    const open = `    <testcase classname="infra.room.${escapeXml(result.room)}" name="${escapeXml(s.id)}${s.name !== s.id ? ` (${escapeXml(s.name)})` : ''}" time="${time(s)}"`;
    if (s.ok) return `${open}>\n      <system-out>${escapeXml(`solved on lab ${s.lab}`)}</system-out>\n    </testcase>`;
    const why = escapeXml(whyNotSolved(s));
    return `${open}>\n      <failure message="${why}">${why}</failure>\n    </testcase>`;
  });
  const suite = `drill ${escapeXml(result.drill ?? '(none)')}: room ${escapeXml(result.room)}`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="infra room" tests="${result.students.length}" failures="${failures}">\n` +
    `  <testsuite name="${suite}" tests="${result.students.length}" failures="${failures}" errors="0" skipped="0">\n` +
    cases.join('\n') +
    '\n  </testsuite>\n</testsuites>\n'
  );
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function gradesCsv(result: RoomDrill, checkedAt: string): string {
  const header = ['student', 'name', 'lab', 'drill', 'solved', 'checked_at', 'why_not'];
  const rows = result.students.map((s) => [
    s.id,
    s.name,
    s.lab,
    s.checked?.drill.name ?? result.drill ?? '',
    s.ok ? 'yes' : 'no',
    checkedAt,
    s.ok ? '' : whyNotSolved(s),
  ]);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
