// Use case `render`: lab definition → lab folder. Also the first step of `up`.
import path from 'node:path';
import { DEFAULT_CONFIG_FILE, defaultLabDir } from '../paths.js';
import { withPrimary } from '../definition/build-lab.js';
import { DEFAULT_LAB } from '../topology/lab-constants.js';
import { loadLab, type PortsChosen } from '../definition/load-lab.js';
import type { LabOverrides } from '../definition/build-lab.js';
import type { Lab } from '../topology/types.js';
import type { LabDefinition } from '../definition/definition.js';
import { renderLab } from '../render/render-lab.js';
import { pathExists, readLabState, writeLab, type WriteResult } from '../render/write-lab.js';
import { addMissingSecrets, generateSecrets, labGitignore, readSecrets, secretsFile } from '../render/secrets.js';
import { findFreePort } from '../runtime/free-port.js';
import { labTls } from '../render/tls.js';
import { chooseSubnet, overlaps, type LabSite } from '../topology/addressing.js';
import { hasFixedAddresses } from '../topology/types.js';
import { targetState } from './lab-target.js';
import type { RenderedFile } from '../templating/rendered-file.js';
import { ANSIBLE_DIR } from '../targets/ansible-project.js';
import { THIS_INFRA } from '../version.js';
import { pendingUpgrade, refuseNewer, type Upgrade } from './upgrade.js';

export interface RenderOptions extends LabOverrides {
  cwd: string;
  config?: string;
  dir?: string;
  force?: boolean;
  /** `up` keeps a student's hand edits and renders the rest; `render` refuses unless --force. */
  keepEdits?: boolean;
  /** `infra promote`: the web server whose database is the primary now (the folder records it). */
  primary?: string;
  /** `infra deploy`: the Ansible project for the lab's real servers, rendered with the lab folder. A render without
   * it (render, up) leaves the folder's last one alone. */
  serverFiles?: RenderedFile[];
  /** Subnets of other Docker networks (`up` asks the engine), which a secured lab's subnet must avoid. */
  takenSubnets?: string[];
}

export interface RenderOutcome extends WriteResult {
  lab: Lab;
  dir: string;
  hostPort: number;
  site: LabSite;
  /** The folder was made by an earlier infra (or another build): what `up` has to bring up to date. */
  upgrade?: Upgrade;
}

/** The lab a render means and the folder it goes to, before anything is written. */
export interface RenderTarget {
  lab: Lab;
  dir: string;
  definition: LabDefinition;
  portsChosen: PortsChosen;
}

export async function resolveRenderTarget(options: RenderOptions): Promise<RenderTarget> {
  // A lab folder knows its lab: rendering into one (--dir, or from inside it) keeps its name and definition.
  // So does the lab's default folder (./infra-labs/<name>) when no infra.yaml says otherwise: `infra up --name x`
  // after `infra up --name x --profile secured` brings back the secured lab, not the built-in one.
  const fileGiven = options.config !== undefined || (await pathExists(path.join(options.cwd, DEFAULT_CONFIG_FILE)));
  const defaultFolder = defaultLabDir(options.cwd, options.name ?? DEFAULT_LAB.name);
  // --dir names the folder: a new one is rendered there, never the default folder's lab instead.
  const found =
    (await targetState(options)) ??
    (fileGiven || options.dir !== undefined ? undefined : await targetState({ ...options, dir: defaultFolder }));
  const { lab, portsChosen, definition } = await loadLab(
    options.cwd,
    options.config,
    { name: options.name ?? found?.state.lab, port: options.port, profiles: options.profiles, seed: options.seed },
    found?.state.definition,
  );
  const dir = found?.folder ?? path.resolve(options.cwd, options.dir ?? defaultLabDir(options.cwd, lab.name));
  return { lab, dir, definition, portsChosen };
}

export async function renderLabFolder(options: RenderOptions, target?: RenderTarget): Promise<RenderOutcome> {
  const resolved = target ?? (await resolveRenderTarget(options));
  const { dir, definition, portsChosen } = resolved;
  const state = await readLabState(dir);
  refuseNewer(dir, state?.infra);
  // The roles as they are: `infra promote` moved the primary away from the definition's, and the folder records it.
  const lab = withPrimary(resolved.lab, options.primary ?? state?.primary);
  const hostPort = await keptPort(lab.port, state?.hostPort, portsChosen.http);
  const site: LabSite = { hostPort };
  const extras = [];
  if (lab.capabilities.monitoring)
    site.monitorPort = await keptPort(lab.monitorPort, state?.monitorPort, portsChosen.monitor);
  if (hasFixedAddresses(lab)) {
    // A lab keeps its subnet unless another network took it while the lab's own network did not exist.
    const taken = options.takenSubnets ?? [];
    site.subnet =
      state?.subnet && !taken.some((t) => overlaps(t, state.subnet!)) ? state.subnet : chooseSubnet(lab.name, taken);
  }
  if (lab.capabilities.tls) {
    site.httpsPort = await keptPort(lab.httpsPort, state?.httpsPort, portsChosen.https);
    const tls = await labTls(dir, lab);
    site.certificate = tls.fingerprint;
    extras.push(...tls.files);
  }
  const existing = await readSecrets(dir);
  const secrets = existing ? await addMissingSecrets(dir, existing) : generateSecrets();
  const result = await writeLab(
    dir,
    {
      lab: lab.name,
      hostPort,
      httpsPort: site.httpsPort,
      monitorPort: site.monitorPort,
      subnet: site.subnet,
      primary: lab.primary,
      definition,
      // A folder keeps the infra it records until `up` has upgraded it; a new one is this infra's.
      infra: state ? state.infra : THIS_INFRA,
    },
    [...renderLab(lab, site), ...(options.serverFiles ?? [])],
    [secretsFile(secrets), labGitignore(), ...extras],
    options.force ? 'overwrite' : options.keepEdits ? 'keep' : 'refuse',
    options.serverFiles ? undefined : (file) => file.startsWith(`${ANSIBLE_DIR}/`),
  );
  return { ...result, lab, dir, hostPort, site, upgrade: pendingUpgrade(state) };
}

/**
 * `auto` picks a port once and keeps it: a port that changed at every render would break bookmarks and scripts. A
 * lab keeps a port it has when neither a flag nor the file names one: `infra up` after `infra up --port auto` must
 * not move the lab to the default port.
 */
async function keptPort(model: number | 'auto', kept: number | undefined, chosen: boolean): Promise<number> {
  return model === 'auto' || (!chosen && kept !== undefined) ? (kept ?? (await findFreePort())) : model;
}
