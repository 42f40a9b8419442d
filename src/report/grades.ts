// A room's grades for a drill (`infra room drill check --junit / --csv`): one test case per student, as GitHub
// Classroom's and Jenkins's reporters read JUnit, and one CSV row per student for a spreadsheet.
import { junitDocument } from './junit.js';
import type { SmokeReport } from './smoke-report.js';

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
  return junitDocument(
    { suites: 'infra room', suite: `drill ${result.drill ?? '(none)'}: room ${result.room}` },
    result.students.map((s) => ({
      classname: `infra.room.${result.room}`,
      name: `${s.id}${s.name !== s.id ? ` (${s.name})` : ''}`,
      time: (s.checked?.report.duration_ms ?? 0) / 1000,
      ...(s.ok ? { out: `solved on lab ${s.lab}` } : { failure: whyNotSolved(s) }),
    })),
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
