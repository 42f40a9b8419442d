// The `monitored` profile as a function of the model (docs/ARCHITECTURE.md): every server gains a node exporter,
// every web server an Nginx exporter and a database exporter, and the lab gains a monitoring server, mon-01, running
// Prometheus (and its own node exporter). HAProxy's built-in exporter needs no component.
import { DEFAULT_LAB, MONITORING_SERVER } from '../../topology/lab-constants.js';
import { componentOf, type ComponentKind, type Lab, type Server } from '../../topology/types.js';
import { nameTaken, type ProfileModule } from '../profile.js';

const EXPORTERS_BY_ROLE: Record<Server['role'], ComponentKind[]> = {
  lb: ['node-exporter'],
  web: ['node-exporter', 'nginx-exporter', 'mysqld-exporter'],
  mon: ['node-exporter'],
  edge: ['node-exporter'],
};

export const monitoredProfile: ProfileModule = {
  name: 'monitored',
  validate(facts) {
    const { port, httpsPort, monitorPort } = facts;
    const problems = nameTaken(facts, MONITORING_SERVER, 'is the monitoring server the monitored profile adds');
    const published = [port, ...(facts.profiles.includes('secured') ? [httpsPort] : [])];
    if (typeof monitorPort === 'number' && published.includes(monitorPort)) {
      problems.push(
        `monitorPort: ${monitorPort} is already one of the LB's ports; give Prometheus another (default ${DEFAULT_LAB.monitorPort})`,
      );
    }
    return problems;
  },
  apply: (lab) => ({ ...addMonitoring(lab), capabilities: { ...lab.capabilities, monitoring: true } }),
};

function addMonitoring(lab: Lab): Lab {
  const monitoring: Server = {
    name: MONITORING_SERVER,
    role: 'mon',
    components: [componentOf(MONITORING_SERVER, 'prometheus')],
    backup: false,
    healthCheck: lab.servers[0].healthCheck,
  };
  const servers = [...lab.servers, monitoring].map((server) => ({
    ...server,
    components: [...server.components, ...EXPORTERS_BY_ROLE[server.role].map((k) => componentOf(server.name, k))],
  }));
  return { ...lab, servers };
}
