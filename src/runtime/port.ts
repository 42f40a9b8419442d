// The Docker port (docs/ARCHITECTURE.md, habit 5): everything infra asks of a container engine, as one
// narrow interface. DockerRuntime implements it with dockerode and execa (the only modules that import them);
// FakeRuntime implements it in memory for unit tests. Use cases, steps and checks get it from their context.
import type { ImageBuild } from '../render/images.js';
import type { ComponentKind } from '../topology/types.js';

/**
 * What a container of a lab is: a server's host, one of its components, or one of infra's helpers: the database
 * forwarder, and the lease (a container created, never started, whose label holds the lab's expiry).
 */
export type LiveComponent = ComponentKind | 'host' | 'forward' | 'lease' | 'probe' | 'nettools';

/** infra's own containers, not part of any server. */
export function isHelper(c: Pick<ComponentState, 'component'>): boolean {
  return c.component === 'forward' || c.component === 'lease' || c.component === 'probe' || c.component === 'nettools';
}
export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
/** `none`: no health check of its own (hosts, helpers). */
export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ComponentState {
  name: string;
  lab: string;
  id: string;
  server: string;
  component: LiveComponent;
  state: ContainerState;
  health: Health;
  startedAt: string;
  /** The lab folder Compose recorded when it created the container (on the lease: the folder of the lab). */
  workingDir?: string;
  /** On the lease: when the lab expires (ISO 8601). */
  expiresAt?: string;
  /** When the container was created (ISO 8601): a lab's age. */
  createdAt: string;
  /** The host port published for container port 80, on the LB's host container. */
  publishedPort?: { ip: string; port: number };
  /** The host port published for Prometheus (monitored labs), on the monitoring server's host container. */
  publishedMonitorPort?: { ip: string; port: number };
  /** The host port published for container port 443 (secured labs), on the LB's host container. */
  publishedTlsPort?: { ip: string; port: number };
  /** Joined to a network namespace its host container no longer has (host restarted after it started). */
  staleNetwork: boolean;
  image: string;
  /** The infra version that rendered it (its label); absent on containers of infra before 0.2.0. */
  infraVersion?: string;
}

/** Running, and healthy or without a health check of its own (hosts): ready to serve. */
export function isReady(c: Pick<ComponentState, 'state' | 'health'>): boolean {
  return c.state === 'running' && (c.health === 'healthy' || c.health === 'none');
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface PortBinding {
  /** Container port and protocol, `80/tcp`. */
  port: string;
  hostIp: string;
  hostPort: string;
}

/** A 127.0.0.1 port per server's database, for as long as a piece of work needs it (closed by `close`). */
export interface Forward {
  ports: Record<string, number>;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Each line of the build's output as it comes (for --verbose). */
  onOutput?: (line: string) => void;
  /** Pull a newer base image first (needs a registry). */
  pull?: boolean;
  /** Ignore the build cache: picks up Debian's security updates. */
  noCache?: boolean;
}

export interface Removed {
  containers: number;
  networks: number;
  volumes: number;
}

/** What removing a lab removed, and the folder its containers were started from (read from the same listing). */
export interface LabRemoval {
  removed: Removed;
  folder?: string;
}

export interface ContainerRuntime {
  /** Fails with an EnvironmentError saying how to start the engine when it does not answer. */
  ping(): Promise<void>;
  /** Engine version, for doctor. */
  version(): Promise<{ version: string; apiVersion: string }>;
  /** Compose v2's version, or an EnvironmentError saying how to get it. */
  composeVersion(): Promise<string>;
  /** What the engine has to run containers: its memory (bytes) and CPUs (`infra room up` sizes a room by them). */
  capacity(): Promise<{ memoryBytes: number; cpus: number }>;

  /** Every container of a lab (or of every lab), with state, health and labels read back. */
  containers(lab?: string): Promise<ComponentState[]>;
  /** Names of every lab with a container, network or volume on this engine. */
  labNames(): Promise<string[]>;
  volumes(lab: string): Promise<string[]>;
  /** Removes a lab's containers (components before hosts) and networks, its volumes only when asked. */
  removeLab(lab: string, options: { volumes: boolean }): Promise<LabRemoval>;

  /**
   * `docker compose up -d` on a lab folder: creates and starts, does not wait for health (the caller does, through
   * `containers`). Never throws for a failed start, the result says it.
   */
  composeUp(dir: string): Promise<CommandResult>;
  start(id: string): Promise<void>;
  stop(id: string, timeoutSeconds: number): Promise<void>;
  restart(id: string, timeoutSeconds: number): Promise<void>;
  isRunning(id: string): Promise<boolean>;
  /** Freezes every process of a running container (`docker pause`): it neither answers nor dies. */
  pause(id: string): Promise<void>;
  /** Lets a paused container's processes run again; one that is not paused is left as it is. */
  unpause(id: string): Promise<void>;
  /** Runs a command in a running container. */
  exec(container: string, command: string[]): Promise<CommandResult>;
  logTail(id: string, lines: number): Promise<string>;
  publishedPorts(id: string): Promise<PortBinding[]>;

  hasImage(ref: string): Promise<boolean>;
  buildImage(dir: string, build: ImageBuild, options?: BuildOptions): Promise<void>;
  /** The newest image infra built of one kind (its `dev.infra.image` label), for commands without a lab model. */
  newestImage(kind: string): Promise<string | undefined>;
  /** Removes every image infra built; returns how many. */
  removeBuiltImages(): Promise<number>;
  /** Writes `refs` into one archive (`docker save`), layers shared between images stored once. */
  saveImages(refs: string[], file: string): Promise<void>;
  /** Loads an archive `saveImages` wrote (`docker load`); returns the image names it brought. */
  loadImages(file: string): Promise<string[]>;

  openForward(options: { lab: string; network: string; image: string; servers: string[] }): Promise<Forward>;
  /**
   * Runs `script` (bash) in a throw-away container on a lab's network, as a visitor would stand there: no fixed
   * address, no privileges. Labelled with the lab, removed when done.
   */
  runProbe(options: { lab: string; network: string; image: string; script: string }): Promise<CommandResult>;
  /**
   * Runs `script` (bash) as root with NET_ADMIN in a throw-away container of `image`: joined to the network namespace
   * of the container `namespaceOf` (a server's host: `infra fault` changes that server's network), or in a namespace
   * of its own when absent (to try what the kernel can do without touching a lab). Labelled with the lab, removed
   * when done; the lab's own containers never get the capability.
   */
  runNetworkTool(options: { lab: string; image: string; script: string; namespaceOf?: string }): Promise<CommandResult>;
  /** Every Docker network's subnets, by network name: a secured lab's fixed subnet must meet none of them. */
  networkSubnets(): Promise<{ network: string; subnets: string[] }[]>;
  /** Sets (or moves) a lab's expiry: replaces its lease container, labelled with the time and the lab folder. */
  setLease(lab: string, lease: { expiresAt: string; dir: string }): Promise<void>;
}
