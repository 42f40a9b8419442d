// The view model of compose.yaml: one entry per service, every value decided here or by the component's kind, so
// the template only loops.
import { host } from '../kinds/host.js';
import { KINDS } from '../kinds/index.js';
import type { KeyValue, ServiceParts } from '../kinds/service.js';
import { containerName, type ComponentKind, type Lab, type Server } from '../topology/types.js';
import { LABEL } from '../topology/labels.js';

export interface ServiceView extends ServiceParts {
  name: string;
  image: string;
  containerName: string;
  hostname?: string;
  networkMode?: string;
  host?: string;
  ports: string[];
  labels: KeyValue[];
}

export interface ComposeView {
  lab: string;
  project: string;
  services: ServiceView[];
  dataVolumes: { name: string; labels: KeyValue[] }[];
}

/** Hash of what a component reads from the lab folder at start; a change makes Compose recreate it. */
export type ConfigHash = (server: Server, kind: ComponentKind) => string;

export function composeView(
  lab: Lab,
  images: Record<ComponentKind, string>,
  hostPort: number,
  configHash: ConfigHash,
): ComposeView {
  const services: ServiceView[] = [];
  const dataVolumes: ComposeView['dataVolumes'] = [];
  for (const server of lab.servers) {
    services.push({
      name: server.name,
      image: host.image,
      containerName: containerName(lab, server.name),
      hostname: server.name,
      command: [...host.command],
      ports: host.ports(server, hostPort),
      environment: [],
      volumes: [],
      labels: labelsFor(lab, server, 'host'),
    });
    for (const component of server.components) {
      const kind = KINDS[component.kind];
      services.push({
        name: component.name,
        image: images[component.kind],
        containerName: containerName(lab, component.name),
        networkMode: `service:${server.name}`,
        host: server.name,
        ports: [],
        ...kind.service(lab, server, component),
        labels: [
          ...labelsFor(lab, server, component.kind),
          { key: LABEL.config, value: configHash(server, component.kind) },
        ],
      });
      for (const name of kind.dataVolumes(component)) {
        dataVolumes.push({ name, labels: labelsFor(lab, server, component.kind) });
      }
    }
  }
  return { lab: lab.name, project: lab.project, services, dataVolumes };
}

function labelsFor(lab: Lab, server: Server, component: ComponentKind | 'host'): KeyValue[] {
  const labels: KeyValue[] = [
    { key: LABEL.lab, value: lab.name },
    { key: LABEL.server, value: server.name },
    { key: LABEL.component, value: component },
  ];
  if (component === 'db' && server.database) labels.push({ key: LABEL.dbRole, value: server.database.role });
  return labels;
}
