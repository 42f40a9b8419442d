// Which image each component runs. The debian set builds its images here from rendered Dockerfiles, tagged by a hash
// of their build context (same context → same tag → nothing to rebuild); elsewhere a kind runs its official image.
import { createHash } from 'node:crypto';
import { allKinds } from '../kinds/index.js';
import type { ComponentKind, Lab } from '../topology/types.js';
import { BASE_IMAGE } from '../templating/base-image.js';
import path from 'node:path';
import { kindsDir, templatesDir } from '../paths.js';
import { renderTemplateIn } from '../templating/engine.js';
import { file, type RenderedFile } from '../templating/rendered-file.js';

export { BASE_IMAGE };

/** Component images, infra's own database forwarder (never part of the lab's compose file), and the secured
 * profile's host image (nftables). */
export type ImageKind = ComponentKind | 'forward' | 'host' | 'nettools';

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
  const refs = { forward: '', host: BASE_IMAGE } as Record<ImageKind, string>;
  const builds: ImageBuild[] = [];
  // Only the kinds this lab runs: the built-in lab builds no exporter, a monitored one does.
  const used = new Set(lab.servers.flatMap((s) => s.components.map((c) => c.kind)));
  for (const spec of allKinds()) {
    if (spec.builtHere(lab) && used.has(spec.kind)) builds.push(imageBuild(spec.kind, spec.buildExtras(lab)));
    else refs[spec.kind] = spec.upstreamImage(lab);
  }
  // The forwarder is built in both sets: it is infra's own tool, not one of the lab's components.
  builds.push(imageBuild('forward', []));
  // Secured labs' hosts load a firewall: built in both sets, like the forwarder (it is infra's, not a component).
  if (lab.capabilities.firewalls) builds.push(imageBuild('host', []));
  for (const build of builds) refs[build.kind] = build.tag;
  return { refs, builds };
}

/** Where an image's templates are: a component kind's in its folder (src/kinds/<kind>/image/), infra's own images'
 * (the forwarder, the firewalled host, the network tools) in templates/images/. */
function imageTemplatesDir(kind: ImageKind): string {
  return kind === 'forward' || kind === 'host' || kind === 'nettools'
    ? path.join(templatesDir, 'images', kind)
    : path.join(kindsDir, kind, 'image');
}

/**
 * infra's network tools (`infra fault`): not in any lab's plan (no `up` waits for it), built the first time a fault
 * needs it. Its tag is a hash of its context like every image's.
 */
export function networkToolsImage(): ImageBuild {
  return imageBuild('nettools', []);
}

function imageBuild(kind: ImageKind, extras: readonly { name: string; mode: number; view: object }[]): ImageBuild {
  const contextDir = `images/${kind}`;
  const templates = imageTemplatesDir(kind);
  const files = [
    file(`${contextDir}/Dockerfile`, renderTemplateIn(templates, 'Dockerfile', { baseImage: BASE_IMAGE })),
    ...extras.map((e) => file(`${contextDir}/${e.name}`, renderTemplateIn(templates, e.name, e.view), e.mode)),
  ];
  return { kind, tag: `infra-${kind}:${contextHash(files)}`, contextDir, files };
}

function contextHash(files: RenderedFile[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    hash.update(`${f.path.split('/').pop()}\0${f.mode.toString(8)}\0${f.content}\0`);
  }
  return hash.digest('hex').slice(0, 12);
}
