// What every use case runs with (docs/ARCHITECTURE.md, habits 3 and 5): the output streams, the container runtime,
// a clock and an abort signal from the CLI; and, once a lab is known, the lab, its folder and a cached listing of
// its containers. Tests build the same context over FakeRuntime.
import type { SessionOpener } from '../database/session.js';
import type { Io } from '../log.js';
import { commandLog, streamProgress, type Progress } from '../report/progress.js';
import type { ComponentState, ContainerRuntime } from '../runtime/port.js';
import type { Lab } from '../topology/types.js';
import { realClock, type Clock } from '../wait/wait-for.js';

/** What the CLI hands a use case. The runtime is opened only when the command needs one. */
export interface AppEnv {
  io: Io;
  clock: Clock;
  /** Aborted by Ctrl-C or a CI cancel: long work finishes its current step, then cleans up. */
  signal: AbortSignal;
  /** The runtime, not yet contacted (doctor reports an absent engine instead of failing on it). */
  open(): Promise<ContainerRuntime>;
  /** The runtime, once its engine answered; else an EnvironmentError (exit 3) saying how to start it. */
  connect(): Promise<ContainerRuntime>;
  /** Opens a database session through a forwarder port (mysql2, or scripted sessions in tests). */
  openSession: SessionOpener;
  /** --verbose: show the commands infra runs and the full output of image builds. */
  verbose: boolean;
  /** Where a long use case tells what it does; `quiet` (--json) only records its steps. */
  progress(quiet: boolean): Progress;
}

/** The real engine, loaded lazily so commands that never touch Docker never load dockerode. */
export function dockerEnv(
  io: Io,
  signal: AbortSignal = new AbortController().signal,
  options: { verbose?: boolean } = {},
): AppEnv {
  const log = options.verbose ? commandLog(io) : undefined;
  return runtimeEnv(io, async () => (await import('../runtime/docker-runtime.js')).dockerRuntime(log), {
    signal,
    verbose: options.verbose,
  });
}

/** mysql2 is loaded only by the commands that talk to a database. */
const openRealSession: SessionOpener = async (options) => (await import('../database/session.js')).openSession(options);

export function runtimeEnv(
  io: Io,
  open: () => Promise<ContainerRuntime>,
  options: { signal?: AbortSignal; clock?: Clock; openSession?: SessionOpener; verbose?: boolean } = {},
): AppEnv {
  return {
    io,
    clock: options.clock ?? realClock,
    signal: options.signal ?? new AbortController().signal,
    openSession: options.openSession ?? openRealSession,
    verbose: options.verbose ?? false,
    progress: (quiet) => streamProgress(io, quiet),
    open,
    async connect() {
      const runtime = await open();
      await runtime.ping();
      return runtime;
    },
  };
}

export interface LabContext {
  io: Io;
  runtime: ContainerRuntime;
  clock: Clock;
  signal: AbortSignal;
  openSession: SessionOpener;
  verbose: boolean;
  lab: Lab;
  dir: string;
  /** The lab's containers: read once, reused until `fresh` asks to read them again. */
  containers(fresh?: boolean): Promise<ComponentState[]>;
}

export function labContext(env: AppEnv, runtime: ContainerRuntime, lab: Lab, dir: string): LabContext {
  let cached: Promise<ComponentState[]> | undefined;
  return {
    io: env.io,
    runtime,
    clock: env.clock,
    signal: env.signal,
    openSession: env.openSession,
    verbose: env.verbose,
    lab,
    dir,
    containers(fresh = false) {
      if (fresh || !cached) cached = runtime.containers(lab.name);
      return cached;
    },
  };
}
