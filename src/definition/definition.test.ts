import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { parseDefinition, fieldPath } from './definition.js';
import { loadLab } from './load-lab.js';
import { UsageError } from '../errors.js';
import { expectedProblems, fixtureNames, fixturesDir, fixtureText } from '../../test/helpers/fixtures.js';

describe('invalid lab definitions name every field at fault', () => {
  it.each(fixtureNames('invalid-'))('%s', async (name) => {
    const error = await loadLab(fixturesDir, `${name}.yaml`, {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    const problems = (error as UsageError).problems;
    const expected = expectedProblems(name);
    expect(expected.length).toBeGreaterThan(0);
    for (const line of expected) {
      expect(problems.some((p) => p.startsWith(line))).toBe(true);
    }
    // Nothing extra: one line per problem, not one per schema branch.
    expect(problems).toHaveLength(expected.length);
  });
});

describe('valid lab definitions parse', () => {
  it.each(fixtureNames('valid-'))('%s', (name) => {
    expect(parseDefinition(fixtureText(name), `${name}.yaml`).ok).toBe(true);
  });
});

it('reports a duplicated YAML key with its line', () => {
  const result = parseDefinition('name: a\nname: b\n', 'infra.yaml');
  expect(result).toEqual({
    ok: false,
    problems: [expect.stringMatching(/^infra\.yaml:2:1: .*[Mm]ap keys must be unique/)],
  });
});

it('turns JSON pointers into the paths users read', () => {
  expect(fieldPath('/servers/1/healthCheck/fall')).toBe('servers[1].healthCheck.fall');
  expect(fieldPath('')).toBe('');
});

it('takes a numeric seed as the student id it is written as (12345, 007), not a number to refuse', () => {
  for (const [text, seed] of [
    ['seed: 12345\n', '12345'],
    ['seed: 007\n', '007'],
    ['seed: "12345"\n', '12345'],
  ]) {
    const parsed = parseDefinition(text, 'infra.yaml');
    expect(parsed).toEqual({ ok: true, definition: { seed } });
  }
});

describe('an infra.yaml that cannot be a lab definition is refused at once, saying why in a line', () => {
  const dir = tempDir('infra-definition-');
  const problemsOf = async (name: string, content: string | Buffer) => {
    writeFileSync(path.join(dir, name), content);
    const error = await loadLab(dir, name, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  };

  it('a file over 1 MiB', async () => {
    const error = await problemsOf('huge.yaml', `servers:\n${'  - { name: web-01, role: web }\n'.repeat(40_000)}`);
    expect(error.message).toMatch(/huge\.yaml is \d+ bytes; a lab definition is a few kilobytes \(at most 1 MiB\)$/);
  });

  it('a file that is not UTF-8', async () => {
    const error = await problemsOf('latin1.yaml', Buffer.from('name: caf\xe9\n', 'latin1'));
    expect(error.message).toMatch(/latin1\.yaml is not UTF-8 text$/);
  });

  it('a wrong value of thousands of characters is echoed as a line, not whole', async () => {
    const error = await problemsOf('long.yaml', `name: ${'x'.repeat(5000)}\n`);
    expect(error.problems.every((p) => p.length < 300)).toBe(true);
    expect(error.problems.join('\n')).toContain('… (5002 characters)');
  });
});
