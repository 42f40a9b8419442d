#!/usr/bin/env node
// Bundles the lab's application server (lab-app/server.ts) with mysql2 into one CommonJS file that `infra render`
// copies into every lab's app/ folder: no `npm install` inside any container. CommonJS because mysql2's dependencies
// call require() at run time. Part of `npm run build`.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [path.join(root, 'lab-app', 'server.ts')],
  outfile: path.join(root, 'dist', 'lab-app', 'server.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: '// The application server of an infra lab, bundled with mysql2. Source: lab-app/server.ts in infra.' },
});
