// applyReplication over scripted databases: it decides per replica whether to configure it (first time), resume
// it (configured, but stopped or writable), or leave it unchanged, and runs only the statements that decision needs.
import { FakeDatabases } from '../database/fake-databases.js';
import { buildLab } from '../definition/build-lab.js';
import { applyReplication, type Connections } from './apply.js';

const lab = buildLab({});
const secrets = { replicationPassword: 'r3pl', appPassword: 'app' };

async function apply(databases: FakeDatabases) {
  const connections: Connections = { 'web-01': databases.sessionTo('web-01'), 'web-02': databases.sessionTo('web-02') };
  const [outcome] = await applyReplication(lab, secrets, connections, { timeoutMs: 1000 });
  return { outcome, replica: databases.get('web-02').statements };
}

it('configures a replica that follows nobody: clears its GTIDs, points it at the primary, makes it read-only', async () => {
  const { outcome, replica } = await apply(new FakeDatabases(() => undefined));
  expect(outcome.action).toBe('configured');
  expect(replica.filter((s) => !s.startsWith('SELECT') && !s.startsWith('SHOW'))).toEqual([
    'STOP REPLICA',
    'RESET MASTER',
    "SET GLOBAL gtid_slave_pos = ''",
    expect.stringMatching(/^CHANGE MASTER TO MASTER_HOST='web-01', .*MASTER_USE_GTID=slave_pos/),
    'START REPLICA',
    'SET GLOBAL read_only = ON',
  ]);
});

it('leaves a replicating, read-only replica unchanged', async () => {
  const databases = new FakeDatabases(() => undefined);
  databases.replicating('web-02', 'web-01');
  const { outcome, replica } = await apply(databases);
  expect(outcome.action).toBe('unchanged');
  expect(replica.filter((s) => !s.startsWith('SELECT') && !s.startsWith('SHOW'))).toEqual([]);
});

it('resumes a configured replica whose threads stopped, keeping its position (no RESET, no CHANGE)', async () => {
  const databases = new FakeDatabases(() => undefined);
  Object.assign(databases.replicating('web-02', 'web-01'), { sql: false, readOnly: false });
  const { outcome, replica } = await apply(databases);
  expect(outcome.action).toBe('resumed');
  expect(replica.filter((s) => !s.startsWith('SELECT') && !s.startsWith('SHOW'))).toEqual([
    'START REPLICA',
    'SET GLOBAL read_only = ON',
  ]);
});

it('rejoins a database with data that follows another source from its own GTIDs, wiping nothing', async () => {
  const databases = new FakeDatabases(() => undefined);
  databases.replicating('web-02', 'old-primary');
  const { outcome, replica } = await apply(databases);
  expect(outcome.action).toBe('rejoined');
  expect(replica).not.toContain('RESET MASTER');
  expect(replica.some((s) => s.includes('MASTER_USE_GTID=current_pos'))).toBe(true);
});

it('leaves out, read-only, a former primary holding writes the primary never had, saying how to look and rebuild', async () => {
  const databases = new FakeDatabases(() => undefined);
  Object.assign(databases.get('web-02'), { hasAppData: true, binlogState: '0-1-20,0-2-31' });
  databases.get('web-01').binlogState = '0-1-40';
  await expect(apply(databases)).rejects.toMatchObject({
    message: 'web-02: cannot rejoin as a replica of web-01',
    detail: expect.stringContaining('docker volume rm infra-lab_web-02-db-data'),
  });
  expect(databases.get('web-02').readOnly).toBe(true);
  expect(databases.get('web-02').source).toBeNull();
});

it('configures a fresh replica; one rebuilt after it was the primary replays its old writes under another server id', async () => {
  const fresh = new FakeDatabases(() => undefined);
  const { outcome, replica } = await apply(fresh);
  expect(outcome.action).toBe('configured');
  expect(replica.some((s) => s.startsWith('SET GLOBAL server_id'))).toBe(false);
  const rebuilt = new FakeDatabases(() => undefined);
  rebuilt.get('web-01').binlogState = '0-1-20,0-2-57';
  const again = await apply(rebuilt);
  expect(again.replica).toContain('SET GLOBAL server_id = 1002');
  expect(again.replica.indexOf('SET GLOBAL server_id = 1002')).toBeLessThan(again.replica.indexOf('START REPLICA'));
});

it('says how to get a monitored lab on databases made before the profile was on, when the exporter grant is refused', async () => {
  const databases = new FakeDatabases(() => undefined);
  databases.get('web-01').ungrantable = ['BINLOG MONITOR'];
  const connections: Connections = { 'web-01': databases.sessionTo('web-01'), 'web-02': databases.sessionTo('web-02') };
  const monitored = buildLab({ profiles: ['monitored'] });
  await expect(
    applyReplication(monitored, { ...secrets, exporterPassword: 'e' }, connections, { timeoutMs: 1000 }),
  ).rejects.toThrow(
    /web-01: GRANT PROCESS, BINLOG MONITOR, REPLICA MONITOR ON \*\.\* TO 'exporter'@'127\.0\.0\.1' failed: Access denied.*; these databases were made before the monitored profile was on.*`infra down --volumes` \(their data is deleted\)/,
  );
});
