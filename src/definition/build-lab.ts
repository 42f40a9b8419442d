// Stage three of the input: apply defaults (server > lab > built-in) to a shape-checked LabDefinition, check what
// a schema cannot (unique names, one load balancer), and build the Lab model. All problems are reported together.
import { UsageError } from '../errors.js';
import { DEFAULT_LAB } from '../topology/lab-constants.js';
import { allKinds } from '../kinds/index.js';
import { applyProfiles, profileProblems } from '../profiles/index.js';
import type { LabDefinition } from './definition.js';
import {
  BUILT_IN_CAPABILITIES,
  checkLabName,
  componentOf,
  type ComponentKind,
  type HealthCheck,
  type Lab,
  projectOf,
  type Role,
  type Server,
} from '../topology/types.js';
import { type Profile } from '../profiles/names.js';

export const MAX_WEB_SERVERS = 5;

/** Command-line flags that override the file (highest precedence). */
export interface LabOverrides {
  name?: string;
  port?: number | 'auto';
  /** `--profile`: replaces the file's list (the flag overrides the file). */
  profiles?: Profile[];
  /** `--seed`: replaces the file's seed. */
  seed?: string;
}

/** The kinds every server of a role runs (each kind's runsOn), in the kinds' order. */
function kindsOn(role: Role): ComponentKind[] {
  return allKinds()
    .filter((spec) => spec.runsOn.includes(role))
    .map((spec) => spec.kind);
}

/**
 * Every server is a Compose service and a container; so is each of its components, named `<server>-<kind>`. A server
 * named like another's component (web-01 and web-01-app) would make two services of one name: refuse it here,
 * naming both, rather than let Compose refuse the file after the images are built.
 */
function derivedNameClashes(servers: NonNullable<LabDefinition['servers']>): string[] {
  const owners = new Map<string, { index: number; what: string }>();
  const problems: string[] = [];
  servers.forEach((server, i) => {
    // A repeated server name is reported once, as such.
    if (servers.findIndex((s) => s.name === server.name) !== i) return;
    const derived = [
      { name: server.name, what: `servers[${i}] (${server.name})` },
      ...kindsOn(server.role).map((kind) => ({
        name: `${server.name}-${kind}`,
        what: `the ${kind} of servers[${i}] (${server.name})`,
      })),
    ];
    for (const { name, what } of derived) {
      const owner = owners.get(name);
      if (!owner) owners.set(name, { index: i, what });
      else if (owner.index !== i) {
        problems.push(
          `servers[${i}].name: "${name}" would name both ${owner.what} and ${what}; rename one of the servers`,
        );
      }
    }
  });
  return problems;
}

/**
 * The lab with its primary moved to `primary` (`infra promote` records it in the lab folder): the database roles
 * follow the name. A name that is not a web server of the lab (the definition changed since) leaves it as it is.
 */
export function withPrimary(lab: Lab, primary: string | undefined): Lab {
  if (!primary || primary === lab.primary || !lab.servers.some((s) => s.name === primary && s.database)) return lab;
  return {
    ...lab,
    primary,
    servers: lab.servers.map((s) =>
      s.database ? { ...s, database: { ...s.database, role: s.name === primary ? 'primary' : 'replica' } } : s,
    ),
  };
}

