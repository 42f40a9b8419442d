#!/usr/bin/env node
// Records which commit this build of infra was made from (dist/build-info.json): a lab records the infra that made
// it, and a version alone does not tell two builds of one release apart. Outside a git checkout (a published
// package) it records none. Part of `npm run build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let commit = null;
const git = (...args) =>
  execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
try {
  commit = git('rev-parse', '--short=7', 'HEAD');
  // A build of uncommitted changes is not that commit's build.
  if (git('status', '--porcelain', '--untracked-files=no') !== '') commit += '-dirty';
} catch {
  // Not a checkout, or no git: the version is all there is.
}
mkdirSync(path.join(root, 'dist'), { recursive: true });
writeFileSync(path.join(root, 'dist', 'build-info.json'), JSON.stringify({ commit }) + '\n');
