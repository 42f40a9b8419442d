// `infra explain` answers the design write-up's questions about *this* lab, computed from its model (and, when the
// lab runs, from live state): no canned text. Pure: Lab (+ live observations) → facts; text.ts words them.
import { adminGrantsOf, flavourOf } from '../flavours/index.js';
import { KINDS } from '../kinds/index.js';
import { FAST_CHECK_INTERVAL_MS } from '../kinds/haproxy/spec.js';
import { HEALTH_INTERVAL, HEALTH_RETRIES } from '../templating/service-parts.js';
import { APP_DB, MONITORING_SERVER, PORTS, STATS_PATH } from '../topology/lab-constants.js';
import { alertRules } from '../kinds/prometheus/alert-rules.js';
import { ADMIN_USER } from '../flavours/admin-user.js';
import { describeSource, firewallPolicy } from '../profiles/secured/firewall-policy.js';
import {
  edgeServer,
  nameFlag,
  frontLoadBalancer,
  loadBalancers,
  webServers,
  type Component,
  type Lab,
  type Server,
} from '../topology/types.js';
import type { ReplicationState } from '../replication/replica-status.js';
import type { Fault } from '../faults/fault.js';
import { faultLessons, type FaultLesson } from '../faults/teaching.js';

export const TOPICS = [
  'elements',
  'algorithm',
  'mode',
  'replication',
  'spof',
  'security',
  'monitoring',
  'faults',
] as const;
export type Topic = (typeof TOPICS)[number];

/** What a running lab adds: the distribution observed through the LB and the replication state. */
export interface LiveFacts {
  url: string;
  observed?: string[];
  replication?: ReplicationState;
  /** The faults `infra fault` made on it and not healed. */
  faults?: Fault[];
  /** What the last `infra load --compare` measured there, in words. */
  measured?: string;
}

export interface ElementFact {
  server: string;
  role: Server['role'];
  why: string;
  components: { name: string; kind: Component['kind']; why: string }[];
}

export interface SpofFact {
  element: string;
  why: string;
  consequence: string;
  /** `design`: a SPOF of the infrastructure the lab implements; `lab`: one only because the lab runs on one host. */
  scope: 'design' | 'lab';
}

export interface ExposureFact {
  what: string;
  exposed: boolean;
  consequence: string;
}

export interface LabFacts {
  lab: string;
  running: boolean;
  elements: ElementFact[];
  algorithm: { balance: Lab['balance']; servers: string[]; how: string; observed?: string[]; measured?: string };
  mode: { mode: Lab['mode']; active: string[]; backup: string[]; difference: string; switch: string };
  replication: {
    flavour: Lab['flavour'];
    primary: string;
    replicas: string[];
    how: string;
    application: { server: string; reads_from: string; writes_to: string }[];
    live?: ReplicationState;
  };
  spof: SpofFact[];
  security: ExposureFact[];
  /** Secured labs: `server:port` a container on the lab network reaches (what a port scan finds), by the firewalls. */
  open_on_lab_network: string[];
  /** Secured labs: who may reach what, server by server (empty without the profile: nothing is filtered). */
  firewall: { server: string; port: number; service: string; from: string[] }[];
  monitoring: {
    watched: { what: string; how: string }[];
    /** Monitored labs: the alert rules, each with what it means. */
    alerts: { name: string; severity: string; when: string; for: string; why: string }[];
    missing: string[];
    stats_url: string | null;
  };
  /** The grey failures `infra fault` can make here: what each models, what notices it; and those active now. */
  faults: { kinds: FaultLesson[]; active: { id: string; what: string; made_at: string }[] };
}

function flavourName(lab: Lab): string {
  return flavourOf(lab).title;
}

function primaryName(lab: Lab): string {
  return lab.primary;
}

/** What each exporter of a monitored lab measures, from its kind. */
function monitoredWatches(lab: Lab): { what: string; how: string }[] {
  const exporters = lab.servers.flatMap((server) =>
    server.components
      .filter((c) => c.kind.endsWith('-exporter') || c.kind === 'prometheus')
      .map((c) => ({ what: c.name, how: KINDS[c.kind].why(lab, server) })),
  );
  return [
    ...exporters,
    { what: 'the load balancer', how: "HAProxy's built-in Prometheus exporter, on a port that is never published" },
  ];
}

/**
 * `ports`: the ports the lab's folder chose (for `auto`, known once rendered); without them, the model's own, and
 * "a free port chosen at render" for `auto`.
 */
