// One `up` of a lab at a time (two terminals, a CI retry): a lock in the lab folder, held for the whole run. The
// second run fails at once, naming the holder, and touches nothing. A holder that died on this host (SIGKILL, a
// closed terminal) is taken over at once; one on another host, whose pid cannot be checked, stops refreshing its
// lock, which goes stale after STALE_MS. proper-lockfile does the atomic mkdir, the refresh and the staleness; this
// module adds who holds it, and which lock it holds (the lock directory's inode: a holder file never vouches for a
// lock that another run made since).
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { StepError } from '../errors.js';
import { ensureFolderOrAbsent, makeFolder } from '../render/write-lab.js';

const LOCK = '.infra/up.lock';
/** Beside the lock (inside it, it would change the directory's mtime, which proper-lockfile watches). */
const HOLDER = '.infra/up.holder.json';
/** A lock not refreshed for this long belongs to a process that died. */
const STALE_MS = 10_000;

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
  /** The inode of the lock directory this run made. */
  lock?: number;
}

export type Release = () => Promise<void>;

export async function lockLab(dir: string, labName: string, command: string): Promise<Release> {
  await ensureFolderOrAbsent(dir);
  await makeFolder(path.join(dir, '.infra'));
  let release: Release;
  try {
    release = await acquire(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const holder = await readHolder(dir);
    if (holder && (await tookOverFromDead(dir, holder))) {
      release = await acquire(dir);
    } else {
      throw new StepError(
        `lab "${labName}" is being changed by another infra run` +
          (holder ? ` (\`${holder.command}\`, pid ${holder.pid} on ${holder.host}, since ${holder.since})` : '') +
          '; nothing was done',
        'Wait for it to finish, or stop it (Ctrl-C lets it clean up). A run killed on another host frees the lock ' +
          `within ${STALE_MS / 1000} s.`,
      );
    }
  }
  const holder: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    command,
    since: new Date().toISOString(),
    lock: await lockInode(dir),
  };
  await writeFile(path.join(dir, HOLDER), JSON.stringify(holder) + '\n');
  return async () => {
    // The holder first: once the lock is free, the file may already be the next run's.
    await rm(path.join(dir, HOLDER), { force: true });
    await release();
  };
}

function acquire(dir: string): Promise<Release> {
  return lockfile.lock(dir, {
    lockfilePath: path.join(dir, LOCK),
    realpath: false,
    stale: STALE_MS,
    retries: 0,
    // A lock lost mid-run (the machine slept past STALE_MS) is reported, not thrown from a timer.
    onCompromised: () => undefined,
  });
}

/**
 * A holder on this host whose process is gone: its lock is removed, by one taker only (the holder file is renamed
 * away first, atomically; a second taker finds it gone and reports the lab busy).
 */
async function tookOverFromDead(dir: string, holder: LockHolder): Promise<boolean> {
  if (holder.host !== os.hostname() || isAlive(holder.pid)) return false;
  // Its lock, not one another run has made since.
  if (holder.lock === undefined || holder.lock !== (await lockInode(dir))) return false;
  const claimed = path.join(dir, `${LOCK}.taken-${process.pid}`);
  try {
    await rename(path.join(dir, HOLDER), claimed);
  } catch {
    return false;
  }
  await rm(path.join(dir, LOCK), { recursive: true, force: true });
  await rm(claimed, { force: true });
  return true;
}

async function lockInode(dir: string): Promise<number | undefined> {
  return stat(path.join(dir, LOCK)).then(
    (s) => s.ino,
    () => undefined,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lab's lock right now, or undefined when nobody does (for `reap`, `ls`). */
export async function lockHolder(dir: string): Promise<LockHolder | undefined> {
  const locked = await lockfile
    .check(dir, { lockfilePath: path.join(dir, LOCK), realpath: false, stale: STALE_MS })
    .catch(() => false);
  return locked ? ((await readHolder(dir)) ?? { pid: 0, host: '?', command: '?', since: '?' }) : undefined;
}

async function readHolder(dir: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, HOLDER), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}
