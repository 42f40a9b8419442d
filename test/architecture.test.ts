// The layering docs/ARCHITECTURE.md describes, checked on every run: no import cycle, Docker libraries only behind
// the runtime port, mysql2 in one module, checks never reaching into use cases, and the model importing nothing
// downstream.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import madge from 'madge';
import { repoRoot } from './helpers/fixtures.js';

const src = path.join(repoRoot, 'src');

function sources(dir = src): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [path.relative(src, path.join(dir, e.name))]
        : [],
  );
}

const importsOf = (file: string) =>
  [...readFileSync(path.join(src, file), 'utf8').matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gm)].map((m) => m[1]);

const importers = (pattern: RegExp) => sources().filter((f) => importsOf(f).some((i) => pattern.test(i)));

it('has no import cycle', async () => {
  const graph = await madge(src, {
    fileExtensions: ['ts'],
    tsConfig: path.join(repoRoot, 'tsconfig.json'),
    excludeRegExp: [/\.test\.ts$/],
  });
  expect(Object.keys(graph.obj()).length).toBeGreaterThan(50);
  expect(graph.circular()).toEqual([]);
});

it('only src/runtime/ imports dockerode or execa', () => {
  expect(importers(/^(dockerode|execa)$/).filter((f) => !f.startsWith('runtime/'))).toEqual([]);
});

it('mysql2 is imported by one module, the database session', () => {
  expect(importers(/^mysql2/)).toEqual(['database/session.ts']);
});

it('loads the libraries few commands need where they are used, never with a module (each costs every command its load)', () => {
  // Measured: @peculiar/x509 with its polyfill 245 ms, autocannon 198 ms, handlebars 50 ms of a command's start.
  const occasional = /^(@peculiar\/x509|reflect-metadata|autocannon|handlebars)$/;
  const eager = sources().filter((f) =>
    [...readFileSync(path.join(src, f), 'utf8').matchAll(/^import (?!type )[^;]*?'([^']+)'/gm)].some((m) =>
      occasional.test(m[1]),
    ),
  );
  expect(eager).toEqual([]);
});

it('no check imports a use case', () => {
  expect(importers(/\/app\//).filter((f) => f.startsWith('checks/'))).toEqual([]);
});

it('the model imports nothing from render, runtime, replication, checks or use cases', () => {
  const downstream = /\.\.\/(render|runtime|replication|checks|app|kinds|flavours|ops)\//;
  expect(importers(downstream).filter((f) => f.startsWith('topology/'))).toEqual([]);
});

it("only the flavour files name a flavour's value", () => {
  const asks = sources().filter((f) =>
    /flavour === '|=== '(mysql|mariadb)'/.test(readFileSync(path.join(src, f), 'utf8')),
  );
  expect(asks.filter((f) => !f.startsWith('flavours/'))).toEqual([]);
});

it('points a reader at documents in this repository only (docs/ARCHITECTURE.md), none outside it', () => {
  const files = [
    'README.md',
    'jest.config.js',
    ...sources().map((f) => path.join('src', f)),
    ...readdirSync(path.join(repoRoot, 'test'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join('test', f)),
  ];
  const outside = files.filter((f) => /DESIGN\.md|\.\.\/shared\//.test(readFileSync(path.join(repoRoot, f), 'utf8')));
  expect(outside).toEqual([]);
  expect(readFileSync(path.join(repoRoot, 'docs', 'ARCHITECTURE.md'), 'utf8')).toMatch(/^# infra's architecture/);
});

it('keeps the command line in small modules: no file of src/cli/ over 250 lines (one module per command)', () => {
  const long = sources()
    .filter((f) => f.startsWith('cli/'))
    .map((f) => [f, readFileSync(path.join(src, f), 'utf8').split('\n').length] as const)
    .filter(([, lines]) => lines > 250);
  expect(long).toEqual([]);
});

it('use cases write nothing themselves: results go to presenters (src/cli/presenters/), progress to the progress port', () => {
  const writing = sources().filter(
    (f) =>
      f.startsWith('app/') &&
      /\b(io|stdout|stderr)\b[\w.]*\.write\(|console\.|process\.(stdout|stderr)/.test(
        readFileSync(path.join(src, f), 'utf8'),
      ),
  );
  expect(writing).toEqual([]);
});

it('names a profile only in src/profiles/: code elsewhere asks the lab for its capabilities', () => {
  const naming = sources().filter(
    (f) =>
      !f.startsWith('profiles/') && /'(secured|monitored|redundant)'/.test(readFileSync(path.join(src, f), 'utf8')),
  );
  expect(naming).toEqual([]);
});

/** Each folder of src/ (a top-level file is its own) → the folders it imports from, types included. */
function folderGraph(): Map<string, Set<string>> {
  const folderOf = (file: string) => file.split('/')[0];
  const graph = new Map<string, Set<string>>();
  for (const file of sources()) {
    const from = folderOf(file);
    for (const spec of importsOf(file).filter((i) => i.startsWith('.'))) {
      const to = folderOf(path.relative(src, path.resolve(path.dirname(path.join(src, file)), spec)));
      if (to !== from) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

/** The groups of folders that import each other, directly or around a loop (Tarjan's strongly connected parts). */
function foldersInCycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (folder: string) => {
    index.set(folder, next);
    low.set(folder, next++);
    stack.push(folder);
    for (const to of graph.get(folder) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(folder, Math.min(low.get(folder)!, low.get(to)!));
      } else if (stack.includes(to)) low.set(folder, Math.min(low.get(folder)!, index.get(to)!));
    }
    if (low.get(folder) === index.get(folder)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        group.push(member);
      } while (member !== folder);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const folder of graph.keys()) if (!index.has(folder)) visit(folder);
  return groups;
}

it('has no import loop between folders: each folder imports in one direction only, types included', () => {
  expect(foldersInCycles(folderGraph())).toEqual([]);
});
