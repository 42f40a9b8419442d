// Whether a room fits the engine before anything starts: each lab's memory (its servers and components, each kind's
// as measured: KindSpec.memoryMiB) times the labs to start, against the engine's memory less what the host needs.
import { kindOf } from '../kinds/index.js';
import { host } from '../kinds/host.js';
import type { Lab } from '../topology/types.js';

const MIB = 1024 ** 2;

/** A lab in use grows past its first minute (the databases' caches, Prometheus's series): room for that. */
const IN_USE_FACTOR = 1.5;

/** What the engine's host keeps for itself (the engine, the shell, infra). */
const HOST_RESERVE_MIB = 1024;

/** One lab's memory in use, in MiB: a host container per server and every component, with room to grow. */
export function labMemoryMiB(lab: Lab): number {
  const measured = lab.servers.reduce(
    (sum, server) => sum + host.memoryMiB + server.components.reduce((s, c) => s + kindOf(c.kind).memoryMiB, 0),
    0,
  );
  return Math.ceil(measured * IN_USE_FACTOR);
}

export interface RoomFit {
  perLabMiB: number;
  /** Labs to start (those already running need nothing more). */
  starting: number;
  needMiB: number;
  availableMiB: number;
  /** How many labs of this kind the engine's memory holds. */
  fits: number;
}

export function roomFit(lab: Lab, starting: number, engineMemoryBytes: number): RoomFit {
  const perLabMiB = labMemoryMiB(lab);
  const availableMiB = Math.max(0, Math.floor(engineMemoryBytes / MIB) - HOST_RESERVE_MIB);
  return {
    perLabMiB,
    starting,
    needMiB: perLabMiB * starting,
    availableMiB,
    fits: Math.floor(availableMiB / perLabMiB),
  };
}
