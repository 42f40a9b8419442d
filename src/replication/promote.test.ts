import { jest } from '@jest/globals';
import { buildLab } from '../definition/build-lab.js';
import { FakeDatabases } from '../database/fake-databases.js';
import type { Connections } from './apply.js';
import { failover, switchover } from './promote.js';

const lab = buildLab({});
const threeWeb = buildLab({
  servers: [
    { name: 'lb-01', role: 'lb' },
    { name: 'web-01', role: 'web' },
    { name: 'web-02', role: 'web' },
    { name: 'web-03', role: 'web' },
  ],
});

function databases(servers: string[]): { dbs: FakeDatabases; connections: Connections } {
  const dbs = new FakeDatabases(() => undefined);
  dbs.get('web-01').hasAppData = true;
  for (const s of servers.filter((s) => s !== 'web-01')) dbs.replicating(s, 'web-01');
  return { dbs, connections: Object.fromEntries(servers.map((s) => [s, dbs.sessionTo(s)])) };
}

it('a switchover stops writes on the primary, waits for the candidate, promotes it, names it, then re-points the old primary', async () => {
  const { dbs, connections } = databases(['web-01', 'web-02']);
  const order: string[] = [];
  const outcome = await switchover(lab, connections, 'web-02', {
    replicationPassword: 'r',
    timeoutMs: 5000,
    announce: async (primary) => {
      order.push(
        `announce ${primary}: web-02 read-only ${dbs.get('web-02').readOnly}, web-01 source ${dbs.get('web-01').source}`,
      );
    },
  });
  expect(order).toEqual(['announce web-02: web-02 read-only false, web-01 source null']);
  const old = dbs.get('web-01').statements.filter((s) => !s.startsWith('SELECT'));
  expect(old.slice(0, 1)).toEqual(['SET GLOBAL read_only = ON']);
  expect(
    old.some((s) => s.startsWith("CHANGE MASTER TO MASTER_HOST='web-02'") && s.includes('MASTER_USE_GTID=current_pos')),
  ).toBe(true);
  const candidate = dbs.get('web-02').statements;
  const waited = candidate.findIndex((s) => s.startsWith('SELECT MASTER_GTID_WAIT'));
  expect(waited).toBeGreaterThanOrEqual(0);
  expect(candidate.slice(waited + 1, waited + 4)).toEqual([
    'STOP REPLICA',
    'RESET REPLICA ALL',
    'SET GLOBAL read_only = OFF',
  ]);
  expect(outcome).toMatchObject({
    kind: 'switchover',
    from: 'web-01',
    to: 'web-02',
    replicas: ['web-01'],
    left_out: [],
  });
  expect(outcome.write_pause_ms).toEqual(expect.any(Number));
});

it('a switchover the candidate cannot catch up with is abandoned: the old primary takes writes again', async () => {
  const { dbs, connections } = databases(['web-01', 'web-02']);
  // Its threads stop after the check (a broken candidate): MASTER_GTID_WAIT times out.
  const session = connections['web-02'];
  connections['web-02'] = {
    ...session,
    query: async (sql, params) => {
      if (sql.startsWith('SELECT MASTER_GTID_WAIT')) return [{ r: -1 }];
      return session.query(sql, params);
    },
  };
  const announce = jest.fn(async (_primary: string) => undefined);
  await expect(
    switchover(lab, connections, 'web-02', { replicationPassword: 'r', timeoutMs: 1000, announce }),
  ).rejects.toThrow(/switchover to web-02 abandoned: web-02 did not apply web-01's writes/);
  expect(announce).not.toHaveBeenCalled();
  expect(dbs.get('web-01').readOnly).toBe(false);
  expect(dbs.get('web-02').source).toBe('web-01');
});

it('a switchover refuses a candidate that is not replicating from the primary', async () => {
  const { dbs, connections } = databases(['web-01', 'web-02']);
  Object.assign(dbs.get('web-02'), { io: false, sql: false });
  await expect(
    switchover(lab, connections, 'web-02', {
      replicationPassword: 'r',
      timeoutMs: 1000,
      announce: jest.fn(async (_primary: string) => undefined),
    }),
  ).rejects.toThrow('web-02 is not replicating from web-01 (IO thread No, SQL thread No)');
  expect(dbs.get('web-01').statements).not.toContain('SET GLOBAL read_only = ON');
});

it('a failover refuses a candidate another replica is ahead of, and names the one to promote', async () => {
  const { dbs, connections } = databases(['web-02', 'web-03']);
  dbs.get('web-02').binlogState = '0-1-20';
  dbs.get('web-03').binlogState = '0-1-22';
  await expect(
    failover(threeWeb, connections, 'web-02', {
      replicationPassword: 'r',
      timeoutMs: 1000,
      announce: jest.fn(async (_primary: string) => undefined),
    }),
  ).rejects.toThrow(
    expect.objectContaining({ message: 'web-03 holds writes web-02 lacks (0-1-22): promoting web-02 would lose them' }),
  );
  expect(dbs.get('web-02').statements).not.toContain('RESET REPLICA ALL');
});

it('a failover promotes the most advanced replica and points the others at it, leaving the old primary out', async () => {
  const { dbs, connections } = databases(['web-02', 'web-03']);
  dbs.get('web-02').binlogState = '0-1-22';
  dbs.get('web-03').binlogState = '0-1-21';
  const outcome = await failover(threeWeb, connections, 'web-02', {
    replicationPassword: 'r',
    timeoutMs: 5000,
    announce: async () => undefined,
  });
  expect(outcome).toMatchObject({ kind: 'failover', to: 'web-02', replicas: ['web-03'], left_out: ['web-01'] });
  expect(dbs.get('web-03').source).toBe('web-02');
  expect(dbs.get('web-02').source).toBeNull();
});
