// Moving the primary to a replica with GTIDs (`infra promote`), over open admin sessions. A switchover (the primary
// alive) loses nothing: the primary stops taking writes, the candidate applies everything it wrote, then takes
// writes itself, and every other database follows it. A failover (the primary dead) promotes a replica that no other
// holds more than, and leaves the old primary out until it comes back (`infra recover`, `infra up` rejoin it).
import { StepError } from '../errors.js';
import { flavourOf } from '../flavours/index.js';
import { replicaServers, type Lab } from '../topology/types.js';
import { withPrimary } from '../definition/build-lab.js';
import { REPLICATION_USER } from './plan.js';
import { replicaStatus, run, verifyReplication, waitForThreads, type Connections } from './apply.js';
import { errantAdvice, isReplicating } from './replica-status.js';
import { appliedWithin, gtidPosition } from './gtid.js';

export interface PromoteOutcome {
  kind: 'switchover' | 'failover';
  from: string;
  to: string;
  /** Switchover: from the old primary turning read-only to the new one named to the apps; writes wait meanwhile. */
  write_pause_ms: number | null;
  /** Switchover: how long the candidate took to apply the old primary's last write. */
  catch_up_ms: number | null;
  /** The databases now replicating from the new primary. */
  replicas: string[];
  /** Failover: the old primary, left out until it comes back. */
  left_out: string[];
  /** The new primary's GTID position once every replica applied a write made on it. */
  gtid_position: string;
  total_ms: number;
}

export interface PromoteSettings {
  /** The replication user's password (the lab's .env). */
  replicationPassword: string;
  timeoutMs: number;
  /** Tells the apps the new primary's name; called the moment it takes writes. */
  announce(primary: string): Promise<void>;
}

/** `to` must be a replica of the lab; returns the lab's other replicas. */
function othersThan(lab: Lab, to: string): string[] {
  return replicaServers(lab)
    .map((s) => s.name)
    .filter((s) => s !== to);
}

/** The primary is alive: stop its writes, let `to` catch up, promote `to`, and point everyone else at it. */
export async function switchover(
  lab: Lab,
  connections: Connections,
  to: string,
  settings: PromoteSettings,
): Promise<PromoteOutcome> {
  const started = performance.now();
  const flavour = flavourOf(lab);
  const from = lab.primary;
  const candidate = connections[to];
  const status = await replicaStatus(candidate, flavour);
  if (!isReplicating(status) || status.source_host !== from) {
    throw new StepError(
      `${to} is not replicating from ${from} (IO thread ${status.io_running}, SQL thread ${status.sql_running}): it may lack writes`,
      'See `infra status`; `infra up` restarts replication. Promote a replica that replicates.',
    );
  }
  const errant = await flavour.errantTransactions(candidate, connections[from]);
  if (errant) throw new StepError(`${to} cannot become the primary`, errantAdvice(to, from, errant, lab.name));

  // From here the old primary refuses writes; the apps wait (they retry for 10 s) until they are told the new one.
  await run(connections[from], from, flavour.readOnly.set);
  const pauseStarted = performance.now();
  let caughtUp: number;
  try {
    const position = await gtidPosition(connections[from], flavour);
    if (!(await appliedWithin(candidate, flavour, position, Math.ceil(settings.timeoutMs / 1000)))) {
      throw new Error(`${to} did not apply ${from}'s writes (up to ${position}) within ${settings.timeoutMs / 1000} s`);
    }
    caughtUp = performance.now();
    for (const statement of flavour.promote) await run(candidate, to, statement);
  } catch (error) {
    // Nothing moved: the old primary takes writes again, and the candidate is left as it was or replicating.
    for (const statement of flavour.writable) await run(connections[from], from, statement).catch(() => undefined);
    throw new StepError(
      `switchover to ${to} abandoned: ${(error as Error).message}`,
      `${from} is the primary still and takes writes again. Look at \`infra status\`, then try again.`,
    );
  }
  await settings.announce(to);
  const announced = performance.now();
  const replicas = [from, ...othersThan(lab, to)];
  await follow(lab, connections, to, replicas, settings);
  return {
    kind: 'switchover',
    from,
    to,
    write_pause_ms: Math.round(announced - pauseStarted),
    catch_up_ms: Math.round(caughtUp - pauseStarted),
    replicas,
    left_out: [],
    gtid_position: await gtidPosition(candidate, flavour),
    total_ms: Math.round(performance.now() - started),
  };
}

/**
 * The primary is dead (its session absent from `connections`): promote `to` if no other replica holds writes it
 * lacks, point the other replicas at it, and leave the old primary out.
 */
export async function failover(
  lab: Lab,
  connections: Connections,
  to: string,
  settings: PromoteSettings,
): Promise<PromoteOutcome> {
  const started = performance.now();
  const flavour = flavourOf(lab);
  const from = lab.primary;
  const others = othersThan(lab, to);
  const candidate = connections[to];
  // Each replica first applies what it had fetched from the dead primary (its relay log), then they are compared.
  for (const server of [to, ...others]) await applyFetched(lab, connections[server], server, settings.timeoutMs);
  for (const other of others) {
    const ahead = await flavour.errantTransactions(connections[other], candidate);
    if (ahead) {
      throw new StepError(
        `${other} holds writes ${to} lacks (${ahead}): promoting ${to} would lose them`,
        `Promote the most advanced replica instead: \`infra promote ${other} --force\`.`,
      );
    }
  }
  for (const statement of flavour.promote) await run(candidate, to, statement);
  await settings.announce(to);
  await follow(lab, connections, to, others, settings);
  return {
    kind: 'failover',
    from,
    to,
    write_pause_ms: null,
    catch_up_ms: null,
    replicas: others,
    left_out: [from],
    gtid_position: await gtidPosition(candidate, flavour),
    total_ms: Math.round(performance.now() - started),
  };
}

/** Waits until a replica has applied every transaction its IO thread fetched (its relay log is drained). */
async function applyFetched(lab: Lab, session: Connections[string], server: string, timeoutMs: number): Promise<void> {
  const flavour = flavourOf(lab);
  const fetched = (await replicaStatus(session, flavour)).gtid_retrieved;
  if (fetched && !(await appliedWithin(session, flavour, fetched, Math.ceil(timeoutMs / 1000)))) {
    throw new StepError(
      `${server} did not apply the writes it had fetched (up to ${fetched}) within ${timeoutMs / 1000} s`,
      'See `infra status`: its SQL thread may have stopped on an error.',
    );
  }
}

/** Points `replicas` at the new primary from their own GTIDs, then proves it with a write they all apply. */
async function follow(
  lab: Lab,
  connections: Connections,
  primary: string,
  replicas: string[],
  settings: PromoteSettings,
): Promise<void> {
  const flavour = flavourOf(lab);
  for (const server of replicas) {
    for (const statement of flavour.repointReplica(primary, REPLICATION_USER, settings.replicationPassword)) {
      await run(connections[server], server, statement);
    }
  }
  const moved = withPrimary(lab, primary);
  for (const server of replicas) {
    await waitForThreads(moved, connections[server], server, primary, settings.timeoutMs);
  }
  await verifyReplication(
    moved,
    connections,
    { primary: { server: primary }, replicas: replicas.map((server) => ({ server })) },
    'promote',
    settings.timeoutMs,
  );
}
