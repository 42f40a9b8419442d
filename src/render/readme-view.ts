// The view model of the lab folder's README.md: a Mermaid diagram of the topology, the table of servers and
// components, and commands to try, all derived from the Lab model.
import { KINDS } from '../kinds/index.js';
import { STATS_PATH } from '../topology/lab-constants.js';
import {
  edgeServer,
  entryServer,
  frontLoadBalancer,
  loadBalancers,
  replicaServers,
  webServers,
  type ComponentKind,
  type Lab,
  type Server,
} from '../topology/types.js';
import { floatingAddress, requireSubnet, serverAddress, type LabSite } from '../topology/addressing.js';
import { describeSource, firewallPolicy } from '../profiles/secured/firewall-policy.js';
import { LAB_FILES } from '../paths.js';

const id = (name: string) => name.replace(/[^a-zA-Z0-9]/g, '_');

export interface ReadmeView {
  lab: string;
  domain: string;
  url: string;
  /** `secured`: the plain-HTTP URL, which redirects to `url`. */
  httpUrl: string;
  /** Flags every curl line needs (the lab's CA when secured). */
  curlFlags: string;
  secured: boolean;
  firewall: { server: string; address: string; rules: string }[];
  mermaid: string;
  rows: { server: string; component: string; kind: string; listens: string; published: string }[];
  balance: string;
  mode: string;
  primary: string;
  replicas: string;
  statsPath: string;
  nameFlag: string;
  firstWeb: string;
  otherWeb: string;
  /** The first replica: what `infra promote` is shown with. */
  firstReplica: string;
  /** `redundant`: the LB pair and the address they share. */
  redundant: boolean;
  firstLb: string;
  secondLb: string;
  floatingAddress: string;
}

export function mermaidDiagram(lab: Lab, url: string): string {
  const lb = frontLoadBalancer(lab);
  const edge = edgeServer(lab);
  const lines = ['flowchart LR'];
  if (edge) {
    // redundant: the visitor reaches the edge, which relays to whichever LB holds the floating address.
    lines.push(`  client(["Visitor"]) -->|"${url}"| ${id(edge.name)}_socat`);
    for (const pair of loadBalancers(lab)) {
      const arrow = pair === lb ? '-->|floating address|' : '-.->|"floating address, after a failover"|';
      lines.push(`  ${id(edge.name)}_socat ${arrow} ${id(pair.name)}_haproxy`);
    }
  } else {
    lines.push(`  client(["Visitor"]) -->|"${url}"| ${id(lb.name)}_haproxy`);
  }
  for (const server of lab.servers) {
    lines.push(`  subgraph ${id(server.name)}["${server.name}"]`);
    for (const c of server.components) {
      const text = KINDS[c.kind].diagramLabel(lab, server);
      lines.push(c.kind === 'db' ? `    ${id(c.name)}[("${text}")]` : `    ${id(c.name)}["${text}"]`);
    }
    if (server.role === 'web') {
      lines.push(`    ${id(server.name)}_nginx --> ${id(server.name)}_app`);
      lines.push(`    ${id(server.name)}_app -->|reads| ${id(server.name)}_db`);
    }
    lines.push('  end');
  }
  const primary = webServers(lab).find((s) => s.name === lab.primary);
  for (const server of webServers(lab)) {
    for (const balancer of loadBalancers(lab)) {
      lines.push(`  ${id(balancer.name)}_haproxy ${server.backup ? '-.->|backup|' : '-->'} ${id(server.name)}_nginx`);
    }
    if (primary && server !== primary) {
      lines.push(`  ${id(server.name)}_app -.->|writes| ${id(primary.name)}_db`);
      lines.push(`  ${id(primary.name)}_db ==>|GTID replication| ${id(server.name)}_db`);
    }
  }
  return lines.join('\n');
}

function listensOn(server: Server, kind: ComponentKind): string {
  const { listens, reach } = KINDS[kind];
  if (listens === null) return 'no port (VRRP adverts on the lab network)';
  return reach === 'loopback' ? `127.0.0.1:${listens} (${server.name} only)` : `${server.name}:${listens}`;
}

export function readmeView(lab: Lab, site: LabSite): ReadmeView {
  const secured = lab.capabilities.tls;
  const httpUrl = `http://127.0.0.1:${site.hostPort}`;
  const url = secured ? `https://127.0.0.1:${site.httpsPort}` : httpUrl;
  const published = secured ? `127.0.0.1:${site.hostPort}, 127.0.0.1:${site.httpsPort}` : `127.0.0.1:${site.hostPort}`;
  const entry = entryServer(lab);
  const web = webServers(lab);
  return {
    lab: lab.name,
    domain: lab.domain,
    url,
    httpUrl,
    curlFlags: secured ? ` --cacert ${LAB_FILES.caCert}` : '',
    secured,
    firewall: secured
      ? firewallPolicy(lab).map((p) => ({
          server: p.server,
          address: serverAddress(requireSubnet(site), lab, { name: p.server }),
          rules: p.allows.map((a) => `${a.port} from ${a.from.map(describeSource).join(', ')}`).join('; '),
        }))
      : [],
    mermaid: mermaidDiagram(lab, url),
    rows: lab.servers.flatMap((server) =>
      server.components.map((c) => ({
        server: server.name,
        component: c.name,
        kind: c.kind === 'db' ? `${c.kind} (${server.database?.role})` : c.kind,
        listens: listensOn(server, c.kind),
        published: server === entry && ['haproxy', 'socat'].includes(c.kind) ? published : '-',
      })),
    ),
    balance: lab.balance,
    mode: lab.mode,
    primary: lab.primary,
    replicas: replicaServers(lab)
      .map((s) => s.name)
      .join(', '),
    statsPath: STATS_PATH,
    // Every command in the README names the lab unless it is the default: on a shared machine, a student who follows
    // it must not act on someone else's lab.
    nameFlag: lab.name === 'lab' ? '' : ` --name ${lab.name}`,
    firstWeb: web[0].name,
    otherWeb: web[1]?.name ?? web[0].name,
    firstReplica: replicaServers(lab)[0]?.name ?? web[0].name,
    redundant: lab.capabilities.lbPair,
    firstLb: loadBalancers(lab)[0].name,
    secondLb: loadBalancers(lab)[1]?.name ?? '',
    floatingAddress: site.subnet ? floatingAddress(site.subnet) : '',
  };
}
