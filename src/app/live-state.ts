// What `infra watch` draws, read from the running lab itself (no Prometheus needed): each server up, degraded or
// down from its containers, HAProxy's view of the web servers and its response counters, the LB holding the floating
// address, the primary, and the replicas' lag. Each web server's share of the traffic is the change of its counters
// over the last 15 s, from the snapshots this reader keeps.
import type { SessionOpener } from '../database/session.js';
import { floatingAddressHolders } from '../ops/floating-address.js';
import { serverCounters, type ServerCounters } from '../ops/haproxy.js';
import type { ComponentState, ContainerRuntime } from '../runtime/port.js';
import { readLabState } from '../render/write-lab.js';
import { readFaults } from '../ops/fault-record.js';
import { readLiveRun, type LiveRun } from '../load/live-run.js';
import { frontLoadBalancer, type Lab } from '../topology/types.js';
import { recordedPrimary } from '../definition/build-lab.js';
import { readReplicationState } from './replication-status.js';

export interface LiveState {
  lab: string;
  at: string;
  state: Record<string, 'up' | 'degraded' | 'down'>;
  backend: Record<string, string>;
  share: Record<string, number>;
  counters: Record<string, ServerCounters>;
  primary: string | null;
  lag: Record<string, number | null>;
  holders: string[];
  alerts: { server: string; name: string }[];
  marks: Record<string, { label: string; up: boolean }[]>;
  /** The faults `infra fault` made, on each server they act on (a partition: both sides). */
  faults: { server: string; id: string; what: string }[];
  /** The `infra load` running on the lab (or ended in the last half minute), second by second. */
  load: LiveRun | null;
}

/** Traffic shares are taken over this window (as the Prometheus page's 15 s increase). */
const SHARE_WINDOW_MS = 15_000;
/** Replication is read through a forwarder container: every 15 s at most, not on every poll. */
const REPLICATION_EVERY_MS = 15_000;

export function liveStateReader(runtime: ContainerRuntime, openSession: SessionOpener, lab: Lab, dir: string) {
  const samples: { at: number; counters: Record<string, ServerCounters> }[] = [];
  let lag: Record<string, number | null> = {};
  let replicationReadAt = 0;
  let replicationRead: Promise<void> | undefined;

  const refreshLag = (containers: ComponentState[]) => {
    if (replicationRead || Date.now() - replicationReadAt < REPLICATION_EVERY_MS) return;
    replicationReadAt = Date.now();
    replicationRead = readReplicationState(runtime, openSession, lab.name, containers)
      .then((state) => {
        lag = Object.fromEntries(state.replicas.map((r) => [r.server, r.lag_seconds]));
      })
      .catch(() => undefined)
      .finally(() => (replicationRead = undefined));
  };

  return async function read(): Promise<LiveState> {
    const containers = await runtime.containers(lab.name);
    refreshLag(containers);
    // The LB in front: the one holding the floating address, else the first.
    const holders = (await floatingAddressHolders(runtime, containers)).map((h) => h.server).sort();
    const front = holders[0] ?? frontLoadBalancer(lab).name;
    const haproxy = containers.find((c) => c.component === 'haproxy' && c.server === front && c.state === 'running');
    const none: Record<string, ServerCounters> = {};
    const counters = haproxy ? await serverCounters(runtime, haproxy.name).catch(() => none) : none;
    const now = Date.now();
    samples.push({ at: now, counters });
    while (samples.length > 1 && now - samples[1].at >= SHARE_WINDOW_MS) samples.shift();
    const oldest = samples[0];
    const served = Object.fromEntries(
      Object.entries(counters).map(([name, c]) => [
        name,
        Math.max(0, c.responses - (oldest.counters[name]?.responses ?? c.responses)),
      ]),
    );
    const total = Object.values(served).reduce((a, b) => a + b, 0);

    const state: LiveState['state'] = {};
    const marks: LiveState['marks'] = {};
    for (const server of lab.servers) {
      const own = containers.filter((c) => c.server === server.name);
      const host = own.find((c) => c.component === 'host');
      const components = own.filter((c) => c.component !== 'host');
      // Running and not failing its check: a component Docker has not checked yet (health `starting`, for up to
      // 30 s after a start) is not counted against its server.
      const fine = (c: ComponentState) => c.state === 'running' && c.health !== 'unhealthy';
      marks[server.name] = components.map((c) => ({ label: c.component, up: fine(c) }));
      const backendDown = server.role === 'web' && counters[server.name] && counters[server.name].status !== 'UP';
      state[server.name] =
        host?.state !== 'running' ? 'down' : components.some((c) => !fine(c)) || backendDown ? 'degraded' : 'up';
    }
    const recorded = await readLabState(dir);
    return {
      lab: lab.name,
      at: new Date(now).toISOString(),
      state,
      backend: Object.fromEntries(Object.entries(counters).map(([name, c]) => [name, c.status])),
      share: Object.fromEntries(Object.entries(served).map(([name, n]) => [name, total > 0 ? n / total : 0])),
      counters,
      primary: recorded ? (recordedPrimary(recorded) ?? null) : null,
      lag,
      holders,
      alerts: [],
      marks,
      faults: (await readFaults(dir)).flatMap((f) => f.servers.map((server) => ({ server, id: f.id, what: f.what }))),
      load: (await readLiveRun(dir, now)) ?? null,
    };
  };
}
