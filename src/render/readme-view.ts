// The view model of the lab folder's README.md: a Mermaid diagram of the topology, the table of servers and
// components, and commands to try, all derived from the Lab model.
import { loadBalancer, webServers, type ComponentKind, type Lab } from '../topology/types.js';
import { STATS_PATH } from './render-lab.js';

const LISTENS: Record<ComponentKind, number> = { haproxy: 80, nginx: 80, app: 5000, db: 3306 };

const id = (name: string) => name.replace(/[^a-zA-Z0-9]/g, '_');

export interface ReadmeView {
  lab: string;
  domain: string;
  url: string;
  mermaid: string;
  rows: { server: string; component: string; kind: string; listens: string; published: string }[];
  balance: string;
  mode: string;
  primary: string;
  replicas: string;
  statsPath: string;
  firstWeb: string;
  otherWeb: string;
}

function label(lab: Lab, kind: ComponentKind, role?: string): string {
  switch (kind) {
    case 'haproxy':
      return `HAProxy :80<br/>balance ${lab.balance}`;
    case 'nginx':
      return 'Nginx :80<br/>files + /api/ proxy';
    case 'app':
      return 'App server :5000';
    case 'db':
      return `${lab.flavour === 'mysql' ? 'MySQL 8.4' : 'MariaDB'} :3306<br/>${role}`;
  }
}

export function mermaidDiagram(lab: Lab, url: string): string {
  const lb = loadBalancer(lab);
  const lines = ['flowchart LR', `  client(["Visitor"]) -->|"${url}"| ${id(lb.name)}_haproxy`];
  for (const server of lab.servers) {
    lines.push(`  subgraph ${id(server.name)}["${server.name}"]`);
    for (const c of server.components) {
      const text = label(lab, c.kind, server.database?.role);
      lines.push(c.kind === 'db' ? `    ${id(c.name)}[("${text}")]` : `    ${id(c.name)}["${text}"]`);
    }
    if (server.role === 'web') {
      lines.push(`    ${id(server.name)}_nginx --> ${id(server.name)}_app`);
      lines.push(`    ${id(server.name)}_app -->|reads| ${id(server.name)}_db`);
    }
    lines.push('  end');
  }
  const primary = webServers(lab).find((s) => s.database?.role === 'primary');
  for (const server of webServers(lab)) {
    lines.push(`  ${id(lb.name)}_haproxy ${server.backup ? '-.->|backup|' : '-->'} ${id(server.name)}_nginx`);
    if (primary && server !== primary) {
      lines.push(`  ${id(server.name)}_app -.->|writes| ${id(primary.name)}_db`);
      lines.push(`  ${id(primary.name)}_db ==>|GTID replication| ${id(server.name)}_db`);
    }
  }
  return lines.join('\n');
}

export function readmeView(lab: Lab, hostPort: number): ReadmeView {
  const url = `http://127.0.0.1:${hostPort}`;
  const lb = loadBalancer(lab);
  const web = webServers(lab);
  return {
    lab: lab.name,
    domain: lab.domain,
    url,
    mermaid: mermaidDiagram(lab, url),
    rows: lab.servers.flatMap((server) =>
      server.components.map((c) => ({
        server: server.name,
        component: c.name,
        kind: c.kind === 'db' ? `${c.kind} (${server.database?.role})` : c.kind,
        listens: `${server.name}:${LISTENS[c.kind]}`,
        published: server === lb && c.kind === 'haproxy' ? `127.0.0.1:${hostPort}` : '-',
      })),
    ),
    balance: lab.balance,
    mode: lab.mode,
    primary: web.find((s) => s.database?.role === 'primary')?.name ?? '',
    replicas: web
      .filter((s) => s.database?.role === 'replica')
      .map((s) => s.name)
      .join(', '),
    statsPath: STATS_PATH,
    firstWeb: web[0].name,
    otherWeb: web[1]?.name ?? web[0].name,
  };
}
