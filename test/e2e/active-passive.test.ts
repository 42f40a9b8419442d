// An active-passive lab end to end: every request on web-01 while it lives; web-02 (a HAProxy backup) takes over
// only while web-01 is down, with no failed request, and hands back when it returns. All checks pass.
import path from 'node:path';
import { describeWithDocker, requireEngine, uniqueLabName, tempDir, infra } from '../helpers/e2e.js';
import { fixturesDir } from '../helpers/fixtures.js';

const lab = uniqueLabName('passive');
const cwd = tempDir();

describeWithDocker('active-passive lab', () => {
  beforeAll(() => requireEngine());
  afterAll(async () => {
    await infra(['reset', '--name', lab, '--yes'], { cwd });
  });

  it('passes every smoke check, failover included', async () => {
    const config = path.join(fixturesDir, 'valid-active-passive.yaml');
    const up = await infra(['up', '-c', config, '--name', lab, '--port', 'auto', '--json'], { cwd });
    const result = JSON.parse(up.stdout);
    expect(result.smoke.checks.map((c: { status: string }) => c.status)).toEqual(Array(8).fill('passed'));
    expect(up.exitCode).toBe(0);
    const detail = (name: string) => result.smoke.checks.find((c: { name: string }) => c.name === name).detail;
    expect(detail('lb-distribution')).toBe('roundrobin, active-passive: ' + Array(8).fill('web-01').join(' '));
    expect(detail('failover')).toMatch(/0 failed, served by web-01, web-02/);
  });
});
