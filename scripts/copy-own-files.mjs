#!/usr/bin/env node
// Copies each component kind's and profile's own files (templates, image, Ansible role: everything in
// src/kinds/<kind>/ and src/profiles/<profile>/ that is not TypeScript) beside their compiled modules in dist/,
// where they read them. Part of `npm run build`.
import { cpSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const folder of ['kinds', 'profiles']) {
  cpSync(path.join(root, 'src', folder), path.join(root, 'dist', folder), {
    recursive: true,
    filter: (source) => statSync(source).isDirectory() || !source.endsWith('.ts'),
  });
}
