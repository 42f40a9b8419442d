// The only writer of a lab folder. Writes atomically (a temporary sibling folder, then renames), keeps a manifest of
// what it wrote so a re-render can tell a user's edits from its own files, and never overwrites an edit unless forced.
import { createHash, randomBytes } from 'node:crypto';
import { access, chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { LAB_FILES } from '../paths.js';
import type { RenderedFile } from '../templating/rendered-file.js';
import type { LabDefinition } from '../definition/definition.js';
import type { MadeBy } from '../version.js';

export interface LabState {
  lab: string;
  hostPort: number;
  /** `secured`: the HTTPS port and the lab network's subnet, kept like the port so they do not move. */
  httpsPort?: number;
  subnet?: string;
  /** `monitored`: Prometheus's port, kept like the others. */
  monitorPort?: number;
  /** The web server whose database is the primary now: the definition's at first, then wherever `infra promote`
   * moved it. The lab folder keeps it, so every later command (and `up`) acts on the roles as they are. */
  primary?: string;
  /** The definition the lab was rendered from (infra.yaml's content, defaults left out), so commands on a running
   * lab rebuild its model without reading an infra.yaml that may have changed or broken since. */
  definition?: LabDefinition;
  /** The infra that made the lab, or last upgraded it (`up` records it once its migrations ran). Absent in labs
   * from infra before 0.2.0. */
  infra?: MadeBy;
  /** sha256 of each rendered file as infra wrote it. */
  files: Record<string, string>;
}

export interface WriteResult {
  written: string[];
  unchanged: string[];
  removed: string[];
  /** Hand-edited files left as they are (`onEdited: 'keep'`). */
  kept: string[];
}

/** What to do with a file the user edited: refuse to write anything, overwrite it, or keep it and write the rest. */
export type OnEdited = 'refuse' | 'overwrite' | 'keep';

export async function readLabState(dir: string): Promise<LabState | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, LAB_FILES.state), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/**
 * Forgets where `infra promote` moved the primary: with the data deleted (`down --volumes`), the next `up` starts the
 * lab as its definition says. Written beside and renamed over, like every file of the folder.
 */
export async function forgetPrimary(dir: string): Promise<void> {
  await updateLabState(dir, (state) => {
    if (state.primary === undefined) return undefined;
    const rest: LabState = { ...state };
    delete rest.primary;
    return rest;
  });
}

/** Records the infra that made the lab as it is now (after `up`'s migrations). */
export async function recordMadeBy(dir: string, made: MadeBy): Promise<void> {
  await updateLabState(dir, (state) => ({ ...state, infra: made }));
}

/** Rewrites the folder's state through `change` (undefined: leave it), written beside and renamed over. */
async function updateLabState(dir: string, change: (state: LabState) => LabState | undefined): Promise<void> {
  const state = await readLabState(dir);
  const next = state && change(state);
  if (!next) return;
  await replaceJson(path.join(dir, LAB_FILES.state), next);
}

/**
 * Writes a record of the lab folder (`.infra/…`) as JSON beside it, then renames it over: a reader never sees half
 * a file, and two writers never share the staged one.
 */
export async function replaceJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const staged = `${file}.${randomBytes(4).toString('hex')}`;
  await writeFile(staged, JSON.stringify(value, null, 2) + '\n', { mode: 0o644 });
  await rename(staged, file);
}

/**
 * Writes `files` (tracked in the manifest) and `extras` (written only when absent, e.g. secrets) into `dir`.
 * Refuses, writing nothing, when a file the user edited or made would be overwritten, unless `force`.
 */