export function labFacts(lab: Lab, live?: LiveFacts, ports?: { http: number; https?: number }): LabFacts {
  const monitored = lab.capabilities.monitoring;
  const web = webServers(lab);
  const lbs = loadBalancers(lab);
  const active = web.filter((s) => !s.backup).map((s) => s.name);
  const backup = web.filter((s) => s.backup).map((s) => s.name);
  const primary = lab.servers.filter((s) => s.database?.role === 'primary');
  const replicas = lab.servers.filter((s) => s.database?.role === 'replica').map((s) => s.name);

  const elements: ElementFact[] = lab.servers.map((server) => ({
    server: server.name,
    role: server.role,
    why:
      server.role === 'mon'
        ? 'the monitoring server (monitored profile): Prometheus scrapes every exporter of the lab, evaluates the alert rules and serves the live lab page'
        : server.role === 'edge'
          ? "the edge (redundant profile): it stands for the Internet's route to the load balancers' floating address, publishing the lab's ports and relaying them there"
          : server.role === 'lb'
            ? lbs.length > 1
              ? `one of the pair of load balancers: ${server.name === lbs[0].name ? 'it holds the floating address visitors reach while it runs' : `it takes over the floating address when ${lbs[0].name} stops`}`
              : 'the load balancer: the one address visitors use, in front of the web servers'
            : server.name === lab.primary
              ? 'a web server that also holds the primary database'
              : server.backup
                ? 'a standby web server (HAProxy backup) that also holds a replica of the database'
                : 'a second web server: it takes its share of the traffic and holds a replica of the database, so losing one web server does not take the site down',
    components: server.components.map((c) => ({ name: c.name, kind: c.kind, why: KINDS[c.kind].why(lab, server) })),
  }));

  const spof: SpofFact[] = [];
  if (lbs.length === 1) {
    spof.push({
      element: lbs[0].name,
      why: 'the only load balancer: every request passes through it',
      consequence: 'if it dies the whole site is unreachable, however many web servers are up',
      scope: 'design',
    });
  }
  if (primary.length === 1) {
    spof.push({
      element: `${primary[0].name}-db`,
      why: `the only primary database: every write goes to it (replicas${replicas.length ? ` on ${replicas.join(', ')}` : ''} are read-only)`,
      consequence: `if it dies, nothing can be written (new visits, sign-ups) until it is back or a replica is promoted: \`infra promote ${replicas[0] ?? '<replica>'} --force${nameFlag(lab.name)}\` (the apps follow on their own)`,
      scope: 'design',
    });
    spof.push({
      element: web.map((s) => `${s.name}-app`).join(', '),
      why: `every application server writes to ${primary[0].name}'s database`,
      consequence: `the apps keep reading from their local databases but fail every write while ${primary[0].name}'s database is down`,
      scope: 'design',
    });
  }
  if (active.length === 1 && backup.length === 0) {
    spof.push({
      element: active[0],
      why: 'the only web server',
      consequence: 'if it dies the site is down',
      scope: 'design',
    });
  }
  const edge = edgeServer(lab);
  if (edge) {
    spof.push({
      element: edge.name,
      why: `it stands for the Internet's route to the floating address (Docker publishes ports of containers, never of an address that moves between ${lbs.map((s) => s.name).join(' and ')})`,
      consequence:
        'not a single point of failure of the design: on real servers the network routes to the floating address itself; here, if the edge stops, the published ports stop answering',
      scope: 'lab',
    });
  }
  spof.push({
    element: 'the Docker host',
    why: 'every server of this lab is a container on one machine',
    consequence:
      'a reboot or a crash of this machine stops all of them at once; real redundancy needs separate machines',
    scope: 'lab',
  });

  const lb = frontLoadBalancer(lab);
  const shown = (chosen: number | undefined, model: number | 'auto') =>
    chosen !== undefined
      ? `127.0.0.1:${chosen}`
      : model === 'auto'
        ? 'a free port chosen at render'
        : `127.0.0.1:${model}`;
  const port = shown(ports?.http, lab.port);
  const secured = lab.capabilities.tls;
  const httpsPort = shown(ports?.https, lab.httpsPort);
  const transport: ExposureFact[] = secured
    ? [
        {
          what: `${lb.name}:443 published on ${httpsPort} over HTTPS (TLS 1.2 at least, 1.3 preferred, HTTP/2); :80 on ${port} only redirects to it`,
          exposed: false,
          consequence: `the certificate names ${lab.domain}, localhost and 127.0.0.1 and is signed by this lab's own CA (tls/ca.crt in the lab folder; its key never leaves it); browsers that saw ${lab.domain} once keep to HTTPS (HSTS)`,
        },
        {
          what: `TLS ends at ${lb.name}: from there to the web servers it is plain HTTP`,
          exposed: true,
          consequence:
            'the load balancer decrypts so it can route by HTTP (TLS termination) and tells the app the original scheme and client (X-Forwarded-Proto, X-Forwarded-For); anyone on the lab network could read that hop, and encrypting it again (HAProxy `ssl verify required` towards TLS on each Nginx) would close it',
        },
      ]
    : [
        {
          what: `${lb.name}:80 published on ${port} over plain HTTP`,
          exposed: true,
          consequence:
            'no TLS: anyone who can see the traffic can read and change it (passwords, cookies); bound to 127.0.0.1 so only this machine can reach it; the secured profile adds HTTPS',
        },
      ];
  const firewalled = lab.capabilities.firewalls;
  const openToAnyone = firewalled ? openOnLabNetwork(lab) : [];
  const network: ExposureFact = firewalled
    ? {
        what: `a firewall on every server (nftables, default deny inbound; <server>/firewall.nft)`,
        exposed: false,
        consequence: `each server accepts only the connections in the table below; a container started on the lab network reaches only ${openToAnyone.join(', ')}`,
      }
    : {
        what: 'no firewall between the servers: one flat lab network',
        exposed: true,
        consequence: `any container on the lab network reaches every port of every server, including ${flavourName(lab)} on 3306 (the application servers listen on 127.0.0.1 only, reached through each server's Nginx); the secured profile adds a firewall per server`,
      };
  const security: ExposureFact[] = [
    ...transport,
    {
      what: `HAProxy stats page at ${STATS_PATH} on the same port, without a password`,
      exposed: true,
      consequence: 'anyone who reaches the LB sees the servers, their states and traffic figures',
    },
    {
      what: 'the X-Infra-Server request header picks the web server',
      exposed: true,
      consequence: 'any client can aim its requests at one server (handy in a lab; a real site would not honour it)',
    },
    network,
    {
      what: 'databases (3306) and application servers (5000)',
      exposed: false,
      consequence:
        "not published by the lab: only the lab network reaches the databases, only their own server the apps; infra's own commands reach the databases through its forwarder container on the lab network, which publishes nothing: a command relays a port on 127.0.0.1 of its own to them while it runs",
    },
    {
      what: 'replication traffic between the databases',
      exposed: !flavourOf(lab).replicationTraffic.encrypted,
      consequence: flavourOf(lab).replicationTraffic.how,
    },
    {
      what: 'database accounts',
      exposed: false,
      consequence:
        `root answers only on its own server's localhost; infra logs in as its own user '${ADMIN_USER}', ` +
        `allowed ${adminGrantsOf(lab)
          .map((g) => `${g.privileges.toLowerCase()} on ${g.on}`)
          .join('; ')} and nothing else; the app's user may only read and write ${APP_DB.database}`,
    },
    {
      what: "passwords in the lab folder's .env",
      exposed: false,
      consequence: 'generated per lab, mode 0600, never printed; anyone with this account can read them',
    },
    ...(monitored
      ? [
          {
            what: `Prometheus and the lab page on ${MONITORING_SERVER}:${PORTS.prometheus}, without a password`,
            exposed: true,
            consequence: `anyone who reaches it (the published port on 127.0.0.1, or the lab network) reads every metric, the alerts and the lab's layout, and may query as much as it likes; a real one sits behind a login or a VPN`,
          },
        ]
      : []),
    ...((secured || firewalled) && lbs.length === 1
      ? [
          {
            what: `one load balancer, ${lb.name}`,
            exposed: true,
            consequence:
              'HTTPS and firewalls do not remove the single way in: if it stops, the site stops (see `infra explain spof`)',
          },
        ]
      : []),
  ];
  const firewall = firewalled
    ? firewallPolicy(lab).flatMap((p) =>
        p.allows.map((a) => ({ server: p.server, port: a.port, service: a.service, from: a.from.map(describeSource) })),
      )
    : [];

  const health = web[0]?.healthCheck;
  return {
    lab: lab.name,
    running: live !== undefined,
    elements,
    algorithm: {
      balance: lab.balance,
      servers: active,
      how: algorithmHow(lab, active),
      ...(live?.observed ? { observed: live.observed } : {}),
      ...(live?.measured ? { measured: live.measured } : {}),
    },
    mode: {
      mode: lab.mode,
      active,
      backup,
      difference:
        'active-active: every web server takes traffic at the same time, so the load is shared and a failure only removes capacity. ' +
        'active-passive: one server takes all the traffic while the other stands by, idle, and takes over only when the active one fails.',
      switch:
        lab.mode === 'active-active'
          ? `set \`mode: active-passive\` in infra.yaml (\`infra init\` writes one), then \`infra up\`: ${web
              .slice(1)
              .map((s) => s.name)
              .join(', ')} become${web.length > 2 ? '' : 's'} a backup`
          : 'set `mode: active-active` in infra.yaml, then `infra up`: every web server takes traffic',
    },
    replication: {
      flavour: lab.flavour,
      primary: primary[0]?.name ?? '(none)',
      replicas,
      how:
        'The primary writes every change to its binary log, each transaction tagged with a global transaction ID (GTID). ' +
        'On each replica an IO thread streams those events into a relay log and an SQL thread applies them; the replica asks for ' +
        'everything after the GTIDs it already has, so it resumes exactly where it stopped after a restart. Replicas are read-only.',
      application: web.map((s) => ({
        server: s.name,
        reads_from: `${s.name}-db (${s.database?.role})`,
        writes_to: `${primaryName(lab)}-db (primary)`,
      })),
      ...(live?.replication ? { live: live.replication } : {}),
    },
    spof,
    security,
    open_on_lab_network: openToAnyone,
    firewall,
    monitoring: {
      watched: [
        {
          what: 'every component',
          how: `a Docker health check every ${HEALTH_INTERVAL}, unhealthy after ${HEALTH_RETRIES} failures in a row (\`infra status\` shows them)`,
        },
        {
          what: 'the web servers, from the LB',
          how: health
            ? `HAProxy requests /api/live (through Nginx to the application server) every ${health.intervalMs} ms (every ${Math.min(FAST_CHECK_INTERVAL_MS, health.intervalMs)} ms once one fails, and while DOWN); DOWN after ${health.fall} failures, UP after ${health.rise} successes`
            : 'HAProxy health checks',
        },
        { what: 'traffic and server states', how: `HAProxy's stats page (${STATS_PATH}) and its runtime API` },
        { what: 'replication', how: "`infra status` reads each replica's IO and SQL threads, lag and last error" },
        ...(monitored ? monitoredWatches(lab) : []),
      ],
      alerts: monitored
        ? alertRules(lab).map((r) => ({
            name: r.name,
            severity: r.severity,
            when: r.condition,
            for: r.for,
            why: r.why,
          }))
        : [],
      missing: monitored
        ? [
            'no central logs: Prometheus keeps numbers, not log lines; each container keeps its own `docker logs`',
            'no one is paged: alerts show on the lab page and at /api/v1/alerts (there is no Alertmanager)',
            `${MONITORING_SERVER} watches everything but nothing watches ${MONITORING_SERVER}; its history (2 h) is lost with its container`,
            'no request latencies per URL or traces: HAProxy and Nginx counters say how many and how fast overall, not which request was slow',
          ]
        : [
            "no metrics history: nothing records request rates, latencies or errors over time (HAProxy's Prometheus exporter is not enabled, nothing scrapes it); the monitored profile adds it",
            'no alerting: nobody is told when a server or the replica fails',
            'no central logs: each container keeps its own `docker logs`',
            'nothing watches the load balancer or the Docker host from outside',
          ],
      stats_url: live ? `${live.url}${STATS_PATH}` : null,
    },
    faults: {
      kinds: faultLessons(lab),
      active: (live?.faults ?? []).map(({ id, what, made_at }) => ({ id, what, made_at })),
    },
  };
}

