// The last `infra load --compare` on a lab, kept in its folder: `infra explain algorithm` quotes what the second web
// server bought there, measured, beside what the algorithm does.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LAB_FILES } from '../paths.js';
import { replaceJson } from '../render/write-lab.js';
import type { LoadPath } from './result.js';

export interface LastCompare {
  at: string;
  connections: number;
  path: LoadPath;
  /** Requests per second against one web server, and against all of them. */
  one: number;
  all: number;
  ratio: number;
  servers: number;
}

export async function readLastCompare(dir: string): Promise<LastCompare | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, LAB_FILES.loadCompare), 'utf8')) as LastCompare;
  } catch {
    return undefined;
  }
}

export async function writeLastCompare(dir: string, compare: LastCompare): Promise<void> {
  await replaceJson(path.join(dir, LAB_FILES.loadCompare), compare);
}

/** What explain says of it. */
export function describeCompare(c: LastCompare): string {
  return (
    `measured by \`infra load --compare\` on ${c.at.slice(0, 16).replace('T', ' ')} UTC (${c.connections} ` +
    `connections, ${c.path}): one web server ${c.one} req/s, all ${c.servers} web servers ${c.all} req/s: ${c.ratio}x`
  );
}
