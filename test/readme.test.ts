// The README stays the short way in: the two set-up commands first, a first-ten-minutes path, and a table of
// contents into docs/, every link of which exists. No command in it assumes a port is free.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers/fixtures.js';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const section = (title: string) => {
  const start = readme.indexOf(`## ${title}`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
};
const fenced = (text: string) => [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim());

it('sets up with exactly two commands: install and boot the built-in lab, and run the tests', () => {
  expect(readme.indexOf('## Set up')).toBeLessThan(readme.indexOf('## Your first ten minutes'));
  expect(fenced(section('Set up'))).toEqual(['npm ci && npm run build && ./bin/infra up', 'npm ci && npm test']);
});

it('stays short: the details live in docs/, each page linked from the README exists', () => {
  expect(readme.split('\n').length).toBeLessThan(100);
  const links = [...readme.matchAll(/\]\((docs\/[^)]+)\)/g)].map((m) => m[1]);
  expect(links.length).toBeGreaterThanOrEqual(6);
  for (const link of links) expect(existsSync(path.join(repoRoot, link))).toBe(true);
});

it('says once how infra gets on the PATH, and no example assumes port 8080 is free', () => {
  expect(readme).toContain('npm link');
  for (const block of fenced(readme)) expect(block).not.toMatch(/127\.0\.0\.1:8080/);
});
