// Offline bundles end to end: `images save` writes every image the lab needs into one archive; with those images
// gone, `up --offline` refuses (it never builds or pulls); after `images load`, it boots and passes every check.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describeWithDocker, requireEngine, uniqueLabName, tempDir, infra } from '../helpers/e2e.js';

const lab = uniqueLabName('offline');
const cwd = tempDir();
const bundle = path.join(cwd, 'room.tar');

describeWithDocker('offline image bundle', () => {
  let images: string[] = [];

  beforeAll(() => requireEngine());
  afterAll(async () => {
    await infra(['reset', '--name', lab, '--yes'], { cwd });
    // Whatever happened, the machine keeps its images: the bundle puts back any this test removed.
    const missing = await Promise.all(
      images.map(async (ref) => (await execa('docker', ['image', 'inspect', ref], { reject: false })).exitCode !== 0),
    );
    if (missing.some(Boolean)) await execa('docker', ['load', '-i', bundle]);
    rmSync(bundle, { force: true });
  });

  it('saves, refuses to boot without the images, loads, and boots offline', async () => {
    const save = await infra(['images', 'save', bundle, '--name', lab, '--json'], { cwd });
    expect(save.exitCode).toBe(0);
    const saved = JSON.parse(save.stdout);
    images = saved.images;
    expect(images).toContain('debian:trixie-slim');
    expect(images.filter((r) => r.startsWith('infra-'))).toHaveLength(5);
    expect(saved.bytes).toBeGreaterThan(100 * 2 ** 20);

    // Untagged, as on a machine that never had them (their layers may stay: other images share them).
    await execa('docker', ['rmi', '-f', ...images]);
    const refused = await infra(['up', '--offline', '--name', lab, '--port', 'auto', '--json'], { cwd });
    expect(refused.exitCode).toBe(3);
    expect(JSON.parse(refused.stdout).error.message).toMatch(/^missing image\(s\) debian:trixie-slim, infra-app:/);

    const load = await infra(['images', 'load', bundle, '--json'], { cwd });
    expect(load.exitCode).toBe(0);
    expect(JSON.parse(load.stdout).images.sort()).toEqual([...images].sort());

    const up = await infra(['up', '--offline', '--name', lab, '--port', 'auto', '--json'], { cwd });
    const result = JSON.parse(up.stdout);
    expect(result.steps.find((s: { name: string }) => s.name === 'images').detail).toBe(
      'offline: all 6 images present',
    );
    expect(result.smoke.checks.filter((c: { status: string }) => c.status !== 'passed')).toEqual([]);
    expect(up.exitCode).toBe(0);
  });
});
