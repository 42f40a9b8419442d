// The host container of a server: it owns the server's network identity (hostname, IP, 127.0.0.1) and does nothing
// else; every component joins its namespace. The LB's host publishes the lab's port.
import { BASE_IMAGE } from '../render/base-image.js';
import type { Server } from '../topology/types.js';
import { PORTS } from '../topology/lab-constants.js';

/** Host containers only hold a network namespace and a PID 1; the base image does that in both sets. */
export const HOST_IMAGE = BASE_IMAGE;

export const host = {
  image: HOST_IMAGE,
  command: ['sleep', 'infinity'],
  /** Host ports it publishes, on 127.0.0.1 only. */
  ports: (server: Server, hostPort: number): string[] =>
    server.role === 'lb' ? [`127.0.0.1:${hostPort}:${PORTS.http}`] : [],
} as const;
