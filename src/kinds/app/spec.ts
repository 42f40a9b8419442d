// The application server: one bundled file (lab-app/server.ts with mysql2) and its static files, the same in every
// lab; it reads from its own server's database and writes to the primary that app/primary.json names (infra rewrites
// it when the primary moves: `infra promote`).
import { readFileSync } from 'node:fs';
import { labAppBundle } from '../../paths.js';
import { livePageView } from '../live-page.js';
import { file } from '../../templating/rendered-file.js';
import { APP_DB, PORTS } from '../../topology/lab-constants.js';
import { nameFlag, webServers } from '../../topology/types.js';
import { builtInDebianSet, kindTemplates, type KindSpec } from '../kind.js';
import { HEALTH_INTERVAL, httpProbe, secret } from '../../templating/service-parts.js';

/** Its templates, in its folder: src/kinds/app/. */
const render = kindTemplates('app');

const APP_DIR = '/srv/app';
const BUNDLE = 'app/server.js';
/** The primary's name for the apps: a file in the app folder, read at each write, not an environment variable (a
 * container's environment cannot change without recreating it). */
export const PRIMARY_FILE = 'app/primary.json';

let bundle: string | undefined;

/** The bundled app is a build product, not a template: the same bytes in every lab. */
function appBundle(): string {
  try {
    bundle ??= readFileSync(labAppBundle, 'utf8');
  } catch {
    throw new Error(`the bundled application server is missing (${labAppBundle}); run \`npm run build\``);
  }
  return bundle;
}

export const app: KindSpec<'app'> = {
  kind: 'app',
  runsOn: ['web'],
  memoryMiB: 24,
  startRank: 1,
  listens: PORTS.app,
  reach: 'loopback',
  upstreamImage: () => 'node:20-bookworm-slim',
  builtHere: builtInDebianSet,
  buildExtras: () => [],
  files: () => [],
  sharedFiles: (lab) => [
    file(BUNDLE, appBundle()),
    file(PRIMARY_FILE, JSON.stringify({ primary: lab.primary }) + '\n'),
    file(
      'app/public/index.html',
      render('public/index.html', {
        // The lab's diagram, small, with the server that served the page marked (the page draws it).
        ...livePageView(lab, { floatingAddress: undefined, oneHost: true }),
        activePassive: lab.mode === 'active-passive',
        // The page's commands work as typed: this lab's servers, and its name when it is not the default lab.
        active: (webServers(lab).find((s) => !s.backup) ?? webServers(lab)[0]).name,
        primary: lab.primary,
        nameFlag: nameFlag(lab.name),
      }),
    ),
  ],
  configFiles: () => [BUNDLE],
  service: (lab, server) => ({
    command: ['node', `${APP_DIR}/server.js`],
    environment: [
      { key: 'INFRA_SERVER', value: server.name },
      { key: 'INFRA_DB_USER', value: APP_DB.user },
      { key: 'INFRA_DB_NAME', value: APP_DB.database },
      { key: 'INFRA_DB_PASSWORD', value: secret('INFRA_APP_PASSWORD') },
    ],
    volumes: [`./app:${APP_DIR}:ro`],
    // Liveness only: /api/health also needs the app's database user, which the replication step creates after boot.
    healthcheck: { test: httpProbe('/api/live', PORTS.app), interval: HEALTH_INTERVAL, startPeriod: '20s' },
  }),
  dataVolumes: () => [],
  why: (lab, server) =>
    `the application server runs the code: it reads from ${server.name}'s own database and writes to the primary on ${lab.primary}`,
  diagramLabel: () => `App server :${PORTS.app}`,
  // The bundled app, run by the release's own Node.js as infra-app (its role's unit or init script).
  onServer: { role: 'app', package: 'nodejs', service: () => 'infra-app', programs: ['node'] },
};
