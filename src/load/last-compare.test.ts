import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeCompare, readLastCompare, writeLastCompare } from './last-compare.js';

it('keeps the last --compare in the lab folder and says it as explain does', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'infra-compare-'));
  try {
    expect(await readLastCompare(dir)).toBeUndefined();
    const compare = {
      at: '2026-12-05T14:10:00.000Z',
      connections: 10,
      path: '/' as const,
      one: 7885.1,
      all: 8176.9,
      ratio: 1.04,
      servers: 2,
    };
    await writeLastCompare(dir, compare);
    expect(await readLastCompare(dir)).toEqual(compare);
    expect(describeCompare(compare)).toBe(
      'measured by `infra load --compare` on 2026-12-05 14:10 UTC (10 connections, /): one web server 7885.1 req/s, all 2 web servers 8176.9 req/s: 1.04x',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