/** What the firewalls let anyone in on: `server:port`, server by server. */
function openOnLabNetwork(lab: Lab): string[] {
  return firewallPolicy(lab).flatMap((p) =>
    p.allows.filter((a) => a.from.some((f) => f.kind === 'anywhere')).map((a) => `${p.server}:${a.port}`),
  );
}

function algorithmHow(lab: Lab, active: string[]): string {
  const list = active.join(', ');
  // One active server (active-passive): there is nothing to choose among while it is up.
  if (active.length === 1 && lab.balance !== 'first') {
    return `every request goes to ${active[0]}, the only active server; ${lab.balance} chooses among active servers, so it decides nothing until a backup takes over`;
  }
  switch (lab.balance) {
    case 'roundrobin':
      return `HAProxy hands each new request to the next server in turn (${list}, then ${active[0]} again), weighted equally; a server marked DOWN is skipped`;
    case 'leastconn':
      return `each request goes to the server among ${list} with the fewest open connections; ties go round robin. Suits long requests`;
    case 'source':
      return `HAProxy hashes the client's IP address to pick one of ${list}, so a given client keeps landing on the same server`;
    case 'first':
      return `every request goes to the first server with a free slot (${active[0]}); the next one (${active.slice(1).join(', ') || 'none'}) is used only when it is full or down`;
  }
}
