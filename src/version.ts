// Which infra this is: the package's version, the commit it was built from (dist/build-info.json, written by
// `npm run build`), and the lab format it makes. Labs record all three, so a later infra knows what to upgrade.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths.js';

export const VERSION: string = (
  JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

/** The commit of this build (7 hex digits), or undefined outside a git checkout or before a build. */
export const COMMIT: string | undefined = readCommit();

/**
 * What a lab folder and its databases look like when this infra made them. Raised with each change a lab made
 * earlier must be migrated through (src/app/upgrade.ts lists the migrations):
 * 1. labs from infra before 0.2.0, which recorded nothing (no `infra` database user before 0faa16b);
 * 2. every database has infra's own user with the grants infra uses; the lab records the infra that made it.
 */
export const LAB_FORMAT = 2;

/** The infra that made (or last upgraded) a lab, as the lab folder records it. */
export interface MadeBy {
  version: string;
  commit?: string;
  format: number;
}

export const THIS_INFRA: MadeBy = { version: VERSION, ...(COMMIT ? { commit: COMMIT } : {}), format: LAB_FORMAT };

/** "0.2.0 (9fc7822)", or the version alone when the build knew no commit. */
export function describeInfra(made: Pick<MadeBy, 'version' | 'commit'>): string {
  return made.commit ? `${made.version} (${made.commit})` : made.version;
}

function readCommit(): string | undefined {
  try {
    const info = JSON.parse(readFileSync(path.join(packageRoot, 'dist', 'build-info.json'), 'utf8')) as {
      commit?: string | null;
    };
    return info.commit ?? undefined;
  } catch {
    return undefined;
  }
}
