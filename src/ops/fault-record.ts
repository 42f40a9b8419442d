// The record of a lab's active faults in its folder (faults.json): read by status, ls, smoke, explain and the live
// page, written by fault, heal, the drills and down. Apart from ops/faults.ts, which makes and undoes the faults, so
// a command that only reads or clears the record loads no more than this.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Fault } from '../faults/fault.js';
import { LAB_FILES } from '../paths.js';
import { replaceJson } from '../render/write-lab.js';

/** The lab's active faults, oldest first; none when the record is absent. */
export async function readFaults(dir: string): Promise<Fault[]> {
  try {
    return JSON.parse(await readFile(path.join(dir, LAB_FILES.faults), 'utf8')) as Fault[];
  } catch {
    return [];
  }
}

/** Written whole beside it, then renamed: an interrupted write never leaves half a record. */
export async function writeFaults(dir: string, faults: Fault[]): Promise<void> {
  const file = path.join(dir, LAB_FILES.faults);
  if (faults.length === 0) {
    await rm(file, { force: true });
    return;
  }
  await replaceJson(file, faults);
}
