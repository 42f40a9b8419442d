import { UsageError } from '../errors.js';
import { parseRoster, studentLab } from './roster.js';

it('one student per line: an id and an optional display name; blank lines and comments ignored', () => {
  const text = '# Monday, group A\nalice Alice Martin\n\n  bob  \ncarol   Carol  Kim # arrives late\r\n';
  expect(parseRoster(text, 'roster.txt', 'mon')).toEqual([
    { id: 'alice', name: 'Alice Martin' },
    { id: 'bob' },
    { id: 'carol', name: 'Carol Kim' },
  ]);
  expect(studentLab('mon', 'alice')).toBe('mon-alice');
});

it('says every problem with its line: a bad id, a repeated one, a lab name too long, all at once', () => {
  const text = 'alice\nBob Smith\nalice again\ns-0123456789012345678901234567\n';
  let caught: unknown;
  try {
    parseRoster(text, 'roster.txt', 'mon');
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UsageError);
  expect((caught as UsageError).message).toBe('the roster roster.txt has 3 problem(s)');
  expect((caught as UsageError).problems).toEqual([
    `roster.txt line 2: "Bob" is not a student id (lowercase letters, digits and '-')`,
    'roster.txt line 3: "alice" is already on line 1',
    `roster.txt line 4: the lab "mon-s-0123456789012345678901234567" must be lowercase letters, digits and '-', starting with a letter, at most 31 characters`,
    'each line: a student id, then optionally a display name (e.g. "alice Alice Martin")',
  ]);
});

it('refuses a roster with no student', () => {
  expect(() => parseRoster('# nobody yet\n\n', 'empty.txt', 'mon')).toThrow('the roster empty.txt names no student');
});
