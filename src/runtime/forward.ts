// Reaches the lab's databases from the host without the lab publishing a database port: a short-lived container on
// the lab network runs socat from ephemeral 127.0.0.1 ports to <server>:3306, for as long as a step needs it.
// It carries the lab's labels, so `down` and `reset` remove it even if infra dies while it runs.
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { StepError } from '../errors.js';
import { LABEL } from '../topology/labels.js';
import type { Forward } from './port.js';

const FIRST_PORT = 13306;

export async function openForward(
  docker: Docker,
  options: { lab: string; network: string; image: string; servers: string[] },
): Promise<Forward> {
  const listeners = options.servers.map((server, i) => ({ server, port: FIRST_PORT + i }));
  const script = listeners
    .map((l) => `socat TCP-LISTEN:${l.port},fork,reuseaddr TCP:${l.server}:3306 &`)
    .concat('wait')
    .join(' ');
  const container = await docker.createContainer({
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
  });
  const close = async () => {
    await container.remove({ force: true }).catch(() => undefined);
  };
  try {
    await container.start();
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
