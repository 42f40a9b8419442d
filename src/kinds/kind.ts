// What a component kind is, in one place: its image, the files rendered for it, its Compose service, where it
// starts among its server's components, the port it listens on, and what `explain` and the README say about it.
// One file per kind; src/kinds/index.ts joins them in an exhaustive record.
import type { RenderedFile } from '../templating/rendered-file.js';
import type { LabSite } from '../topology/addressing.js';
import type { Component, ComponentKind, Lab, Server } from '../topology/types.js';
import type { ServiceParts } from '../templating/service-parts.js';

/** The rule every kind Debian packages follows: the debian image set builds it here, the upstream set does not. */
export const builtInDebianSet = (lab: Lab): boolean => lab.imageSet === 'debian';

export interface KindSpec<K extends ComponentKind = ComponentKind> {
  readonly kind: K;
  /** Start order inside a server, lowest first: data before what depends on it. */
  readonly startRank: number;
  /** The port it listens on inside its server's network namespace; null for a process with none (keepalived). */
  readonly listens: number | null;
  /** Who reaches that port: the lab network, or only the server's own components (127.0.0.1). */
  readonly reach: 'network' | 'loopback';
  /** The official image it runs in the upstream set (and wherever infra does not build it). */
  upstreamImage(lab: Lab): string;
  /** Whether infra builds its image here from templates/images/<kind>/ (the debian set). */
  builtHere(lab: Lab): boolean;
  /** Files of its build context besides the Dockerfile, each a template under templates/images/<kind>/. */
  buildExtras(lab: Lab): readonly { name: string; mode: number; view: object }[];
  /** Files rendered for it on one server (its configuration); `site` says where the lab sits on this host. */
  files(lab: Lab, server: Server, site: LabSite): RenderedFile[];
  /** Files rendered once per lab, shared by every server running it. */
  sharedFiles(lab: Lab): RenderedFile[];
  /** Lab-folder paths it reads at start: a change to any of them recreates its container. */
  configFiles(lab: Lab, server: Server): string[];
  /** The service parts only the kind knows: command, environment, mounts, health check, capabilities. */
  service(lab: Lab, server: Server, component: Component, site: LabSite): ServiceParts;
  /** Named volumes it keeps its data in (kept by `down`, deleted by `down --volumes`). */
  dataVolumes(component: Component): string[];
  /** Why it exists, in the design's terms: the sentence `infra explain elements` says. */
  why(lab: Lab, server: Server): string;
  /** Its box in the README's Mermaid diagram (Mermaid's `<br/>` allowed). */
  diagramLabel(lab: Lab, server: Server): string;
}
