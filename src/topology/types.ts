// The Lab model (docs/ARCHITECTURE.md): a lab is servers, a server is one network identity, a component is one
// process of a server. Everything downstream (render, runtime, replication, checks) reads this model, never the raw
// infra.yaml. The enums here are the single source: the JSON Schema's copies are checked against them by a unit test.
// The profiles' names live with the profiles (src/profiles/names.ts); the model only carries which a lab was made
// with, as the definition named them, and what they made of it (capabilities).

export const BALANCES = ['roundrobin', 'leastconn', 'source', 'first'] as const;
export const MODES = ['active-active', 'active-passive'] as const;
export const FLAVOURS = ['mariadb', 'mysql'] as const;
export const IMAGE_SETS = ['debian', 'upstream'] as const;
/** The roles a user gives servers in infra.yaml. */
export const ROLES = ['lb', 'web'] as const;
/** The processes a server runs; each kind is one folder, src/kinds/<kind>/, and an entry of the record in
 * src/kinds/index.ts (the compiler asks for it). Four come with `monitored`, the last two with `redundant` (keepalived
 * on each LB, socat on the edge). */
export const COMPONENT_KINDS = [
  'haproxy',
  'nginx',
  'app',
  'db',
  'node-exporter',
  'nginx-exporter',
  'mysqld-exporter',
  'prometheus',
  'keepalived',
  'socat',
] as const;

export type Balance = (typeof BALANCES)[number];
export type Mode = (typeof MODES)[number];
export type Flavour = (typeof FLAVOURS)[number];
export type ImageSet = (typeof IMAGE_SETS)[number];
export type Role = (typeof ROLES)[number];
/**
 * A server's role in the model: the user's, or one a profile adds: `mon` (mon-01, `monitored`), `edge` (the
 * stand-in for the Internet's route to the LB pair's floating address, `redundant`).
 */
export type ServerRole = Role | 'mon' | 'edge';
export type ComponentKind = (typeof COMPONENT_KINDS)[number];
export type DbRole = 'primary' | 'replica';

/** How HAProxy probes a web server: every `intervalMs`, DOWN after `fall` failures, UP after `rise` successes. */
export interface HealthCheck {
  intervalMs: number;
  fall: number;
  rise: number;
}

export interface Component {
  kind: ComponentKind;
  /** The design's name, also the Compose service: `web-01-db`. */
  name: string;
}

/** A component of a server, named as the design names it and as Compose will: `web-01-db`. */
export function componentOf(server: string, kind: ComponentKind): Component {
  return { kind, name: `${server}-${kind}` };
}

export interface Server {
  name: string;
  role: ServerRole;
  components: Component[];
  /** Web servers only: HAProxy sends traffic here only when every non-backup server is down. */
  backup: boolean;
  /** Web servers only: this server's database and its place in replication. */
  database?: { role: DbRole; serverId: number };
  healthCheck: HealthCheck;
}

export interface Lab {
  name: string;
  /** Compose project name, derived from the lab name so labs never collide. */
  project: string;
  domain: string;
  balance: Balance;
  mode: Mode;
  flavour: Flavour;
  imageSet: ImageSet;
  /** The LB's port on 127.0.0.1; `auto` picks a free one once and keeps it in the lab folder. */
  port: number | 'auto';
  /** The LB's HTTPS port on 127.0.0.1 (`secured` profile only); `auto` as for `port`. */
  httpsPort: number | 'auto';
  /** Prometheus's port on 127.0.0.1 (`monitored` profile only); `auto` as for `port`. */
  monitorPort: number | 'auto';
  /** The web server whose database takes every write; named, not implied by position. */
  primary: string;
  /** The profiles it was made with (src/profiles/names.ts), as data: code asks `capabilities`. */
  profiles: readonly string[];
  /** What the profiles made of the lab: everything outside src/profiles/ asks these, never a profile's name. */
  capabilities: Capabilities;
  /** `infra deploy` on MySQL servers: the packaged server's major.minor (`8.0` on Ubuntu), whose statements infra
   * runs; absent in the Docker lab, which runs the flavour's own image. */
  databaseVersion?: string;
  /** Varies the starting rows and the drills' details per student, deterministically; absent by default. */
  seed?: string;
  servers: Server[];
}

