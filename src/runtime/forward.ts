// Reaches the lab's databases from the host without the lab publishing a database port: a short-lived container on
// the lab network runs socat from ephemeral 127.0.0.1 ports to <server>:3306, for as long as a step needs it.
// It carries the lab's labels, so `down` and `reset` remove it even if infra dies while it runs.
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { StepError } from '../errors.js';
import { LABEL } from '../topology/labels.js';
import { toolAddresses } from '../topology/addressing.js';
import type { Forward } from './port.js';

const FIRST_PORT = 13306;

export async function openForward(
  docker: Docker,
  options: { lab: string; network: string; image: string; servers: string[] },
): Promise<Forward> {
  const listeners = options.servers.map((server, i) => ({ server, port: FIRST_PORT + i }));
  // A database behind a firewall that drops its packets answers nothing: socat gives up after 3 s (the client then
  // sees the connection lost), where the kernel would try for two minutes.
  const script = listeners
    .map((l) => `socat TCP-LISTEN:${l.port},fork,reuseaddr TCP:${l.server}:3306,connect-timeout=3 &`)
    .concat('wait')
    .join(' ');
  const create = (address?: string) =>
    docker.createContainer({
      name: `infra-${options.lab}-forward-${randomBytes(3).toString('hex')}`,
      Image: options.image,
      Cmd: ['sh', '-c', script],
      Labels: { [LABEL.lab]: options.lab, [LABEL.component]: 'forward', [LABEL.server]: 'infra' },
      ExposedPorts: Object.fromEntries(listeners.map((l) => [`${l.port}/tcp`, {}])),
      HostConfig: {
        NetworkMode: options.network,
        AutoRemove: true,
        Init: true,
        PortBindings: Object.fromEntries(
          listeners.map((l) => [`${l.port}/tcp`, [{ HostIp: '127.0.0.1', HostPort: '' }]]),
        ),
      },
      ...(address
        ? { NetworkingConfig: { EndpointsConfig: { [options.network]: { IPAMConfig: { IPv4Address: address } } } } }
        : {}),
    });
  const { container, close } = await startAtFreeAddress(create, await toolsAddresses(docker, options.network));
  try {
    const info = await container.inspect();
    const ports: Record<string, number> = {};
    for (const l of listeners) {
      const binding = info.NetworkSettings.Ports?.[`${l.port}/tcp`]?.[0];
      if (!binding) throw new StepError(`the database forwarder published no port for ${l.server}`);
      ports[l.server] = Number(binding.HostPort);
    }
    return { ports, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A secured lab's firewalls let infra's tools in from the tools range only (topology/addressing.ts): the forwarder
 * takes the first free address there. Another lab network has no fixed plan: any address does.
 */
async function toolsAddresses(docker: Docker, network: string): Promise<(string | undefined)[]> {
  const info = await docker.getNetwork(network).inspect();
  const subnet = (info as Docker.NetworkInspectInfo).IPAM?.Config?.find((c) => c.IPRange)?.Subnet;
  return subnet ? toolAddresses(subnet) : [undefined];
}

/** Creates and starts a container at the first address another running tool does not hold. */
export async function startAtFreeAddress(
  create: (address?: string) => Promise<Docker.Container>,
  addresses: (string | undefined)[],
): Promise<{ container: Docker.Container; close: () => Promise<void> }> {
  for (const [i, address] of addresses.entries()) {
    const container = await create(address);
    const close = async () => {
      await container.remove({ force: true }).catch(() => undefined);
    };
    try {
      await container.start();
      return { container, close };
    } catch (error) {
      await close();
      const taken = /address already in use|no available ip/i.test((error as Error).message);
      if (!taken || i === addresses.length - 1) throw error;
    }
  }
  throw new StepError('no address left for a helper container on the lab network');
}
