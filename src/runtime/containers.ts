// Reads a lab's live state from Docker by label: its containers, networks and volumes, each container's state and
// health, and the network-namespace trap of the server model (a component joined to a host that restarted since).
import type Docker from 'dockerode';
import { LABEL, labFilter } from '../topology/labels.js';
import type { ComponentState, ContainerState, Health, LabRemoval, LiveComponent } from './port.js';
import { PORTS } from '../topology/lab-constants.js';
import { execIn } from './exec.js';

export async function labContainers(docker: Docker, lab?: string): Promise<ComponentState[]> {
  const list = await docker.listContainers({ all: true, filters: { label: labFilter(lab) } });
  const inspected = await Promise.all(list.map((c) => docker.getContainer(c.Id).inspect()));
  const health = await Promise.all(inspected.map((c) => healthOf(docker, c)));
  const hosts = new Map(
    inspected
      .filter((c) => c.Config.Labels[LABEL.component] === 'host')
      .map((c) => [`${c.Config.Labels[LABEL.lab]}/${c.Config.Labels[LABEL.server]}`, c]),
  );
  return inspected
    .map((c, i) => {
      const labels = c.Config.Labels;
      const host = hosts.get(`${labels[LABEL.lab]}/${labels[LABEL.server]}`);
      /** Where a container port is published on the host, if it is. */
      const published = (port: number) => {
        const binding = c.NetworkSettings.Ports?.[`${port}/tcp`]?.[0];
        return binding ? { ip: binding.HostIp, port: Number(binding.HostPort) } : undefined;
      };
      const joinsHost = c.HostConfig.NetworkMode?.startsWith('container:') ?? false;
      return {
        name: c.Name.replace(/^\//, ''),
        lab: labels[LABEL.lab] ?? '',
        id: c.Id,
        server: labels[LABEL.server] ?? '',
        component: (labels[LABEL.component] ?? 'forward') as LiveComponent,
        state: c.State.Status as ContainerState,
        health: health[i],
        startedAt: c.State.StartedAt,
        workingDir: folderOf(labels),
        expiresAt: labels[LABEL.expires],
        createdAt: c.Created,
        publishedPort: published(PORTS.http),
        publishedTlsPort: published(PORTS.https),
        publishedMonitorPort: published(PORTS.prometheus),
        // A joined container enters its host's namespace when it starts; if the host started later, that
        // namespace is gone and this container is cut off while its own health check may still pass.
        staleNetwork:
          joinsHost &&
          c.State.Running &&
          host !== undefined &&
          host.State.Running &&
          Date.parse(host.State.StartedAt) > Date.parse(c.State.StartedAt),
        image: c.Config.Image,
        infraVersion: labels[LABEL.version],
      } satisfies ComponentState;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function labNetworks(docker: Docker, lab?: string): Promise<Docker.NetworkInspectInfo[]> {
  return docker.listNetworks({ filters: { label: labFilter(lab) } });
}

export async function labVolumes(docker: Docker, lab?: string): Promise<string[]> {
  const { Volumes } = await docker.listVolumes({ filters: { label: labFilter(lab) } });
  return (Volumes ?? []).map((v) => v.Name);
}

/** The lab folder a container was started from: Compose's label, else infra's own (a lab's lease). */
function folderOf(labels: Record<string, string>): string | undefined {
  return labels['com.docker.compose.project.working_dir'] ?? labels[LABEL.dir];
}

/** The names of every lab with at least one container, network or volume on this host. */
export async function labNames(docker: Docker): Promise<string[]> {
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters: { label: [LABEL.lab] } }),
    docker.listNetworks({ filters: { label: [LABEL.lab] } }),
    docker.listVolumes({ filters: { label: [LABEL.lab] } }),
  ]);
  const names = new Set<string>();
  for (const c of containers) names.add(c.Labels[LABEL.lab]);
  for (const n of networks) names.add(n.Labels?.[LABEL.lab] ?? '');
  for (const v of volumes.Volumes ?? []) names.add(v.Labels?.[LABEL.lab] ?? '');
  names.delete('');
  return [...names].sort();
}

/** The last lines a container logged, stdout and stderr together. */
export async function logTail(docker: Docker, id: string, lines = 20): Promise<string> {
  const buffer = (await docker
    .getContainer(id)
    .logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
  return demuxLogs(buffer);
}

/** Docker multiplexes stdout/stderr in 8-byte framed chunks when the container has no TTY. */
export function demuxLogs(buffer: Buffer): string {
  const parts: string[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length && (buffer[offset] === 1 || buffer[offset] === 2) && buffer[offset + 1] === 0) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size).toString('utf8'));
    offset += 8 + size;
  }
  return offset === 0 ? buffer.toString('utf8') : parts.join('');
}

/**
 * Removes a lab's containers and networks, and its volumes when asked: the shared core of `down` and `reset`.
 * Works from labels alone, so a lost lab folder never leaves anything behind.
 */
