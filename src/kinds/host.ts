// The host container of a server: it owns the server's network identity (hostname, IP, 127.0.0.1) and does nothing
// else; every component joins its namespace. The LB's host publishes the lab's ports (the edge's, when the LBs are a
// pair: `redundant`).
import { BASE_IMAGE } from '../templating/base-image.js';
import type { LabSite } from '../topology/addressing.js';
import { entryServer, type Lab, type Server } from '../topology/types.js';
import { PORTS } from '../topology/lab-constants.js';

/** Where a server's host container finds its folder, and so its firewall file (`secured`). */
export const SERVER_FOLDER_MOUNT = '/etc/infra/server';
export const FIREWALL_FILE = 'firewall.nft';

/** Host containers only hold a network namespace and a PID 1; the base image does that in both sets. */
export const HOST_IMAGE = BASE_IMAGE;

export const host = {
  image: HOST_IMAGE,
  /** As the kinds' memoryMiB: `sleep` holding the namespace (under 1 MiB). */
  memoryMiB: 1,
  command: ['sleep', 'infinity'],
  /** Host ports it publishes, on 127.0.0.1 only. */
  ports: (lab: Lab, server: Server, site: LabSite): string[] => {
    if (server.name === entryServer(lab).name) {
      return [
        `127.0.0.1:${site.hostPort}:${PORTS.http}`,
        ...(site.httpsPort ? [`127.0.0.1:${site.httpsPort}:${PORTS.https}`] : []),
      ];
    }
    return server.role === 'mon' && site.monitorPort ? [`127.0.0.1:${site.monitorPort}:${PORTS.prometheus}`] : [];
  },
} as const;

/**
 * The host container of a secured lab's server: it loads the server's firewall, then holds the namespace. NET_ADMIN
 * is given to it alone; if the rules do not load, it exits and the server does not start (no server runs unguarded).
 */
export const firewalledHost = {
  command: ['sh', '-c', `nft -f ${SERVER_FOLDER_MOUNT}/${FIREWALL_FILE} && exec sleep infinity`],
  volumes: (server: Server): string[] => [`./${server.name}:${SERVER_FOLDER_MOUNT}:ro`],
  capabilities: ['NET_ADMIN'],
} as const;
