// What a component kind is, in one place: its image, the files rendered for it, its Compose service, where it
// starts among its server's components, the port it listens on, what `explain` and the README say about it, and how
// it runs on a real server. One folder per kind, src/kinds/<kind>/: spec.ts (this interface), its templates (*.hbs),
// its image (image/Dockerfile.hbs and the files beside it) and its Ansible role (ansible/); src/kinds/index.ts joins
// the specs in an exhaustive record.
import path from 'node:path';
import { kindsDir } from '../paths.js';
import { renderTemplateIn } from '../templating/engine.js';
import type { RenderedFile } from '../templating/rendered-file.js';
import type { LabSite } from '../topology/addressing.js';
import type { Component, ComponentKind, Lab, Role, Server } from '../topology/types.js';
import type { ServiceParts } from '../templating/service-parts.js';

/** A kind's own templates: `<name>.hbs` in its folder (src/kinds/<kind>/, copied to dist/kinds/<kind>/ by the build). */
export function kindTemplates(kind: string): (name: string, view: object) => string {
  return (name, view) => renderTemplateIn(path.join(kindsDir, kind), name, view);
}

/** The rule every kind Debian packages follows: the debian image set builds it here, the upstream set does not. */
export const builtInDebianSet = (lab: Lab): boolean => lab.imageSet === 'debian';

/**
 * The shared role (templates/ansible/roles/monitoring) that runs a packaged daemon on a server: the package's own
 * service, with the kind's flags in /etc/default/<service> (src/targets/server-daemons.ts).
 */
export const DAEMON_ROLE = 'monitoring';

/** A kind on a real server (`infra deploy`): what sets it up, what it installs, what runs and what holds its port. */
export interface ServerFacet {
  /** The Ansible role that sets it up: the kind's own (its folder's ansible/, which becomes roles/<kind>/), or
   * DAEMON_ROLE for a packaged daemon. A server runs its roles in the order of their kinds' start ranks. */
  readonly role: string;
  /** The distribution's package it needs, where one name fits every release (the database's comes from its flavour
   * and the server's release: platform.ts). */
  readonly package?: string;
  /** The service it runs as: what `status --inventory` asks, what the role starts. */
  service(lab: Lab): string;
  /** The programs that may hold its port (ss's process names; a pattern where the kernel cuts a name at 15 letters). */
  readonly programs: readonly string[];
}

export interface KindSpec<K extends ComponentKind = ComponentKind> {
  readonly kind: K;
  /** The servers of every lab that run it, by the role infra.yaml gives them (lb, web); none for a kind that a profile
   * adds where it belongs (the exporters, Prometheus, keepalived, the edge's relay). */
  readonly runsOn: readonly Role[];
  /**
   * Memory one of it uses in a lab, in MiB: `docker stats` on a lab with every profile 20 s after `up` (2026-12-05),
   * rounded up. `infra room up` sizes a room by it.
   */
  readonly memoryMiB: number;
  /** Start order inside a server, lowest first: data before what depends on it. */
  readonly startRank: number;
  /** The port it listens on inside its server's network namespace; null for a process with none (keepalived). */
  readonly listens: number | null;
  /** Who reaches that port: the lab network, or only the server's own components (127.0.0.1). */
  readonly reach: 'network' | 'loopback';
  /** The official image it runs in the upstream set (and wherever infra does not build it). */
  upstreamImage(lab: Lab): string;
  /** Whether infra builds its image here from its folder's image/ (the debian set). */
  builtHere(lab: Lab): boolean;
  /** Files of its build context besides the Dockerfile, each a template in its folder's image/. */
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
  /** How it runs on a real server; null for a kind that exists only in Docker (the edge's relay). */
  readonly onServer: ServerFacet | null;
}
