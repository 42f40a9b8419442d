// An in-memory ContainerRuntime for unit tests (docs/ARCHITECTURE.md, habit 5). `composeUp` boots what a lab folder's
// compose.yaml describes, labels and all; containers start, stop and answer HAProxy's `show stat` as a lab would.
// Tests script faults (a failing start, a failing build, a published port) and read back the calls made.
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { CommandError, EnvironmentError } from '../errors.js';
import { LAB_FILES } from '../paths.js';
import type { ImageBuild } from '../render/images.js';
import { LABEL } from '../topology/labels.js';
import type {
  BuildOptions,
  CommandResult,
  ComponentState,
  ContainerRuntime,
  Forward,
  Health,
  LiveComponent,
  PortBinding,
  LabRemoval,
} from './port.js';

interface FakeContainer extends ComponentState {
  hasHealthcheck: boolean;
  bindings: PortBinding[];
}

interface ComposeFile {
  name: string;
  services: Record<
    string,
    { container_name: string; image: string; ports?: string[]; healthcheck?: unknown; labels: Record<string, string> }
  >;
  volumes?: Record<string, { labels?: Record<string, string> }>;
}

export const FORWARD_FIRST_PORT = 40_000;

export class FakeRuntime implements ContainerRuntime {
  /** Every call that changes something, in order: `composeUp`, `start web-01-db`, `build infra-app:…`, …. */
  readonly calls: string[] = [];
  readonly images = new Set<string>(['debian:trixie-slim']);
  /** Forwarder ports handed out, each mapped to the server whose database it reaches. */
  readonly forwardedServer = new Map<number, string>();
  openForwards = 0;
  engineDown = false;
  /** Scripted faults. */
  faults: {
    /** composeUp starts this container (by name), which exits at once, as a crashing service does. */
    exitOnStart?: string;
    /** This container (by name) runs but its health check never passes: it stays "starting". */
    neverHealthy?: string;
    /** buildImage of this kind fails. */
    buildKind?: string;
    /** `show stat` reports this state for a server instead of what its containers say. */
    backend?: Record<string, string>;
    /** The kernel has no netem: a network tool using it fails as tc does there. */
    noNetem?: boolean;
  } = {};
  private readonly byId = new Map<string, FakeContainer>();
  private readonly volumeLabels = new Map<string, string>();
  private nextId = 1;
  private clockTick = 0;

  async ping() {
    if (this.engineDown) throw new EnvironmentError('cannot reach the Docker engine (fake)');
  }

  /** As a test sets it: a 4 GiB, 2-CPU engine unless told otherwise. */
  engineCapacity = { memoryBytes: 4 * 1024 ** 3, cpus: 2 };

  async capacity() {
    return this.engineCapacity;
  }

  async version() {
    return { version: 'fake', apiVersion: '1.41' };
  }

  async composeVersion() {
    return '2.0.0-fake';
  }

