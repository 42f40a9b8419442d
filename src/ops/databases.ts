// Opens admin sessions to a running lab's databases for the length of one piece of work (the replication step,
// `status`, the smoke checks), through a forward to their ports (Docker's forwarder, or SSH tunnels to real
// servers), and always closes both afterwards.
import { StepError } from '../errors.js';
import { flavourFromVersion, type DatabaseFlavour } from '../flavours/index.js';
import type { DbSession, SessionOpener } from '../database/session.js';
import type { ContainerRuntime, Forward } from '../runtime/port.js';
import { planImages } from '../render/images.js';
import { labNetwork, webServers, type Lab } from '../topology/types.js';
import {
  applyReplication,
  closeAll,
  connectAll,
  type AdminCredentials,
  type Connections,
  type ReplicaOutcome,
} from '../replication/apply.js';
import type { ReplicationSecrets } from '../replication/plan.js';

/** How long replication work on a running lab waits for replica threads and for a write to reach every replica. */
export const REPLICATION_TIMEOUT_MS = 30_000;

/** The newest forwarder image infra built, for commands that run without a lab model (status). */
export async function forwardImage(runtime: ContainerRuntime): Promise<string> {
  const tag = await runtime.newestImage('forward');
  if (!tag) throw new StepError('the database forwarder image is missing; run `infra images build` or `infra up`');
  return tag;
}

/** The forwarder for a lab's databases: on its network, from infra's image, to each web server's database. */
export function forwardTarget(lab: Lab): Omit<DatabaseTarget, 'credentials'> {
  return {
    lab: lab.name,
    network: labNetwork(lab.name),
    image: planImages(lab).refs.forward,
    servers: webServers(lab).map((s) => s.name),
  };
}

export interface DatabaseTarget {
  lab: string;
  network: string;
  image: string;
  servers: string[];
  credentials: AdminCredentials;
  /** How long to keep retrying a database that refuses connections (it may be starting). */
  connectDeadlineMs?: number;
}

export async function withDatabases<T>(
  runtime: ContainerRuntime,
  open: SessionOpener,
  target: DatabaseTarget,
  fn: (connections: Connections) => Promise<T>,
): Promise<T> {
  return withForwarded(await runtime.openForward(target), open, target.credentials, fn, target.connectDeadlineMs);
}

/** Sessions to the databases an open forward reaches, for the length of `fn`; the forward is closed after. */
export async function withForwarded<T>(
  forward: Forward,
  open: SessionOpener,
  credentials: AdminCredentials,
  fn: (connections: Connections) => Promise<T>,
  connectDeadlineMs?: number,
): Promise<T> {
  let connections: Connections = {};
  try {
    connections = await connectAll(open, forward.ports, credentials, connectDeadlineMs);
    return await fn(connections);
  } finally {
    await closeAll(connections);
    await forward.close();
  }
}

/**
 * The checks judge a running lab as it is: a database that does not answer within this fails them (a firewall that
 * drops its packets), instead of being waited for as a starting one is.
 */
export const CHECK_PATIENCE_MS = 5000;

/** The smoke checks' databases: the forward opened and the sessions made on first use, both closed by `close`. */
export function lazyDatabases(openForward: () => Promise<Forward>, open: SessionOpener, credentials: AdminCredentials) {
  let forward: Forward | undefined;
  let connections: Connections | undefined;
  const ports = async () => {
    forward ??= await openForward();
    return forward.ports;
  };
  return {
    ports,
    databases: async () => (connections ??= await connectAll(open, await ports(), credentials, CHECK_PATIENCE_MS)),
    async close() {
      if (connections) await closeAll(connections);
      await forward?.close();
    },
  };
}

/** The replication step on a running lab (`up`, and `recover` of a database that is not the primary). */
export function replicateLab(
  runtime: ContainerRuntime,
  open: SessionOpener,
  lab: Lab,
  secrets: ReplicationSecrets & AdminCredentials,
): Promise<ReplicaOutcome[]> {
  return withDatabases(runtime, open, { ...forwardTarget(lab), credentials: secrets }, (connections) =>
    applyReplication(lab, secrets, connections, { timeoutMs: REPLICATION_TIMEOUT_MS }),
  );
}

/** The flavour a running database is, from its own version string. */
export async function detectFlavour(session: DbSession): Promise<DatabaseFlavour> {
  const rows = await session.query('SELECT VERSION() AS v');
  return flavourFromVersion(String(rows[0]?.v));
}
