// The ContainerRuntime on a real engine: dockerode for inspect, state, logs, exec and the forwarder; execa for
// `docker compose`, `docker build` and the throw-away helpers (`docker run --rm`). The only module (with its helpers
// in this folder) that knows either library.
import type DockerClient from 'dockerode';
import path from 'node:path';
import { CommandError, EnvironmentError } from '../errors.js';
import { LAB_FILES } from '../paths.js';
import type { ImageBuild } from '../render/images.js';
import { LABEL } from '../topology/labels.js';
import { BASE_IMAGE } from '../templating/base-image.js';
import { labContainers, labNames, labVolumes, logTail, removeLab } from './containers.js';
import { Docker } from './dockerode.js';
import { execIn } from './exec.js';
import { openForward } from './forward.js';
import type { BuildOptions, CommandResult, ContainerRuntime, Forward, PortBinding } from './port.js';

export class DockerRuntime implements ContainerRuntime {
  /**
   * `log` receives each command infra runs (`docker compose …`, `docker build …`, and each exec as the `docker exec`
   * that does the same), for --verbose; the other engine API calls through dockerode are not logged.
   */
  constructor(
    private readonly docker: DockerClient = new Docker(),
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /**
   * Runs `docker <args>` through execa, logging the command line first. execa loads on first use: most commands
   * (status, down, ls) speak to the engine through dockerode alone.
   */
  private async run(args: string[], options: { all?: boolean; env?: Record<string, string> } = {}) {
    this.log(`$ docker ${args.join(' ')}`);
    const { execa } = await import('execa');
    return execa('docker', args, { reject: false, ...options });
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw new EnvironmentError(engineProblem(error as NodeJS.ErrnoException, process.env.DOCKER_HOST));
    }
  }

  async version() {
    const info = await this.docker.version();
    return { version: info.Version, apiVersion: info.ApiVersion };
  }

  async capacity() {
    const info = (await this.docker.info()) as { MemTotal: number; NCPU: number };
    return { memoryBytes: info.MemTotal, cpus: info.NCPU };
  }

  async composeVersion(): Promise<string> {
    const result = await this.run(['compose', 'version', '--short']);
    if (result.exitCode !== 0) throw new EnvironmentError(composeProblem(String(result.stderr)));
    return String(result.stdout).trim().replace(/^v/, '');
  }

  containers(lab?: string) {
    return labContainers(this.docker, lab);
  }

  labNames() {
    return labNames(this.docker);
  }

  volumes(lab: string) {
    return labVolumes(this.docker, lab);
  }

  removeLab(lab: string, options: { volumes: boolean }) {
    return removeLab(this.docker, lab, options);
  }

