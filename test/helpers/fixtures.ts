// Fixture lab definitions (fixtures/valid-*, fixtures/invalid-*) and the expectations written inside them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = path.join(repoRoot, 'fixtures');

export function fixtureNames(prefix: 'valid-' | 'invalid-'): string[] {
  return readdirSync(fixturesDir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

export function fixtureText(name: string): string {
  return readFileSync(path.join(fixturesDir, `${name}.yaml`), 'utf8');
}

/** The `# expect: …` lines of an invalid fixture: each must start one reported problem. */
export function expectedProblems(name: string): string[] {
  return [...fixtureText(name).matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]);
}
