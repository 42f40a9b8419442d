// A class's roster, as an instructor writes it: one student per line, an id and optionally a display name
// (`alice Alice Martin`), blank lines and `#` comments ignored. Each id names the student's lab (`<room>-<id>`), so
// it must make a valid lab name; every problem is reported with its line, all at once.
import { UsageError } from '../errors.js';
import { checkLabName } from '../topology/types.js';

export interface Student {
  id: string;
  /** As the board and the grades show it; the id when the roster gives none. */
  name?: string;
}

/** The lab a student's work runs in: the room's name, then the id. */
export function studentLab(room: string, id: string): string {
  return `${room}-${id}`;
}

/** Why `id` cannot name a student of `room` (its lab's name), or undefined. */
export function studentIdProblem(room: string, id: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) return `"${id}" is not a student id (lowercase letters, digits and '-')`;
  const labProblem = checkLabName(studentLab(room, id));
  return labProblem ? `the lab "${studentLab(room, id)}" ${labProblem.replace(/ \(got .*\)$/, '')}` : undefined;
}

export function parseRoster(text: string, file: string, room: string): Student[] {
  const students: Student[] = [];
  const problems: string[] = [];
  const seenAt = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [id, ...rest] = line.split(/\s+/);
    const where = `${file} line ${index + 1}`;
    const problem = studentIdProblem(room, id);
    if (problem) {
      problems.push(`${where}: ${problem}`);
      return;
    }
    const earlier = seenAt.get(id);
    if (earlier !== undefined) {
      problems.push(`${where}: "${id}" is already on line ${earlier}`);
      return;
    }
    seenAt.set(id, index + 1);
    students.push(rest.length ? { id, name: rest.join(' ') } : { id });
  });
  if (problems.length > 0) {
    throw new UsageError(`the roster ${file} has ${problems.length} problem(s)`, [
      ...problems,
      'each line: a student id, then optionally a display name (e.g. "alice Alice Martin")',
    ]);
  }
  if (students.length === 0) {
    throw new UsageError(`the roster ${file} names no student`, [
      'one line per student: an id, then optionally a display name (e.g. "alice Alice Martin")',
    ]);
  }
  return students;
}