/** What a lab does beyond the built-in design; each profile's `apply` turns some on (src/profiles/). */
export interface Capabilities {
  /** HTTPS at the load balancers with the lab's own CA (and plain HTTP redirected to it). */
  tls: boolean;
  /** A firewall on every server, from one policy that names servers by address. */
  firewalls: boolean;
  /** Exporters on every server, scraped by Prometheus on the monitoring server, with alert rules. */
  monitoring: boolean;
  /** Two load balancers, keepalived moving a floating address between them. */
  lbPair: boolean;
}

/** The built-in lab's: none. */
export const BUILT_IN_CAPABILITIES: Capabilities = { tls: false, firewalls: false, monitoring: false, lbPair: false };

/** Whether a lab was made with a profile named in data (a drill's requirement); code asks `capabilities`. */
export function hasProfile(lab: Pick<Lab, 'profiles'>, profile: string): boolean {
  return lab.profiles.includes(profile);
}

/**
 * Whether the lab's servers keep fixed addresses on a subnet of their own: a firewall names servers by address, and
 * the LB pair's floating address must sit on a known subnet.
 */
export function hasFixedAddresses(lab: Pick<Lab, 'capabilities'>): boolean {
  return lab.capabilities.firewalls || lab.capabilities.lbPair;
}

/** `redundant`: the server publishing the lab's ports and forwarding them to the floating address. */
export function edgeServer(lab: Lab): Server | undefined {
  return lab.servers.find((s) => s.role === 'edge');
}

export function webServers(lab: Lab): Server[] {
  return lab.servers.filter((s) => s.role === 'web');
}

export function loadBalancers(lab: Lab): Server[] {
  return lab.servers.filter((s) => s.role === 'lb');
}

/** `monitored`: the monitoring server (mon-01), or undefined when the profile is off. */
export function monitoringServer(lab: Lab): Server | undefined {
  return lab.servers.find((s) => s.role === 'mon');
}

/** The LB whose runtime API infra reads, and which holds the floating address while it runs (`redundant`). */
export function frontLoadBalancer(lab: Lab): Server {
  const lb = loadBalancers(lab)[0];
  if (!lb) throw new Error('a validated lab always has a load balancer');
  return lb;
}

/** The server whose host publishes the lab's ports: the edge when the LBs are a pair (`redundant`), else the LB. */
export function entryServer(lab: Lab): Server {
  return edgeServer(lab) ?? frontLoadBalancer(lab);
}

export function primaryServer(lab: Lab): Server {
  const primary = lab.servers.find((s) => s.name === lab.primary);
  if (!primary) throw new Error('a validated lab always has a primary database');
  return primary;
}

export function replicaServers(lab: Lab): Server[] {
  return lab.servers.filter((s) => s.database?.role === 'replica');
}

/** ` --name <lab>` for a hint a user will copy, or nothing for the default lab: a hint must act on this lab. */
export function nameFlag(labName: string): string {
  return labName === 'lab' ? '' : ` --name ${labName}`;
}

/** A service's container name: Docker's names are global to the engine, so they carry the lab's project. */
/** The Compose project (and prefix of every container) of the lab named `name`. */
export function projectOf(name: string): string {
  return `infra-${name}`;
}

export function containerName(lab: Pick<Lab, 'project'>, service: string): string {
  return `${lab.project}-${service}`;
}

/** Every container name a lab's compose file gives: a host per server, one per component. */
export function containerNames(lab: Lab): string[] {
  return lab.servers.flatMap((s) => [s, ...s.components].map((x) => containerName(lab, x.name)));
}

/** A lab's Docker network, as Compose names it (the project name). */
export function labNetwork(labName: string): string {
  return projectOf(labName);
}

/** Why a lab name is not one, or undefined: it names containers, networks and the Compose project. */
export function checkLabName(name: string): string | undefined {
  return /^[a-z][a-z0-9-]{0,30}$/.test(name)
    ? undefined
    : `must be lowercase letters, digits and '-', starting with a letter, at most 31 characters (got "${name}")`;
}
