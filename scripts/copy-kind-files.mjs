#!/usr/bin/env node
// Copies each component kind's own files (templates, image, Ansible role: everything in src/kinds/<kind>/ that is
// not TypeScript) beside its compiled spec in dist/kinds/<kind>/, where the kind reads them. Part of `npm run build`.
import { cpSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
cpSync(path.join(root, 'src', 'kinds'), path.join(root, 'dist', 'kinds'), {
  recursive: true,
  filter: (source) => statSync(source).isDirectory() || !source.endsWith('.ts'),
});