  async composeUp(dir: string): Promise<CommandResult> {
    const args = [
      'compose',
      '--project-directory',
      dir,
      '-f',
      path.join(dir, LAB_FILES.compose),
      'up',
      '-d',
      '--remove-orphans',
    ];
    const result = await this.run(args, { env: { COMPOSE_ANSI: 'never' } });
    return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  async start(id: string) {
    await this.docker.getContainer(id).start();
  }

  async stop(id: string, timeoutSeconds: number) {
    await this.docker
      .getContainer(id)
      .stop({ t: timeoutSeconds })
      .catch((error: { statusCode?: number }) => {
        // 304: already stopped; 404: already gone.
        if (error.statusCode !== 304 && error.statusCode !== 404) throw error;
      });
  }

  async restart(id: string, timeoutSeconds: number) {
    await this.docker.getContainer(id).restart({ t: timeoutSeconds });
  }

  async pause(id: string) {
    await this.docker.getContainer(id).pause();
  }

  async unpause(id: string) {
    // The engine answers 500 to unpausing what is not paused (20.10): ask first.
    const container = this.docker.getContainer(id);
    if ((await container.inspect()).State.Paused) await container.unpause();
  }

  async isRunning(id: string) {
    return (await this.docker.getContainer(id).inspect()).State.Running;
  }

  /** Through the engine API (src/runtime/exec.ts); --verbose shows the `docker exec` that does the same. */
  async exec(container: string, command: string[]): Promise<CommandResult> {
    this.log(`$ docker exec ${container} ${command.join(' ')}`);
    const { exitCode, stdout, stderr } = await execIn(this.docker, container, command);
    return { exitCode, stdout, stderr };
  }

  logTail(id: string, lines: number) {
    return logTail(this.docker, id, lines);
  }

  async publishedPorts(id: string): Promise<PortBinding[]> {
    const info = await this.docker.getContainer(id).inspect();
    return Object.entries(info.NetworkSettings.Ports ?? {}).flatMap(([port, bindings]) =>
      (bindings ?? []).map((b) => ({ port, hostIp: b.HostIp, hostPort: b.HostPort })),
    );
  }

  async hasImage(ref: string) {
    return this.docker
      .getImage(ref)
      .inspect()
      .then(
        () => true,
        () => false,
      );
  }

  async buildImage(dir: string, build: ImageBuild, options: BuildOptions = {}): Promise<void> {
    // --force-rm: a failed step's container would otherwise stay behind, an orphan of the failed build.
    const args = [
      'build',
      '--force-rm',
      ...(options.pull ? ['--pull'] : []),
      ...(options.noCache ? ['--no-cache'] : []),
      '--label',
      `${LABEL.image}=${build.kind}`,
      '-t',
      build.tag,
      path.join(dir, build.contextDir),
    ];
    this.log(`$ docker ${args.join(' ')}`);
    const { execa } = await import('execa');
    const child = execa('docker', args, { reject: false, all: true, env: { DOCKER_BUILDKIT: '0' } });
    if (options.onOutput) {
      const onOutput = options.onOutput;
      let partial = '';
      child.all?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) onOutput(line);
      });
    }
    const result = await child;
    if (result.exitCode !== 0) {
      throw new CommandError(`docker ${args.join(' ')}`, String(result.all), `building the ${build.kind} image failed`);
    }
  }

  async newestImage(kind: string) {
    const images = await this.docker.listImages({ filters: { label: [`${LABEL.image}=${kind}`] } });
    const newest = images.sort((a, b) => b.Created - a.Created)[0];
    return newest?.RepoTags?.find((t) => t !== '<none>:<none>');
  }

  async saveImages(refs: string[], file: string): Promise<void> {
    const result = await this.run(['save', '-o', file, ...refs], { all: true });
    if (result.exitCode !== 0) {
      throw new CommandError(`docker save -o ${file} …`, String(result.all), 'writing the image bundle failed');
    }
  }

  async loadImages(file: string): Promise<string[]> {
    const result = await this.run(['load', '-i', file], { all: true });
    if (result.exitCode !== 0) {
      throw new CommandError(`docker load -i ${file}`, String(result.all), 'loading the image bundle failed');
    }
    return [...String(result.stdout).matchAll(/^Loaded image: (.+)$/gm)].map((m) => m[1].trim());
  }

  async removeBuiltImages() {
    const images = await this.docker.listImages({ filters: { label: [LABEL.image] } });
    for (const image of images) {
      await this.docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
    return images.length;
  }

  openForward(options: { lab: string; network: string; image: string; servers: string[] }): Promise<Forward> {
    return openForward(this.docker, options);
  }

  runProbe(options: { lab: string; network: string; image: string; script: string }): Promise<CommandResult> {
    return this.runHelper(options.lab, 'probe', ['--network', options.network], options.image, options.script);
  }

  runNetworkTool(options: {
    lab: string;
    image: string;
    script: string;
    namespaceOf?: string;
  }): Promise<CommandResult> {
    const network = options.namespaceOf ? `container:${options.namespaceOf}` : 'none';
    return this.runHelper(
      options.lab,
      'nettools',
      ['--cap-add', 'NET_ADMIN', '--network', network],
      options.image,
      options.script,
    );
  }

  /** A throw-away container of infra's, labelled with the lab (so `down` and `reset` find one left behind). */
  private async runHelper(
    lab: string,
    component: 'probe' | 'nettools',
    flags: string[],
    image: string,
    script: string,
  ): Promise<CommandResult> {
    const result = await this.run([
      ...['run', '--rm', ...flags],
      ...['--label', `${LABEL.lab}=${lab}`, '--label', `${LABEL.component}=${component}`],
      ...['--label', `${LABEL.server}=infra`, image, 'bash', '-c', script],
    ]);
    return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  async networkSubnets() {
    const networks = await this.docker.listNetworks();
    return networks.map((n) => ({
      network: n.Name,
      subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => Boolean(s)),
    }));
  }

  async setLease(lab: string, lease: { expiresAt: string; dir: string }): Promise<void> {
    // Labels cannot change on a container: a new expiry is a new lease. Created, never started: it costs nothing.
    const name = `infra-${lab}-lease`;
    await this.docker
      .getContainer(name)
      .remove({ force: true })
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error;
      });
    await this.docker.createContainer({
      name,
      Image: BASE_IMAGE,
      Cmd: ['true'],
      Labels: {
        [LABEL.lab]: lab,
        [LABEL.server]: 'infra',
        [LABEL.component]: 'lease',
        [LABEL.expires]: lease.expiresAt,
        [LABEL.dir]: lease.dir,
      },
      HostConfig: { NetworkMode: 'none' },
    });
  }
}

/** Why the engine does not answer, and the fix: a permission problem is not an engine that is down. */
export function engineProblem(error: NodeJS.ErrnoException, dockerHost: string | undefined): string {
  const where = dockerHost ?? '/var/run/docker.sock';
  if (error.code === 'EACCES' || /permission denied/i.test(error.message)) {
    return (
      `permission denied on the Docker engine's socket ${where}: the engine runs, but this user may not use it. ` +
      'Add the user to the docker group (`sudo usermod -aG docker $USER`, then log out and in), or use rootless ' +
      "Docker's socket (`export DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock`)"
    );
  }
  return (
    `cannot reach the Docker engine at ${where} (${error.message}); start it ` +
    '(`sudo systemctl start docker`, or open Docker Desktop) and try again'
  );
}

/** Why `docker compose version` failed: Compose absent, or something else that the message must not hide. */
export function composeProblem(stderr: string): string {
  if (/is not a docker command|unknown command|unknown shorthand flag/i.test(stderr) || stderr.trim() === '') {
    return (
      'Docker Compose v2 is missing (`docker compose version` failed); install the docker-compose-plugin package ' +
      '(or Docker Desktop) and try again'
    );
  }
  return `\`docker compose version\` failed: ${stderr.trim().split('\n')[0]} (Compose may be installed; fix this first)`;
}

/** The engine named by DOCKER_HOST, else the default socket; not contacted until first used. */
export function dockerRuntime(log?: (line: string) => void): DockerRuntime {
  return new DockerRuntime(new Docker(), log);
}
