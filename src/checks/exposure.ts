// Check exposure: the LB's ports (HTTP, and HTTPS when secured) are the only ports the lab publishes on the host, on
// 127.0.0.1; no database or app port. With an LB pair (`redundant`) the edge publishes them, relaying to the pair.
// Read from Docker's port bindings: tests never send traffic to any address but 127.0.0.1.
import { CheckFailure, type Check } from './check.js';
import { isHelper } from '../runtime/port.js';
import { PORTS } from '../topology/lab-constants.js';
import { entryServer } from '../topology/types.js';

export const exposure: Check = {
  name: 'exposure',
  guards: "only the LB's ports are published on the host, on 127.0.0.1",
  async run({ lab, runtime, containers }) {
    // HTTP, and HTTPS in secured labs: nothing else, on any server.
    const lbPorts = [`${PORTS.http}/tcp`, ...(lab.capabilities.tls ? [`${PORTS.https}/tcp`] : [])];
    // Monitored labs also publish Prometheus (and the lab page) on the monitoring server.
    const monitorPort = `${PORTS.prometheus}/tcp`;
    // The lab's entry: the edge when there is one (it relays to the LB pair), else the load balancer.
    const entry = entryServer(lab).name;
    const published: string[] = [];
    const wrong: string[] = [];
    for (const c of containers.filter((c) => !isHelper(c))) {
      for (const b of await runtime.publishedPorts(c.id)) {
        const where = `${c.server} ${b.port} on ${b.hostIp || '0.0.0.0'}:${b.hostPort}`;
        published.push(where);
        const runs = (kind: string) => containers.some((o) => o.server === c.server && o.component === kind);
        const isLb = c.component === 'host' && c.server === entry;
        const isMonitor = c.component === 'host' && runs('prometheus') && b.port === monitorPort;
        if (isMonitor && b.hostIp !== '127.0.0.1') wrong.push(`${where}: reachable beyond this machine`);
        else if (isMonitor) continue;
        else if (!isLb || !lbPorts.includes(b.port)) wrong.push(`${where}: not the load balancer's port`);
        else if (b.hostIp !== '127.0.0.1') wrong.push(`${where}: reachable beyond this machine`);
      }
    }
    if (wrong.length > 0) throw new CheckFailure(`published beyond the LB: ${wrong.join('; ')}`);
    if (published.length === 0) throw new CheckFailure('the LB port is not published');
    return `published: ${published.join(', ')}; nothing else (no database, no app port)`;
  },
};