export function buildLab(definition: LabDefinition, overrides: LabOverrides = {}): Lab {
  const problems: string[] = [];
  const labHealth: HealthCheck = { ...DEFAULT_LAB.healthCheck, ...definition.healthCheck };
  const mode = definition.mode ?? DEFAULT_LAB.mode;
  const serverDefs: NonNullable<LabDefinition['servers']> = definition.servers ?? [...DEFAULT_LAB.servers];

  const seen = new Map<string, number>();
  serverDefs.forEach((s, i) => {
    const first = seen.get(s.name);
    if (first !== undefined) {
      problems.push(
        `servers[${i}].name: "${s.name}" is already used by servers[${first}]; give each server its own name`,
      );
    } else {
      seen.set(s.name, i);
    }
  });
  problems.push(...derivedNameClashes(serverDefs));
  const lbCount = serverDefs.filter((s) => s.role === 'lb').length;
  const webCount = serverDefs.filter((s) => s.role === 'web').length;
  if (lbCount !== 1) problems.push(`servers: needs exactly one server with role lb (found ${lbCount})`);
  if (webCount < 2) problems.push(`servers: needs at least two servers with role web (found ${webCount})`);
  // Each web server holds a replica of the primary: five is what one laptop runs comfortably (about 60 MiB each).
  if (webCount > MAX_WEB_SERVERS) {
    problems.push(`servers: at most ${MAX_WEB_SERVERS} servers with role web (found ${webCount}); remove some`);
  }
  const name = overrides.name ?? definition.name ?? DEFAULT_LAB.name;
  const nameProblem = overrides.name !== undefined ? checkLabName(overrides.name) : undefined;
  if (nameProblem) problems.push(`--name: ${nameProblem}`);
  const webNames = serverDefs.filter((s) => s.role === 'web').map((s) => s.name);
  const primary = definition.database?.primary ?? webNames[0] ?? '';
  if (definition.database?.primary !== undefined && !webNames.includes(primary)) {
    problems.push(
      `database.primary: "${primary}" is not a web server of this lab; name one of ${webNames.join(', ') || '(none)'}`,
    );
  }
  const asked = overrides.profiles ?? definition.profiles ?? [];
  const profiles = [...new Set(asked)];
  const port = overrides.port ?? definition.port ?? DEFAULT_LAB.port;
  // A profile's published port (HTTPS, Prometheus): `--port auto` means every published port (a CI job asking for a
  // free LB port wants free others too); `port: auto` makes the ones the file leaves out auto as well.
  const companionPort = (fromFile: number | 'auto' | undefined, fallback: number): number | 'auto' =>
    overrides.port === 'auto' ? 'auto' : (fromFile ?? (port === 'auto' ? 'auto' : fallback));
  const httpsPort = companionPort(definition.httpsPort, DEFAULT_LAB.httpsPort);
  const monitorPort = companionPort(definition.monitorPort, DEFAULT_LAB.monitorPort);
  problems.push(
    ...profileProblems({
      profiles,
      serverNames: serverDefs.map((s) => s.name),
      loadBalancer: lbCount === 1 ? serverDefs.find((s) => s.role === 'lb')?.name : undefined,
      port,
      httpsPort,
      monitorPort,
    }),
  );
  if (problems.length > 0) throw new UsageError('the lab definition is invalid', problems);

  // Server ids follow the web servers' order, so the built-in lab keeps web-01 = 1, web-02 = 2.
  let webIndex = 0;
  const servers: Server[] = serverDefs.map((def) => {
    const components = kindsOn(def.role).map((kind) => componentOf(def.name, kind));
    const server: Server = {
      name: def.name,
      role: def.role,
      components,
      backup: false,
      healthCheck: { ...labHealth, ...def.healthCheck },
    };
    if (def.role === 'web') {
      webIndex += 1;
      server.backup = mode === 'active-passive' && webIndex > 1;
      server.database = { role: def.name === primary ? 'primary' : 'replica', serverId: webIndex };
    }
    return server;
  });

  const lab: Lab = {
    name,
    project: projectOf(name),
    domain: definition.domain ?? DEFAULT_LAB.domain,
    balance: definition.balance ?? DEFAULT_LAB.balance,
    mode,
    flavour: definition.database?.flavour ?? DEFAULT_LAB.flavour,
    imageSet: definition.images ?? DEFAULT_LAB.imageSet,
    port,
    httpsPort,
    monitorPort,
    primary,
    profiles,
    capabilities: BUILT_IN_CAPABILITIES,
    servers,
  };
  const seed = overrides.seed ?? definition.seed;
  if (seed !== undefined) lab.seed = seed;
  return applyProfiles(lab, profiles);
}

/** The primary a rendered lab has now: the one its folder recorded (its state), else its definition's. */
export function recordedPrimary(state: { lab: string; primary?: string; definition?: LabDefinition }): string {
  return state.primary ?? buildLab(state.definition ?? {}, { name: state.lab }).primary;
}
