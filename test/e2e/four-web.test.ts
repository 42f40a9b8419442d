// A lab of four web servers end to end: the primary on web-01 and three replicas, the LB spreading over all four in
// turn, every smoke check passing (failover included).
import path from 'node:path';
import { describeWithDocker, requireEngine, uniqueLabName, tempDir, infra } from '../helpers/e2e.js';
import { fixturesDir } from '../helpers/fixtures.js';

const lab = uniqueLabName('four');
const cwd = tempDir();

describeWithDocker('four web servers', () => {
  beforeAll(() => requireEngine());
  afterAll(async () => {
    await infra(['reset', '--name', lab, '--yes'], { cwd });
  });

  it('replicates to three replicas and spreads requests over all four', async () => {
    const config = path.join(fixturesDir, 'valid-four-web.yaml');
    const up = await infra(['up', '-c', config, '--name', lab, '--port', 'auto', '--json'], { cwd });
    const result = JSON.parse(up.stdout);
    expect(result.smoke.checks.filter((c: { status: string }) => c.status !== 'passed')).toEqual([]);
    expect(up.exitCode).toBe(0);
    expect(result.replication.replicas.map((r: { server: string }) => r.server)).toEqual([
      'web-02',
      'web-03',
      'web-04',
    ]);
    const distribution = result.smoke.checks.find((c: { name: string }) => c.name === 'lb-distribution').detail;
    for (const server of ['web-01', 'web-02', 'web-03', 'web-04']) expect(distribution).toContain(server);
  });
});
