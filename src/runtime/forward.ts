// Reaches the lab's databases from the host without the lab publishing a database port. The lab's forwarder
// container (infra-<lab>-forward, on the lab network at a tools-range address, publishing nothing) stays for the
// lab's life; a step that needs the databases listens on ephemeral 127.0.0.1 ports in infra's own process and relays
// each connection through a `socat` exec'd in that container to <server>:3306. An exec costs tens of milliseconds
// where a container per step cost half a second to create, publish and remove. The container carries the lab's
// labels, so `down` and `reset` remove it with the lab.
import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { StepError } from '../errors.js';
import { LABEL } from '../topology/labels.js';
import { toolAddresses } from '../topology/addressing.js';
import type { Forward } from './port.js';

function forwarderName(lab: string): string {
  return `infra-${lab}-forward`;
}

export async function openForward(
  docker: Docker,
  options: { lab: string; network: string; image: string; servers: string[] },
): Promise<Forward> {
  const forwarder = await labForwarder(docker, options);
  const open = new Set<Socket>();
  const listeners = await Promise.all(
    options.servers.map(async (server) => {
      const listener = createServer((socket) => {
        open.add(socket);
        socket.on('close', () => open.delete(socket));
        relay(docker, forwarder, server, socket).catch(() => socket.destroy());
      });
      await listen(listener);
      return { server, listener };
    }),
  );
  return {
    ports: Object.fromEntries(listeners.map(({ server, listener }) => [server, portOf(listener)])),
    async close() {
      for (const socket of open) socket.destroy();
      await Promise.all(listeners.map(({ listener }) => new Promise((resolve) => listener.close(resolve))));
    },
  };
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

function portOf(server: Server): number {
  const address = server.address();
  if (!address || typeof address === 'string') throw new StepError('the database relay has no port');
  return address.port;
}

/**
 * One client connection, relayed by socat in the forwarder container. A database behind a firewall that drops its
 * packets answers nothing: socat gives up after 3 s (the client then sees the connection lost), where the kernel
 * would try for two minutes. When infra dies, the engine closes the exec's stdin and socat ends.
 */
async function relay(docker: Docker, forwarder: Docker.Container, server: string, socket: Socket): Promise<void> {
  socket.pause();
  const exec = await forwarder.exec({
    Cmd: ['socat', '-', `TCP:${server}:3306,connect-timeout=3`],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: true });
  if (socket.destroyed) {
    stream.destroy();
    return;
  }
  // The engine frames stdout and stderr on one stream (no TTY): the database's bytes are stdout's.
  const fromDatabase = new PassThrough();
  docker.modem.demuxStream(stream, fromDatabase, new PassThrough().resume());
  fromDatabase.pipe(socket);
  socket.pipe(stream);
  socket.resume();
  stream.on('end', () => fromDatabase.end());
  stream.on('error', () => socket.destroy());
  socket.on('error', () => stream.destroy());
  socket.on('close', () => stream.destroy());
}

/**
 * The lab's forwarder container, running: created at the first free tools-range address when missing (a secured lab's
 * firewalls let infra's tools in from there only), recreated when infra's forwarder image changed, started when it
 * was stopped. Two commands at once may both create it: the one that loses uses the other's.
 */
async function labForwarder(
  docker: Docker,
  options: { lab: string; network: string; image: string },
): Promise<Docker.Container> {
  const name = forwarderName(options.lab);
  const existing = docker.getContainer(name);
  const info = await existing.inspect().catch(notFound);
  if (info && info.Config.Image === options.image && info.NetworkSettings.Networks?.[options.network]) {
    if (info.State.Running) return existing;
    try {
      await existing.start();
      return existing;
    } catch {
      // Its address went to another container while it was stopped: a new one takes a free one.
    }
  }
  if (info) await existing.remove({ force: true }).catch(notFound);
  const create = (address?: string) =>
    docker.createContainer({
      name,
      Image: options.image,
      Cmd: ['sleep', 'infinity'],
      Labels: { [LABEL.lab]: options.lab, [LABEL.component]: 'forward', [LABEL.server]: 'infra' },
      HostConfig: { NetworkMode: options.network, Init: true },
      ...(address
        ? { NetworkingConfig: { EndpointsConfig: { [options.network]: { IPAMConfig: { IPv4Address: address } } } } }
        : {}),
    });
  try {
    return await startAtFreeAddress(create, await toolsAddresses(docker, options.network));
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 409) throw error;
    // Another command created it a moment ago.
    for (let tries = 0; tries < 50; tries++) {
      if ((await existing.inspect().catch(notFound))?.State.Running) return existing;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw error;
  }
}

function notFound(error: { statusCode?: number }): undefined {
  if (error.statusCode !== 404) throw error;
  return undefined;
}

/**
 * A secured lab's firewalls let infra's tools in from the tools range only (topology/addressing.ts): the
 * forwarder takes the first free address there. Another lab network has no fixed plan: any address does.
 */
async function toolsAddresses(docker: Docker, network: string): Promise<(string | undefined)[]> {
  const info = await docker.getNetwork(network).inspect();
  const subnet = (info as Docker.NetworkInspectInfo).IPAM?.Config?.find((c) => c.IPRange)?.Subnet;
  return subnet ? toolAddresses(subnet) : [undefined];
}

/** Creates and starts a container at the first address another running tool does not hold. */
async function startAtFreeAddress(
  create: (address?: string) => Promise<Docker.Container>,
  addresses: (string | undefined)[],
): Promise<Docker.Container> {
  for (const [i, address] of addresses.entries()) {
    const container = await create(address);
    try {
      await container.start();
      return container;
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      const taken = /address already in use|no available ip/i.test((error as Error).message);
      if (!taken || i === addresses.length - 1) throw error;
    }
  }
  throw new StepError('no address left for a helper container on the lab network');
}
