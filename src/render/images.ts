// Which image each component runs. The debian set builds its images here from rendered Dockerfiles, tagged by a hash
// of their build context (same context → same tag → nothing to rebuild); the upstream set names official images.
import { createHash } from 'node:crypto';
import type { ComponentKind, Lab } from '../topology/types.js';
import { renderTemplate } from './engine.js';
import { file, type RenderedFile } from './rendered-file.js';

export const BASE_IMAGE = 'debian:trixie-slim';
/** Host containers only hold a network namespace and a PID 1; the base image does that in both sets. */
export const HOST_IMAGE = BASE_IMAGE;

const UPSTREAM: Record<ComponentKind, string> = {
  haproxy: 'haproxy:3.0',
  nginx: 'nginx:1.26',
  app: 'node:20-bookworm-slim',
  db: 'mariadb:11.8',
};
const MYSQL_IMAGE = 'mysql:8.4';

/** Component images, plus infra's own database forwarder (never part of the lab's compose file). */
export type ImageKind = ComponentKind | 'forward';

/** An image infra builds: its tag, and the files of its build context under images/<kind>/. */
export interface ImageBuild {
  kind: ImageKind;
  tag: string;
  contextDir: string;
  files: RenderedFile[];
}

export interface ImagePlan {
  refs: Record<ImageKind, string>;
  builds: ImageBuild[];
}

export function planImages(lab: Lab): ImagePlan {
  const refs: Record<ImageKind, string> = { ...UPSTREAM, forward: '' };
  // Debian has no MySQL server package: the mysql flavour always runs the official image.
  if (lab.flavour === 'mysql') refs.db = MYSQL_IMAGE;
  const components: ImageKind[] =
    lab.flavour === 'mysql' ? ['haproxy', 'nginx', 'app'] : ['haproxy', 'nginx', 'app', 'db'];
  // The forwarder is built in both sets: it is infra's own tool, not one of the lab's components.
  const kinds: ImageKind[] = lab.imageSet === 'upstream' ? ['forward'] : [...components, 'forward'];
  const builds = kinds.map((kind) => {
    const contextDir = `images/${kind}`;
    const files = [
      file(`${contextDir}/Dockerfile`, renderTemplate(`images/${kind}/Dockerfile`, { baseImage: BASE_IMAGE })),
    ];
    if (kind === 'db')
      files.push(file(`${contextDir}/entrypoint.sh`, renderTemplate('images/db/entrypoint.sh', {}), 0o755));
    const tag = `infra-${kind}:${contextHash(files)}`;
    refs[kind] = tag;
    return { kind, tag, contextDir, files };
  });
  return { refs, builds };
}

function contextHash(files: RenderedFile[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    hash.update(`${f.path.split('/').pop()}\0${f.mode.toString(8)}\0${f.content}\0`);
  }
  return hash.digest('hex').slice(0, 12);
}
