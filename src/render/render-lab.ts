// Render is pure (DESIGN.md flow): Lab model + the chosen host port → the files of a lab folder. No I/O beyond
// reading templates; the writer is the only module that touches the lab folder.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { labAppBundle } from '../paths.js';
import { loadBalancer, webServers, type ComponentKind, type Lab, type Server } from '../topology/types.js';
import { composeView } from './compose-view.js';
import { renderTemplate } from './engine.js';
import { readmeView } from './readme-view.js';
import { planImages } from './images.js';
import { file, type RenderedFile } from './rendered-file.js';

/** HAProxy's stats page, on the LB's published port. */
export const STATS_PATH = '/haproxy/stats';

export function renderLab(lab: Lab, hostPort: number): RenderedFile[] {
  const images = planImages(lab);
  const files: RenderedFile[] = [file(`${loadBalancer(lab).name}/haproxy.cfg`, renderHaproxy(lab))];
  for (const server of webServers(lab)) {
    const nginx = { lab: lab.name, server: server.name, domain: lab.domain };
    files.push(file(`${server.name}/nginx.conf`, renderTemplate('nginx.conf', nginx)));
    files.push(file(`${server.name}/my.cnf`, renderMyCnf(lab, server)));
  }
  files.push(file('app/server.js', appBundle()));
  const page = {
    lab: lab.name,
    domain: lab.domain,
    balance: lab.balance,
    mode: lab.mode,
    activePassive: lab.mode === 'active-passive',
  };
  files.push(file('app/public/index.html', renderTemplate('app/public/index.html', page)));
  for (const build of images.builds) files.push(...build.files);
  // Compose recreates a container when its definition changes, not when a file it mounts does: each component
  // carries a hash of its mounted config, so `up` after a re-render restarts exactly what changed.
  const view = composeView(lab, images.refs, hostPort, (server, kind) => {
    const mounted = CONFIG_FILES[kind](server);
    return contentHash(files.filter((f) => mounted.includes(f.path)).map((f) => f.content));
  });
  files.push(file('compose.yaml', renderTemplate('compose.yaml', view)));
  files.push(file('README.md', renderTemplate('README.md', readmeView(lab, hostPort))));
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** The files each component reads at start (Nginx reads app/public on every request, so it needs no restart). */
const CONFIG_FILES: Record<ComponentKind, (server: string) => string[]> = {
  haproxy: (server) => [`${server}/haproxy.cfg`],
  nginx: (server) => [`${server}/nginx.conf`],
  app: () => ['app/server.js'],
  db: (server) => [`${server}/my.cnf`],
};

function contentHash(contents: string[]): string {
  const hash = createHash('sha256');
  for (const c of contents) hash.update(c).update('\0');
  return hash.digest('hex').slice(0, 12);
}

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

function renderHaproxy(lab: Lab): string {
  const lb = loadBalancer(lab);
  return renderTemplate('haproxy.cfg', {
    lab: lab.name,
    server: lb.name,
    container: `${lab.project}-${lb.name}-haproxy`,
    balance: lab.balance,
    domain: lab.domain,
    statsPath: STATS_PATH,
    backends: webServers(lab).map((s) => ({ name: s.name, backup: s.backup, ...s.healthCheck })),
  });
}

function renderMyCnf(lab: Lab, server: Server): string {
  const database = server.database;
  if (!database) throw new Error(`${server.name} has no database`);
  return renderTemplate(`my.cnf.${lab.flavour}`, {
    lab: lab.name,
    server: server.name,
    dbRole: database.role,
    serverId: database.serverId,
    replica: database.role === 'replica',
  });
}
