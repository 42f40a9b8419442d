// One module owns every path infra reads or writes (docs/ARCHITECTURE.md, habit 12): the package's own files, the
// default lab folder, and the layout inside a lab folder.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Root of the installed package (holds templates/ and schema/; each kind's own files are in its folder, kindsDir), found from this file's place in dist/ or src/. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const templatesDir = path.join(packageRoot, 'templates');
/**
 * One folder per component kind, beside the code that reads it: src/kinds/<kind>/ holds the kind's spec with its
 * templates, image and Ansible role, and `npm run build` copies those files to dist/kinds/<kind>/.
 */
export const kindsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'kinds');
/** One folder per profile, src/profiles/<profile>/, its templates beside its module (copied to dist/ like kinds'). */
export const profilesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'profiles');
export const schemaFile = path.join(packageRoot, 'schema', 'infra.schema.json');
/** The built-in break-fix drills, one YAML file each. */
export const drillsDir = path.join(packageRoot, 'drills');
/** The lab's application server, bundled with mysql2 by `npm run build` (scripts/bundle-app.mjs). */
export const labAppBundle = path.join(packageRoot, 'dist', 'lab-app', 'server.cjs');

export const DEFAULT_CONFIG_FILE = 'infra.yaml';

/** Where a lab's folder goes when the user names none: visible in the working directory, one folder per lab. */
export function defaultLabDir(cwd: string, labName: string): string {
  return path.join(cwd, 'infra-labs', labName);
}

/** Files inside a lab folder that infra manages but does not render from templates. */
export const LAB_FILES = {
  compose: 'compose.yaml',
  /** Secrets for Compose's interpolation; mode 0600, generated once, never printed. */
  secrets: '.env',
  /** What infra wrote last (hashes) and lab state that must survive re-renders (the chosen port). */
  state: '.infra/lab.json',
  /** The `secured` profile's certificate authority (generated once per lab; the key stays private, mode 0600). */
  caCert: 'tls/ca.crt',
  caKey: 'tls/ca.key',
  /** The LB's certificate, its chain and its key, in one file as HAProxy reads it (mode 0600). */
  serverPem: 'tls/server.pem',
  /** The drill running on this lab, and what its last check said. */
  drill: '.infra/drill.json',
  /** The faults `infra fault` made on this lab and `infra heal` has not removed. */
  faults: '.infra/faults.json',
  /** The last `infra load --compare` on this lab: `infra explain algorithm` quotes it. */
  loadCompare: '.infra/load-compare.json',
  /** The `infra load` running on this lab (or the last), second by second: `infra watch`'s page draws it. */
  loadLive: '.infra/load-live.json',
} as const;
