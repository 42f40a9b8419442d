// The `monitored` profile as a function of the model (docs/ARCHITECTURE.md): every server gains a node exporter,
// every web server an Nginx exporter and a database exporter, and the lab gains a monitoring server, mon-01, running
// Prometheus (and its own node exporter). HAProxy's built-in exporter needs no component.
import { MONITORING_SERVER } from '../topology/lab-constants.js';
import { componentOf, type ComponentKind, type Lab, type Server } from '../topology/types.js';

const EXPORTERS_BY_ROLE: Record<Server['role'], ComponentKind[]> = {
  lb: ['node-exporter'],
  web: ['node-exporter', 'nginx-exporter', 'mysqld-exporter'],
  mon: ['node-exporter'],
  edge: ['node-exporter'],
};

export function addMonitoring(lab: Lab): Lab {
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
