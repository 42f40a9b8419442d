// Render is pure (DESIGN.md flow): Lab model + the chosen host port → the files of a lab folder. No I/O beyond
// reading templates; the writer is the only module that touches the lab folder.
import { loadBalancer, webServers, type Lab, type Server } from '../topology/types.js';
import { composeView } from './compose-view.js';
import { renderTemplate } from './engine.js';
import { planImages } from './images.js';
import { file, type RenderedFile } from './rendered-file.js';

/** HAProxy's stats page, on the LB's published port. */
export const STATS_PATH = '/haproxy/stats';

export function renderLab(lab: Lab, hostPort: number): RenderedFile[] {
  const images = planImages(lab);
  const files: RenderedFile[] = [
    file('compose.yaml', renderTemplate('compose.yaml', composeView(lab, images.refs, hostPort))),
    file(`${loadBalancer(lab).name}/haproxy.cfg`, renderHaproxy(lab)),
  ];
  for (const server of webServers(lab)) {
    files.push(
      file(
        `${server.name}/nginx.conf`,
        renderTemplate('nginx.conf', { lab: lab.name, server: server.name, domain: lab.domain }),
      ),
    );
    files.push(file(`${server.name}/my.cnf`, renderMyCnf(lab, server)));
  }
  files.push(file('app/server.js', renderTemplate('app/server.js', { lab: lab.name })));
  files.push(
    file('app/public/index.html', renderTemplate('app/public/index.html', { lab: lab.name, domain: lab.domain })),
  );
  for (const build of images.builds) files.push(...build.files);
  return files.sort((a, b) => a.path.localeCompare(b.path));
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
