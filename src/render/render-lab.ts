// Render is pure (docs/ARCHITECTURE.md, the flow): Lab model + where it sits on this host → the files of a lab
// folder. No I/O beyond reading templates; the writer is the only module that touches the lab folder. Each component
// kind renders its own files; this module adds what belongs to the lab as a whole, and what its profiles add.
import { createHash } from 'node:crypto';
import { allKinds, KINDS } from '../kinds/index.js';
import { LAB_FILES } from '../paths.js';
import { firewallFiles } from '../profiles/secured/firewall-file.js';
import { requireSubnet, type LabSite } from '../topology/addressing.js';
import type { Lab } from '../topology/types.js';
import { composeView } from './compose-view.js';
import { renderTemplate } from '../templating/engine.js';
import { readmeView } from './readme-view.js';
import { planImages } from './images.js';
import { file, type RenderedFile } from '../templating/rendered-file.js';

export function renderLab(lab: Lab, site: LabSite): RenderedFile[] {
  const images = planImages(lab);
  const files: RenderedFile[] = [];
  for (const server of lab.servers) {
    for (const component of server.components) files.push(...KINDS[component.kind].files(lab, server, site));
  }
  const used = new Set(lab.servers.flatMap((s) => s.components.map((c) => c.kind)));
  for (const spec of allKinds().filter((k) => used.has(k.kind))) files.push(...spec.sharedFiles(lab));
  if (lab.capabilities.firewalls) files.push(...firewallFiles(lab, requireSubnet(site)));
  for (const build of images.builds) files.push(...build.files);
  // Compose recreates a container when its definition changes, not when a file it mounts does: each component
  // carries a hash of its mounted config, so `up` after a re-render restarts exactly what changed. The certificate
  // is not rendered here (tls.ts keeps it), so its fingerprint stands for it.
  const view = composeView(lab, images.refs, site, (server, kind) => {
    const mounted = KINDS[kind].configFiles(lab, server);
    const contents = files.filter((f) => mounted.includes(f.path)).map((f) => f.content);
    if (mounted.includes(LAB_FILES.serverPem)) contents.push(site.certificate ?? '');
    return contentHash(contents);
  });
  files.push(file('compose.yaml', renderTemplate('compose.yaml', view)));
  files.push(file('README.md', renderTemplate('README.md', readmeView(lab, site))));
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

function contentHash(contents: string[]): string {
  const hash = createHash('sha256');
  for (const c of contents) hash.update(c).update('\0');
  return hash.digest('hex').slice(0, 12);
}
