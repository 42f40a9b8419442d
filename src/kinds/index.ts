// Every component kind, in one exhaustive record: adding a kind to COMPONENT_KINDS without its folder's spec here
// fails to compile, and everything that iterates kinds picks it up: the servers that run it (its runsOn), images,
// render, compose, start order, explain, the README, and the Ansible project (roles, packages, daemons, programs).
// test/new-kind.test.ts proves it with a kind defined only there.
import type { ComponentKind } from '../topology/types.js';
import { app } from './app/spec.js';
import { db } from './db/spec.js';
import { haproxy } from './haproxy/spec.js';
import { keepalived } from './keepalived/spec.js';
import type { KindSpec } from './kind.js';
import { mysqldExporter } from './mysqld-exporter/spec.js';
import { nginx } from './nginx/spec.js';
import { nginxExporter } from './nginx-exporter/spec.js';
import { nodeExporter } from './node-exporter/spec.js';
import { prometheus } from './prometheus/spec.js';
import { socat } from './socat/spec.js';

export type { KindSpec };

export const KINDS: { [K in ComponentKind]: KindSpec<K> } = {
  haproxy,
  nginx,
  app,
  db,
  'node-exporter': nodeExporter,
  'nginx-exporter': nginxExporter,
  'mysqld-exporter': mysqldExporter,
  prometheus,
  keepalived,
  socat,
};

/** Every kind's spec, in the record's order (the order images are planned and shared files rendered in). */
export function allKinds(): KindSpec[] {
  return Object.values(KINDS);
}

export function kindOf<K extends ComponentKind>(kind: K): KindSpec<K> {
  return KINDS[kind];
}