export async function removeLab(docker: Docker, lab: string, options: { volumes: boolean }): Promise<LabRemoval> {
  // The three listings at once; the networks and volumes go once no container uses them.
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters: { label: labFilter(lab) } }),
    labNetworks(docker, lab),
    options.volumes ? labVolumes(docker, lab) : [],
  ]);
  // Components first, hosts last: stopping a host first would strand its components' network namespace.
  const isHost = (c: Docker.ContainerInfo) => c.Labels[LABEL.component] === 'host';
  // A graceful stop first: the databases flush and close cleanly, so data kept in volumes comes back intact.
  const stopAll = (items: Docker.ContainerInfo[]) =>
    Promise.all(
      items.map(async (c) => {
        const container = docker.getContainer(c.Id);
        // A paused container (`infra fault hang`) cannot stop gracefully: its processes are let run first.
        if (c.State === 'paused') await container.unpause().catch(ignoreMissing);
        if (c.State === 'running' || c.State === 'paused') await container.stop({ t: 10 }).catch(ignoreMissing);
        await container.remove({ force: true, v: false }).catch(ignoreMissing);
      }),
    );
  if (options.volumes) {
    // The data goes with the containers: nothing to flush, so all of them at once, without waiting for each to stop
    // (as fast as `docker compose down -v`, which a graceful stop in two rounds was not).
    await Promise.all(
      containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: false }).catch(ignoreMissing)),
    );
  } else {
    await stopAll(containers.filter((c) => !isHost(c)));
    await stopAll(containers.filter(isHost));
  }
  await Promise.all([
    ...networks.map((n) => docker.getNetwork(n.Id).remove().catch(ignoreMissing)),
    ...volumes.map((v) => docker.getVolume(v).remove().catch(ignoreMissing)),
  ]);
  return {
    removed: { containers: containers.length, networks: networks.length, volumes: volumes.length },
    folder: containers.map((c) => folderOf(c.Labels)).find((dir) => dir !== undefined),
  };
}

function ignoreMissing(error: { statusCode?: number }): void {
  // 304: already stopped; 404: already gone; 409: removal already in progress.
  if (error.statusCode !== 304 && error.statusCode !== 404 && error.statusCode !== 409) throw error;
}

/**
 * Docker's verdict on a container's health, unless the same test run now says otherwise. Docker tests a container
 * one interval after it starts (Engine 25's start_interval is newer than Debian's 20.10), and again an interval after
 * a failure; the lab checks rarely (30 s) because each check costs the host a runc exec. Without this, a lab would be
 * ready an interval before anyone could tell, and a process frozen or cut off a moment ago (a fault healed, a drill
 * reset) would stay "unhealthy" for up to an interval after it answers again. A test that fails now leaves Docker's
 * verdict.
 */
async function healthOf(docker: Docker, c: Docker.ContainerInspectInfo): Promise<Health> {
  const verdict = (c.State.Health?.Status ?? 'none') as Health;
  if ((verdict !== 'starting' && verdict !== 'unhealthy') || !c.State.Running || c.State.Paused) return verdict;
  // One pass stands until Docker's next check (the last one it recorded changes), as Docker's own would.
  const sinceDockerCheck = `${c.Id}@${c.State.StartedAt}@${c.State.Health?.Log?.at(-1)?.End ?? ''}`;
  if (passedSinceDockerCheck.has(sinceDockerCheck)) return 'healthy';
  const test = c.Config.Healthcheck?.Test ?? [];
  const command = test[0] === 'CMD' ? test.slice(1) : test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', test[1]] : [];
  if (command.length === 0) return verdict;
  // A caller polling an unhealthy container (up waits in 200-ms steps) tests it at most once a second; one that is
  // starting at every call (a boot is ready the moment its last container passes).
  if (verdict === 'unhealthy' && Date.now() - (lastFailedTest.get(c.Id) ?? 0) < RETEST_MS) return verdict;
  const timeoutMs = (c.Config.Healthcheck?.Timeout ?? 3e9) / 1e6;
  if (!(await passes(docker, c.Id, command, timeoutMs))) {
    lastFailedTest.set(c.Id, Date.now());
    return verdict;
  }
  passedSinceDockerCheck.add(sinceDockerCheck);
  return 'healthy';
}

/** Container checks (`id@startedAt@Docker's last check`) whose test passed here while Docker said otherwise. */
const passedSinceDockerCheck = new Set<string>();
/** When a container's test last failed here, by container id. */
const lastFailedTest = new Map<string, number>();
const RETEST_MS = 1000;

/** True when the health check's command exits 0 in time (run through the engine API: src/runtime/exec.ts). */
async function passes(docker: Docker, id: string, command: string[], timeoutMs: number): Promise<boolean> {
  const result = await execIn(docker, id, command, { timeoutMs });
  return !result.timedOut && result.exitCode === 0;
}
