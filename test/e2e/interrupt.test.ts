// CI cancels jobs with SIGTERM: `up` finishes the step it is in, then removes everything the run created.
import { execa } from 'execa';
import { describeWithDocker, requireEngine, uniqueLabName, tempDir, byLabel, infraBin } from '../helpers/e2e.js';

const lab = uniqueLabName('intr');
const cwd = tempDir();

describeWithDocker('interrupted up', () => {
  beforeAll(() => requireEngine());

  it('SIGTERM during the boot leaves no container, network or volume', async () => {
    const child = execa('node', [infraBin, 'up', '--name', lab, '--port', 'auto', '--no-smoke'], {
      cwd,
      reject: false,
      env: { NO_COLOR: '1' },
      // execa would follow SIGTERM with SIGKILL after 5 s; the cleanup must be allowed to finish.
      forceKillAfterDelay: false,
    });
    let stderr = '';
    let sent = false;
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
      // Once the images are there, the next step starts containers: interrupt it mid-boot.
      if (stderr.includes('✓ images') && !sent) sent = child.kill('SIGTERM');
    });
    const result = await child;
    expect(stderr).toContain('SIGTERM: stopping after the current step');
    expect(stderr).toContain('error: interrupted by SIGTERM');
    expect(result.exitCode).toBe(1);
    for (const kind of ['container', 'network', 'volume'] as const) {
      expect(await byLabel(kind, `dev.infra.lab=${lab}`)).toEqual([]);
    }
  });
});
