// Every component kind, in one exhaustive record: adding a kind to COMPONENT_KINDS without a file here fails to
// compile, and everything that iterates kinds (images, render, compose, start order, explain) picks it up.
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

export function kindOf<K extends ComponentKind>(kind: K): KindSpec<K> {
  return KINDS[kind];
}
