// The view model of compose.yaml: one entry per service, every value decided here or by the component's kind, so
// the template only loops.
import { firewalledHost, host } from '../kinds/host.js';
import { requireSubnet, serverAddress, visitorRange, type LabSite } from '../topology/addressing.js';
import type { ImageKind } from './images.js';
import { KINDS } from '../kinds/index.js';
import { HEALTH_RETRIES, type KeyValue, type ServiceParts } from '../templating/service-parts.js';
import { containerName, hasFixedAddresses, type ComponentKind, type Lab, type Server } from '../topology/types.js';
import { LABEL } from '../topology/labels.js';
import { VERSION } from '../version.js';

/** Every container says which infra version rendered it; the commit stays in the lab folder, so another build of
 * the same version recreates nothing. */
const madeBy: KeyValue = { key: LABEL.version, value: VERSION };

export interface ServiceView extends ServiceParts {
  name: string;
  image: string;
  containerName: string;
  hostname?: string;
  networkMode?: string;
  host?: string;
  ports: string[];
  capAdd: string[];
  /** `secured`, `redundant`: the server's fixed address (a firewall names the others by theirs). */
  ipv4Address?: string;
  labels: KeyValue[];
}

export interface ComposeView {
  lab: string;
  project: string;
  services: ServiceView[];
  /** `secured`, `redundant`: the lab network's fixed subnet, and the part Docker hands out to other containers. */
  subnet?: string;
  ipRange?: string;
  dataVolumes: { name: string; labels: KeyValue[] }[];
  /** Failed health checks in a row before Docker calls a component unhealthy (every component alike). */
  healthRetries: number;
}

/** Hash of what a component reads from the lab folder at start; a change makes Compose recreate it. */
export type ConfigHash = (server: Server, kind: ComponentKind) => string;

export function composeView(
  lab: Lab,
  images: Record<ImageKind, string>,
  site: LabSite,
  configHash: ConfigHash,
): ComposeView {
  const services: ServiceView[] = [];
  const dataVolumes: ComposeView['dataVolumes'] = [];
  const subnet = hasFixedAddresses(lab) ? requireSubnet(site) : undefined;
  const firewalled = lab.capabilities.firewalls;
  for (const server of lab.servers) {
    services.push({
      name: server.name,
      image: firewalled ? images.host : host.image,
      containerName: containerName(lab, server.name),
      hostname: server.name,
      command: firewalled ? [...firewalledHost.command] : [...host.command],
      ports: host.ports(lab, server, site),
      capAdd: firewalled ? [...firewalledHost.capabilities] : [],
      ipv4Address: subnet ? serverAddress(subnet, lab, server) : undefined,
      environment: [],
      volumes: firewalled ? firewalledHost.volumes(server) : [],
      labels: [...labelsFor(lab, server, 'host'), madeBy],
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
        capAdd: [],
        ...kind.service(lab, server, component, site),
        labels: [
          ...labelsFor(lab, server, component.kind),
          madeBy,
          { key: LABEL.config, value: configHash(server, component.kind) },
        ],
      });
      for (const name of kind.dataVolumes(component)) {
        dataVolumes.push({ name, labels: labelsFor(lab, server, component.kind) });
      }
    }
  }
  return {
    lab: lab.name,
    project: lab.project,
    services,
    subnet,
    ipRange: subnet ? visitorRange(subnet) : undefined,
    dataVolumes,
    healthRetries: HEALTH_RETRIES,
  };
}

function labelsFor(lab: Lab, server: Server, component: ComponentKind | 'host'): KeyValue[] {
  const labels: KeyValue[] = [
    { key: LABEL.lab, value: lab.name },
    { key: LABEL.server, value: server.name },
    { key: LABEL.component, value: component },
  ];
  return labels;
}