  async containers(lab?: string) {
    return [...this.byId.values()]
      .filter((c) => lab === undefined || c.lab === lab)
      .map(({ hasHealthcheck: _h, bindings: _b, ...state }) => ({ ...state }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async labNames() {
    const names = new Set([...this.byId.values()].map((c) => c.lab));
    for (const lab of this.volumeLabels.values()) names.add(lab);
    return [...names].sort();
  }

  async volumes(lab: string) {
    return [...this.volumeLabels.entries()].filter(([, l]) => l === lab).map(([name]) => name);
  }

  async removeLab(lab: string, options: { volumes: boolean }): Promise<LabRemoval> {
    const mine = [...this.byId.values()].filter((c) => c.lab === lab);
    for (const c of [...mine.filter((c) => c.component !== 'host'), ...mine.filter((c) => c.component === 'host')]) {
      this.calls.push(`remove ${c.name}`);
      this.byId.delete(c.id);
    }
    const volumes = options.volumes ? await this.volumes(lab) : [];
    for (const v of volumes) this.volumeLabels.delete(v);
    return {
      removed: { containers: mine.length, networks: mine.length > 0 ? 1 : 0, volumes: volumes.length },
      folder: mine.find((c) => c.workingDir)?.workingDir,
    };
  }

  async composeUp(dir: string): Promise<CommandResult> {
    this.calls.push('composeUp');
    const compose = parse(readFileSync(path.join(dir, LAB_FILES.compose), 'utf8')) as ComposeFile;
    // Compose scopes volumes to the project, as `<project>_<volume>`.
    for (const [volume, spec] of Object.entries(compose.volumes ?? {})) {
      this.volumeLabels.set(`${compose.name}_${volume}`, spec?.labels?.[LABEL.lab] ?? '');
    }
    for (const service of Object.values(compose.services)) {
      const existing = [...this.byId.values()].find((c) => c.name === service.container_name);
      const container = existing ?? this.create(service, dir);
      this.run(container);
    }
    const broken = this.faults.exitOnStart && this.find(this.faults.exitOnStart);
    if (broken) {
      broken.state = 'exited';
      broken.health = 'none';
    }
    const stuck = this.faults.neverHealthy && this.find(this.faults.neverHealthy);
    if (stuck) stuck.health = 'starting';
    return { exitCode: 0, stdout: '', stderr: '' };
  }

  async start(id: string) {
    const c = this.get(id);
    this.calls.push(`start ${c.name}`);
    this.run(c);
  }

  async stop(id: string) {
    const c = this.get(id);
    this.calls.push(`stop ${c.name}`);
    c.state = 'exited';
  }

  async restart(id: string) {
    const c = this.get(id);
    this.calls.push(`restart ${c.name}`);
    this.run(c);
  }

  async pause(id: string) {
    const c = this.get(id);
    this.calls.push(`pause ${c.name}`);
    if (c.state !== 'running')
      throw Object.assign(new Error(`container ${c.name} is not running`), { statusCode: 409 });
    c.state = 'paused';
  }

  async unpause(id: string) {
    const c = this.get(id);
    this.calls.push(`unpause ${c.name}`);
    if (c.state === 'paused') c.state = 'running';
  }

  async isRunning(id: string) {
    return this.get(id).state === 'running';
  }

  async exec(container: string, command: string[]): Promise<CommandResult> {
    const c = this.find(container);
    if (!c || c.state !== 'running')
      return { exitCode: 1, stdout: '', stderr: `container ${container} is not running` };
    if (command.at(-1) === 'show stat') return { exitCode: 0, stdout: this.showStat(c.lab), stderr: '' };
    return { exitCode: 127, stdout: '', stderr: `the fake runs no ${command.join(' ')}` };
  }

  async logTail(id: string) {
    return `last words of ${this.get(id).name}`;
  }

  async publishedPorts(id: string) {
    return this.get(id).bindings;
  }

  /** A test publishes a port by hand, as an edited compose file would; the returned function takes it back. */
  publish(container: string, binding: PortBinding): () => void {
    const bindings = this.find(container)!.bindings;
    bindings.push(binding);
    return () => bindings.splice(bindings.indexOf(binding), 1);
  }

  async hasImage(ref: string) {
    return this.images.has(ref);
  }

  async buildImage(_dir: string, build: ImageBuild, options: BuildOptions = {}) {
    this.calls.push(`build ${build.tag}${options.noCache ? ' --no-cache' : ''}`);
    options.onOutput?.(`Step 1/2 : FROM debian:trixie-slim`);
    if (this.faults.buildKind === build.kind) {
      throw new CommandError(`docker build ${build.tag}`, 'E: apt failed', `building the ${build.kind} image failed`);
    }
    this.images.add(build.tag);
  }

  async newestImage(kind: string) {
    return [...this.images].reverse().find((tag) => tag.startsWith(`infra-${kind}:`));
  }

  async removeBuiltImages() {
    const built = [...this.images].filter((tag) => tag.startsWith('infra-'));
    for (const tag of built) this.images.delete(tag);
    return built.length;
  }

  async openForward(options: { servers: string[] }): Promise<Forward> {
    this.calls.push('openForward');
    this.openForwards += 1;
    const ports: Record<string, number> = {};
    options.servers.forEach((server, i) => {
      ports[server] = FORWARD_FIRST_PORT + i;
      this.forwardedServer.set(FORWARD_FIRST_PORT + i, server);
    });
    return {
      ports,
      close: async () => {
        this.calls.push('closeForward');
        this.openForwards -= 1;
      },
    };
  }

  async saveImages(refs: string[], file: string): Promise<void> {
    this.calls.push(`save ${refs.length} images`);
    const missing = refs.filter((r) => !this.images.has(r));
    if (missing.length > 0) throw new Error(`reference does not exist: ${missing[0]}`);
    // A real file, so what the use case does with it (rename, size) is real too.
    await writeFile(file, refs.join('\n'));
  }

  async loadImages(file: string): Promise<string[]> {
    const refs = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    for (const ref of refs) this.images.add(ref);
    return refs;
  }

  /** What runProbe answers: tests script the probe's output. */
  probeOutput = '';

  async runProbe(options: { lab: string; script: string }): Promise<CommandResult> {
    this.calls.push(`probe ${options.lab}`);
    return { exitCode: 0, stdout: this.probeOutput, stderr: '' };
  }

  /** Every network tool run: in whose namespace (undefined: its own), and its script. */
  readonly networkScripts: { namespaceOf?: string; script: string }[] = [];

  async runNetworkTool(options: { lab: string; script: string; namespaceOf?: string }): Promise<CommandResult> {
    this.calls.push(`nettools ${options.namespaceOf ?? 'own namespace'}`);
    this.networkScripts.push({ namespaceOf: options.namespaceOf, script: options.script });
    if (this.faults.noNetem && options.script.includes('netem')) {
      return { exitCode: 2, stdout: '', stderr: 'Error: Specified qdisc kind is unknown.\n' };
    }
    const target = options.namespaceOf && this.find(options.namespaceOf);
    if (options.namespaceOf && (!target || target.state !== 'running')) {
      return { exitCode: 125, stdout: '', stderr: `cannot join container ${options.namespaceOf}: not running\n` };
    }
    // A server's address on the lab network, as `ip addr` prints it there: one per host container, by its id.
    const address =
      target && options.script.includes('ip -4 -o addr') ? `10.0.0.${target.id.replace(/\D/g, '')}\n` : '';
    return { exitCode: 0, stdout: address, stderr: '' };
  }

  /** Other networks' subnets, as tests set them. */
  subnets: { network: string; subnets: string[] }[] = [];

  async networkSubnets() {
    return this.subnets;
  }

  async setLease(lab: string, lease: { expiresAt: string; dir: string }): Promise<void> {
    this.calls.push(`lease ${lab} ${lease.expiresAt}`);
    const old = this.find(`infra-${lab}-lease`);
    if (old) this.byId.delete(old.id);
    const id = `fake${this.nextId++}`;
    this.byId.set(id, {
      id,
      name: `infra-${lab}-lease`,
      lab,
      server: 'infra',
      component: 'lease',
      state: 'created',
      health: 'none',
      startedAt: '0001-01-01T00:00:00Z',
      createdAt: this.now(),
      workingDir: lease.dir,
      expiresAt: lease.expiresAt,
      staleNetwork: false,
      image: 'debian:trixie-slim',
      hasHealthcheck: false,
      bindings: [],
    });
  }

  /** The fake's clock for creation times: tests that judge ages set it. */
  now: () => string = () => new Date().toISOString();

  private create(service: ComposeFile['services'][string], dir: string): FakeContainer {
    const labels = service.labels;
    const bindings = (service.ports ?? []).map((p) => {
      const [ip, hostPort, port] = p.split(':');
      return { port: `${port}/tcp`, hostIp: ip, hostPort };
    });
    const lb = bindings.find((b) => b.port === '80/tcp');
    const tls = bindings.find((b) => b.port === '443/tcp');
    const container: FakeContainer = {
      id: `fake${this.nextId++}`,
      name: service.container_name,
      lab: labels[LABEL.lab],
      server: labels[LABEL.server],
      component: labels[LABEL.component] as LiveComponent,
      state: 'created',
      health: 'none',
      startedAt: '',
      createdAt: this.now(),
      workingDir: dir,
      publishedPort: lb ? { ip: lb.hostIp, port: Number(lb.hostPort) } : undefined,
      publishedTlsPort: tls ? { ip: tls.hostIp, port: Number(tls.hostPort) } : undefined,
      staleNetwork: false,
      image: service.image,
      infraVersion: labels[LABEL.version],
      hasHealthcheck: service.healthcheck !== undefined,
      bindings,
    };
    this.byId.set(container.id, container);
    return container;
  }

  private run(c: FakeContainer): void {
    c.state = 'running';
    c.health = (c.hasHealthcheck ? 'healthy' : 'none') as Health;
    c.startedAt = new Date(Date.UTC(2026, 10, 30) + ++this.clockTick * 1000).toISOString();
  }

  /** HAProxy's view: a web server is UP while its host and nginx run, unless a fault says otherwise. */
  private showStat(lab: string): string {
    const mine = [...this.byId.values()].filter((c) => c.lab === lab);
    const web = [...new Set(mine.filter((c) => c.component === 'nginx').map((c) => c.server))].sort();
    const rows = web.map((server) => {
      const up = mine.filter((c) => c.server === server).every((c) => c.state === 'running');
      return `web,${server},${this.faults.backend?.[server] ?? (up ? 'UP' : 'DOWN')}`;
    });
    return ['# pxname,svname,status', 'www,FRONTEND,OPEN', ...rows, 'web,BACKEND,UP'].join('\n') + '\n';
  }

  private find(name: string): FakeContainer | undefined {
    return [...this.byId.values()].find((c) => c.name === name);
  }

  private get(id: string): FakeContainer {
    const c = this.byId.get(id);
    if (!c) throw Object.assign(new Error(`no such container: ${id}`), { statusCode: 404 });
    return c;
  }
}
