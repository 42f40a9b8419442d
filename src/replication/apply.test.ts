// applyReplication over scripted databases: it decides per replica whether to configure it (first time), resume
// it (configured, but stopped or writable), or leave it unchanged, and runs only the statements that decision needs.
import { FakeDatabases } from '../database/fake-databases.js';
import { buildLab } from '../topology/build-lab.js';
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

it('reconfigures a replica that follows another source', async () => {
  const databases = new FakeDatabases(() => undefined);
  databases.replicating('web-02', 'old-primary');
  const { outcome } = await apply(databases);
  expect(outcome.action).toBe('configured');
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