export async function writeLab(
  dir: string,
  state: Omit<LabState, 'files'>,
  files: RenderedFile[],
  extras: RenderedFile[],
  onEdited: OnEdited,
  /** Files of the folder another command renders (`infra deploy`'s ansible/): left alone, and still tracked. */
  othersOwn: (file: string) => boolean = () => false,
): Promise<WriteResult> {
  await ensureFolderOrAbsent(dir);
  const previous = await readLabState(dir);
  const oldHashes = previous?.files ?? {};
  const result: WriteResult = { written: [], unchanged: [], removed: [], kept: [] };
  const conflicts: string[] = [];
  const toWrite: RenderedFile[] = [];

  for (const f of files) {
    const onDisk = await readOptional(path.join(dir, f.path));
    const next = sha256(f.content);
    if (onDisk === undefined) {
      toWrite.push(f);
      continue;
    }
    const current = sha256(onDisk);
    if (current === next) {
      result.unchanged.push(f.path);
      continue;
    }
    // Changed on disk since infra wrote it (or never written by infra): that is the user's work.
    if (oldHashes[f.path] !== current) conflicts.push(f.path);
    toWrite.push(f);
  }
  const othersFiles = Object.keys(oldHashes).filter((p) => othersOwn(p) && !files.some((f) => f.path === p));
  const stale = Object.keys(oldHashes).filter((p) => !othersOwn(p) && !files.some((f) => f.path === p));
  for (const p of stale) {
    const onDisk = await readOptional(path.join(dir, p));
    if (onDisk !== undefined && sha256(onDisk) !== oldHashes[p]) conflicts.push(p);
  }
  if (conflicts.length > 0 && onEdited === 'keep') {
    result.kept = conflicts;
    const keep = (p: string) => !conflicts.includes(p);
    toWrite.splice(0, toWrite.length, ...toWrite.filter((f) => keep(f.path)));
    stale.splice(0, stale.length, ...stale.filter(keep));
  } else if (conflicts.length > 0 && onEdited === 'refuse') {
    throw new UsageError(
      `${dir} has files changed since infra wrote them; nothing was written`,
      conflicts.map((p) => `${p}: edited by hand (rerun with --force to overwrite, or move it away first)`),
    );
  }

  for (const extra of extras) {
    if (extra.replace || (await readOptional(path.join(dir, extra.path))) === undefined) toWrite.push(extra);
  }
  // A kept edit keeps its old manifest entry, so it still counts as edited next time.
  const hashes = Object.fromEntries([
    ...othersFiles.map((p) => [p, oldHashes[p]]),
    ...files.map((f) => [f.path, result.kept.includes(f.path) ? (oldHashes[f.path] ?? '') : sha256(f.content)]),
  ]);
  const stateFile: RenderedFile = {
    path: LAB_FILES.state,
    content: JSON.stringify({ ...state, files: hashes }, null, 2) + '\n',
    mode: 0o644,
  };

  const staging = path.join(path.dirname(dir), `.${path.basename(dir)}.render-${randomBytes(4).toString('hex')}`);
  // Beside the lab folder: its parents made one by one, so a place no folder can be made in is named at once.
  await makeFolder(path.dirname(dir));
  await mkdir(staging).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot write a lab folder at ${dir} (${error.code ?? error.message}); nothing was written`, [
      '--dir: name a folder in a place you can write to, such as under your home or the working directory',
    ]);
  });
  try {
    for (const f of [...toWrite, stateFile]) {
      const target = path.join(staging, f.path);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, f.content, { mode: f.mode });
      await chmod(target, f.mode);
    }
    if (!(await pathExists(dir))) {
      await rename(staging, dir);
    } else {
      // The manifest goes last: an interrupted write leaves files it does not vouch for, so the next render redoes them.
      for (const f of [...toWrite, stateFile]) {
        await mkdir(path.dirname(path.join(dir, f.path)), { recursive: true });
        await rename(path.join(staging, f.path), path.join(dir, f.path));
      }
      for (const p of stale) {
        await rm(path.join(dir, p), { force: true });
        result.removed.push(p);
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  result.written = toWrite.filter((f) => files.includes(f)).map((f) => f.path);
  return result;
}

/**
 * Makes a folder and its missing parents one at a time. Node's recursive mkdir spins forever where mkdir answers
 * ENOENT under a parent that exists (procfs, sysfs: `--dir /proc/x`); here that is a usage error naming the folder.
 */
export async function makeFolder(folder: string): Promise<void> {
  const missing: string[] = [];
  for (let at = path.resolve(folder); !(await pathExists(at)); at = path.dirname(at)) missing.unshift(at);
  for (const each of missing) {
    await mkdir(each).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return;
      throw new UsageError(`cannot make the folder ${each} (${error.code ?? error.message}); nothing was written`, [
        '--dir: name a folder in a place you can write to, such as under your home or the working directory',
      ]);
    });
  }
}

/** A lab folder is a folder, or nothing yet: a file in its place (or on its path) is the user's, never replaced. */
export async function ensureFolderOrAbsent(dir: string): Promise<void> {
  const found = await stat(dir).then(
    (s) => (s.isDirectory() ? 'folder' : 'file'),
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return 'absent';
      if (error.code === 'ENOTDIR') return 'file';
      throw error;
    },
  );
  if (found === 'file') {
    throw new UsageError(`${dir} is a file (or lies under one), not a lab folder; nothing was written`, [
      '--dir: name a folder that does not exist yet, or one infra rendered before',
    ]);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function pathExists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
